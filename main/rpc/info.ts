/**
 * `<home>/rpc.json` (DESIGN §9): where a running device's local RPC listens
 * and the token it requires. Written atomically with mode 0600 while the
 * daemon runs, removed when it stops.
 */
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RampartError } from '../../shared/errors.js';
import { rpcTokenSchema } from '../../shared/rpc-protocol.js';
import { writeFileAtomic } from '../keystore/atomic.js';

/** The file name inside the device home. */
export const RPC_INFO_FILE = 'rpc.json';

/** What rpc.json holds. */
export const rpcInfoSchema = z.strictObject({ port: z.number().int().min(1).max(65535), token: rpcTokenSchema, pid: z.number().int().min(0) });
/** Contents of rpc.json. */
export type RpcInfo = z.infer<typeof rpcInfoSchema>;

/** The error a client gets when no device is running at `home`. */
export function notRunning(home: string): RampartError {
  return new RampartError('DEVICE_UNAVAILABLE', `no running device at ${home}; start it with \`rampart device run --home ${home}\``);
}

/** Writes rpc.json (temp file + rename, mode 0600). */
export async function writeRpcInfo(home: string, info: RpcInfo): Promise<void> {
  await writeFileAtomic(home, RPC_INFO_FILE, new TextEncoder().encode(`${JSON.stringify(info)}\n`));
}

/** Reads rpc.json; the "not running" error when it is missing or unreadable. */
export async function readRpcInfo(home: string): Promise<RpcInfo> {
  let text: string;
  try {
    text = await readFile(join(home, RPC_INFO_FILE), 'utf8');
  } catch {
    throw notRunning(home);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw notRunning(home);
  }
  const r = rpcInfoSchema.safeParse(value);
  if (!r.success) throw notRunning(home);
  return r.data;
}

/** Removes rpc.json if it still holds `token` (a newer daemon's file is left alone). */
export async function removeRpcInfo(home: string, token: string): Promise<void> {
  const current = await readRpcInfo(home).catch(() => undefined);
  if (current?.token === token) await unlink(join(home, RPC_INFO_FILE)).catch(() => undefined);
}
