/**
 * The device daemon (`rampart device run`, DESIGN §7): opens the device home,
 * connects to the relay, runs the DeviceService and serves the device API on
 * the token-guarded local RPC. Also used in-process by `rampart demo`.
 *
 * A backup restored into a fresh home replaces the device's identity
 * (DESIGN §6): the daemon then restarts its service and relay connection
 * under the restored identity, behind the same RPC server and token.
 * `openOfflineDevice` is the same device without relay traffic or RPC, for
 * `rampart backup` when no daemon runs for the home.
 */
import type { CommandName, DeviceApi, EventName, EventPayload } from '../shared/api.js';
import { commands } from '../shared/api.js';
import { RampartError } from '../shared/errors.js';
import type { Transport } from './device/components.js';
import { relayCertificateLookup, replaceHomeIdentity } from './device/home-backup.js';
import { openHome, setHomeRelay, type DeviceHome } from './device/home.js';
import { DeviceService } from './device/service.js';
import { StateStore } from './device/state-store.js';
import { RelayClient } from './relay/client.js';
import { startRpcServer, type RpcApi } from './rpc/server.js';
import { openRendererRoot } from './ui/static-server.js';

/** A running device. `service` and `relay` change when a restore replaces the identity. */
export interface RunningDevice {
  readonly service: DeviceService;
  readonly relay: RelayClient;
  /** The local RPC; with `ui`, `uiUrl` is the browser UI's address (token in the fragment). */
  rpc: { port: number; url: string; uiUrl?: string; close(): Promise<void> } | undefined;
  stop(): Promise<void>;
}

/** Options of runDevice. */
export interface RunDeviceOptions {
  passphrase?: string;
  /** false (demo): no local RPC server. */
  rpc?: boolean;
  autoApproveForDemo?: boolean;
  onLog?: (line: string) => void;
  /**
   * Browser mode (`device run --ui`): the RPC port also serves the built renderer in `root`
   * (which must hold index.html) and accepts its origin; `port` fixes the port (default: a free one).
   */
  ui?: { root: string; port?: number };
}

type Listener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

interface Parts {
  home: DeviceHome;
  state: StateStore;
  relay: RelayClient;
  service: DeviceService;
}

/** The components a device home gives its DeviceService, whether it runs (daemon) or not (offline backup commands). */
function homeComponents(h: DeviceHome, state: StateStore) {
  return {
    name: h.config.name,
    relayUrl: h.config.relay,
    keystoreBackend: h.config.keystore,
    identity: h.identity,
    secrets: h.keystore,
    config: { relay: () => h.config.relay, setRelay: (url: string) => setHomeRelay(h, url) },
    state,
    clock: { now: () => Date.now() },
    replaceIdentity: async (keys: Parameters<typeof replaceHomeIdentity>[1]) => void (await replaceHomeIdentity(h, keys)),
  } satisfies Partial<ConstructorParameters<typeof DeviceService>[0]>;
}

async function startParts(home: string, o: RunDeviceOptions): Promise<Parts> {
  const h = await openHome(home, o.passphrase === undefined ? {} : { passphrase: o.passphrase });
  const state = new StateStore(h.statePath);
  const relay = new RelayClient({ url: h.config.relay, identity: h.identity, onError: (e) => o.onLog?.(`relay: ${e instanceof Error ? e.message : String(e)}`) });
  const service = new DeviceService({
    ...homeComponents(h, state),
    transport: relay,
    autoApproveForDemo: o.autoApproveForDemo === true,
    certificateFor: relayCertificateLookup(h.config.relay, { deviceId: relay.deviceId, client: relay }),
  });
  relay.on('connection', (e) => service.connectionChanged(e.connected));
  relay.start();
  service.start();
  return { home: h, state, relay, service };
}

async function stopParts(p: Parts): Promise<void> {
  p.service.stop();
  await p.relay.stop();
  p.state.close();
}

/** Starts the device of `home`; with `rpc: false` (demo) no local RPC server is opened. */
export async function runDevice(home: string, o: RunDeviceOptions = {}): Promise<RunningDevice> {
  if (o.ui !== undefined && o.rpc === false) throw new Error('the browser UI needs the local RPC');
  if (o.ui !== undefined) await openRendererRoot(o.ui.root); // fail before the device starts
  let parts = await startParts(home, o);
  const listeners = new Set<Listener>();
  const forward: Listener = (event, payload) => {
    for (const l of listeners) l(event, payload);
  };
  let unsubscribe = parts.service.on(forward);
  let restarting: Promise<void> | undefined;

  /** After a restore adopted another identity: the same home, opened again under it. */
  const restart = async (): Promise<void> => {
    unsubscribe();
    await stopParts(parts);
    parts = await startParts(home, o);
    unsubscribe = parts.service.on(forward);
    o.onLog?.(`backup restored: device ${parts.service.deviceId} running`);
  };

  // The RPC API: every command goes to the current service (waiting out a restart).
  const api = Object.fromEntries(
    (Object.keys(commands) as CommandName[]).map((m) => [
      m,
      async (p: unknown) => {
        await restarting;
        return (parts.service[m] as (p: unknown) => Promise<unknown>).call(parts.service, p);
      },
    ]),
  ) as DeviceApi;
  api.importBackup = async (p) => {
    await restarting;
    const r = await parts.service.importBackup(p);
    if (r.identityReplaced) {
      restarting = restart();
      await restarting;
    }
    return r;
  };
  const rpcApi: RpcApi = Object.assign(api, {
    on(listener: Listener): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  });
  const ui = o.ui === undefined ? {} : { port: o.ui.port ?? 0, ui: { root: o.ui.root } };
  const rpc = o.rpc === false ? undefined : await startRpcServer({ api: rpcApi, home: parts.home.dir, ...ui }).catch(async (e: unknown) => {
    unsubscribe();
    await stopParts(parts);
    throw e;
  });
  return {
    get service() {
      return parts.service;
    },
    get relay() {
      return parts.relay;
    },
    rpc,
    async stop() {
      await restarting?.catch(() => undefined);
      await rpc?.close();
      unsubscribe();
      await stopParts(parts);
    },
  };
}

/** A transport for a device that does not talk to the relay (offline backup commands). */
const offlineTransport: Transport = {
  connected: false,
  send: async () => {
    throw new RampartError('RELAY_UNAVAILABLE', 'this device is not running: nothing is sent');
  },
  setHandler: () => undefined,
};

/** A device opened without its daemon (no relay session, no RPC) for `rampart backup`. */
export interface OfflineDevice {
  service: DeviceService;
  home: DeviceHome;
  close(): void;
}

/**
 * Opens the device of `home` without running it: backup export and import work on its state
 * and keystore; an import still asks the relay (briefly, as the backed-up device) for the
 * quorum's current epoch. Close it before starting the daemon.
 */
export async function openOfflineDevice(home: string, o: { passphrase?: string; relayLookupTimeoutMs?: number } = {}): Promise<OfflineDevice> {
  const h = await openHome(home, o.passphrase === undefined ? {} : { passphrase: o.passphrase });
  const state = new StateStore(h.statePath);
  const service = new DeviceService({
    ...homeComponents(h, state),
    transport: offlineTransport,
    certificateFor: relayCertificateLookup(h.config.relay, undefined, o.relayLookupTimeoutMs),
    ...(o.relayLookupTimeoutMs === undefined ? {} : { relayLookupTimeoutMs: o.relayLookupTimeoutMs + 1_000 }),
  });
  return { service, home: h, close: () => state.close() };
}
