/**
 * Fixtures for the local RPC tests: real DeviceServices over the simulated
 * network, an API wrapper that lets one test replace single commands, temp
 * homes, and a raw WebSocket opener that reports the HTTP refusal status.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { DeviceService } from '../../main/device/service.js';
import { StateStore } from '../../main/device/state-store.js';
import type { RpcApi } from '../../main/rpc/server.js';
import { commands, type CommandName } from '../../shared/api.js';
import { deviceIdOf, devicePublicKeys, generateDeviceKeys } from '../../shared/identity.js';
import { RPC_SUBPROTOCOL, RPC_TOKEN_PREFIX } from '../../shared/rpc-protocol.js';
import { memorySecrets } from '../helpers/device-fixtures.js';
import { MemoryNetwork } from '../helpers/memory-network.js';

/** A real DeviceService on `net`. */
export function device(net: MemoryNetwork, name: string): DeviceService {
  const identity = generateDeviceKeys();
  const transport = net.transport(deviceIdOf(devicePublicKeys(identity).identityKey));
  const state = new StateStore(':memory:');
  return new DeviceService({ name, relayUrl: 'memory://', keystoreBackend: 'file', identity, secrets: memorySecrets(), state, transport, clock: { now: () => Date.now() } });
}

type Overrides = Partial<Record<CommandName, (params: unknown) => Promise<unknown>>>;

/** `svc` as an RpcApi, with some commands replaced (to make the API misbehave on purpose). */
export function apiOf(svc: DeviceService, overrides: Overrides = {}): RpcApi {
  const entries = (Object.keys(commands) as CommandName[]).map((m) => [m, overrides[m] ?? ((p: unknown) => (svc[m] as (p: unknown) => Promise<unknown>).call(svc, p))]);
  return { ...(Object.fromEntries(entries) as Omit<RpcApi, 'on'>), on: (l) => svc.on(l) };
}

const dirs: string[] = [];
/** A fresh temp device home. */
export function tempHome(): string {
  const d = mkdtempSync(join(tmpdir(), 'rampart-rpc-'));
  dirs.push(d);
  return d;
}
/** Removes the temp homes. */
export function cleanHomes(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** The subprotocols a correct client offers. */
export const protocolsFor = (token: string): string[] => [RPC_SUBPROTOCOL, `${RPC_TOKEN_PREFIX}${token}`];

/** Opens a raw WebSocket: the open socket, or the HTTP status the upgrade was refused with. */
export function rawOpen(url: string, protocols: string[], headers: Record<string, string> = {}): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('error', (e) => {
      const status = /Unexpected server response: (\d+)/.exec(e.message)?.[1];
      if (status !== undefined) resolve({ status: Number(status) });
      else reject(e);
    });
  });
}

/** Sends one text frame and resolves with the next frame received, parsed. */
export function roundTrip(ws: WebSocket, text: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
    ws.send(text);
  });
}
