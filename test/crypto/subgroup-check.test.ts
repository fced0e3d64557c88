/**
 * The ed25519 prime-order-subgroup check (shared/suites.ts): noble's by
 * default, libsodium's once a Node host installs it
 * (main/crypto/sodium-subgroup.ts). Both must give the same verdict on every
 * point: subgroup points, each of them plus each of the 8 torsion points,
 * and the small-order points themselves; the identity is in the subgroup.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterEach, describe, expect, it } from 'vitest';
import { sodiumSubgroupCheck, installSodiumSubgroupCheck } from '../../main/crypto/sodium-subgroup.js';
import { ed25519Suite, useEd25519SubgroupCheck, type GroupElement } from '../../shared/suites.js';

afterEach(() => useEd25519SubgroupCheck(undefined));

const P = ed25519.Point;
/** A point of order 8 (RFC 8032's small-order list); its multiples are the whole 8-torsion. */
const T8 = P.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
const torsion = Array.from({ length: 8 }, (_, i) => (i === 0 ? P.ZERO : T8.multiplyUnsafe(BigInt(i))));
const clean = Array.from({ length: 12 }, (_, i) => P.BASE.multiply(BigInt(i + 1) * 0x9e3779b97f4a7c15n + 7n));

describe('ed25519 subgroup check', () => {
  it('the torsion points are 8 distinct points of order dividing 8', () => {
    expect(new Set(torsion.map((t) => t.toHex())).size).toBe(8);
    for (const t of torsion) expect(t.multiplyUnsafe(8n).is0()).toBe(true);
  });

  it("libsodium gives noble's verdict on subgroup points, on each plus every torsion point, and on the small-order points", () => {
    let dirty = 0;
    for (const base of [...clean, P.ZERO]) {
      for (const t of torsion) {
        const q = base.add(t);
        if (q.is0()) continue; // the identity is the suite's own answer (below)
        const noble = q.isTorsionFree();
        expect(sodiumSubgroupCheck(q.toBytes())).toBe(noble);
        if (!noble) dirty++;
      }
    }
    expect(dirty).toBe(13 * 7); // every non-zero torsion component is caught, for each of the 13 bases
  });

  it.each([
    ['noble', () => useEd25519SubgroupCheck(undefined)],
    ['libsodium', () => installSodiumSubgroupCheck()],
  ] as const)('the suite with the %s check: identity and subgroup points in, torsion-carrying points out', (_, install) => {
    install();
    expect(ed25519Suite.inPrimeOrderSubgroup(ed25519Suite.ZERO)).toBe(true);
    for (const p of clean) {
      expect(ed25519Suite.inPrimeOrderSubgroup(p as GroupElement)).toBe(true);
      expect(ed25519Suite.inPrimeOrderSubgroup(p.add(torsion[4]!) as GroupElement)).toBe(false);
      expect(ed25519Suite.inPrimeOrderSubgroup(p.add(torsion[1]!) as GroupElement)).toBe(false);
    }
    expect(() => ed25519Suite.decodePoint(clean[0]!.add(torsion[2]!).toBytes())).toThrow(/subgroup/);
    expect(ed25519Suite.decodePoint(clean[0]!.toBytes()).equals(clean[0] as GroupElement)).toBe(true);
  });

  it('refuses anything but a 32-byte encoding', () => {
    expect(sodiumSubgroupCheck(new Uint8Array(31))).toBe(false);
    expect(sodiumSubgroupCheck(clean[0]!.toBytes().subarray(0, 31))).toBe(false);
  });
});
