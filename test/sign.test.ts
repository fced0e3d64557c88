/** FROST signing (RFC 9591 §5, DESIGN §5): thresholds, share verification with culprits, single-use nonces, plain verification. */
import type { Identifier, NonceCommitments } from '@noble/curves/abstract/frost.js';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { EpochPublic } from '../shared/epoch.js';
import { aggregateSignature, signRound1, signRound2, signWithShares, type SigningNonces } from '../shared/sign.js';
import type { Suite } from '../shared/suites.js';
import { SUITES, bumpScalar, deviceId, expectRampart, keysOf, plainVerify, runDkg, type DkgRun } from './helpers/frost-fixtures.js';

const msg = new TextEncoder().encode('pay 1 BTC to bob');
const A = deviceId(0);
const B = deviceId(1);
const C = deviceId(2);
const D = deviceId(3);

/** Round 1 and round 2 by hand for the given devices: commitments and shares keyed by identifier. */
function rounds(suite: Suite, run: DkgRun, devices: readonly string[], message = msg) {
  const keys = keysOf(run, devices);
  const r1 = keys.map((k) => signRound1(suite, k.secret));
  const commitments = r1.map((r) => r.commitment);
  const shares: Record<Identifier, Uint8Array> = {};
  keys.forEach((k, i) => {
    shares[k.secret.identifier] = signRound2(suite, k.secret, run.epoch.frostPublic, r1[i]!.nonces, commitments, message);
  });
  const idOf = (d: string): Identifier => run.epoch.roster.find((m) => m.deviceId === d)!.identifier;
  return { keys, commitments, shares, idOf };
}

