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
 * per-dealer path, which finds the culprit. Sums use the complete extended
 * addition of ./ed25519-extended.ts, with Z2 = 1.
 */
import { addAffine, CURVE_D, fromAffine, toAffineBytes, type Extended } from './ed25519-extended.js';
import { fe, feBelowP, feFromBytes, feIsZero, feMul, feSet, feSqr, feSub, type AffineBytes, type Fe } from './ed25519-field.js';

function isZeroLimbs(a: Fe): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== 0) return false;
  return true;
}

// Scratch registers: the loop below allocates nothing per commitment.
const x = fe();
const y = fe();
const xx = fe();
const yy = fe();
const xy = fe();
const lhs = fe();
const a = fe();
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

/**
 * Σ_i vectors[i][k] for k < len, as canonical affine coordinates; undefined
 * if any vector's length is not `len` or any commitment is refused (see above).
 */
export function sumEd25519Commitments(vectors: readonly (readonly Uint8Array[])[], len: number): AffineBytes[] | undefined {
  if (vectors.length === 0 || len < 1 || vectors.some((v) => v.length !== len)) return undefined;
  const acc: Extended[] = [];
  for (let k = 0; k < len; k++) {
    if (!readChecked((vectors[0] as readonly Uint8Array[])[k] as Uint8Array)) return undefined;
    acc.push(fromAffine(x, y, xy));
  }
  for (let i = 1; i < vectors.length; i++) {
    const v = vectors[i] as readonly Uint8Array[];
    for (let k = 0; k < len; k++) {
      if (!readChecked(v[k] as Uint8Array)) return undefined;
      addAffine(acc[k] as Extended, x, y, xy);
    }
  }
  return toAffineBytes(acc);
}
