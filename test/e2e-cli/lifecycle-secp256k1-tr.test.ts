/**
 * End to end with real processes (DESIGN §7), secp256k1 / BIP-340 Taproot: a
 * relay process and three device daemons; create 2-of-3, sign, refresh,
 * sign. The group key is the 32-byte x-only key and every signature passes
 * the plain BIP-340 verifier (`schnorr.verify`) under it.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, hex, type Device, type RequestJson } from './helpers.js';

type QuorumJson = { quorumId: string; suite: string; threshold: number; epoch: number; groupPublicKey: string };
type ReshareJson = { quorumId: string; epoch: number; threshold: number; groupPublicKey: string };
type SignJson = { signature: string; groupPublicKey: string; epoch: number };

const STEP_MS = 180_000;
const JOB_MS = STEP_MS - 20_000;

describe('rampart CLI end to end (secp256k1-tr): relay + 3 device processes', () => {
  let c: Cluster;
  let A: Device, B: Device, C: Device;
  let quorumId = '';
  let groupKey = '';

  beforeAll(async () => {
    ({ cluster: c, devices: [A, B, C] } = await Cluster.trio('rampart-e2e-secp-'));
  }, STEP_MS);

  afterAll(async () => {
    await c?.close();
  }, 30_000);

  const signAndVerify = async (proposer: Device, approver: Device, epoch: number) => {
    const message = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex'); // a sighash-sized message
    const job = c.background<SignJson>(['sign', '--home', proposer.home, '--quorum', quorumId, '--message', message, '--json'], { label: `sign ${proposer.name}`, timeoutMs: JOB_MS });
    await c.approveWhenAsked(approver, (r: RequestJson) => r.kind === 'sign' && r.quorumId === quorumId && r.message?.hex === message, 'the sign request', job.proc);
    const s = await job.result;
    expect(s).toEqual({ signature: expect.stringMatching(/^[0-9a-f]{128}$/), groupPublicKey: groupKey, epoch });
    expect(schnorr.verify(hex(s.signature), hex(message), hex(groupKey))).toBe(true);
    const other = message.slice(0, -2) + (message.endsWith('00') ? '01' : '00');
    expect(schnorr.verify(hex(s.signature), hex(other), hex(groupKey))).toBe(false);
  };

  it('creates a 2-of-3 secp256k1-tr quorum with a 32-byte x-only group key', { timeout: STEP_MS }, async () => {
    const job = c.background<QuorumJson>(['quorum', 'create', '--home', A.home, '--name', 'Taproot vault', '--suite', 'secp256k1-tr', '--threshold', '2', '--member', B.card, '--member', C.card, '--json'], { label: 'quorum create', timeoutMs: JOB_MS });
    const isDkg = (r: RequestJson) => r.kind === 'dkg';
    await Promise.all([c.approveWhenAsked(B, isDkg, 'the dkg request', job.proc), c.approveWhenAsked(C, isDkg, 'the dkg request', job.proc)]);
    const q = await job.result;
    expect(q).toEqual({ quorumId: expect.stringMatching(/^[0-9a-f]{32}$/), suite: 'secp256k1-tr', threshold: 2, epoch: 0, groupPublicKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
    quorumId = q.quorumId;
    groupKey = q.groupPublicKey;
    const all = await c.waitForStatus([A, B, C], 'epoch 0 with an active share', (s) => s.quorums.some((x) => x.quorumId === quorumId && x.epoch === 0 && x.share === 'active'));
    for (const s of all) expect(s.quorums.find((x) => x.quorumId === quorumId)).toMatchObject({ suite: 'secp256k1-tr', threshold: 2, epoch: 0, share: 'active', groupPublicKey: groupKey });
  });

  it('signs at epoch 0 (bob proposes, carol approves)', { timeout: STEP_MS }, async () => {
    await signAndVerify(B, C, 0);
  });

  it('refreshes (carol proposes, alice approves) → epoch 1, same x-only key', { timeout: STEP_MS }, async () => {
    const job = c.background<ReshareJson>(['reshare', '--home', C.home, '--quorum', quorumId, '--json'], { label: 'reshare (refresh)', timeoutMs: JOB_MS });
    const req = await c.approveWhenAsked(A, (r) => r.kind === 'reshare' && r.quorumId === quorumId && r.change?.fromEpoch === 0, 'the refresh request', job.proc);
    expect(req.change?.operation).toBe('refresh');
    expect(await job.result).toEqual({ quorumId, epoch: 1, threshold: 2, groupPublicKey: groupKey });
    const all = await c.waitForStatus([A, B, C], 'epoch 1 with an active share', (s) => s.quorums.some((x) => x.quorumId === quorumId && x.epoch === 1 && x.share === 'active'));
    for (const s of all) expect(s.quorums.find((x) => x.quorumId === quorumId)).toMatchObject({ epoch: 1, share: 'active', groupPublicKey: groupKey });
  });

  it('signs at epoch 1 with the refreshed shares (alice proposes, bob approves)', { timeout: STEP_MS }, async () => {
    await signAndVerify(A, B, 1);
    const log = await c.log(B);
    expect(log.filter((l) => l.quorumId === quorumId && l.type === 'share-deleted').map((l) => l.detail)).toEqual([expect.stringMatching(/epoch 0 share deleted after the epoch 1 certificate/)]);
  });
});
