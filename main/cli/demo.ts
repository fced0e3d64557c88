/**
 * `rampart demo` (DESIGN §7): the whole story with an embedded relay and real
 * devices (each with its own home, file keystore and state), in one process.
 * Auto-approval is on — and allowed — only here; the demo says so.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '../../shared/bytes.js';
import { encodeCard } from '../../shared/card.js';
import { devicePublicKeys } from '../../shared/identity.js';
import { startRelay } from '../../relay/server.js';
import { runDevice, type RunningDevice } from '../daemon.js';
import { initHome } from '../device/home.js';
import { printJson } from './output.js';

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

    const refreshed = await bob.d.service.reshare({ quorumId: q.quorumId });
    say(`Refresh committed: epoch ${refreshed.epoch}, group key ${refreshed.groupPublicKey === q.groupPublicKey ? 'unchanged' : 'CHANGED'}; old shares deleted.`);
    signatures.push(await sign(carol, 'pay 2 BTC after the refresh'));

    const dave = await make('dave');
    const restructured = await alice.d.service.reshare({ quorumId: q.quorumId, threshold: 3, add: [dave.card] });
    say(`Restructure committed: dave joined, ${restructured.threshold}-of-4 at epoch ${restructured.epoch}, group key ${restructured.groupPublicKey === q.groupPublicKey ? 'unchanged' : 'CHANGED'}.`);
    signatures.push(await sign(dave, 'pay 3 BTC with the new quorum'));

    Object.assign(report, { refresh: refreshed, restructure: restructured, signatures });
    if (o.json) printJson(report);
    else say('Done: the same group key signed at epochs 0, 1 and 2; the plain verifier accepted every signature.');
  } finally {
    for (const d of running) await d.stop();
    await relay.close();
    await rm(root, { recursive: true, force: true });
  }
}