describe.each(SUITES.map((s) => [s.name, s] as const))('signing over %s', (name, suite) => {
  const run = runDkg(suite, 5, 3);
  const epoch: EpochPublic = run.epoch;
  const gk = epoch.frostPublic.commitments[0]!;

  it('hand-run rounds with t and with more than t signers aggregate to a signature the PLAIN verifier accepts', () => {
    for (const devices of [[A, C, D], [A, B, C, D, deviceId(4)]]) {
      const { commitments, shares } = rounds(suite, run, devices);
      const sig = aggregateSignature(suite, epoch, commitments, msg, shares);
      expect(sig).toHaveLength(64);
      expect(plainVerify(name, sig, msg, gk)).toBe(true);
      expect(plainVerify(name, sig, msg.subarray(1), gk)).toBe(false);
    }
  });

  it('fewer than t signers: SIGNERS_INSUFFICIENT before any signing', () => {
    expectRampart(() => signWithShares(suite, epoch, keysOf(run, [A, B]), msg), 'SIGNERS_INSUFFICIENT', null);
    const { commitments, shares, idOf } = rounds(suite, run, [A, B, C]);
    const two = { [idOf(A)]: shares[idOf(A)]!, [idOf(B)]: shares[idOf(B)]! };
    const twoCommitments = commitments.filter((c) => c.identifier !== idOf(C));
    expectRampart(() => aggregateSignature(suite, epoch, twoCommitments, msg, two), 'SIGNERS_INSUFFICIENT', null);
  });

  it('a committed signer that sends no share is named (SIGNERS_INSUFFICIENT), even with t shares present', () => {
    const { commitments, shares, idOf } = rounds(suite, run, [A, B, C, D]);
    const missingB = { ...shares };
    delete missingB[idOf(B)];
    const e = expectRampart(() => aggregateSignature(suite, epoch, commitments, msg, missingB), 'SIGNERS_INSUFFICIENT', B);
    expect(e.message).toContain(B);
  });

  it('a bad signature share: SIGNATURE_SHARE_INVALID naming its device', () => {
    const { commitments, shares, idOf } = rounds(suite, run, [A, B, C]);
    const bad = { ...shares, [idOf(B)]: bumpScalar(suite, shares[idOf(B)]!) };
    expectRampart(() => aggregateSignature(suite, epoch, commitments, msg, bad), 'SIGNATURE_SHARE_INVALID', B);
    const short = { ...shares, [idOf(C)]: shares[idOf(C)]!.subarray(1) };
    expectRampart(() => aggregateSignature(suite, epoch, commitments, msg, short), 'SIGNATURE_SHARE_INVALID', C);
    // The untampered shares still aggregate.
    expect(plainVerify(name, aggregateSignature(suite, epoch, commitments, msg, shares), msg, gk)).toBe(true);
  });

  it('several bad shares: culprit is the first in roster order, the message lists all', () => {
    const { commitments, shares, idOf } = rounds(suite, run, [A, B, C, D]);
    const bad = { ...shares, [idOf(D)]: bumpScalar(suite, shares[idOf(D)]!), [idOf(B)]: bumpScalar(suite, shares[idOf(B)]!) };
    const e = expectRampart(() => aggregateSignature(suite, epoch, commitments, msg, bad), 'SIGNATURE_SHARE_INVALID', B);
    expect(e.message).toContain(D);
    expect(e.message).not.toContain(A);
  });

  it('a share over another message, or made with a share of another key, is named', () => {
    const { commitments, shares, idOf } = rounds(suite, run, [A, B, C]);
    // C signs a different message with its real nonces/commitment.
    const other = rounds(suite, run, [A, B, C], new TextEncoder().encode('pay 100 BTC to mallory'));
    const mixed = { ...shares, [idOf(C)]: other.shares[idOf(C)]! };
    expectRampart(() => aggregateSignature(suite, epoch, commitments, msg, mixed), 'SIGNATURE_SHARE_INVALID', C);
    // A share from an unrelated DKG with the same identifiers (a stale or foreign key) is named too.
    const foreign = runDkg(suite, 5, 3);
    const fk = keysOf(foreign, [A, B, C]);
    const r1 = fk.map((k) => signRound1(suite, k.secret));
    const cs = r1.map((r) => r.commitment);
    const fShares: Record<Identifier, Uint8Array> = {};
    const own = keysOf(run, [A, B]);
    const ownR1 = own.map((k) => signRound1(suite, k.secret));
    const list = [ownR1[0]!.commitment, ownR1[1]!.commitment, cs[2]!];
    own.forEach((k, i) => {
      fShares[k.secret.identifier] = signRound2(suite, k.secret, epoch.frostPublic, ownR1[i]!.nonces, list, msg);
    });
    fShares[fk[2]!.secret.identifier] = signRound2(suite, fk[2]!.secret, foreign.epoch.frostPublic, r1[2]!.nonces, list, msg);
    expectRampart(() => aggregateSignature(suite, epoch, list, msg, fShares), 'SIGNATURE_SHARE_INVALID', C);
  });

  it('nonces are single use: a second signRound2 with the same nonces is refused', () => {
    const [ka, kb] = keysOf(run, [A, B, C]);
    const kc = keysOf(run, [C])[0]!;
    const r = [ka!, kb!, kc].map((k) => signRound1(suite, k.secret));
    const commitments = r.map((x) => x.commitment);
    const nonces: SigningNonces = r[0]!.nonces;
    expect(nonces.used).toBe(false);
    const share = signRound2(suite, ka!.secret, epoch.frostPublic, nonces, commitments, msg);
    expect(share).toHaveLength(suite.Fn.BYTES);
    expect(nonces.used).toBe(true);
    expectRampart(() => signRound2(suite, ka!.secret, epoch.frostPublic, nonces, commitments, msg), 'PLAN_INVALID');
    expectRampart(() => signRound2(suite, ka!.secret, epoch.frostPublic, nonces, commitments, msg.subarray(2)), 'PLAN_INVALID');
  });

  it('nonces are consumed even by a failed signRound2', () => {
    const keys = keysOf(run, [A, B, C]);
    const r = keys.map((k) => signRound1(suite, k.secret));
    const commitments = r.map((x) => x.commitment);
    const forged: NonceCommitments = { ...commitments[0]!, hiding: commitments[1]!.hiding };
    const e = expectRampart(
      () => signRound2(suite, keys[0]!.secret, epoch.frostPublic, r[0]!.nonces, [forged, ...commitments.slice(1)], msg),
      'PLAN_INVALID',
    );
    expect(e.message).toMatch(/commitment/);
    const again = expectRampart(() => signRound2(suite, keys[0]!.secret, epoch.frostPublic, r[0]!.nonces, commitments, msg), 'PLAN_INVALID');
    expect(again.message).toMatch(/already used/);
  });

  it('nonces are bound to their share and print as <redacted>', () => {
    const [ka, kb, kc] = keysOf(run, [A, B, C]);
    const r = [ka!, kb!, kc!].map((k) => signRound1(suite, k.secret));
    expect(JSON.stringify(r[0]!.nonces)).toBe('"<redacted>"');
    expect(JSON.stringify(r[0])).toContain('"nonces":"<redacted>"');
    expect(inspect(r[0]!.nonces)).toBe('<redacted>');
    expectRampart(
      () => signRound2(suite, kb!.secret, epoch.frostPublic, r[0]!.nonces, r.map((x) => x.commitment), msg),
      'PLAN_INVALID',
    );
    // Too few commitments for round 2 → SIGNERS_INSUFFICIENT.
    expectRampart(
      () => signRound2(suite, kb!.secret, epoch.frostPublic, r[1]!.nonces, r.slice(0, 2).map((x) => x.commitment), msg),
      'SIGNERS_INSUFFICIENT',
    );
  });

  it('malformed or duplicated commitments and strangers are refused, naming the device where known', () => {
    const { commitments, shares, idOf } = rounds(suite, run, [A, B, C]);
    const garbage = commitments.map((c) => (c.identifier === idOf(B) ? { ...c, binding: new Uint8Array(suite.pointLength).fill(0xff) } : c));
    expectRampart(() => aggregateSignature(suite, epoch, garbage, msg, shares), 'ENCODING_INVALID', B);
    const dup = [...commitments, commitments[1]!];
    expectRampart(() => aggregateSignature(suite, epoch, dup, msg, shares), 'IDENTIFIER_DUPLICATE');
    const stranger = { ...commitments[0]!, identifier: suite.frost.Identifier.fromNumber(99) };
    expectRampart(() => aggregateSignature(suite, epoch, [...commitments, stranger], msg, shares), 'PLAN_INVALID');
    const noCommitment = { ...shares, [idOf(D)]: shares[idOf(A)]! };
    expectRampart(() => aggregateSignature(suite, epoch, commitments, msg, noCommitment), 'PLAN_INVALID', D);
  });

  it('the aggregate is checked with the plain verifier: a verifier that rejects gives SIGNATURE_INVALID', () => {
    const { commitments, shares } = rounds(suite, run, [A, B, C]);
    const rejecting: Suite = { ...suite, verify: () => false };
    expectRampart(() => aggregateSignature(rejecting, epoch, commitments, msg, shares), 'SIGNATURE_INVALID', null);
  });

  it('signWithShares refuses keys that do not match the roster', () => {
    const [ka, kb, kc] = keysOf(run, [A, B, C]);
    expectRampart(() => signWithShares(suite, epoch, [ka!, kb!, { deviceId: C, secret: ka!.secret }], msg), 'PLAN_INVALID', C);
    expectRampart(() => signWithShares(suite, epoch, [ka!, kb!, { ...kc!, deviceId: deviceId(9) }], msg), 'PLAN_INVALID', deviceId(9));
    expectRampart(() => signWithShares(suite, epoch, [ka!, kb!, kb!], msg), 'PLAN_INVALID', B);
  });
});
