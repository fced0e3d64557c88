/**
 * Backups through the device API over the simulated network (DESIGN §6,
 * issue 4): export at an epoch, restore into a wiped device and sign; the
 * field failure (an old backup after a reshare) is blocked and changes
 * nothing; offline restores need confirmation; every bad file leaves the
 * device untouched; exports become obsolete after a reshare and the holder
 * is told; the hash-chained log verifies and names a tampered entry.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { afterEach, describe, expect, test } from 'vitest';
import type { EventPayload } from '../../shared/api.js';
import { parseBackupFile, serializeBackupFile } from '../../shared/backup/index.js';
import { connectRpc } from '../../main/rpc/client.js';
import { startRpcServer } from '../../main/rpc/server.js';
import { expectCode } from '../helpers/backup-fixtures.js';
import { apiOf } from '../rpc/fixtures.js';
import { approveNext, until } from '../helpers/device-fixtures.js';
import { MemoryNetwork } from '../helpers/memory-network.js';
import { cleanDirs, makeDevice, PASSPHRASE, restart, snapshot, tamper, tempDir, trio, type TestDevice } from './fixtures.js';

afterEach(() => cleanDirs());

/** `proposer` signs with `approver`; the plain ed25519 verifier accepts under the group key. */
async function signs(proposer: TestDevice, approver: TestDevice, quorumId: string, groupKey: string, epoch: number): Promise<void> {
  const message = Buffer.from(`pay at epoch ${epoch} from ${proposer.name}`).toString('hex');
  const signing = proposer.svc.sign({ quorumId, message, description: 'backup test' });
  await approveNext(approver.svc, 'sign', approver.name);
  const s = await signing;
  expect(s.epoch).toBe(epoch);
  expect(ed25519.verify(hexToBytes(s.signature), hexToBytes(message), hexToBytes(groupKey))).toBe(true);
}

/** alice proposes a refresh, bob approves; resolves once every device is at the new epoch. */
async function refresh(devices: TestDevice[], quorumId: string): Promise<number> {
  const [a, b] = devices as [TestDevice, TestDevice];
  const r = a.svc.reshare({ quorumId });
  await approveNext(b.svc, 'reshare', b.name);
  const { epoch } = await r;
  for (const d of devices) await until(`${d.name} at epoch ${epoch}`, async () => (await d.svc.status()).quorums.find((x) => x.epoch === epoch && x.share === 'active'));
  return epoch;
}

