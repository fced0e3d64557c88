/**
 * Strict RFC 8032 §5.1.3 decoding of a compressed ed25519 point, in the limb
 * arithmetic of ./ed25519-field.ts: the same verdict and the same point as
 * noble's `Point.fromBytes(bytes, false)` (test/crypto/point-decompress.test.ts),
 * about three times faster (40 against 130 µs here). noble's FROST decodes
 * every signer's two nonce commitments for each signature share (134 points
 * per share at t' = 67), and its square root in BigInt arithmetic was half
 * the cost of a share.
 * Only public points pass through here; nothing is constant time.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { CURVE_D } from './ed25519-extended.js';
import { fe, feAdd, feBelowP, feFromBigInt, feFromBytes, feIsZero, feMul, fePow22523, feSet, feSqr, feSub, feToBytes, type AffineBytes } from './ed25519-field.js';

const P = ed25519.Point.Fp.ORDER;
/** √−1 = 2^((p−1)/4) mod p. */
const SQRT_M1 = feFromBigInt(ed25519.Point.Fp.pow(2n, (P - 1n) / 4n));

/**
 * The affine coordinates of the point encoded by `bytes`, or the reason the
 * encoding is refused: not 32 bytes, y ≥ p, no x for this y, or x = 0 with
 * the sign bit set (the one non-canonical form the y bound lets through).
 */
export function decompressEd25519(bytes: Uint8Array): AffineBytes | string {
  if (bytes.length !== 32) return 'point must be 32 bytes';
  const y = fe();
  feFromBytes(y, bytes, 0);
  const sign = (y[15] as number) >>> 15;
  y[15] = (y[15] as number) & 0x7fff;
  if (!feBelowP(y)) return 'point y coordinate is not below p';
  // x² = u/v with u = y² − 1, v = d·y² + 1; x = u·v³·(u·v⁷)^((p−5)/8), then fixed up by √−1.
  const one = fe();
  feSet(one, 1);
  const y2 = fe();
  feSqr(y2, y);
  const u = fe();
  feSub(u, y2, one);
  const v = fe();
  feMul(v, y2, CURVE_D);
  feAdd(v, v, one);
  const v3 = fe();
  feSqr(v3, v);
  feMul(v3, v3, v);
  const x = fe();
  feSqr(x, v3);
  feMul(x, x, v); // v⁷
  feMul(x, x, u); // u·v⁷
  fePow22523(x, x);
  feMul(x, x, v3);
  feMul(x, x, u);
  const check = fe();
  feSqr(check, x);
  feMul(check, check, v); // v·x²
  const t = fe();
  feSub(t, check, u);
  if (!feIsZero(t)) {
    feAdd(t, check, u);
    if (!feIsZero(t)) return 'point y coordinate has no x';
    feMul(x, x, SQRT_M1);
  }
  let xBytes = feToBytes(x);
  const xIsZero = xBytes.every((b) => b === 0);
  if (xIsZero && sign === 1) return 'point encodes x = 0 with the sign bit set';
  if (((xBytes[0] as number) & 1) !== sign) {
    const zero = fe();
    feSub(x, zero, x);
    xBytes = feToBytes(x);
  }
  return { x: xBytes, y: feToBytes(y) };
}
