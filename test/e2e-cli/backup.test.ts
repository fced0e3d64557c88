/**
 * `rampart backup` end to end with real processes (DESIGN §6, §7): a relay,
 * device daemons and short-lived commands. A round trip onto a wiped device
 * (a fresh home, restored offline, then signing); the field failure — an
 * epoch-0 backup after a reshare — exits 3 and changes nothing while the
 * quorum keeps signing; a backup of the current epoch restores through a
 * running daemon (which restarts under the restored identity); offline, the
 * import exits 4 until `--accept-unverified`; and `rampart demo` ends with
 * the stale backup blocked. The steps share one cluster and run in order.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, hex, REPO, type CliResult, type Device, type RequestJson, type StatusJson } from './helpers.js';

type QuorumJson = { quorumId: string; groupPublicKey: string; epoch: number };
type SignJson = { signature: string; groupPublicKey: string; epoch: number };
type ExportJson = { quorumId: string; epoch: number; path: string; fingerprint: string };
type ImportJson = { quorumId: string; epoch: number; deviceId: string; basis: string; identityReplaced: boolean; message: string };
type LogRecordJson = { seq: number; type: string; hash: string; prevHash: string | null };

const STEP_MS = 240_000;
const JOB_MS = STEP_MS - 40_000;
/** The backup passphrase (strong: zxcvbn 4), separate from the keystores' RAMPART_PASSPHRASE. */
const BACKUP_ENV = { RAMPART_BACKUP_PASSPHRASE: 'backup e2e: amber glacier 93 tinsel orchard' };
const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

/** A failed command: `code`, exactly one line on stderr (returned), nothing on stdout. */
function oneLineFailure(r: CliResult, code: number): string {
  expect(r.code, r.proc.describe()).toBe(code);
  expect(lines(r.stderr), r.proc.describe()).toHaveLength(1);
  expect(r.stdout).toBe('');
  return lines(r.stderr)[0] as string;
}

/** Every file of a directory tree with its SHA-256 (the file keystore). */
function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    if (statSync(p).isFile()) out[name] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

