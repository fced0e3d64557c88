/**
 * The limb arithmetic behind the ed25519 commitment sum (shared/math/) must
 * agree with BigInt arithmetic mod p, at the edges of its limb bounds too,
 * and the sum must agree with noble: decode each commitment, add, compare.
 * A refused vector must be exactly one the per-dealer path also refuses or
 * judges itself (the identity, the point of order 2).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { sumEd25519Commitments } from '../../shared/math/ed25519-commitment-sum.js';
import { fe, feAdd, feFromBytes, feInvert, feIsZero, feMul, feSqr, feSub, feToBytes, type Fe } from '../../shared/math/ed25519-field.js';
import { ed25519Suite as suite, secp256k1TrSuite, type GroupElement } from '../../shared/suites.js';

const P = ed25519.Point;
const p = P.Fp.ORDER;

/** A deterministic stream of 256-bit values (xorshift over BigInt, no Math.random). */
function stream(seed: bigint): () => bigint {
  let s = seed;
  return () => {
    let out = 0n;
    for (let i = 0; i < 4; i++) {
      s ^= (s << 13n) & 0xffffffffffffffffn;
      s ^= s >> 7n;
      s ^= (s << 17n) & 0xffffffffffffffffn;
      out = (out << 64n) | s;
    }
    return out;
  };
}

const mod = (a: bigint) => ((a % p) + p) % p;

/** Limbs holding exactly `limbs` (any magnitudes), and the integer they stand for. */
function fromLimbs(limbs: readonly number[]): { a: Fe; value: bigint } {
  const a = fe();
  let value = 0n;
  limbs.forEach((l, i) => {
    a[i] = l;
    value += BigInt(l) << BigInt(16 * i);
  });
  return { a, value };
}

function le(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

const value = (a: Fe) => P.Fp.fromBytes(feToBytes(a));

describe('ed25519 field limbs', () => {
  const next = stream(0x9e3779b97f4a7c15n);

  it('multiplies, squares, adds and subtracts as BigInt does mod p', () => {
    for (let i = 0; i < 300; i++) {
      const x = next() % (1n << 256n);
      const y = next() % (1n << 256n);
      const a = fe();
      const b = fe();
      feFromBytes(a, le(x), 0);
      feFromBytes(b, le(y), 0);
      const o = fe();
      feMul(o, a, b);
      expect(value(o)).toBe(mod(x * y));
      feSqr(o, a);
      expect(value(o)).toBe(mod(x * x));
      // Products of sums and differences: the inputs the point addition feeds back.
      const s = fe();
      const d = fe();
      feAdd(s, a, b);
      feSub(d, a, b);
      feMul(o, s, d);
      expect(value(o)).toBe(mod((x + y) * (x - y)));
      feMul(o, o, o);
      expect(value(o)).toBe(mod(((x + y) * (x - y)) ** 2n));
    }
  });

  it('stays exact at the edge of its limb bounds (|limb| just below 2^21, either sign)', () => {
    const edge = (1 << 21) - 1;
    const patterns = [
      Array<number>(16).fill(edge),
      Array<number>(16).fill(-edge),
      Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? edge : -edge)),
    ];
    for (const la of patterns) {
      for (const lb of patterns) {
        const A = fromLimbs(la);
        const B = fromLimbs(lb);
        const o = fe();
        feMul(o, A.a, B.a);
        expect(value(o)).toBe(mod(A.value * B.value));
        // The output is a valid input again, well inside the bound: magnitudes below 2^16 + 2^9.
        expect(Math.max(...Array.from(o, Math.abs))).toBeLessThan(65536 + 512);
        feSqr(o, A.a);
        expect(value(o)).toBe(mod(A.value * A.value));
      }
    }
  });

  it('encodes canonically and knows zero, for values at and above p', () => {
    for (const n of [0n, 1n, p - 1n, p, p + 1n, 2n * p - 1n, 2n * p, 2n * p + 37n, (1n << 256n) - 1n, (1n << 255n) - 1n]) {
      const a = fe();
      feFromBytes(a, le(n), 0);
      expect(Buffer.from(feToBytes(a)).toString('hex')).toBe(Buffer.from(le(mod(n))).toString('hex'));
      expect(feIsZero(a)).toBe(mod(n) === 0n);
    }
    // A negative representation of zero: (a − a) with a's limbs shifted around.
    const a = fe();
    feFromBytes(a, le(p - 5n), 0);
    const b = fe();
    feFromBytes(b, le(2n * p - 5n), 0);
    const z = fe();
    feSub(z, a, b);
    expect(feIsZero(z)).toBe(true);
    feSub(z, b, a);
    expect(feIsZero(z)).toBe(true);
  });

  it('inverts', () => {
    for (let i = 0; i < 5; i++) {
      const x = mod(next()) || 1n;
      const a = fe();
      feFromBytes(a, le(x), 0);
      const o = fe();
      feInvert(o, a);
      expect(value(o)).toBe(P.Fp.inv(x));
    }
  });
});

const T8 = P.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');

/** The reference: decode each commitment with noble's decoder and add with noble. */
function nobleSum(vectors: Uint8Array[][], len: number): GroupElement[] {
  const sum: GroupElement[] = new Array<GroupElement>(len).fill(P.ZERO);
  for (const v of vectors) v.forEach((c, k) => (sum[k] = (sum[k] as GroupElement).add(suite.decodeCommitment(c))));
  return sum;
}

