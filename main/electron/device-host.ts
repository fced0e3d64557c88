/**
 * The device behind the window: `runDevice` (main/daemon.ts, the same device
 * as `rampart device run`) without the local RPC server, wrapped so the IPC
 * handlers always reach the current service. A backup restored into a fresh
 * home replaces the device's identity (DESIGN §6); the host then stops the
 * device and starts it again on the same home, as the daemon does, and keeps
 * every event subscription.
 */
import type { CommandName, DeviceApi, EventName, EventPayload } from '../../shared/api.js';
import { commands } from '../../shared/api.js';

type Listener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** The part of a running device (main/daemon.ts `RunningDevice`) the host uses. */
export interface HostedDevice {
  readonly service: DeviceApi & { on(listener: Listener): () => void };
  stop(): Promise<void>;
}

/** The device API, its events, and shutdown. */
export interface DeviceHost {
  readonly api: DeviceApi;
  on(listener: Listener): () => void;
  stop(): Promise<void>;
}

/** Starts the device with `start` and hosts it. */
export async function hostDevice(start: () => Promise<HostedDevice>): Promise<DeviceHost> {
  let running = await start();
  const listeners = new Set<Listener>();
  const forward: Listener = (event, payload) => {
    for (const l of listeners) l(event, payload);
  };
  let unsubscribe = running.service.on(forward);
  let restarting: Promise<void> | undefined;

  const restart = async (): Promise<void> => {
    unsubscribe();
    await running.stop();
    running = await start();
    unsubscribe = running.service.on(forward);
  };

  const api = Object.fromEntries(
    (Object.keys(commands) as CommandName[]).map((m) => [
      m,
      async (p: unknown) => {
        await restarting;
        return (running.service[m] as (p: unknown) => Promise<unknown>).call(running.service, p);
      },
    ]),
  ) as DeviceApi;
  api.importBackup = async (p) => {
    await restarting;
    const r = await running.service.importBackup(p);
    if (r.identityReplaced) {
      restarting = restart();
      await restarting;
    }
    return r;
  };

  return {
    api,
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async stop() {
      await restarting?.catch(() => undefined);
      unsubscribe();
      await running.stop();
    },
  };
}
