/**
 * A device home directory (DESIGN §7 `--home DIR`): `device.json` (name,
 * relay URL, keystore backend, deviceId — public), `state.db` (the state
 * store), `rpc.json` (the running daemon's port and token, 0600) and, for the
 * file keystore, `keystore/`. The identity keys live in the keystore under
 * `device/identity`, never in a plain file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { concatBytes } from '../../shared/bytes.js';
import { RampartError } from '../../shared/errors.js';
import { deviceIdOf, deviceKeysFromBytes, devicePublicKeys, generateDeviceKeys, type DeviceSecretKeys } from '../../shared/identity.js';
import { deviceIdSchema } from '../../shared/wire/primitives.js';
import { writeFileAtomic } from '../keystore/atomic.js';
import { FileKeystore } from '../keystore/file.js';
import { homeSuffix, OsKeystore } from '../keystore/os.js';
import type { Keystore } from '../keystore/types.js';

const IDENTITY = 'device/identity';

const deviceFileSchema = z.strictObject({
  v: z.literal(1),
  name: z.string().min(1).max(64),
  relay: z.string().url(),
  keystore: z.enum(['os', 'file']),
  deviceId: deviceIdSchema,
});
/** `device.json`: a device's public configuration. */
export type DeviceFile = z.infer<typeof deviceFileSchema>;

/** An opened device home: its configuration, keystore and identity. */
export interface DeviceHome {
  dir: string;
  config: DeviceFile;
  keystore: Keystore;
  identity: DeviceSecretKeys;
  statePath: string;
}

async function openKeystore(dir: string, backend: 'os' | 'file', opts: { passphrase?: string; scryptN?: number }): Promise<Keystore> {
  return backend === 'os' ? OsKeystore.open({ suffix: homeSuffix(dir) }) : FileKeystore.open({ home: dir, ...opts });
}

/** Creates a device home: identity in the keystore, `device.json`; refuses to overwrite an existing device. */
export async function initHome(
  home: string,
  o: { name: string; relay: string; keystore: 'os' | 'file'; passphrase?: string; scryptN?: number },
): Promise<DeviceHome> {
  const dir = resolve(home);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const existing = await readFile(join(dir, 'device.json'), 'utf8').catch(() => undefined);
  if (existing !== undefined) throw new RampartError('PLAN_INVALID', `${dir} already holds a device; use another --home`);
  const keystore = await openKeystore(dir, o.keystore, o);
  if ((await keystore.get(IDENTITY)) !== undefined) throw new RampartError('PLAN_INVALID', `the keystore of ${dir} already holds an identity`);
  const identity = generateDeviceKeys();
  await keystore.set(IDENTITY, concatBytes(identity.signingKey.expose(), identity.hpkeKey.expose()));
  const config: DeviceFile = { v: 1, name: o.name, relay: o.relay, keystore: o.keystore, deviceId: deviceIdOf(devicePublicKeys(identity).identityKey) };
  const tmp = join(dir, `device.json.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, join(dir, 'device.json'));
  return { dir, config, keystore, identity, statePath: join(dir, 'state.db') };
}

/** Stores a new relay URL in `device.json` (atomically, mode 0600); the running device keeps its relay until restarted. */
export async function setHomeRelay(home: DeviceHome, relay: string): Promise<void> {
  const config: DeviceFile = deviceFileSchema.parse({ ...home.config, relay });
  await writeFileAtomic(home.dir, 'device.json', new TextEncoder().encode(JSON.stringify(config, null, 2) + '\n'));
  home.config = config;
}

/** Opens an existing device home; clear errors for a missing or damaged one. */
export async function openHome(home: string, o: { passphrase?: string } = {}): Promise<DeviceHome> {
  const dir = resolve(home);
  const text = await readFile(join(dir, 'device.json'), 'utf8').catch(() => undefined);
  if (text === undefined) throw new RampartError('PLAN_INVALID', `no device at ${dir}; create one with \`rampart device init --home ${home}\``);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new RampartError('ENCODING_INVALID', `${join(dir, 'device.json')} is not valid JSON`);
  }
  const parsed = deviceFileSchema.safeParse(data);
  if (!parsed.success) throw new RampartError('ENCODING_INVALID', `${join(dir, 'device.json')} is malformed`);
  const config = parsed.data;
  const keystore = await openKeystore(dir, config.keystore, o);
  const raw = await keystore.get(IDENTITY);
  if (raw === undefined || raw.length !== 64) throw new RampartError('KEYSTORE_CORRUPT', `the keystore of ${dir} holds no device identity`);
  const identity = deviceKeysFromBytes(raw.subarray(0, 32), raw.subarray(32, 64));
  raw.fill(0);
  if (deviceIdOf(devicePublicKeys(identity).identityKey) !== config.deviceId) {
    throw new RampartError('KEYSTORE_CORRUPT', `the identity in the keystore is not device ${config.deviceId}`);
  }
  return { dir, config, keystore, identity, statePath: join(dir, 'state.db') };
}