function vectorsOf(points: GroupElement[][]): Uint8Array[][] {
  return points.map((v) => v.map((q) => suite.encodeCommitment(q)));
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ed25519 commitment sum', () => {
  const next = stream(0x2545f4914f6cdd1dn);
  const random = () => P.BASE.multiply(mod(next()) % P.Fn.ORDER || 1n);

  it('gives noble’s sums, encodings included, over subgroup and torsion points', () => {
    const points = Array.from({ length: 9 }, (_, i) =>
      Array.from({ length: 5 }, (_, k) => (i === 3 && k === 2 ? random().add(T8) : (i + k) % 4 === 0 ? random() : random().negate())),
    );
    const vectors = vectorsOf(points);
    const sums = suite.sumCommitmentVectors(vectors, 5);
    expect(sums).toBeDefined();
    const reference = nobleSum(vectors, 5);
    sums!.forEach((s, k) => {
      expect(s.equals(reference[k] as GroupElement)).toBe(true);
      // The cached encoding must be the one noble computes.
      expect(hex(s.toBytes())).toBe(hex(P.fromAffine((reference[k] as InstanceType<typeof P>).toAffine()).toBytes()));
      expect(suite.inPrimeOrderSubgroup(s)).toBe(k !== 2);
    });
  });

  it('sums a single vector to itself, and cancelling dealers to the identity', () => {
    const v = [random(), random(), random()];
    const one = suite.sumCommitmentVectors(vectorsOf([v]), 3)!;
    one.forEach((s, k) => expect(s.equals(v[k] as GroupElement)).toBe(true));
    const cancelled = suite.sumCommitmentVectors(vectorsOf([v, v.map((q) => q.negate())]), 3)!;
    for (const s of cancelled) {
      expect(s.is0()).toBe(true);
      expect(hex(s.toBytes())).toBe(hex(P.ZERO.toBytes()));
    }
  });

  it('refuses coordinates ≥ p, points off the curve, the identity, the point of order 2 and wrong lengths', () => {
    const good = vectorsOf([
      [random(), random()],
      [random(), random()],
    ]);
    const withEntry = (entry: Uint8Array) => [good[0] as Uint8Array[], [good[1]![0] as Uint8Array, entry]];
    const xy = (x: bigint, y: bigint) => Uint8Array.from([...le(x), ...le(y)]);
    const { x, y } = (suite.decodeCommitment(good[1]![1]!) as InstanceType<typeof P>).toAffine();
    const refused: Uint8Array[] = [
      xy(x + p, y), // x not canonical
      xy(x, y + p), // y not canonical
      xy(x, (1n << 256n) - 1n),
      xy(x, mod(y + 1n)), // off the curve
      xy(0n, 1n), // the identity
      xy(0n, p - 1n), // the point of order 2
      xy(p, 1n), // the identity with x = p: on the curve mod p, so only the bound refuses it
      xy(p, p - 1n),
      new Uint8Array(63),
    ];
    for (const entry of refused) expect(sumEd25519Commitments(withEntry(entry), 2)).toBeUndefined();
    expect(sumEd25519Commitments(good, 3)).toBeUndefined();
    expect(sumEd25519Commitments([good[0]!, good[1]!.slice(0, 1)], 2)).toBeUndefined();
    expect(sumEd25519Commitments([], 2)).toBeUndefined();
    // And the untouched vectors still sum.
    expect(sumEd25519Commitments(good, 2)).toHaveLength(2);
  });

  it('secp256k1 sums through the generic decode-and-add path, with the same refusals', () => {
    const good = [secp256k1TrSuite.G.multiply(5n), secp256k1TrSuite.G.multiply(7n)].map((q) => secp256k1TrSuite.encodeCommitment(q));
    expect(secp256k1TrSuite.sumCommitmentVectors([good, good], 2)![1]!.equals(secp256k1TrSuite.G.multiply(14n))).toBe(true);
    const bad = Uint8Array.from(good[1]!);
    bad[64] ^= 1;
    expect(secp256k1TrSuite.sumCommitmentVectors([good, [good[0]!, bad]], 2)).toBeUndefined();
    expect(secp256k1TrSuite.sumCommitmentVectors([good, good.slice(0, 1)], 2)).toBeUndefined();
  });
});

describe('ed25519 Feldman evaluation in limbs (Suite.evalSmall)', () => {
  const next = stream(0x5851f42d4c957f2dn);
  const random = () => P.BASE.multiply(mod(next()) % P.Fn.ORDER || 1n);

  /** noble's own Horner: the reference. */
  function nobleEval(points: GroupElement[], x: bigint): GroupElement {
    let acc: GroupElement = P.ZERO;
    for (let k = points.length - 1; k >= 0; k--) acc = (acc.is0() ? acc : acc.multiplyUnsafe(x)).add(points[k] as GroupElement);
    return acc;
  }

  it('gives noble’s Σ C_k·x^k, encoding included, for small and 32-bit x, torsion and identity terms', () => {
    const points: GroupElement[] = [random(), random().add(T8), P.ZERO, random(), random().negate(), T8, random()];
    for (const x of [1n, 2n, 3n, 7n, 100n, 255n, 256n, (1n << 31n) + 5n, (1n << 32n) - 1n]) {
      const got = suite.evalSmall!(points, Number(x));
      const want = nobleEval(points, x);
      expect(got.equals(want)).toBe(true);
      expect(hex(got.toBytes())).toBe(hex(P.fromAffine((want as InstanceType<typeof P>).toAffine()).toBytes()));
    }
  });

  it('takes points in any projective form (noble sums, not only decoded points)', () => {
    const a = random();
    const b = random();
    const sum = a.add(b).add(b); // Z ≠ 1
    const got = suite.evalSmall!([sum, a], 9);
    expect(got.equals(sum.add(a.multiply(9n)))).toBe(true);
  });

  it('returns the identity when the terms cancel', () => {
    const a = random();
    const got = suite.evalSmall!([a.multiply(5n).negate(), a], 5);
    expect(got.is0()).toBe(true);
    expect(hex(got.toBytes())).toBe(hex(P.ZERO.toBytes()));
  });
});
