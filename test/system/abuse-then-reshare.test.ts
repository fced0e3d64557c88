/**
 * DESIGN §8: bad input gets an error frame or a close, never a crash — and
 * the relay stays useful. After unauthenticated frames, forged challenge
 * answers, an oversized frame and a flood of garbage, three real devices
 * still create a quorum and reshare through the same relay.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runDevice, type RunningDevice } from '../../main/daemon.js';
import { initHome } from '../../main/device/home.js';
import { silentLogger } from '../../relay/log.js';
import { startRelay, type RelayHandle } from '../../relay/server.js';
import { approveNext, until } from '../helpers/device-fixtures.js';
import { newDevice, RawClient } from '../relay/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'rampart-abuse-'));
const running: RunningDevice[] = [];
let relay: RelayHandle | undefined;

afterAll(async () => {
  for (const d of running) await d.stop().catch(() => undefined);
  await relay?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('relay abuse, then real work', () => {
  test('after abusive clients the relay still carries a quorum creation and a reshare', async () => {
    relay = await startRelay({ logger: silentLogger, dbPath: join(root, 'relay.db') });
    const url = relay.url;

    // Unauthenticated frames, a forged answer, an oversized frame, a flood of garbage.
    const anon = await RawClient.open(url);
    anon.send({ type: 'send', ref: 'x1', envelope: '{}' });
    const forger = await RawClient.open(url);
    forger.send({ type: 'auth', deviceId: '00'.repeat(16), identityKey: '11'.repeat(32), signature: '22'.repeat(64) });
    const big = await RawClient.authed(url, newDevice());
    big.send('x'.repeat(3 * 1024 * 1024));
    const flood = await RawClient.authed(url, newDevice());
    for (let i = 0; i < 10_000; i++) flood.send(i % 2 === 0 ? 'not json' : { type: 'ack', msgId: 'zz' });
    await new Promise((r) => setTimeout(r, 500));
    for (const c of [anon, forger, big, flood]) await c.close().catch(() => undefined);
    // The relay answered or closed each abuser (it closes after repeated garbage) and is still listening.
    expect(relay.stats()).toMatchObject({ authFailures: expect.any(Number) });
    expect(relay.stats().garbageFrames + relay.stats().authFailures).toBeGreaterThan(2);

    // Real devices on the same relay.
    const cards: string[] = [];
    for (const name of ['alice', 'bob', 'carol']) {
      const home = join(root, name);
      await initHome(home, { name, relay: url, keystore: 'file', passphrase: 'abuse test passphrase', scryptN: 1 << 12 });
      const d = await runDevice(home, { passphrase: 'abuse test passphrase', rpc: false });
      running.push(d);
      cards.push((await d.service.card()).card);
    }
    const [alice, bob, carol] = running as [RunningDevice, RunningDevice, RunningDevice];
    const approve = (d: RunningDevice, kind: 'dkg' | 'reshare') => approveNext(d.service, kind);
    const created = alice.service.createQuorum({ name: 'After abuse', suite: 'secp256k1-tr', threshold: 2, members: [cards[1]!, cards[2]!] });
    await approve(bob, 'dkg');
    await approve(carol, 'dkg');
    const q = await created;
    await until('carol holds the quorum', async () => (await carol.service.status()).quorums.find((x) => x.share === 'active'));
    const reshare = carol.service.reshare({ quorumId: q.quorumId });
    await approve(alice, 'reshare');
    expect(await reshare).toMatchObject({ epoch: 1, groupPublicKey: q.groupPublicKey });
  }, 120_000);
});
