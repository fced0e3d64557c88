/**
 * Shared fixtures for DeviceService tests: an in-memory secret store for the
 * simulated devices (the real keystores have their own contract tests),
 * polling with a deadline, and "approve the next request of this kind".
 */
import type { SecretStore } from '../../main/device/components.js';
import type { DeviceApi } from '../../shared/api.js';

/** An in-memory secret store; `onSet` observes writes (crash tests), `names()` lists what is stored. */
export function memorySecrets(onSet?: (name: string) => void): SecretStore & { names(): string[]; onSet: ((name: string) => void) | undefined } {
  const m = new Map<string, Uint8Array>();
  const store = {
    onSet,
    get: async (n: string) => m.get(n),
    set: async (n: string, v: Uint8Array) => {
      m.set(n, v.slice());
      store.onSet?.(n);
    },
    delete: async (n: string) => m.delete(n),
    list: async (prefix = '') => [...m.keys()].filter((k) => k.startsWith(prefix)).sort(),
    names: () => [...m.keys()].sort(),
  };
  return store;
}

/** Polls `fn` until it yields something other than undefined/false, or fails after `ms` naming `what`. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits for a request of `kind` at `api` and approves it, as the holder would. */
export async function approveNext(api: Pick<DeviceApi, 'requests' | 'approve'>, kind: 'dkg' | 'sign' | 'reshare', who = 'the device'): Promise<void> {
  const r = await until(`${who} sees a ${kind} request`, async () => (await api.requests({})).find((x) => x.kind === kind));
  await api.approve({ id: r.id });
}
