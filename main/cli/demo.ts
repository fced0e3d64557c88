/**
 * `rampart demo` (DESIGN §7): the whole story with an embedded relay and real
 * devices (each with its own home, file keystore and state), in one process.
 * Auto-approval is on — and allowed — only here; the demo says so. It ends
 * with the field failure backups exist to prevent (DESIGN §6): a backup made
 * before a reshare, restored onto a wiped device, is blocked as stale.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '../../shared/bytes.js';
import { encodeCard } from '../../shared/card.js';
import { isRampartError } from '../../shared/errors.js';
import { devicePublicKeys } from '../../shared/identity.js';
import { startRelay } from '../../relay/server.js';
import { openOfflineDevice, runDevice, type RunningDevice } from '../daemon.js';
import { initHome } from '../device/home.js';
import { EXIT, printJson } from './output.js';

/** The demo's backup passphrase: fixed so the run is reproducible (zxcvbn score 4). Demo only — choose your own. */
export const DEMO_BACKUP_PASSPHRASE = 'demo only: violet harbor quantum 42 lantern';

/** Runs the demo; prints readable lines, or one JSON object with `json`. */
export async function runDemo(o: { json: boolean }): Promise<void> {
  const say = (line: string) => {
    if (!o.json) process.stdout.write(line + '\n');
  };
  const report: Record<string, unknown> = { autoApproval: 'demo only' };
  const root = await mkdtemp(join(tmpdir(), 'rampart-demo-'));
  const relay = await startRelay({ logger: { log: () => undefined } });
  const pass = randomBytes(24).toString('hex');
  const running: RunningDevice[] = [];
  try {
    say(`Rampart demo — embedded relay at ${relay.url}; every request is approved automatically (demo only).`);
    const make = async (name: string) => {
      const home = join(root, name);
      const h = await initHome(home, { name, relay: relay.url, keystore: 'file', passphrase: pass, scryptN: 1 << 12 });
      const d = await runDevice(home, { passphrase: pass, rpc: false, autoApproveForDemo: true });
      running.push(d);
      return { name, d, card: encodeCard({ name, ...devicePublicKeys(h.identity) }) };
    };
    const [alice, bob, carol] = [await make('alice'), await make('bob'), await make('carol')];
    say('Three devices: alice, bob, carol.');

    const q = await alice.d.service.createQuorum({ name: 'Treasury', suite: 'ed25519', threshold: 2, members: [bob.card, carol.card] });
    say(`Quorum created: 2-of-3 ed25519, epoch ${q.epoch}, group key ${q.groupPublicKey}.`);
    report.quorum = q;

    const sign = async (who: typeof alice, text: string) => {
      const message = Buffer.from(text, 'utf8').toString('hex');
      const s = await who.d.service.sign({ quorumId: q.quorumId, message, description: text });
      const ok = ed25519.verify(hexToBytes(s.signature), hexToBytes(message), hexToBytes(q.groupPublicKey));
      say(`Signed "${text}" at epoch ${s.epoch}; ed25519.verify under the group key: ${ok ? 'valid' : 'INVALID'}.`);
      return { ...s, text, plainVerify: ok };
    };
    const signatures = [await sign(alice, 'pay 1 BTC to cold storage')];

    // A reshare resolves on its proposer when the certificate forms; each other member commits when the
    // certificate reaches it. A device that signs before then would still hold the old epoch's share.
    const allAt = async (devices: (typeof alice)[], epoch: number) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const views = await Promise.all(devices.map((x) => x.d.service.status()));
        if (views.every((v) => v.quorums.some((y) => y.quorumId === q.quorumId && y.epoch === epoch && y.share === 'active'))) return;
        if (Date.now() > deadline) throw new Error(`not every device reached epoch ${epoch} within a minute`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    const refreshed = await bob.d.service.reshare({ quorumId: q.quorumId });
    await allAt([alice, bob, carol], refreshed.epoch);
    say(`Refresh committed: epoch ${refreshed.epoch}, group key ${refreshed.groupPublicKey === q.groupPublicKey ? 'unchanged' : 'CHANGED'}; old shares deleted.`);
    signatures.push(await sign(carol, 'pay 2 BTC after the refresh'));

    // Carol backs up her epoch-1 share (and is told when a reshare makes it obsolete).
    const backupPath = join(root, 'carol-epoch-1.rampart-backup');
    const notices: string[] = [];
    carol.d.service.on((event, payload) => {
      if (event === 'backupsObsolete') notices.push((payload as { message: string }).message);
    });
    const exported = await carol.d.service.exportBackup({ quorumId: q.quorumId, passphrase: DEMO_BACKUP_PASSPHRASE, path: backupPath });
    say(`Carol exported an encrypted backup at epoch ${exported.epoch} (fingerprint ${exported.fingerprint.slice(0, 16)}…) with the demo's fixed passphrase "${DEMO_BACKUP_PASSPHRASE}" (demo only: choose your own).`);

    const dave = await make('dave');
    const restructured = await alice.d.service.reshare({ quorumId: q.quorumId, threshold: 3, add: [dave.card] });
    await allAt([alice, bob, carol, dave], restructured.epoch);
    say(`Restructure committed: dave joined, ${restructured.threshold}-of-4 at epoch ${restructured.epoch}, group key ${restructured.groupPublicKey === q.groupPublicKey ? 'unchanged' : 'CHANGED'}.`);
    signatures.push(await sign(dave, 'pay 3 BTC with the new quorum'));
    say('The same group key signed at epochs 0, 1 and 2; the plain verifier accepted every signature.');
    for (const n of notices) say(`Carol's device: ${n}.`);

    // The field failure: carol's laptop is wiped and she restores the backup she made before the restructure.
    const wipedHome = join(root, 'carol-wiped');
    await initHome(wipedHome, { name: 'carol', relay: relay.url, keystore: 'file', passphrase: pass, scryptN: 1 << 12 });
    const wiped = await openOfflineDevice(wipedHome, { passphrase: pass });
    let outcome: { code: string; message: string; exitCode: number };
    try {
      const r = await wiped.service.importBackup({ path: backupPath, passphrase: DEMO_BACKUP_PASSPHRASE });
      outcome = { code: 'RESTORED', message: r.message, exitCode: EXIT.ok };
    } catch (e) {
      if (!isRampartError(e)) throw e;
      outcome = { code: e.code, message: e.message, exitCode: e.code === 'BACKUP_STALE' ? EXIT.backupStale : e.code === 'BACKUP_UNVERIFIED' ? EXIT.backupNeedsConfirmation : EXIT.error };
    } finally {
      wiped.close();
    }
    const staleBackup = { backup: { epoch: exported.epoch, fingerprint: exported.fingerprint }, obsoleteNotices: notices, import: outcome };
    Object.assign(report, { refresh: refreshed, restructure: restructured, signatures, staleBackup });
    if (o.json) printJson(report);
    else {
      say(`Carol's laptop is wiped; restoring her epoch-${exported.epoch} backup on a fresh device: ${outcome.code === 'BACKUP_STALE' ? 'BLOCKED' : 'NOT BLOCKED'} (${outcome.code}, exit code ${outcome.exitCode} from \`rampart backup import\`).`);
      say(`  ${outcome.message}`);
      say('Done: old shares cannot come back; carol needs a backup made at the current epoch.');
    }
  } finally {
    for (const d of running) await d.stop();
    await relay.close();
    await rm(root, { recursive: true, force: true });
  }
}