describe('rampart backup end to end: relay + device processes', () => {
  let c: Cluster;
  let A: Device, B: Device, C: Device;
  /** The devices that carry carol's identity after each restore. */
  let C2: Device, C3: Device;
  let quorumId = '';
  let groupKey = '';
  const file = (name: string) => join(c.root, name);

  beforeAll(async () => {
    ({ cluster: c, devices: [A, B, C] } = await Cluster.trio('rampart-e2e-backup-'));
  }, STEP_MS);

  afterAll(async () => {
    await c?.close();
  }, 30_000);

  const backup = (args: string[], label: string) => c.run(['backup', ...args], { env: BACKUP_ENV, label, timeoutMs: 120_000 });
  const backupJson = async <T>(args: string[], label: string): Promise<T> => {
    const r = await backup([...args, '--json'], label);
    expect(r.code, r.proc.describe()).toBe(0);
    return JSON.parse(r.stdout) as T;
  };

  const signAndVerify = async (proposer: Device, approver: Device, text: string, epoch: number) => {
    const message = Buffer.from(text, 'utf8').toString('hex');
    const job = c.background<SignJson>(['sign', '--home', proposer.home, '--quorum', quorumId, '--message', message, '--description', text, '--json'], { label: `sign ${proposer.name}`, timeoutMs: JOB_MS });
    await c.approveWhenAsked(approver, (r: RequestJson) => r.kind === 'sign' && r.message?.hex === message, `the sign request "${text}"`, job.proc);
    const s = await job.result;
    expect(s).toMatchObject({ groupPublicKey: groupKey, epoch });
    expect(ed25519.verify(hex(s.signature), hex(message), hex(groupKey))).toBe(true);
  };

  /** A fresh home for carol's wiped device, on the cluster's relay (not started). */
  const freshHome = async (name: string, relay = c.relayUrl): Promise<Device> => {
    const home = join(c.root, name);
    const r = await c.run(['device', 'init', '--home', home, '--name', 'carol', '--relay', relay, '--keystore', 'file', '--json'], { label: `init ${name}` });
    expect(r.code, r.proc.describe()).toBe(0);
    const out = JSON.parse(r.stdout) as { deviceId: string; card: string };
    return { name, home, deviceId: out.deviceId, card: out.card };
  };

  it('creates a 2-of-3 quorum; carol exports a backup at epoch 0 (mode 0600)', { timeout: STEP_MS }, async () => {
    const job = c.background<QuorumJson>(['quorum', 'create', '--home', A.home, '--name', 'Treasury', '--suite', 'ed25519', '--threshold', '2', '--member', B.card, '--member', C.card, '--json'], { label: 'quorum create', timeoutMs: JOB_MS });
    await Promise.all([B, C].map((d) => c.approveWhenAsked(d, (r) => r.kind === 'dkg', 'the dkg request', job.proc)));
    const q = await job.result;
    quorumId = q.quorumId;
    groupKey = q.groupPublicKey;
    await c.waitForStatus([A, B, C], 'epoch 0', (s) => s.quorums.some((x) => x.quorumId === quorumId && x.share === 'active'));

    const e = await backupJson<ExportJson>(['export', '--home', C.home, '--quorum', quorumId, '--out', file('carol-e0.rampart-backup')], 'export e0');
    expect(e).toMatchObject({ quorumId, epoch: 0, path: file('carol-e0.rampart-backup'), fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(statSync(file('carol-e0.rampart-backup')).mode & 0o777).toBe(0o600);
    const st = await c.status(C);
    expect((st as StatusJson & { quorums: { backups: unknown[] }[] }).quorums[0]?.backups).toEqual([expect.objectContaining({ epoch: 0, obsolete: false, fingerprint: e.fingerprint })]);

    // A weak passphrase is refused with the reason; a usage error exits 2.
    const weak = await c.run(['backup', 'export', '--home', C.home, '--quorum', quorumId, '--out', file('weak.rampart-backup')], { env: { RAMPART_BACKUP_PASSPHRASE: 'password1' } });
    expect(oneLineFailure(weak, 1)).toMatch(/^rampart: PASSPHRASE_WEAK: .*strength/);
    expect((await c.run(['backup', 'export', '--home', C.home, '--quorum', quorumId], { env: BACKUP_ENV })).code).toBe(2);
  });

  it('round trip: carol is wiped; a fresh home restores the backup offline, then runs and signs with alice', { timeout: STEP_MS }, async () => {
    await C.daemon?.stop();
    C2 = await freshHome('carol-restored');
    expect(C2.deviceId).not.toBe(C.deviceId);
    const r = await backupJson<ImportJson>(['import', '--home', C2.home, '--in', file('carol-e0.rampart-backup')], 'import e0 offline');
    // No daemon runs for the home: restored on the home itself; the relay, asked as carol, knows epoch 0.
    expect(r).toMatchObject({ quorumId, epoch: 0, deviceId: C.deviceId, basis: 'current', identityReplaced: true });
    expect(JSON.parse(readFileSync(join(C2.home, 'device.json'), 'utf8'))).toMatchObject({ deviceId: C.deviceId });
    C2.deviceId = C.deviceId;
    await c.startDevice(C2);
    const [st] = await c.waitForStatus([C2], 'the restored quorum', (s) => s.quorums.some((x) => x.quorumId === quorumId && x.share === 'active'));
    expect(st?.device.deviceId).toBe(C.deviceId);
    await signAndVerify(C2, A, 'signed by the restored carol', 0);
  });

  it('the field failure: after a reshare to epoch 1 the epoch-0 backup exits 3 on a wiped device, changing nothing; alice and bob still sign', { timeout: STEP_MS }, async () => {
    const job = c.background<{ epoch: number }>(['reshare', '--home', A.home, '--quorum', quorumId, '--json'], { label: 'refresh', timeoutMs: JOB_MS });
    await c.approveWhenAsked(B, (r) => r.kind === 'reshare', 'the refresh', job.proc);
    expect((await job.result).epoch).toBe(1);
    await c.waitForStatus([A, B, C2], 'epoch 1', (s) => s.quorums.some((x) => x.quorumId === quorumId && x.epoch === 1 && x.share === 'active'));

    // Carol's device is lost again; a fresh device runs its daemon, and the holder tries the old file.
    await C2.daemon?.stop();
    C3 = await freshHome('carol-wiped');
    await c.startDevice(C3);
    const before = { status: await c.status(C3), log: await c.log(C3), keystore: treeDigest(join(C3.home, 'keystore')) };
    const r = await backup(['import', '--home', C3.home, '--in', file('carol-e0.rampart-backup')], 'import stale');
    expect(oneLineFailure(r, 3)).toMatch(/^rampart: BACKUP_STALE: this backup is from epoch 0, but the quorum moved to epoch 1 at a later reshare/);
    expect({ status: await c.status(C3), log: await c.log(C3), keystore: treeDigest(join(C3.home, 'keystore')) }).toEqual(before);

    await signAndVerify(A, B, 'alice and bob at epoch 1', 1);
  });

  it('a backup made at epoch 1 restores through the running daemon, which restarts as carol; she signs; the log verifies', { timeout: STEP_MS }, async () => {
    // The epoch-1 share is on carol's previous device (daemon stopped: exported offline).
    const e1 = await backupJson<ExportJson>(['export', '--home', C2.home, '--quorum', quorumId, '--out', file('carol-e1.rampart-backup')], 'export e1 offline');
    expect(e1.epoch).toBe(1);
    const r = await backupJson<ImportJson>(['import', '--home', C3.home, '--in', file('carol-e1.rampart-backup')], 'import e1 via daemon');
    expect(r).toMatchObject({ epoch: 1, deviceId: C.deviceId, basis: 'current', identityReplaced: true });
    const [st] = await c.waitForStatus([C3], 'carol restored at epoch 1 and connected', (s) => s.device.deviceId === C.deviceId && s.device.connected && s.quorums.some((x) => x.epoch === 1 && x.share === 'active'));
    expect(st?.quorums[0]).toMatchObject({ quorumId, epoch: 1, groupPublicKey: groupKey });
    await signAndVerify(C3, B, 'signed by carol restored at epoch 1', 1);

    const log = await c.json<LogRecordJson[]>(['log', '--home', C3.home, '--json']);
    expect(log.map((l) => l.type)).toContain('backup-imported');
    log.forEach((l, i) => expect(l.prevHash).toBe(i === 0 ? null : log[i - 1]!.hash));
    const v = await c.json<{ ok: boolean; entries: number; firstBroken: unknown }>(['log', '--home', C3.home, '--json', '--verify']);
    expect(v).toMatchObject({ ok: true, entries: log.length, firstBroken: null });
  });

  it('offline (relay unreachable, fresh home): the old backup exits 4; with --accept-unverified it is restored', { timeout: STEP_MS }, async () => {
    const C4 = await freshHome('carol-offline', 'ws://127.0.0.1:9');
    const args = ['import', '--home', C4.home, '--in', file('carol-e0.rampart-backup')];
    expect(oneLineFailure(await backup(args, 'import unverified'), 4)).toMatch(/^rampart: BACKUP_UNVERIFIED: .*--accept-unverified/);
    expect(JSON.parse(readFileSync(join(C4.home, 'device.json'), 'utf8'))).toMatchObject({ deviceId: C4.deviceId });
    const r = await backupJson<ImportJson>([...args, '--accept-unverified'], 'import accepted');
    expect(r).toMatchObject({ epoch: 0, basis: 'unverified', identityReplaced: true, deviceId: C.deviceId });
  });

  it('rampart demo ends with the stale backup blocked (BACKUP_STALE, exit code 3)', { timeout: STEP_MS }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'main/cli/bin.ts', 'demo', '--json'], { cwd: REPO, timeout: 180_000 });
    const report = JSON.parse(stdout) as { staleBackup: { backup: { epoch: number }; obsoleteNotices: string[]; import: { code: string; exitCode: number; message: string } } };
    expect(report.staleBackup.backup.epoch).toBe(1);
    expect(report.staleBackup.obsoleteNotices).toEqual([expect.stringContaining('epoch 1')]);
    expect(report.staleBackup.import).toMatchObject({ code: 'BACKUP_STALE', exitCode: 3, message: expect.stringContaining('epoch 2') });
  });
});
