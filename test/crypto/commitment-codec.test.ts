/**
 * The ed25519 dealer-commitment decoder (shared/suites.ts) is a direct form
 * of noble's Fp.fromBytes + Point.fromAffine + assertValidity. It must give
 * noble's verdict on every input: points of the subgroup and of the torsion
 * cosets, the identity, coordinates ≥ p, and points off the curve.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../shared/bytes.js';
import { ed25519Suite as suite } from '../../shared/suites.js';

const P = ed25519.Point;
const Fp = P.Fp;

/** noble's own decoding of x‖y, as the codec did before: the reference verdict. */
function nobleDecode(b: Uint8Array): InstanceType<typeof P> {
  const p = P.fromAffine({ x: Fp.fromBytes(b.subarray(0, 32)), y: Fp.fromBytes(b.subarray(32, 64)) });
  if (!p.is0()) p.assertValidity();
  return p;
}

function verdict(decode: (b: Uint8Array) => { toBytes(): Uint8Array }, b: Uint8Array): string {
  try {
    return `ok ${Buffer.from(decode(b).toBytes()).toString('hex')}`;
  } catch {
    return 'refused';
  }
}

const le32 = (n: bigint) => Fp.toBytes(n % (1n << 256n));
const raw = (x: bigint, y: bigint) => {
  const out = new Uint8Array(64);
  for (let i = 0; i < 32; i++) {
    out[i] = Number((x >> BigInt(8 * i)) & 0xffn);
    out[32 + i] = Number((y >> BigInt(8 * i)) & 0xffn);
  }
  return out;
};
const T8 = P.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');

describe('ed25519 commitment decoding', () => {
  const points = [
    ...Array.from({ length: 16 }, (_, i) => P.BASE.multiply(BigInt(i + 1) * 0x9e3779b97f4a7c15n + 3n)),
    ...Array.from({ length: 8 }, (_, i) => P.BASE.multiply(BigInt(i + 5)).add(T8.multiplyUnsafe(BigInt(i)))),
    ...Array.from({ length: 7 }, (_, i) => T8.multiplyUnsafe(BigInt(i + 1))),
  ];

  it('decodes every encoded curve point, torsion included, to the same point as noble', () => {
    for (const p of points) {
      const b = suite.encodeCommitment(p);
      expect(verdict(suite.decodeCommitment, b)).toBe(verdict(nobleDecode, b));
      expect(suite.decodeCommitment(b).equals(p)).toBe(true);
    }
  });

  it('returns the identity (0, 1) for the caller to refuse by name', () => {
    expect(suite.decodeCommitment(suite.encodeCommitment(P.ZERO)).is0()).toBe(true);
  });

  it('refuses what noble refuses: a coordinate ≥ p, or a point off the curve', () => {
    const p = points[0]!.toAffine();
    const cases = [
      raw(p.x + Fp.ORDER, p.y), // x ≥ p (non-canonical)
      raw(p.x, p.y + Fp.ORDER), // y ≥ p
      raw(Fp.ORDER, 1n), // x = p ≡ 0 with y = 1: the identity, non-canonically
      raw((1n << 256n) - 1n, p.y),
      concatBytes(le32(p.x), le32(Fp.add(p.y, 1n))), // off the curve
      concatBytes(le32(Fp.neg(p.x)), le32(Fp.add(p.y, 2n))),
      ...Array.from({ length: 32 }, (_, i) => raw(BigInt(i) * 0x1234567n, BigInt(i) * 0x89abcdefn + 5n)),
    ];
    let refused = 0;
    for (const b of cases) {
      const v = verdict(suite.decodeCommitment, b);
      expect(v).toBe(verdict(nobleDecode, b));
      if (v === 'refused') refused++;
    }
    expect(refused).toBe(cases.length);
  });

  it('refuses a commitment of the wrong length', () => {
    expect(() => suite.decodeCommitment(new Uint8Array(63))).toThrow(/64 bytes/);
  });
});
