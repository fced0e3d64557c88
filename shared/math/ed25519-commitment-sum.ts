/**
 * C' = Σ_i C_i over the ed25519 dealer commitments a receiver gets in a
 * reshare (DESIGN §4 step 5), in the limb arithmetic of ./ed25519-field.ts.
 * Each commitment is x‖y (affine, little-endian, the wire form of
 * `Suite.encodeCommitment`); at 67-of-100 a receiver checks and adds 4,489
 * of them, the largest single cost of its step when done in noble's BigInt
 * field. The result is the same as decoding each commitment with
 * `Suite.decodeCommitment` and adding with noble (test/crypto/commitment-sum.test.ts).
 *
 * Every commitment is checked before it is added: both coordinates below p,
 * on the curve −x² + y² = 1 + d·x²·y², and x ≠ 0 (which refuses the identity
 * and the point of order 2; the caller's per-dealer path names those
 * faults). Any refusal returns `undefined` and the caller falls back to the
 * per-dealer path, which finds the culprit. Sums use the extended twisted
 * Edwards addition for a = −1 (Hisil–Wong–Carter–Dawson 2008, "add-2008-hwcd-3"
 * with Z2 = 1), which is complete on the whole curve since d is not a square:
 * no input makes a denominator vanish.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { fe, feAdd, feBelowP, feCopy, feFromBigInt, feFromBytes, feInvert, feIsZero, feMul, feSet, feSqr, feSub, feToBytes, type AffineBytes, type Fe } from './ed25519-field.js';

const CURVE_D = feFromBigInt(ed25519.Point.CURVE().d);
const CURVE_2D = feFromBigInt((2n * ed25519.Point.CURVE().d) % ed25519.Point.Fp.ORDER);

function isZeroLimbs(a: Fe): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== 0) return false;
  return true;
}

/** A point in extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, x·y = T/Z. */
interface Extended {
  X: Fe;
  Y: Fe;
  Z: Fe;
  T: Fe;
}

// Scratch registers: the loop below allocates nothing per commitment.
const x = fe();
const y = fe();
const xx = fe();
const yy = fe();
const xy = fe();
const lhs = fe();
const a = fe();
const b = fe();
const c = fe();
const d = fe();
const e = fe();
const f = fe();
const g = fe();
const h = fe();
const one = fe();
feSet(one, 1);

/** Reads and checks one commitment into x, y and xy (= x·y); false if it is refused. */
function readChecked(bytes: Uint8Array): boolean {
  if (bytes.length !== 64) return false;
  feFromBytes(x, bytes, 0);
  feFromBytes(y, bytes, 32);
  if (!feBelowP(x) || !feBelowP(y) || isZeroLimbs(x)) return false;
  feSqr(xx, x);
  feSqr(yy, y);
  feMul(xy, x, y);
  // −x² + y² − 1 − d·(xy)² ≡ 0
  feSqr(a, xy);
  feMul(a, a, CURVE_D);
  feSub(lhs, yy, xx);
  feSub(lhs, lhs, one);
  feSub(lhs, lhs, a);
  return feIsZero(lhs);
}

/** acc += (x, y) with x, y, xy as left by readChecked (mixed addition, Z2 = 1). */
function addAffine(acc: Extended): void {
  feSub(a, acc.Y, acc.X);
  feSub(b, y, x);
  feMul(a, a, b); // A = (Y1 − X1)(y2 − x2)
  feAdd(b, acc.Y, acc.X);
  feAdd(c, y, x);
  feMul(b, b, c); // B = (Y1 + X1)(y2 + x2)
  feMul(c, xy, CURVE_2D);
  feMul(c, c, acc.T); // C = 2d·T1·T2
  feAdd(d, acc.Z, acc.Z); // D = 2·Z1·Z2
  feSub(e, b, a);
  feSub(f, d, c);
  feAdd(g, d, c);
  feAdd(h, b, a);
  feMul(acc.X, e, f);
  feMul(acc.Y, g, h);
  feMul(acc.T, e, h);
  feMul(acc.Z, f, g);
}

/**
 * Σ_i vectors[i][k] for k < len, as canonical affine coordinates; undefined
 * if any vector's length is not `len` or any commitment is refused (see above).
 */
export function sumEd25519Commitments(vectors: readonly (readonly Uint8Array[])[], len: number): AffineBytes[] | undefined {
  if (vectors.length === 0 || len < 1 || vectors.some((v) => v.length !== len)) return undefined;
  const acc: Extended[] = [];
  for (let k = 0; k < len; k++) {
    if (!readChecked((vectors[0] as readonly Uint8Array[])[k] as Uint8Array)) return undefined;
    const Z = fe();
    feSet(Z, 1);
    acc.push({ X: Float64Array.from(x), Y: Float64Array.from(y), Z, T: Float64Array.from(xy) });
  }
  for (let i = 1; i < vectors.length; i++) {
    const v = vectors[i] as readonly Uint8Array[];
    for (let k = 0; k < len; k++) {
      if (!readChecked(v[k] as Uint8Array)) return undefined;
      addAffine(acc[k] as Extended);
    }
  }
  return toAffine(acc);
}

/** Affine coordinates of every sum, with one field inversion for all of them (Montgomery's trick). */
function toAffine(points: readonly Extended[]): AffineBytes[] {
  // prefix[k] = Z_0 · … · Z_k (no Z is 0: the addition is complete).
  const prefix: Fe[] = [];
  for (const [k, p] of points.entries()) {
    const pk = fe();
    if (k === 0) feCopy(pk, p.Z);
    else feMul(pk, prefix[k - 1] as Fe, p.Z);
    prefix.push(pk);
  }
  const inv = fe();
  feInvert(inv, prefix[points.length - 1] as Fe);
  const out: AffineBytes[] = new Array<AffineBytes>(points.length);
  const zInv = fe();
  for (let k = points.length - 1; k >= 0; k--) {
    const p = points[k] as Extended;
    if (k === 0) feCopy(zInv, inv);
    else feMul(zInv, inv, prefix[k - 1] as Fe); // 1/Z_k = (Z_0…Z_k)^−1 · (Z_0…Z_{k−1})
    feMul(inv, inv, p.Z); // now (Z_0…Z_{k−1})^−1
    feMul(a, p.X, zInv);
    feMul(b, p.Y, zInv);
    out[k] = { x: feToBytes(a), y: feToBytes(b) };
  }
  return out;
}
