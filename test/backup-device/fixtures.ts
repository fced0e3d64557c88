/**
 * Fixtures for backups on the device (DESIGN §6) over the simulated network:
 * devices with a file-backed state (so a test can dump or tamper with it
 * through a second SQLite connection), an in-memory keystore, a
 * `replaceIdentity` that records the adopted identity, and `restart` — what
 * the daemon does after a restore adopted another identity. `snapshot` is
 * everything the device stores (every state table and every keystore entry).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BackupComponents } from '../../main/device/backups.js';
import type { Transport } from '../../main/device/components.js';
import { DeviceService } from '../../main/device/service.js';
import { StateStore } from '../../main/device/state-store.js';
import { bytesToHex } from '../../shared/bytes.js';
import { RampartError } from '../../shared/errors.js';
import { deviceIdOf, devicePublicKeys, generateDeviceKeys, type DeviceSecretKeys } from '../../shared/identity.js';
import type { SuiteName } from '../../shared/suites.js';
import { TEST_N } from '../helpers/backup-fixtures.js';
import { approveNext, memorySecrets, until } from '../helpers/device-fixtures.js';
import type { MemoryNetwork } from '../helpers/memory-network.js';

export { PASSPHRASE, TEST_N } from '../helpers/backup-fixtures.js';

const dirs: string[] = [];
/** A fresh temp directory (removed by `cleanDirs`). */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'rampart-backup-device-'));
  dirs.push(d);
  return d;
}
/** Removes the temp directories. */
export function cleanDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A device under test: its service (replaced by `restart`) and what it stores. */
export interface TestDevice {
  name: string;
  svc: DeviceService;
  identity: DeviceSecretKeys;
  secrets: ReturnType<typeof memorySecrets>;
  state: StateStore;
  statePath: string;
  /** Identities adopted through `replaceIdentity`, in order. */
  adopted: DeviceSecretKeys[];
  /** The transport the device runs on (the network's, or an offline one). */
  transport: (deviceId: string) => Transport;
}

/** A transport that cannot reach the relay: sends fail, certificate lookups fail (an offline device). */
export function offlineTransport(): Transport {
  const down = () => Promise.reject(new RampartError('RELAY_UNAVAILABLE', 'relay unreachable (test)'));
  return { connected: false, send: down, setHandler: () => undefined, getCertificate: down };
}

function service(d: Omit<TestDevice, 'svc'>, extra: BackupComponents): DeviceService {
  const id = deviceIdOf(devicePublicKeys(d.identity).identityKey);
  return new DeviceService({
    name: d.name,
    relayUrl: 'memory://',
    keystoreBackend: 'file',
    identity: d.identity,
    secrets: d.secrets,
    state: d.state,
    transport: d.transport(id),
    clock: { now: () => Date.now() },
    backupScryptN: TEST_N,
    relayLookupTimeoutMs: 1_000,
    replaceIdentity: async (keys) => void d.adopted.push(keys),
    ...extra,
  });
}

/** A new device with a fresh identity, empty state and keystore (a fresh `device init`, or a wiped device). */
export function makeDevice(net: MemoryNetwork, name: string, o: { offline?: boolean; extra?: BackupComponents } = {}): TestDevice {
  const statePath = join(tempDir(), 'state.db');
  const parts = {
    name,
    identity: generateDeviceKeys(),
    secrets: memorySecrets(),
    state: new StateStore(statePath),
    statePath,
    adopted: [] as DeviceSecretKeys[],
    transport: o.offline === true ? () => offlineTransport() : (id: string) => net.transport(id),
  };
  return { ...parts, svc: service(parts, o.extra ?? {}) };
}

/** What the daemon does after a restore adopted another identity: the same stores, a new service under it. */
export function restart(d: TestDevice, o: { online?: MemoryNetwork } = {}): TestDevice {
  const identity = d.adopted[d.adopted.length - 1] ?? d.identity;
  const next = { ...d, identity, adopted: [], ...(o.online === undefined ? {} : { transport: (id: string) => o.online!.transport(id) }) };
  return { ...next, svc: service(next, {}) };
}

/** alice, bob and carol with a t-of-3 quorum (alice proposed, bob and carol accepted). */
export async function trio(net: MemoryNetwork, suite: SuiteName = 'ed25519', threshold = 2) {
  const [a, b, c] = ['alice', 'bob', 'carol'].map((n) => makeDevice(net, n)) as [TestDevice, TestDevice, TestDevice];
  const created = a.svc.createQuorum({ name: 'Treasury', suite, threshold, members: [(await b.svc.card()).card, (await c.svc.card()).card] });
  await approveNext(b.svc, 'dkg', 'bob');
  await approveNext(c.svc, 'dkg', 'carol');
  const q = await created;
  for (const d of [a, b, c]) await until(`${d.name} holds the quorum`, async () => (await d.svc.status()).quorums.find((x) => x.quorumId === q.quorumId && x.share === 'active'));
  return { a, b, c, q };
}

/** Everything a device stores: every row of every state table, every keystore entry (hex). */
export async function snapshot(d: TestDevice): Promise<{ state: Record<string, unknown[]>; keystore: Record<string, string> }> {
  const db = new Database(d.statePath, { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    const state = Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
    const keystore: Record<string, string> = {};
    for (const n of await d.secrets.list()) keystore[n] = bytesToHex((await d.secrets.get(n)) as Uint8Array);
    return { state, keystore };
  } finally {
    db.close();
  }
}

/** Runs `sql` on a device's state file through a second connection (tampering, as an attacker with disk access would). */
export function tamper(d: TestDevice, sql: string, ...args: unknown[]): number {
  const db = new Database(d.statePath);
  try {
    return db.prepare(sql).run(...args).changes;
  } finally {
    db.close();
  }
}
