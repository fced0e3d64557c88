/**
 * Strict ed25519 point decoding in limb arithmetic (shared/math/ed25519-decompress.ts),
 * used by Ed25519FrostPoint.fromBytes, must give noble's verdict and point on
 * every input: subgroup and torsion points, the identity, y ≥ p, y with no x,
 * x = 0 with the sign bit set, and random bytes (about half of which are not points).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { decompressEd25519 } from '../../shared/math/ed25519-decompress.js';
import { fePow22523, feFromBigInt, feToBytes } from '../../shared/math/ed25519-field.js';
import { Ed25519FrostPoint } from '../../shared/suites.js';

const P = ed25519.Point;
const p = P.Fp.ORDER;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function le(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

function nobleVerdict(b: Uint8Array): string {
  try {
    const q = P.fromBytes(b, false);
    const { x, y } = q.toAffine();
    return `ok ${x} ${y}`;
  } catch {
    return 'refused';
  }
}

function limbVerdict(b: Uint8Array): string {
  const r = decompressEd25519(b);
  return typeof r === 'string' ? 'refused' : `ok ${P.Fp.fromBytes(r.x)} ${P.Fp.fromBytes(r.y)}`;
}

function frostVerdict(b: Uint8Array): string {
  try {
    const q = Ed25519FrostPoint.fromBytes(b);
    const { x, y } = q.toAffine();
    expect(hex(q.toBytes())).toBe(hex(b));
    return `ok ${x} ${y}`;
  } catch {
    return 'refused';
  }
}

const T8 = P.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');

describe('ed25519 point decompression in limbs', () => {
  it('computes (2^252 − 3)-th powers as BigInt does', () => {
    for (const n of [1n, 2n, 3n, 0x1234567890abcdefn, p - 2n, (1n << 254n) + 12345n]) {
      const o = feFromBigInt(0n);
      fePow22523(o, feFromBigInt(n));
      expect(P.Fp.fromBytes(feToBytes(o))).toBe(P.Fp.pow(n, (1n << 252n) - 3n));
    }
  });

  it('decodes subgroup points, torsion points and the identity to noble’s points', () => {
    const points = [
      P.ZERO,
      P.BASE,
      ...Array.from({ length: 8 }, (_, i) => T8.multiplyUnsafe(BigInt(i))),
      ...Array.from({ length: 40 }, (_, i) => P.BASE.multiply(BigInt(i + 2) * 0x9e3779b97f4a7c15n)),
      ...Array.from({ length: 8 }, (_, i) => P.BASE.multiply(BigInt(i + 7)).add(T8.multiplyUnsafe(BigInt(i)))),
    ];
    for (const q of points) {
      const b = q.toBytes();
      expect(limbVerdict(b)).toBe(nobleVerdict(b));
      expect(frostVerdict(b)).toBe(nobleVerdict(b));
      expect(nobleVerdict(b)).not.toBe('refused');
    }
  });

  it('refuses what noble refuses: y ≥ p, y without x, x = 0 with the sign bit, wrong lengths', () => {
    const withSign = (b: Uint8Array) => {
      const c = Uint8Array.from(b);
      c[31] = (c[31] as number) | 0x80;
      return c;
    };
    const cases = [
      le(p), // y = p (that is, y ≡ 0)
      le(p + 1n),
      le((1n << 255n) - 1n),
      withSign(le(p + 1n)),
      le(2n), // y = 2 has no x on ed25519
      withSign(le(1n)), // the identity with the sign bit: x = 0, x_0 = 1
      withSign(le(p - 1n)), // the point of order 2 likewise
    ];
    for (const b of cases) {
      expect(nobleVerdict(b)).toBe('refused');
      expect(limbVerdict(b)).toBe('refused');
      expect(frostVerdict(b)).toBe('refused');
    }
    expect(typeof decompressEd25519(new Uint8Array(31))).toBe('string');
    expect(() => Ed25519FrostPoint.fromBytes(new Uint8Array(33))).toThrow(/32 bytes/);
  });

  it('agrees with noble on 400 pseudo-random encodings, valid or not', () => {
    let s = 0x2545f4914f6cdd1dn;
    let accepted = 0;
    for (let i = 0; i < 400; i++) {
      const b = new Uint8Array(32);
      for (let j = 0; j < 32; j++) {
        s ^= (s << 13n) & 0xffffffffffffffffn;
        s ^= s >> 7n;
        s ^= (s << 17n) & 0xffffffffffffffffn;
        b[j] = Number(s & 0xffn);
      }
      const v = nobleVerdict(b);
      if (v !== 'refused') accepted++;
      expect(limbVerdict(b)).toBe(v);
      expect(frostVerdict(b)).toBe(v);
    }
    // Both outcomes were exercised (about half of all y have an x).
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(300);
  });
});
