/**
 * Fixtures for the desktop shell's tests: a real DeviceService on the simulated
 * network, a fake `ipcMain` that records what is registered (the handlers are
 * the unit under test, not Electron), and sender frames as Electron gives them.
 */
import { DeviceService } from '../../main/device/service.js';
import { StateStore } from '../../main/device/state-store.js';
import type { IpcHandler, IpcMainLike, InvokeEvent } from '../../main/electron/ipc.js';
import { APP_URL } from '../../main/electron/policy.js';
import { commands, type CommandName, type DeviceApi } from '../../shared/api.js';
import { deviceIdOf, devicePublicKeys, generateDeviceKeys } from '../../shared/identity.js';
import { memorySecrets } from '../helpers/device-fixtures.js';
import { MemoryNetwork } from '../helpers/memory-network.js';

/** A real device on its own simulated network. */
export function device(name = 'alice'): DeviceService {
  const net = new MemoryNetwork();
  const identity = generateDeviceKeys();
  const transport = net.transport(deviceIdOf(devicePublicKeys(identity).identityKey));
  const state = new StateStore(':memory:');
  return new DeviceService({ name, relayUrl: 'memory://', keystoreBackend: 'file', identity, secrets: memorySecrets(), state, transport, clock: { now: () => Date.now() } });
}

type Overrides = Partial<Record<CommandName, (params: unknown) => Promise<unknown>>>;

/** `svc` as a DeviceApi that counts the calls reaching it, with some commands replaced. */
export function countingApi(svc: DeviceApi, overrides: Overrides = {}): { api: DeviceApi; calls: CommandName[] } {
  const calls: CommandName[] = [];
  const entries = (Object.keys(commands) as CommandName[]).map((m) => [
    m,
    (p: unknown) => {
      calls.push(m);
      return (overrides[m] ?? ((q: unknown) => (svc[m] as (q: unknown) => Promise<unknown>).call(svc, q)))(p);
    },
  ]);
  return { api: Object.fromEntries(entries) as DeviceApi, calls };
}

/** A stand-in for Electron's ipcMain: records `handle` registrations and lets a test invoke them. */
export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, IpcHandler>();
  handle(channel: string, listener: IpcHandler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What the renderer's `ipcRenderer.invoke(channel, ...args)` would receive. */
  invoke(channel: string, event: InvokeEvent, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (h === undefined) throw new Error(`No handler registered for '${channel}'`);
    // Electron structured-clones arguments and results; so does this fake.
    return h(event, ...structuredClone(args)).then((r) => structuredClone(r));
  }
}

/** The invoke event of the app page's main frame. */
export const fromApp: InvokeEvent = { senderFrame: { url: APP_URL, parent: null } };
/** The invoke event of some frame showing `url` (a subframe when `parent` is given). */
export const from = (url: string, parent: unknown = null): InvokeEvent => ({ senderFrame: { url, parent } });