describe('backups on the device (DESIGN §6)', () => {
  test('round trip: export at epoch 0, wipe the device, import into a fresh one, and the restored device signs with another holder', async () => {
    const net = new MemoryNetwork();
    const { a, c, q } = await trio(net);
    const out = join(tempDir(), 'carol.rampart-backup');
    const exported = await c.svc.exportBackup({ quorumId: q.quorumId, passphrase: PASSPHRASE, path: out });
    expect(exported).toMatchObject({ quorumId: q.quorumId, epoch: 0, path: out, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(parseBackupFile(readFileSync(out, 'utf8')).header).toMatchObject({ quorumId: q.quorumId, epoch: 0, deviceId: c.svc.deviceId });
    const st = await c.svc.status();
    expect(st.quorums[0]?.backups).toEqual([expect.objectContaining({ path: out, epoch: 0, fingerprint: exported.fingerprint, obsolete: false })]);
    expect(st.obsoleteBackups).toEqual([]);
    expect((await c.svc.log({})).some((e) => e.type === 'backup-exported' && e.detail.includes(out))).toBe(true);

    // Carol's laptop is wiped: a fresh device (its own new identity, nothing stored) restores the file.
    const wiped = makeDevice(net, 'carol');
    expect(wiped.svc.deviceId).not.toBe(c.svc.deviceId);
    const r = await wiped.svc.importBackup({ path: out, passphrase: PASSPHRASE });
    // The relay (asked as carol) knows epoch 0: the backup is current.
    expect(r).toMatchObject({ quorumId: q.quorumId, epoch: 0, deviceId: c.svc.deviceId, basis: 'current', identityReplaced: true });
    expect(wiped.adopted.map((k) => k.signingKey.expose().join())).toEqual([c.identity.signingKey.expose().join()]);

    // The daemon restarts under the restored identity; the quorum accepts it as carol.
    const restored = restart(wiped);
    expect(restored.svc.deviceId).toBe(c.svc.deviceId);
    const view = (await restored.svc.status()).quorums[0];
    expect(view).toMatchObject({ quorumId: q.quorumId, name: 'Treasury', epoch: 0, share: 'active', groupPublicKey: q.groupPublicKey });
    expect(view?.members.map((m) => m.name).sort()).toEqual(['alice', 'bob', 'carol']);
    expect((await restored.svc.log({})).map((e) => e.type)).toContain('backup-imported');
    expect((await restored.svc.verifyLog()).ok).toBe(true);
    await signs(restored, a, q.quorumId, q.groupPublicKey, 0);
    await signs(a, restored, q.quorumId, q.groupPublicKey, 0);
  });

  test('the field failure: an epoch-0 backup after a reshare is blocked as stale, nothing changes, the quorum signs at epoch 1; a fresh export restores', async () => {
    const net = new MemoryNetwork();
    const { a, b, c, q } = await trio(net);
    const old = join(tempDir(), 'carol-e0.rampart-backup');
    await c.svc.exportBackup({ quorumId: q.quorumId, passphrase: PASSPHRASE, path: old });
    expect(await refresh([a, b, c], q.quorumId)).toBe(1);

    // Wiped: only the relay can tell the current epoch.
    const wiped = makeDevice(net, 'carol');
    const before = await snapshot(wiped);
    const err = await expectCode(() => wiped.svc.importBackup({ path: old, passphrase: PASSPHRASE }), 'BACKUP_STALE');
    expect(err.message).toMatch(/epoch 0/);
    expect(err.message).toMatch(/epoch 1 at a later reshare/);
    expect(await snapshot(wiped)).toEqual(before);
    expect(wiped.adopted).toEqual([]);

    // Carol's own device (state intact) knows the commit time from its log.
    const own = await snapshot(c);
    const local = await expectCode(() => c.svc.importBackup({ path: old, passphrase: PASSPHRASE }), 'BACKUP_STALE');
    const committed = (await c.svc.log({})).find((e) => e.type === 'reshare-committed')!;
    expect(local.message).toContain(new Date(committed.at).toISOString());
    expect(await snapshot(c)).toEqual(own);

    // The quorum is unharmed: t = 2 devices sign at epoch 1.
    await signs(a, b, q.quorumId, q.groupPublicKey, 1);

    // A backup made at epoch 1 restores the wiped device, which then signs.
    const fresh = join(tempDir(), 'carol-e1.rampart-backup');
    await c.svc.exportBackup({ quorumId: q.quorumId, passphrase: PASSPHRASE, path: fresh });
    const r = await wiped.svc.importBackup({ path: fresh, passphrase: PASSPHRASE });
    expect(r).toMatchObject({ epoch: 1, basis: 'current', identityReplaced: true });
    const restored = restart(wiped);
    expect((await restored.svc.status()).quorums[0]).toMatchObject({ epoch: 1, share: 'active' });
    await signs(restored, b, q.quorumId, q.groupPublicKey, 1);
  });

  test('offline (no relay, fresh device): an old backup needs confirmation; with acceptUnverified it is restored and the device runs', async () => {
    const net = new MemoryNetwork();
    const { a, b, c, q } = await trio(net);
    const old = join(tempDir(), 'carol-e0.rampart-backup');
    await c.svc.exportBackup({ quorumId: q.quorumId, passphrase: PASSPHRASE, path: old });
    await refresh([a, b, c], q.quorumId);

    const wiped = makeDevice(net, 'carol', { offline: true });
    const before = await snapshot(wiped);
    const err = await expectCode(() => wiped.svc.importBackup({ path: old, passphrase: PASSPHRASE }), 'BACKUP_UNVERIFIED');
    expect(err.message).toMatch(/epoch 0/);
    expect(await snapshot(wiped)).toEqual(before);

    const r = await wiped.svc.importBackup({ path: old, passphrase: PASSPHRASE, acceptUnverified: true });
    expect(r).toMatchObject({ epoch: 0, basis: 'unverified', identityReplaced: true, deviceId: c.svc.deviceId });
    // Back online under carol's identity, holding the (stale) epoch-0 share: the state a later
    // session must refuse (SHARE_STALE; DESIGN §6), and which a reshare must not trust.
    const restored = restart(wiped, { online: net });
    expect((await restored.svc.status()).quorums[0]).toMatchObject({ quorumId: q.quorumId, epoch: 0, share: 'active' });
    expect(restored.secrets.names()).toEqual([`quorum/${q.quorumId}/epoch/0/share`]);
    expect((await restored.svc.verifyLog()).ok).toBe(true);

    // The first session it joins refuses it at once, naming the device and both epochs (stale-share diagnosis).
    const stale = await expectCode(() => restored.svc.sign({ quorumId: q.quorumId, message: '00', description: 'from a stale share' }), 'SHARE_STALE');
    expect(stale.culprit).toBe(c.svc.deviceId);
    expect(stale.message).toContain(`device carol (${c.svc.deviceId}) holds a share of epoch 0, but the quorum is at epoch 1`);
    expect(stale.message).toMatch(/restore a backup made at epoch 1/);
    // A signing session of the current epoch goes on without it: carol refuses (and her log says why), alice and bob sign.
    await signs(a, b, q.quorumId, q.groupPublicKey, 1);
    await until('carol logged her stale share', async () => (await restored.svc.log({})).find((e) => e.type === 'share-stale' && e.detail.includes('holds a share of epoch 0, but the quorum is at epoch 1')));
    // A reshare that keeps carol can never complete (she cannot ack): it ends at once, naming her, and epoch 1 still signs.
    const reshare = await expectCode(() => a.svc.reshare({ quorumId: q.quorumId }), 'SHARE_STALE');
    expect(reshare.culprit).toBe(c.svc.deviceId);
    await until('bob dropped the impossible reshare', async () => (await b.svc.requests()).length === 0 || undefined);
    await signs(a, b, q.quorumId, q.groupPublicKey, 1);
  });

  test('bad files and refused restores leave the device unchanged (state and keystore), each with its own code', async () => {
    const net = new MemoryNetwork();
    const { a, b, c, q } = await trio(net);
    // A second quorum of alice and bob, to have another quorum's backup.
    const ops = a.svc.createQuorum({ name: 'Ops', suite: 'ed25519', threshold: 2, members: [(await b.svc.card()).card] });
    await approveNext(b.svc, 'dkg', 'bob');
    const other = await ops;
    const good = (await c.svc.exportBackup({ quorumId: q.quorumId, passphrase: PASSPHRASE })).text!;
    const bobsOps = (await b.svc.exportBackup({ quorumId: other.quorumId, passphrase: PASSPHRASE })).text!;

    const file = parseBackupFile(good);
    const flip = (hex: string, at: number) => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
    const headerFlipped = serializeBackupFile({ ...file, header: { ...file.header, groupPublicKey: flip(file.header.groupPublicKey, 10) } });
    const cipherFlipped = serializeBackupFile({ ...file, ciphertext: flip(file.ciphertext, 200) });
    const future = good.replace('"version": 1', '"version": 2');
    expect(future).not.toBe(good);

    const cases: [string, string, Parameters<TestDevice['svc']['importBackup']>[0], string][] = [
      ['wrong passphrase', 'PASSPHRASE_WRONG', { text: good, passphrase: `${PASSPHRASE}!` }, ''],
      ['a flipped byte in the header', 'BACKUP_TAMPERED', { text: headerFlipped, passphrase: PASSPHRASE }, ''],
      ['a flipped byte in the ciphertext', 'BACKUP_TAMPERED', { text: cipherFlipped, passphrase: PASSPHRASE }, ''],
      ['a truncated file', 'BACKUP_TRUNCATED', { text: good.slice(0, Math.floor(good.length / 2)), passphrase: PASSPHRASE }, ''],
      ['a future format version', 'BACKUP_VERSION_UNSUPPORTED', { text: future, passphrase: PASSPHRASE }, ''],
      ["another quorum's backup", 'BACKUP_OTHER_QUORUM', { text: bobsOps, passphrase: PASSPHRASE, quorumId: q.quorumId }, ''],
      ['a missing file', 'PLAN_INVALID', { path: join(tempDir(), 'nope.rampart-backup'), passphrase: PASSPHRASE }, ''],
    ];
    const wiped = makeDevice(net, 'wiped');
    for (const target of [c, wiped]) {
      const before = await snapshot(target);
      for (const [what, code, params] of cases) {
        const e = await expectCode(() => target.svc.importBackup(params), code as never);
        expect(e.message.length, what).toBeGreaterThan(10);
        expect(await snapshot(target), `${what} changed ${target.name}`).toEqual(before);
      }
    }

    // Carol's own current backup: she already holds that share.
    let before = await snapshot(c);
    await expectCode(() => c.svc.importBackup({ text: good, passphrase: PASSPHRASE }), 'BACKUP_WOULD_OVERWRITE');
    // Bob's backup onto carol (a device with quorums under its own identity): not a merge.
    const merge = await expectCode(() => c.svc.importBackup({ text: bobsOps, passphrase: PASSPHRASE }), 'BACKUP_WOULD_OVERWRITE');
    expect(merge.message).toMatch(/does not merge two/);
    expect(await snapshot(c)).toEqual(before);

    // A weak passphrase is refused with zxcvbn's reason; nothing is written or recorded.
    before = await snapshot(c);
    const out = join(tempDir(), 'weak.rampart-backup');
    const weak = await expectCode(() => c.svc.exportBackup({ quorumId: q.quorumId, passphrase: 'password123', path: out }), 'PASSPHRASE_WEAK');
    expect(weak.message).toMatch(/strength \d of 4/);
    expect(() => statSync(out)).toThrow();
    expect(await snapshot(c)).toEqual(before);
    // No share to back up: a quorum this device does not belong to.
    await expectCode(() => c.svc.exportBackup({ quorumId: other.quorumId, passphrase: PASSPHRASE }), 'PLAN_INVALID');
  });

  test('after a reshare the exports are obsolete: listed, logged once, announced by an event; the log verifies and names a tampered entry', async () => {
    const net = new MemoryNetwork();
    const { a, b, c, q } = await trio(net);
    const events: EventPayload<'backupsObsolete'>[] = [];
    c.svc.on((event, payload) => {
      if (event === 'backupsObsolete') events.push(payload as EventPayload<'backupsObsolete'>);
    });
    const path = join(tempDir(), 'carol-e0.rampart-backup');
    const e0 = await c.svc.exportBackup({ quorumId: q.quorumId, passphrase: PASSPHRASE, path });
    expect(await c.svc.backups({})).toEqual([expect.objectContaining({ epoch: 0, obsolete: false })]);

    await refresh([a, b, c], q.quorumId);
    const listed = await c.svc.backups({ quorumId: q.quorumId });
    expect(listed).toEqual([{ quorumId: q.quorumId, epoch: 0, path, fingerprint: e0.fingerprint, certificateHash: expect.any(String), createdAt: e0.createdAt, obsolete: true }]);
    const st = await c.svc.status();
    expect(st.obsoleteBackups).toEqual(listed);
    expect(st.quorums[0]?.backups).toEqual(listed);
    expect(events).toEqual([{ quorumId: q.quorumId, epoch: 1, backups: listed, message: expect.stringContaining('export a fresh backup of epoch 1') }]);
    const log = await c.svc.log({});
    const obsolete = log.filter((e) => e.type === 'backups-obsolete');
    expect(obsolete).toHaveLength(1);
    expect(obsolete[0]!.detail).toContain(e0.fingerprint.slice(0, 12));
    expect(obsolete[0]!.seq).toBeGreaterThan(log.find((e) => e.type === 'reshare-committed')!.seq);

    // A fresh export is current; another reshare announces only it.
    const e1 = await c.svc.exportBackup({ quorumId: q.quorumId, passphrase: PASSPHRASE });
    await refresh([a, b, c], q.quorumId);
    expect((await c.svc.backups({})).map((x) => [x.epoch, x.obsolete])).toEqual([[0, true], [1, true]]);
    expect(events.map((e) => e.backups.map((x) => x.fingerprint))).toEqual([[e0.fingerprint], [e1.fingerprint]]);

    // The exported log carries its hash chain, and it verifies (with every certificate chain).
    const full = await c.svc.log({});
    full.forEach((e, i) => expect(e.prevHash).toBe(i === 0 ? null : full[i - 1]!.hash));
    expect((await c.svc.log({ since: 3 }))[0]).toEqual(full[3]);
    expect(await c.svc.verifyLog()).toEqual({
      ok: true,
      entries: full.length,
      firstBroken: null,
      quorums: [{ quorumId: q.quorumId, epoch: 2, certificates: 3, ok: true, error: null }],
    });

    // Someone with disk access edits one entry: verification names it.
    const victim = obsolete[0]!;
    expect(tamper(c, 'UPDATE log SET detail = ? WHERE seq = ?', 'nothing to see here', victim.seq)).toBe(1);
    const v = await c.svc.verifyLog();
    expect(v.ok).toBe(false);
    expect(v.firstBroken).toMatchObject({ seq: victim.seq, type: 'backups-obsolete' });
    expect(v.firstBroken?.reason).toContain(`entry ${victim.seq}`);
    tamper(c, 'UPDATE log SET detail = ? WHERE seq = ?', victim.detail, victim.seq);
    expect((await c.svc.verifyLog()).ok).toBe(true);

    // A stored certificate altered: its chain no longer verifies.
    const row = full.find((e) => e.type === 'quorum-created')!;
    expect(row).toBeDefined();
    tamper(c, "UPDATE certificates SET json = replace(json, '\"threshold\":2', '\"threshold\":3') WHERE quorum_id = ? AND epoch = 1", q.quorumId);
    const broken = await c.svc.verifyLog();
    expect(broken.ok).toBe(false);
    expect(broken.firstBroken).toBeNull();
    expect(broken.quorums[0]).toMatchObject({ ok: false, error: expect.stringMatching(/^CERT_/) });
  });

  test('over the local RPC: the backup commands, their results and errors pass the API schemas', async () => {
    const net = new MemoryNetwork();
    const { a, b, c, q } = await trio(net);
    const home = tempDir();
    const server = await startRpcServer({ api: apiOf(c.svc), home });
    const client = await connectRpc(home);
    try {
      const path = join(tempDir(), 'carol.rampart-backup');
      const exported = await client.exportBackup({ quorumId: q.quorumId, passphrase: PASSPHRASE, path });
      expect(exported).toMatchObject({ epoch: 0, path });
      expect(exported.text).toBeUndefined();
      const asText = await client.exportBackup({ quorumId: q.quorumId, passphrase: PASSPHRASE });
      expect(asText.path).toBeNull();
      expect(parseBackupFile(asText.text!).header.epoch).toBe(0);
      await expectCode(() => client.importBackup({ path, passphrase: PASSPHRASE }), 'BACKUP_WOULD_OVERWRITE');
      await expectCode(() => client.importBackup({ passphrase: PASSPHRASE }), 'ENCODING_INVALID');
      await expectCode(() => client.exportBackup({ quorumId: q.quorumId, passphrase: 'qwerty' }), 'PASSPHRASE_WEAK');
      await refresh([a, b, c], q.quorumId);
      await expectCode(() => client.importBackup({ path, passphrase: PASSPHRASE }), 'BACKUP_STALE');
      expect((await client.backups({})).map((x) => x.obsolete)).toEqual([true, true]);
      expect((await client.status({})).obsoleteBackups).toHaveLength(2);
      expect((await client.verifyLog({})).ok).toBe(true);
      const log = await client.log({});
      expect(log.at(-1)?.prevHash).toBe(log.at(-2)?.hash);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
