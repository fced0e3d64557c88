/**
 * The device daemon (`rampart device run`, DESIGN §7): opens the device home,
 * connects to the relay, runs the DeviceService and serves the device API on
 * the token-guarded local RPC. Also used in-process by `rampart demo`.
 */
import { openHome } from './device/home.js';
import { DeviceService } from './device/service.js';
import { StateStore } from './device/state-store.js';
import { RelayClient } from './relay/client.js';
import { startRpcServer } from './rpc/server.js';

/** A running device. */
export interface RunningDevice {
  service: DeviceService;
  relay: RelayClient;
  rpc: { port: number; url: string; close(): Promise<void> } | undefined;
  stop(): Promise<void>;
}

/** Starts the device of `home`; with `rpc: false` (demo) no local RPC server is opened. */
export async function runDevice(home: string, o: { passphrase?: string; rpc?: boolean; autoApproveForDemo?: boolean; onLog?: (line: string) => void } = {}): Promise<RunningDevice> {
  const h = await openHome(home, o.passphrase === undefined ? {} : { passphrase: o.passphrase });
  const state = new StateStore(h.statePath);
  const relay = new RelayClient({ url: h.config.relay, identity: h.identity, onError: (e) => o.onLog?.(`relay: ${e instanceof Error ? e.message : String(e)}`) });
  const service = new DeviceService({
    name: h.config.name,
    relayUrl: h.config.relay,
    keystoreBackend: h.config.keystore,
    identity: h.identity,
    secrets: h.keystore,
    state,
    transport: relay,
    clock: { now: () => Date.now() },
    autoApproveForDemo: o.autoApproveForDemo === true,
  });
  relay.on('connection', (e) => service.connectionChanged(e.connected));
  relay.start();
  service.start();
  const rpc = o.rpc === false ? undefined : await startRpcServer({ api: service, home: h.dir });
  return {
    service,
    relay,
    rpc,
    async stop() {
      service.stop();
      await rpc?.close();
      await relay.stop();
      state.close();
    },
  };
}
