/**
 * Property tests of the redistribution over random (t, n) → (t', n'), n, n' ≤ 9,
 * both suites (DESIGN §4 invariants I1 and I4).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { bytesToHex } from '../../shared/bytes.js';
import { getSuite, SUITE_NAMES } from '../../shared/suites.js';
import { frostSign, genesisWorld, makePlan, nextRoster, plainVerify, reshareWorld, type Holder } from '../helpers/reshare-harness.js';

/** A random reshare shape: old t-of-n, dealers, members kept, new t'-of-n'. */
const shape = fc
  .record({
    n: fc.integer({ min: 2, max: 9 }),
    tSeed: fc.nat(),
    extraDealers: fc.nat(),
    keepSeed: fc.nat(),
    nNewSeed: fc.nat(),
    tNewSeed: fc.nat(),
    pick: fc.array(fc.nat(), { minLength: 9, maxLength: 9 }),
    message: fc.uint8Array({ minLength: 0, maxLength: 64 }),
  })
  .map((r) => {
    const t = 2 + (r.tSeed % (r.n - 1));
    const dealers = t + (r.extraDealers % (r.n - t + 1));
    const keep = r.keepSeed % (r.n + 1);
    const nNew = Math.max(2, keep) + (r.nNewSeed % (10 - Math.max(2, keep)));
    const tNew = 2 + (r.tNewSeed % (nNew - 1));
    return { ...r, t, dealers, keep, nNew, tNew };
  });

/** A pseudo-random subset of `size` holders, driven by the `pick` seeds. */
function subset(holders: readonly Holder[], size: number, pick: readonly number[]): Holder[] {
  const pool = [...holders];
  const out: Holder[] = [];
  for (let i = 0; i < size; i++) out.push(pool.splice((pick[i] ?? 0) % pool.length, 1)[0] as Holder);
  return out;
}

describe.each(SUITE_NAMES)('redistribution properties (%s)', (name) => {
  const suite = getSuite(name);

  /** Epoch 0 (t-of-n) and epoch 1 after resharing to the shape's keep/add/t'. */
  const reshareShape = (s: { t: number; n: number; keep: number; nNew: number; tNew: number; dealers: number }) => {
    const w0 = genesisWorld(name, s.t, s.n);
    const plan = makePlan(w0.epoch, nextRoster(suite, w0.epoch, w0.epoch.roster.slice(0, s.keep), s.nNew - s.keep), s.tNew, s.dealers);
    return { w0, w1: reshareWorld(w0, plan) };
  };

  test('the group key is unchanged and any t′ new shares sign under the plain standard verifier (I1)', () => {
    fc.assert(
      fc.property(shape, (s) => {
        const { w0, w1 } = reshareShape(s);
        expect(bytesToHex(w1.epoch.frostPublic.commitments[0]!)).toBe(bytesToHex(w0.epoch.frostPublic.commitments[0]!));
        expect(w1.epoch.frostPublic.commitments).toHaveLength(s.tNew);
        const signers = subset(w1.holders, s.tNew, s.pick);
        const sig = frostSign(suite, w1.epoch, w1.epoch.frostPublic, signers, s.message);
        expect(sig.ok).toBe(true);
        if (sig.ok) {
          expect(plainVerify(suite, w0.epoch.frostPublic, s.message, sig.signature)).toBe(true);
          const other = s.message.length > 0 ? s.message.map((b) => b ^ 1) : Uint8Array.of(1);
          expect(plainVerify(suite, w0.epoch.frostPublic, other, sig.signature)).toBe(false);
        }
      }),
      { numRuns: 20 },
    );
  });

  test('fewer than t′ new shares cannot sign, even with a public package that claims a lower threshold', () => {
    fc.assert(
      fc.property(
        shape.filter((s) => s.tNew >= 3),
        (s) => {
          const { w0, w1 } = reshareShape(s);
          const few = subset(w1.holders, s.tNew - 1, s.pick);
          // noble refuses a signing set below the threshold outright …
          expect(frostSign(suite, w1.epoch, w1.epoch.frostPublic, few, s.message).ok).toBe(false);
          // … and a forged package claiming t'−1 yields nothing the standard verifier accepts.
          const lowered = { ...w1.epoch.frostPublic, signers: { min: s.tNew - 1, max: s.nNew } };
          const attempt = frostSign(suite, w1.epoch, lowered, few, s.message);
          expect(attempt.ok && plainVerify(suite, w0.epoch.frostPublic, s.message, attempt.signature)).toBe(false);
        },
      ),
      { numRuns: 10 },
    );
  });

  test('a signing set mixing old-epoch and new-epoch shares fails and verifyShare names the stale device (I4)', () => {
    fc.assert(
      fc.property(
        shape.filter((s) => s.keep >= 1),
        (s) => {
          const { w0, w1 } = reshareShape(s);
          // A kept member (same identifier in both epochs) signs with its OLD share.
          const staleIdx = (s.pick[0] ?? 0) % s.keep;
          const stale = w0.holders[staleIdx] as Holder;
          const fresh = subset(
            w1.holders.filter((h) => h.deviceId !== stale.deviceId),
            s.tNew - 1,
            s.pick.slice(1),
          );
          const attempt = frostSign(suite, w1.epoch, w1.epoch.frostPublic, [stale, ...fresh], s.message);
          expect(attempt.ok).toBe(false);
          if (!attempt.ok) expect(attempt.badSigners).toEqual([stale.deviceId]);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe.each(SUITE_NAMES)('reshares in a row (%s)', (name) => {
  test('refresh → grow 2-of-3 to 3-of-5 → shrink to 2-of-2 keeps the key, and each epoch signs', () => {
    const suite = getSuite(name);
    const msg = new TextEncoder().encode('three reshares in a row');
    const w0 = genesisWorld(name, 2, 3);
    const pk = bytesToHex(w0.epoch.frostPublic.commitments[0]!);
    const w1 = reshareWorld(w0, makePlan(w0.epoch, w0.epoch.roster, 2));
    const w2 = reshareWorld(w1, makePlan(w1.epoch, nextRoster(suite, w1.epoch, w1.epoch.roster, 2), 3, 3));
    const w3 = reshareWorld(w2, makePlan(w2.epoch, [w2.epoch.roster[1]!, w2.epoch.roster[4]!], 2, 3));
    const worlds = [w1, w2, w3];
    expect(worlds.map((w) => `${w.epoch.threshold}-of-${w.epoch.roster.length}@${w.epoch.epoch}`)).toEqual(['2-of-3@1', '3-of-5@2', '2-of-2@3']);
    for (const w of worlds) {
      expect(bytesToHex(w.epoch.frostPublic.commitments[0]!)).toBe(pk);
      const sig = frostSign(suite, w.epoch, w.epoch.frostPublic, w.holders.slice(-w.epoch.threshold), msg);
      expect(sig.ok && plainVerify(suite, w0.epoch.frostPublic, msg, sig.signature)).toBe(true);
      for (const h of w.holders) suite.frost.validateSecret(h.secret, w.epoch.frostPublic);
    }
    // The removed device's old share does not fit the 2-of-2 epoch.
    const removed = w2.holders[0]!;
    const mixed = frostSign(suite, w3.epoch, w3.epoch.frostPublic, [removed, w3.holders[0]!], msg);
    expect(mixed.ok).toBe(false);
  });
});
