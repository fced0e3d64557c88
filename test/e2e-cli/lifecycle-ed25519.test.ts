/**
 * End to end with real processes over loopback (DESIGN §7): a relay process
 * and five `rampart device run` daemons, driven only through the `rampart`
 * CLI. DKG 2-of-3, sign, refresh, restructure to 3-of-5, sign; every
 * signature checked with the plain ed25519 verifier; the group key never
 * changes. The steps share one cluster and run in order.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, hex, type Device, type RequestJson } from './helpers.js';

type QuorumJson = { quorumId: string; suite: string; threshold: number; epoch: number; groupPublicKey: string };
type ReshareJson = { quorumId: string; epoch: number; threshold: number; groupPublicKey: string };
type SignJson = { signature: string; groupPublicKey: string; epoch: number };

const STEP_MS = 180_000;
const JOB_MS = STEP_MS - 20_000;

describe('rampart CLI end to end (ed25519): relay + 5 device processes', () => {
  let c: Cluster;
  let A: Device, B: Device, C: Device, D: Device, E: Device;
  let quorumId = '';
  let groupKey = '';

  beforeAll(async () => {
    c = await Cluster.create();
    await c.startRelay();
    [A, B, C, D, E] = await Promise.all(['alice', 'bob', 'carol', 'dave', 'erin'].map((n) => c.initDevice(n))) as [Device, Device, Device, Device, Device];
    await Promise.all([A, B, C, D, E].map((d) => c.startDevice(d)));
  }, STEP_MS);

  afterAll(async () => {
    await c?.close();
  }, 30_000);

  const signAndVerify = async (proposer: Device, approvers: Device[], text: string, epoch: number) => {
    const message = Buffer.from(text, 'utf8').toString('hex');
    const job = c.background<SignJson>(['sign', '--home', proposer.home, '--quorum', quorumId, '--message', message, '--description', text, '--json'], { label: `sign ${proposer.name}`, timeoutMs: JOB_MS });
    const isThis = (r: RequestJson) => r.kind === 'sign' && r.quorumId === quorumId && r.message?.hex === message;
    const seen = await Promise.all(approvers.map((d) => c.approveWhenAsked(d, isThis, `the sign request "${text}"`, job.proc)));
    for (const r of seen) expect(r.message?.description).toBe(text);
    const s = await job.result;
    expect(s).toEqual({ signature: expect.stringMatching(/^[0-9a-f]{128}$/), groupPublicKey: groupKey, epoch });
    // The plain standard verifier, under the unchanged group key.
    expect(ed25519.verify(hex(s.signature), hex(message), hex(groupKey))).toBe(true);
    expect(ed25519.verify(hex(s.signature), hex(message + '00'), hex(groupKey))).toBe(false);
    return s;
  };

  it('creates a 2-of-3 quorum: the proposer waits while bob and carol accept the dkg request', { timeout: STEP_MS }, async () => {
    const job = c.background<QuorumJson>(['quorum', 'create', '--home', A.home, '--name', 'Treasury', '--suite', 'ed25519', '--threshold', '2', '--member', B.card, '--member', C.card, '--json'], { label: 'quorum create', timeoutMs: JOB_MS });
    const isDkg = (r: RequestJson) => r.kind === 'dkg';
    const [rb, rc] = await Promise.all([c.approveWhenAsked(B, isDkg, 'the dkg request', job.proc), c.approveWhenAsked(C, isDkg, 'the dkg request', job.proc)]);
    const q = await job.result;
    expect(q).toEqual({ quorumId: expect.stringMatching(/^[0-9a-f]{32}$/), suite: 'ed25519', threshold: 2, epoch: 0, groupPublicKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(rb.quorumId).toBe(q.quorumId);
    expect(rc.quorumId).toBe(q.quorumId);
    quorumId = q.quorumId;
    groupKey = q.groupPublicKey;

    const all = await c.waitForStatus([A, B, C], 'epoch 0 with an active share', (s) => s.quorums.some((x) => x.quorumId === quorumId && x.epoch === 0 && x.share === 'active'));
    for (const s of all) {
      const view = s.quorums.find((x) => x.quorumId === quorumId)!;
      expect(view).toMatchObject({ name: 'Treasury', suite: 'ed25519', threshold: 2, epoch: 0, share: 'active', groupPublicKey: groupKey });
      expect(view.members.map((m) => m.deviceId).sort()).toEqual([A, B, C].map((d) => d.deviceId).sort());
      expect(s.device.connected).toBe(true);
    }
    // Devices outside the quorum know nothing of it.
    for (const d of [D, E]) expect((await c.status(d)).quorums).toEqual([]);
  });

  it('signs with the 2-of-3 quorum (alice proposes, bob approves)', { timeout: STEP_MS }, async () => {
    await signAndVerify(A, [B], 'pay 1 BTC to cold storage', 0);
  });

  it('refreshes: bob proposes, carol approves → epoch 1, same key, all shares active', { timeout: STEP_MS }, async () => {
    const job = c.background<ReshareJson>(['reshare', '--home', B.home, '--quorum', quorumId, '--json'], { label: 'reshare (refresh)', timeoutMs: JOB_MS });
    const req = await c.approveWhenAsked(C, (r) => r.kind === 'reshare' && r.quorumId === quorumId && r.change?.fromEpoch === 0, 'the refresh request', job.proc);
    expect(req.change?.operation).toBe('refresh');
    const r = await job.result;
    expect(r).toEqual({ quorumId, epoch: 1, threshold: 2, groupPublicKey: groupKey });
    const all = await c.waitForStatus([A, B, C], 'epoch 1 with an active share', (s) => s.quorums.some((x) => x.quorumId === quorumId && x.epoch === 1 && x.share === 'active'));
    for (const s of all) expect(s.quorums.find((x) => x.quorumId === quorumId)).toMatchObject({ epoch: 1, threshold: 2, share: 'active', groupPublicKey: groupKey });
    // Alice never decided, but the committed refresh no longer awaits her.
    await c.waitForNoRequest(A, (r) => r.kind === 'reshare', 'the committed refresh request');
  });

  it('signs after the refresh with the new shares (carol proposes, alice approves)', { timeout: STEP_MS }, async () => {
    await signAndVerify(C, [A], 'pay 2 BTC after the refresh', 1);
  });

  it('restructures to 3-of-5: dave and erin accept, bob approves → epoch 2, same key on all five', { timeout: STEP_MS }, async () => {
    const job = c.background<ReshareJson>(['reshare', '--home', A.home, '--quorum', quorumId, '--threshold', '3', '--add', D.card, '--add', E.card, '--json'], { label: 'reshare (restructure)', timeoutMs: JOB_MS });
    const isThis = (r: RequestJson) => r.kind === 'reshare' && r.quorumId === quorumId && r.change?.fromEpoch === 1;
    const [rd, re, rb] = await Promise.all([
      c.approveWhenAsked(D, isThis, 'the restructure request (joining)', job.proc),
      c.approveWhenAsked(E, isThis, 'the restructure request (joining)', job.proc),
      c.approveWhenAsked(B, isThis, 'the restructure request', job.proc),
    ]);
    for (const req of [rd, re, rb]) {
      expect(req.change?.operation).toBe('restructure');
      expect(req.change?.added.map((m) => m.deviceId).sort()).toEqual([D.deviceId, E.deviceId].sort());
    }
    const r = await job.result;
    expect(r).toEqual({ quorumId, epoch: 2, threshold: 3, groupPublicKey: groupKey });
    const all = await c.waitForStatus([A, B, C, D, E], 'epoch 2 with an active share', (s) => s.quorums.some((x) => x.quorumId === quorumId && x.epoch === 2 && x.share === 'active'));
    for (const s of all) {
      const view = s.quorums.find((x) => x.quorumId === quorumId)!;
      expect(view).toMatchObject({ suite: 'ed25519', epoch: 2, threshold: 3, share: 'active', groupPublicKey: groupKey });
      expect(view.members.map((m) => m.deviceId).sort()).toEqual([A, B, C, D, E].map((d) => d.deviceId).sort());
    }
  });

  it('signs with 3 of the 5 (dave proposes, erin and carol approve)', { timeout: STEP_MS }, async () => {
    await signAndVerify(D, [E, C], 'pay 3 BTC with the new quorum', 2);
  });

  it("records the reshares and the deletion of alice's old shares in her log", { timeout: STEP_MS }, async () => {
    const log = await c.log(A);
    const ofQ = log.filter((l) => l.quorumId === quorumId);
    const types = ofQ.map((l) => l.type);
    expect(types).toContain('quorum-created');
    expect(types).toContain('reshare-proposed');
    expect(ofQ.filter((l) => l.type === 'reshare-committed').map((l) => l.detail)).toEqual([expect.stringMatching(/epoch 0 → 1/), expect.stringMatching(/epoch 1 → 2: 3-of-5/)]);
    expect(ofQ.filter((l) => l.type === 'share-deleted').map((l) => l.detail)).toEqual([
      expect.stringMatching(/epoch 0 share deleted after the epoch 1 certificate/),
      expect.stringMatching(/epoch 1 share deleted after the epoch 2 certificate/),
    ]);
    // Sequence numbers increase.
    const seqs = log.map((l) => l.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    // Nothing was refused along the way (a harmless duplicate delivery aside).
    expect(log.filter((l) => l.type === 'message-refused' && !l.detail.includes('duplicate'))).toEqual([]);
  });

  // A holder that did not decide a signing request is not asked any more once the signature exists.
  it('a finished signing request leaves the inbox of holders that did not approve', { timeout: STEP_MS }, async () => {
    await Promise.all([A, B].map((d) => c.waitForNoRequest(d, (r) => r.kind === 'sign' && r.quorumId === quorumId, 'the finished 3-of-5 signing request', 10_000)));
  });
});
