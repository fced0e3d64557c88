/** DKG (DESIGN §5): group key agreement, plain-verifier signatures, culprit attribution, typed single-use rounds, redaction. */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../shared/bytes.js';
import {
  dkgEpochPublic,
  dkgRound1,
  dkgRound2,
  dkgRound3,
  dkgTranscriptHash,
  type DkgRound1Broadcast,
  type DkgRound1Secret,
  type DkgRound2Package,
  type DkgRound2Secret,
} from '../shared/dkg.js';
import { signWithShares } from '../shared/sign.js';
import type { Suite } from '../shared/suites.js';
import {
  SUITES,
  bumpScalar,
  deviceId,
  expectRampart,
  keysOf,
  makeRoster,
  packagesFor,
  plainVerify,
  round1All,
  round2All,
  runDkg,
  subsets,
  without,
} from './helpers/frost-fixtures.js';

const A = deviceId(0);
const B = deviceId(1);
const C = deviceId(2);
const msg = new TextEncoder().encode('rampart dkg test message');

/** A broadcast with one field replaced (a fresh object: the original stays untouched). */
function altered(b: DkgRound1Broadcast, patch: Partial<DkgRound1Broadcast>): DkgRound1Broadcast {
  return { identifier: b.identifier, commitment: b.commitment.map((c) => c.slice()), proofOfKnowledge: b.proofOfKnowledge.slice(), ...patch };
}

/** A valid point that is not the given commitment: k·G. */
function otherPoint(suite: Suite, k: bigint): Uint8Array {
  return suite.G.multiply(k).toBytes();
}

/** The scalar half (last Fn.BYTES bytes) of a proof of knowledge, plus one. */
function bumpProof(suite: Suite, proof: Uint8Array): Uint8Array {
  const out = proof.slice();
  const zStart = proof.length - suite.Fn.BYTES;
  out.set(bumpScalar(suite, proof.slice(zStart)), zStart);
  return out;
}

