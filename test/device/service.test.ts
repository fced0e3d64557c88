/**
 * DeviceService over a simulated network (DESIGN §5): creating a quorum
 * needs every member's acceptance and ends in a verified genesis
 * certificate; signing needs t approvals and yields a signature the plain
 * standard verifier accepts; nothing happens before the holder approves.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { DeviceService } from '../../main/device/service.js';
import { StateStore } from '../../main/device/state-store.js';
import { verifyChain } from '../../shared/certificate/verify.js';
import { isRampartError } from '../../shared/errors.js';
import { deviceIdOf, devicePublicKeys, generateDeviceKeys } from '../../shared/identity.js';
import { SUITE_NAMES, type SuiteName } from '../../shared/suites.js';
import { approveNext as approveHolder, memorySecrets, until } from '../helpers/device-fixtures.js';
import { MemoryNetwork } from '../helpers/memory-network.js';

function device(net: MemoryNetwork, name: string) {
  const identity = generateDeviceKeys();
  const secrets = memorySecrets();
  const state = new StateStore(':memory:');
  const transport = net.transport(deviceIdOf(devicePublicKeys(identity).identityKey));
  const svc = new DeviceService({ name, relayUrl: 'memory://', keystoreBackend: 'file', identity, secrets, state, transport, clock: { now: () => Date.now() } });
  return { name, svc, secrets, state };
}

function plainVerify(suite: SuiteName, sigHex: string, msgHex: string, keyHex: string): boolean {
  const [sig, msg, key] = [hexToBytes(sigHex), hexToBytes(msgHex), hexToBytes(keyHex)];
  return suite === 'ed25519' ? ed25519.verify(sig, msg, key) : schnorr.verify(sig, msg, key);
}

async function approveNext(d: ReturnType<typeof device>, kind: 'dkg' | 'sign' | 'reshare'): Promise<void> {
  await approveHolder(d.svc, kind, d.name);
}

describe.each(SUITE_NAMES)('DeviceService over a simulated network (%s)', (suite) => {
  /** alice, bob and carol with a t-of-3 quorum that bob and carol accepted. */
  const trio = async (threshold: number, name = 'Treasury') => {
    const net = new MemoryNetwork();
    const [a, b, c] = ['alice', 'bob', 'carol'].map((n) => device(net, n)) as [ReturnType<typeof device>, ReturnType<typeof device>, ReturnType<typeof device>];
    const created = a.svc.createQuorum({ name, suite, threshold, members: [(await b.svc.card()).card, (await c.svc.card()).card] });
    await approveNext(b, 'dkg');
    await approveNext(c, 'dkg');
    return { net, a, b, c, q: await created };
  };

  test('create a 2-of-3 quorum, then sign with two holders; the plain verifier accepts', async () => {
    const net = new MemoryNetwork();
    const [a, b, c] = ['alice', 'bob', 'carol'].map((n) => device(net, n)) as [ReturnType<typeof device>, ReturnType<typeof device>, ReturnType<typeof device>];
    const cards = [(await b.svc.card()).card, (await c.svc.card()).card];
    const created = a.svc.createQuorum({ name: 'Treasury', suite, threshold: 2, members: cards });
    // Nothing is dealt before every holder accepts.
    await approveNext(b, 'dkg');
    await new Promise((r) => setTimeout(r, 50));
    expect(a.secrets.names()).toEqual([]);
    await approveNext(c, 'dkg');
    const q = await created;
    expect(q).toMatchObject({ suite, threshold: 2, epoch: 0 });

    for (const d of [a, b, c]) {
      const st = await until(`${d.name} has the quorum`, async () => (await d.svc.status()).quorums.find((x) => x.share === 'active'));
      expect(st).toMatchObject({ quorumId: q.quorumId, epoch: 0, threshold: 2, groupPublicKey: q.groupPublicKey, share: 'active' });
      expect(d.secrets.names()).toEqual([`quorum/${q.quorumId}/epoch/0/share`]);
      expect(verifyChain(d.state.getChain(q.quorumId)).epoch).toBe(0);
    }

    const message = 'deadbeef';
    const signing = a.svc.sign({ quorumId: q.quorumId, message, description: 'test payment' });
    await approveNext(c, 'sign');
    const sig = await signing;
    expect(sig.groupPublicKey).toBe(q.groupPublicKey);
    expect(plainVerify(suite, sig.signature, message, q.groupPublicKey)).toBe(true);
    expect((await a.svc.log({})).map((e) => e.type)).toEqual(expect.arrayContaining(['dkg-proposed', 'quorum-created', 'sign-proposed', 'sign-completed']));
  });

  test('a signing request rejected by enough holders fails with a clear error and signs nothing', async () => {
    const { a, b, q } = await trio(3, 'Ops');
    const signing = a.svc.sign({ quorumId: q.quorumId, message: '00', description: 'suspicious' });
    const r = await until('bob sees the sign request', async () => (await b.svc.requests()).find((x) => x.kind === 'sign'));
    expect(r.summary).toContain('suspicious');
    await b.svc.reject({ id: r.id, reason: 'I did not ask for this' });
    const err = await signing.then(() => undefined, (e: unknown) => e);
    expect(isRampartError(err) && err.code === 'SIGNERS_INSUFFICIENT' && err.culprit === b.svc.deviceId).toBe(true);
  });

  test('refresh, then restructure to 3-of-4 with a new device: same key, only the newest shares remain (I1, I2)', async () => {
    const { net, a, b, c, q } = await trio(2);
    const d = device(net, 'dave');

    // Refresh: alice proposes (her approval counts), bob approves: t = 2.
    const refresh = a.svc.reshare({ quorumId: q.quorumId });
    const req = await until('bob sees the reshare request', async () => (await b.svc.requests()).find((x) => x.kind === 'reshare'));
    expect(req.change).toMatchObject({ operation: 'refresh', fromEpoch: 0, added: [], removed: [] });
    await b.svc.approve({ id: req.id });
    expect(await refresh).toEqual({ quorumId: q.quorumId, epoch: 1, threshold: 2, groupPublicKey: q.groupPublicKey });
    for (const x of [a, b, c]) {
      await until(`${x.name} at epoch 1`, async () => (await x.svc.status()).quorums.find((y) => y.epoch === 1 && y.share === 'active'));
      expect(x.secrets.names()).toEqual([`quorum/${q.quorumId}/epoch/1/share`]);
    }

    // Restructure: dave joins, 3-of-4. Dave must accept; two old holders approve.
    const restructure = a.svc.reshare({ quorumId: q.quorumId, threshold: 3, add: [(await d.svc.card()).card] });
    const forDave = await until('dave sees the request', async () => (await d.svc.requests()).find((x) => x.kind === 'reshare'));
    expect(forDave.change?.added.map((m) => m.name)).toEqual(['dave']);
    await d.svc.approve({ id: forDave.id });
    await approveNext(c, 'reshare');
    expect(await restructure).toMatchObject({ epoch: 2, threshold: 3, groupPublicKey: q.groupPublicKey });
    for (const x of [a, b, c, d]) {
      await until(`${x.name} at epoch 2`, async () => (await x.svc.status()).quorums.find((y) => y.epoch === 2 && y.share === 'active'));
      expect(x.secrets.names()).toEqual([`quorum/${q.quorumId}/epoch/2/share`]);
      expect(verifyChain(x.state.getChain(q.quorumId)).epoch).toBe(2);
    }
    // The test signature: the coordinator signs, then others that committed, in roster order, t' in all.
    const cert = a.state.getChain(q.quorumId).at(-1) as { roster: { deviceId: string }[]; testSignature: { signers: string[] } };
    const [first, ...others] = cert.testSignature.signers;
    expect([first, others.length]).toEqual([a.svc.deviceId, 2]);
    const at = others.map((id) => cert.roster.findIndex((m) => m.deviceId === id));
    expect(at.every((i) => i >= 0) && at.every((i, k) => k === 0 || i > (at[k - 1] as number))).toBe(true);

    // 3 of the 4 sign at epoch 2; the plain verifier accepts under the original key.
    const signing = d.svc.sign({ quorumId: q.quorumId, message: 'c0ffee', description: 'after restructure' });
    await approveNext(a, 'sign');
    await approveNext(b, 'sign');
    const sig = await signing;
    expect(sig.epoch).toBe(2);
    expect(plainVerify(suite, sig.signature, 'c0ffee', q.groupPublicKey)).toBe(true);
    const log = (await a.svc.log({})).map((e) => e.type);
    expect(log).toEqual(expect.arrayContaining(['reshare-proposed', 'reshare-share-pending', 'reshare-committed', 'share-deleted']));
  });

  test('a reshare waits for t approvals: nothing is dealt until the second holder approves', async () => {
    const { net, a, b, c, q } = await trio(2);
    const reshare = a.svc.reshare({ quorumId: q.quorumId });
    const req = await until('bob sees the reshare', async () => (await b.svc.requests()).find((x) => x.kind === 'reshare'));
    expect(req.approvals).toEqual({ have: 1, need: 2 });
    await new Promise((r) => setTimeout(r, 200));
    expect(net.wire.some((w) => w.includes('"reshare/deal"'))).toBe(false);
    for (const x of [a, b, c]) expect(x.secrets.names()).toEqual([`quorum/${q.quorumId}/epoch/0/share`]);
    await b.svc.approve({ id: req.id });
    expect((await reshare).epoch).toBe(1);
  });

  test('a reshare rejected by enough old holders aborts and the old shares keep signing', async () => {
    const { a, b, c, q } = await trio(2);
    const reshare = a.svc.reshare({ quorumId: q.quorumId, threshold: 3 });
    for (const x of [b, c]) {
      const r = await until(`${x.name} sees the reshare`, async () => (await x.svc.requests()).find((y) => y.kind === 'reshare'));
      await x.svc.reject({ id: r.id, reason: 'not now' });
    }
    const err = await reshare.then(() => undefined, (e: unknown) => e);
    expect(isRampartError(err) && /aborted/.test(err.message)).toBe(true);
    expect(a.secrets.names()).toEqual([`quorum/${q.quorumId}/epoch/0/share`]);
    const signing = a.svc.sign({ quorumId: q.quorumId, message: '01', description: 'still works' });
    await approveNext(b, 'sign');
    expect(plainVerify(suite, (await signing).signature, '01', q.groupPublicKey)).toBe(true);
  });

  test('the random source is a component: ids, coefficients and nonces come from the injected one', async () => {
    const net = new MemoryNetwork();
    let calls = 0;
    let counter = 0;
    const rng = (n = 32) => {
      calls++;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = (counter++ * 131 + 7) & 0xff;
      return out;
    };
    const identity = generateDeviceKeys();
    const a = new DeviceService({
      name: 'alice', relayUrl: 'memory://', keystoreBackend: 'file', identity, secrets: memorySecrets(), state: new StateStore(':memory:'),
      transport: net.transport(deviceIdOf(devicePublicKeys(identity).identityKey)), clock: { now: () => Date.now() }, random: rng,
    });
    const b = device(net, 'bob');
    const expectedQuorumId = Array.from({ length: 16 }, (_, i) => ((i * 131 + 7) & 0xff).toString(16).padStart(2, '0')).join('');
    const created = a.createQuorum({ name: 'Pair', suite, threshold: 2, members: [(await b.svc.card()).card] });
    await approveNext(b, 'dkg');
    expect((await created).quorumId).toBe(expectedQuorumId);
    expect(calls).toBeGreaterThan(2);
  });

  test('a replayed envelope is refused with a logged reason', async () => {
    const net = new MemoryNetwork();
    const [a, b] = ['alice', 'bob'].map((n) => device(net, n)) as [ReturnType<typeof device>, ReturnType<typeof device>];
    void a.svc.createQuorum({ name: 'Pair', suite, threshold: 2, members: [(await b.svc.card()).card] });
    await until('bob sees the proposal', async () => (await b.svc.requests()).length > 0 || undefined);
    const { decodeEnvelope } = await import('../../shared/wire/envelope.js');
    await b.svc.receive(decodeEnvelope(net.wire[0]!));
    expect((await b.svc.log({})).some((e) => e.type === 'message-refused' && e.detail.includes('replayed'))).toBe(true);
  });
});