describe.each(SUITES.map((s) => [s.name, s] as const))('DKG over %s', (name, suite) => {
  describe.each([
    [2, 3],
    [3, 5],
  ])('%i-of-%i', (t, n) => {
    const run = runDkg(suite, n, t);
    const devices = run.roster.map((m) => m.deviceId);

    it('gives every member the same public package and group key', () => {
      const first = run.outputs[A]!;
      expect(first.public.commitments).toHaveLength(t);
      expect(first.public.signers).toEqual({ min: t, max: n });
      for (const d of devices) {
        const out = run.outputs[d]!;
        expect(bytesToHex(out.public.commitments[0]!)).toBe(bytesToHex(first.public.commitments[0]!));
        expect(out.public).toEqual(first.public);
        // Each member's own verifying share is Y_i = s_i·G.
        const Y = suite.G.multiply(suite.Fn.fromBytes(out.secret.signingShare)).toBytes();
        expect(bytesToHex(first.public.verifyingShares[out.secret.identifier]!)).toBe(bytesToHex(Y));
      }
      // Shares differ from member to member.
      expect(new Set(devices.map((d) => bytesToHex(run.outputs[d]!.secret.signingShare))).size).toBe(n);
    });

    it('signs with every t-subset and with all n; the PLAIN verifier accepts under the group key', () => {
      const gk = run.epoch.frostPublic.commitments[0]!;
      for (const signers of [...subsets(devices, t), devices]) {
        const sig = signWithShares(suite, run.epoch, keysOf(run, signers), msg);
        expect(plainVerify(name, sig, msg, gk), `signers ${signers.join(',')}`).toBe(true);
        expect(plainVerify(name, sig, new TextEncoder().encode('another message'), gk)).toBe(false);
      }
    });
  });

  it('works with full-size (hash-derived) identifiers', () => {
    const run = runDkg(suite, 3, 2, true);
    const gk = run.epoch.frostPublic.commitments[0]!;
    const devices = run.roster.map((m) => m.deviceId);
    for (const signers of subsets(devices, 2)) {
      expect(plainVerify(suite.name, signWithShares(suite, run.epoch, keysOf(run, signers), msg), msg, gk)).toBe(true);
    }
  });

  it('dkgEpochPublic: epoch 0, roster sorted by identifier value, threshold and key from the DKG', () => {
    const roster = makeRoster(suite, 4, true);
    const r1 = round1All(suite, [...roster].reverse(), 3);
    const r2 = round2All(suite, r1);
    const out = dkgRound3(suite, r2.secrets.get(B)!, without(r1.broadcasts, B), packagesFor(r2, B));
    const epoch = dkgEpochPublic(suite, out, '11'.repeat(16), '22'.repeat(32));
    const sorted = [...roster].sort((x, y) => {
      const a = suite.identifierToInteger(x.identifier);
      const b = suite.identifierToInteger(y.identifier);
      return a < b ? -1 : a > b ? 1 : 0;
    });
    expect(epoch).toMatchObject({ suite: suite.name, quorumId: '11'.repeat(16), epoch: 0, threshold: 3, certificateHash: '22'.repeat(32) });
    expect(epoch.roster).toEqual(sorted);
    expect(out.roster).toEqual(sorted);
    expect(epoch.frostPublic).toBe(out.public);
  });

  describe('round-1 faults name the sending device', () => {
    const roster = makeRoster(suite, 3);

    it('a replaced commitment[0] fails the proof of knowledge: DKG_FAILED, culprit = sender', () => {
      const r1 = round1All(suite, roster, 2);
      const bad = altered(r1.broadcasts[B]!, { commitment: [otherPoint(suite, 7n), r1.broadcasts[B]!.commitment[1]!] });
      const e = expectRampart(() => dkgRound2(suite, r1.secrets.get(A)!, { [B]: bad, [C]: r1.broadcasts[C]! }), 'DKG_FAILED', B);
      expect(e.message).toMatch(/proof of knowledge/);
      // An honest view of the same broadcasts still succeeds at C.
      expect(() => dkgRound2(suite, r1.secrets.get(C)!, without(r1.broadcasts, C))).not.toThrow();
    });

    it('a tampered proof of knowledge: DKG_FAILED, culprit = sender', () => {
      const r1 = round1All(suite, roster, 2);
      const bad = altered(r1.broadcasts[C]!, { proofOfKnowledge: bumpProof(suite, r1.broadcasts[C]!.proofOfKnowledge) });
      expectRampart(() => dkgRound2(suite, r1.secrets.get(A)!, { [B]: r1.broadcasts[B]!, [C]: bad }), 'DKG_FAILED', C);
    });

    it('an identity, malformed or short commitment vector: DKG_FAILED, culprit = sender', () => {
      const r1 = round1All(suite, roster, 2);
      const b = r1.broadcasts[B]!;
      const cases: DkgRound1Broadcast[] = [
        altered(b, { commitment: [b.commitment[0]!, new Uint8Array(suite.pointLength).fill(0xff)] }),
        altered(b, { commitment: [b.commitment[0]!] }),
        altered(b, { identifier: roster[2]!.identifier }),
      ];
      if (suite.name === 'ed25519') cases.push(altered(b, { commitment: [b.commitment[0]!, suite.ZERO.toBytes()] }));
      for (const bad of cases) {
        const fresh = dkgRound1(suite, roster, 2, A);
        expectRampart(() => dkgRound2(suite, fresh.secret, { [B]: bad, [C]: r1.broadcasts[C]! }), 'DKG_FAILED', B);
      }
    });

    it('a missing broadcast names the silent device', () => {
      const r1 = round1All(suite, roster, 2);
      expectRampart(() => dkgRound2(suite, r1.secrets.get(A)!, { [B]: r1.broadcasts[B]! }), 'DKG_FAILED', C);
    });

    it('two bad senders: culprit is the first in roster order, the message names both', () => {
      const roster5 = makeRoster(suite, 5);
      const r1 = round1All(suite, roster5, 3);
      const d3 = deviceId(3);
      const view = without(r1.broadcasts, A);
      view[d3] = altered(view[d3]!, { proofOfKnowledge: bumpProof(suite, view[d3]!.proofOfKnowledge) });
      view[B] = altered(view[B]!, { commitment: [otherPoint(suite, 5n), ...view[B]!.commitment.slice(1)] });
      const e = expectRampart(() => dkgRound2(suite, r1.secrets.get(A)!, view), 'DKG_FAILED', B);
      expect(e.message).toContain(d3);
    });

    it('a tampered commitment[1] (proof still valid) is caught in round 3 by the Feldman check, naming the sender', () => {
      const r1 = round1All(suite, roster, 2);
      const bad = altered(r1.broadcasts[B]!, { commitment: [r1.broadcasts[B]!.commitment[0]!, otherPoint(suite, 11n)] });
      const view = { [B]: bad, [C]: r1.broadcasts[C]! };
      const r2 = round2All(suite, r1, (me) => (me === A ? view : without(r1.broadcasts, me)));
      const e = expectRampart(() => dkgRound3(suite, r2.secrets.get(A)!, view, packagesFor(r2, A)), 'DKG_FAILED', B);
      expect(e.message).toMatch(/Feldman/);
    });

    it('equivocation: round-3 broadcasts differing from those of round 2 name the sender', () => {
      const r1 = round1All(suite, roster, 2);
      const r2 = round2All(suite, r1);
      const other = dkgRound1(suite, roster, 2, C).broadcast; // a second, valid broadcast of C
      expectRampart(() => dkgRound3(suite, r2.secrets.get(A)!, { [B]: r1.broadcasts[B]!, [C]: other }, packagesFor(r2, A)), 'DKG_FAILED', C);
    });
  });

  describe('round-2 faults name the sending device', () => {
    const roster = makeRoster(suite, 3);

    it('a tampered round-2 share: DKG_FAILED at the recipient, culprit = sender; other members unaffected', () => {
      const r1 = round1All(suite, roster, 2);
      const r2 = round2All(suite, r1);
      const toA = packagesFor(r2, A);
      toA[B] = { ...toA[B]!, signingShare: bumpScalar(suite, toA[B]!.signingShare) };
      const e = expectRampart(() => dkgRound3(suite, r2.secrets.get(A)!, without(r1.broadcasts, A), toA), 'DKG_FAILED', B);
      expect(e.message).toMatch(/Feldman/);
      const outC = dkgRound3(suite, r2.secrets.get(C)!, without(r1.broadcasts, C), packagesFor(r2, C));
      expect(outC.public.commitments).toHaveLength(2);
    });

    it('a share meant for someone else, a wrong sender identifier, a non-scalar or a missing package: culprit = sender', () => {
      const q = suite.Fn.ORDER;
      const be = Uint8Array.from({ length: suite.Fn.BYTES }, (_, i) => Number((q >> BigInt(8 * (suite.Fn.BYTES - 1 - i))) & 0xffn));
      const overOrder = suite.Fn.isLE ? be.slice().reverse() : be; // q itself: not a canonical scalar
      const variants: ((r2: ReturnType<typeof round2All>) => Record<string, DkgRound2Package>)[] = [
        (r2) => ({ ...packagesFor(r2, A), [B]: r2.packages[B]![C]! }),
        (r2) => ({ ...packagesFor(r2, A), [B]: { ...r2.packages[B]![A]!, identifier: roster[2]!.identifier } }),
        (r2) => ({ ...packagesFor(r2, A), [B]: { ...r2.packages[B]![A]!, signingShare: overOrder } }),
        (r2) => ({ ...packagesFor(r2, A), [B]: { ...r2.packages[B]![A]!, signingShare: new Uint8Array(5) } }),
        (r2) => without(packagesFor(r2, A), B),
      ];
      for (const make of variants) {
        // Each attempt consumes a round-2 state, so every variant runs its own DKG.
        const r1 = round1All(suite, roster, 2);
        const r2 = round2All(suite, r1);
        expectRampart(() => dkgRound3(suite, r2.secrets.get(A)!, without(r1.broadcasts, A), make(r2)), 'DKG_FAILED', B);
      }
    });
  });

  describe('roster and threshold validation', () => {
    const roster = makeRoster(suite, 3);
    const encode = (x: bigint): string => {
      const be = Array.from({ length: suite.Fn.BYTES }, (_, i) => Number((x >> BigInt(8 * (suite.Fn.BYTES - 1 - i))) & 0xffn));
      return bytesToHex(Uint8Array.from(suite.Fn.isLE ? be.reverse() : be));
    };

    it('rejects a zero, repeated or non-canonical identifier and names the device', () => {
      const zero = [...roster.slice(0, 2), { deviceId: C, identifier: '00'.repeat(32) }];
      expectRampart(() => dkgRound1(suite, zero, 2, A), 'IDENTIFIER_ZERO', C);
      const dup = [...roster.slice(0, 2), { deviceId: C, identifier: roster[0]!.identifier }];
      expectRampart(() => dkgRound1(suite, dup, 2, A), 'IDENTIFIER_DUPLICATE', C);
      const big = [...roster.slice(0, 2), { deviceId: C, identifier: encode(suite.Fn.ORDER + 9n) }];
      expectRampart(() => dkgRound1(suite, big, 2, A), 'IDENTIFIER_NONCANONICAL', C);
      const upper = [...roster.slice(0, 2), { deviceId: C, identifier: encode(0xabn).toUpperCase() }];
      expectRampart(() => dkgRound1(suite, upper, 2, A), 'IDENTIFIER_NONCANONICAL');
    });

    it('rejects a repeated deviceId, t < 2, t > n, and a device outside the roster', () => {
      const twice = [...roster.slice(0, 2), { deviceId: A, identifier: encode(3n) }];
      expectRampart(() => dkgRound1(suite, twice, 2, A), 'PLAN_INVALID', A);
      expectRampart(() => dkgRound1(suite, roster, 1, A), 'PLAN_INVALID');
      expectRampart(() => dkgRound1(suite, roster, 4, A), 'PLAN_INVALID');
      expectRampart(() => dkgRound1(suite, roster.slice(0, 1), 1, A), 'PLAN_INVALID');
      expectRampart(() => dkgRound1(suite, roster, 2, deviceId(9)), 'PLAN_INVALID', deviceId(9));
      expect(() => dkgRound1(suite, roster, 3, A)).not.toThrow();
    });

    it('rejects round-1 broadcasts from outside the roster or from itself', () => {
      const r1 = round1All(suite, roster, 2);
      const stray = { ...without(r1.broadcasts, A), [deviceId(9)]: r1.broadcasts[B]! };
      expectRampart(() => dkgRound2(suite, r1.secrets.get(A)!, stray), 'PLAN_INVALID');
      expectRampart(() => dkgRound2(suite, r1.secrets.get(B)!, r1.broadcasts), 'PLAN_INVALID');
    });
  });

  describe('typed, single-use rounds', () => {
    const roster = makeRoster(suite, 3);

    it('a round-1 state is accepted once, by round 2 only', () => {
      const r1 = round1All(suite, roster, 2);
      const secretA = r1.secrets.get(A)!;
      // @ts-expect-error a round-1 state is not a round-2 state
      expectRampart(() => dkgRound3(suite, secretA, without(r1.broadcasts, A), {}), 'PLAN_INVALID');
      expect(() => dkgRound2(suite, secretA, without(r1.broadcasts, A))).not.toThrow();
      expectRampart(() => dkgRound2(suite, secretA, without(r1.broadcasts, A)), 'PLAN_INVALID');
    });

    it('a round-2 state is accepted once, by round 3 only, and is consumed by a failed round 3', () => {
      const r1 = round1All(suite, roster, 2);
      const r2 = round2All(suite, r1);
      const secretA = r2.secrets.get(A)!;
      // @ts-expect-error a round-2 state is not a round-1 state
      expectRampart(() => dkgRound2(suite, secretA, without(r1.broadcasts, A)), 'PLAN_INVALID');
      expectRampart(() => dkgRound3(suite, secretA, without(r1.broadcasts, A), {}), 'DKG_FAILED');
      expectRampart(() => dkgRound3(suite, secretA, without(r1.broadcasts, A), packagesFor(r2, A)), 'PLAN_INVALID');
      const out = dkgRound3(suite, r2.secrets.get(B)!, without(r1.broadcasts, B), packagesFor(r2, B));
      expectRampart(() => dkgRound3(suite, r2.secrets.get(B)!, without(r1.broadcasts, B), packagesFor(r2, B)), 'PLAN_INVALID');
      expect(out.secret.identifier).toBe(roster[1]!.identifier);
    });

    it('round 3 accepts this device\'s own broadcast in the set only unaltered', () => {
      const r1 = round1All(suite, roster, 2);
      const r2 = round2All(suite, r1);
      expect(() => dkgRound3(suite, r2.secrets.get(A)!, r1.broadcasts, packagesFor(r2, A))).not.toThrow();
      const mine = altered(r1.broadcasts[B]!, { proofOfKnowledge: bumpProof(suite, r1.broadcasts[B]!.proofOfKnowledge) });
      expectRampart(() => dkgRound3(suite, r2.secrets.get(B)!, { ...r1.broadcasts, [B]: mine }, packagesFor(r2, B)), 'PLAN_INVALID');
    });

    it('a state of one suite is refused by the other', () => {
      const other = SUITES.find((s) => s.name !== suite.name)!;
      const r1 = round1All(suite, roster, 2);
      expectRampart(() => dkgRound2(other, r1.secrets.get(A)!, without(r1.broadcasts, A)), 'PLAN_INVALID');
    });
  });

  describe('secrets never print', () => {
    it('round states, round-2 packages and the final share print as <redacted>', () => {
      const roster = makeRoster(suite, 3);
      const r1 = round1All(suite, roster, 2);
      const s1: DkgRound1Secret = r1.secrets.get(A)!;
      expect(JSON.stringify(s1)).toBe('"<redacted>"');
      expect(inspect(s1)).toBe('<redacted>');
      expect(String(s1)).toBe('<redacted>');
      const r2 = round2All(suite, r1);
      const s2: DkgRound2Secret = r2.secrets.get(A)!;
      const pkg = r2.packages[A]![B]!;
      expect(JSON.stringify(s2)).toBe('"<redacted>"');
      expect(inspect(s2)).toBe('<redacted>');
      expect(JSON.stringify({ pkg })).toBe('{"pkg":"<redacted>"}');
      expect(inspect(pkg)).toBe('<redacted>');
      const out = dkgRound3(suite, s2, without(r1.broadcasts, A), packagesFor(r2, A));
      const shareHex = bytesToHex(out.secret.signingShare);
      expect(JSON.stringify(out)).not.toContain(shareHex);
      expect(JSON.stringify(out.secret)).toBe('"<redacted>"');
      expect(inspect(out)).not.toContain('signingShare');
      // The data itself stays usable and clonable.
      expect(out.secret.signingShare).toHaveLength(suite.Fn.BYTES);
      expect(bytesToHex(structuredClone(out.secret).signingShare)).toBe(shareHex);
      expect({ ...pkg }.signingShare).toBe(pkg.signingShare);
    });
  });

  describe('transcript hash', () => {
    const roster = makeRoster(suite, 3);
    const r1 = round1All(suite, roster, 2);
    const session = { quorumId: '01'.repeat(16), sessionId: '02'.repeat(16), threshold: 2, roster };

    it('is bound to quorum, session, threshold, roster and every broadcast; not to the order they are given in', () => {
      const h = dkgTranscriptHash(suite, session, r1.broadcasts);
      expect(h).toMatch(/^[0-9a-f]{64}$/);
      expect(dkgTranscriptHash(suite, { ...session, roster: [...roster].reverse() }, r1.broadcasts)).toBe(h);
      const shuffled = { [C]: r1.broadcasts[C]!, [A]: r1.broadcasts[A]!, [B]: r1.broadcasts[B]! };
      expect(dkgTranscriptHash(suite, session, shuffled)).toBe(h);
      const variants = [
        dkgTranscriptHash(suite, { ...session, quorumId: '03'.repeat(16) }, r1.broadcasts),
        dkgTranscriptHash(suite, { ...session, sessionId: '03'.repeat(16) }, r1.broadcasts),
        dkgTranscriptHash(suite, { ...session, threshold: 3 }, r1.broadcasts),
        dkgTranscriptHash(suite, session, { ...r1.broadcasts, [B]: dkgRound1(suite, roster, 2, B).broadcast }),
        dkgTranscriptHash(suite, { ...session, roster: roster.map((m, i) => (i === 2 ? { ...m, deviceId: deviceId(9) } : m)) }, {
          ...without(r1.broadcasts, C),
          [deviceId(9)]: r1.broadcasts[C]!,
        }),
      ];
      expect(new Set([h, ...variants]).size).toBe(variants.length + 1);
    });

    it('names a member whose broadcast is missing or carries another identifier', () => {
      expectRampart(() => dkgTranscriptHash(suite, session, without(r1.broadcasts, B)), 'DKG_FAILED', B);
      expectRampart(() => dkgTranscriptHash(suite, session, { ...r1.broadcasts, [B]: r1.broadcasts[C]! }), 'DKG_FAILED', B);
    });
  });
});
