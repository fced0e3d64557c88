/**
 * ed25519 points in extended twisted Edwards coordinates (X : Y : Z : T),
 * x = X/Z, y = Y/Z, x·y = T/Z, over the limb field of ./ed25519-field.ts.
 * Formulas for a = −1 from Hisil–Wong–Carter–Dawson 2008 ("add-2008-hwcd-3",
 * "dbl-2008-hwcd"); the addition is complete on the whole curve (d is not a
 * square), so no input makes a denominator vanish. For public points only
 * (dealer commitments, verifying shares): nothing here is constant time.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { fe, feAdd, feCopy, feFromBigInt, feInvert, feMul, feSet, feSqr, feSub, feToBytes, type AffineBytes, type Fe } from './ed25519-field.js';

/** A point in extended coordinates. */
export interface Extended {
  X: Fe;
  Y: Fe;
  Z: Fe;
  T: Fe;
}

/** The curve constant d of −x² + y² = 1 + d·x²·y², and 2d (the addition's). */
export const CURVE_D = feFromBigInt(ed25519.Point.CURVE().d);
const CURVE_2D = feFromBigInt((2n * ed25519.Point.CURVE().d) % ed25519.Point.Fp.ORDER);

/** A fresh point, the identity (0 : 1 : 1 : 0). */
export function identity(): Extended {
  const p = { X: fe(), Y: fe(), Z: fe(), T: fe() };
  feSet(p.Y, 1);
  feSet(p.Z, 1);
  return p;
}

/** A fresh point from affine x, y and their product xy. */
export function fromAffine(x: Fe, y: Fe, xy: Fe): Extended {
  const p = { X: Float64Array.from(x), Y: Float64Array.from(y), Z: fe(), T: Float64Array.from(xy) };
  feSet(p.Z, 1);
  return p;
}

/** o = p (coordinates copied). */
export function copyPoint(o: Extended, p: Extended): void {
  feCopy(o.X, p.X);
  feCopy(o.Y, p.Y);
  feCopy(o.Z, p.Z);
  feCopy(o.T, p.T);
}

// Scratch registers: the operations allocate nothing.
const a = fe();
const b = fe();
const c = fe();
const d = fe();
const e = fe();
const f = fe();
const g = fe();
const h = fe();

/** Writes the result of E, F, G, H into o: X = E·F, Y = G·H, T = E·H, Z = F·G. */
function finish(o: Extended): void {
  feMul(o.X, e, f);
  feMul(o.Y, g, h);
  feMul(o.T, e, h);
  feMul(o.Z, f, g);
}

/** acc += (x, y) given affine x, y and xy (mixed addition, Z2 = 1: no product for D). */
export function addAffine(acc: Extended, x: Fe, y: Fe, xy: Fe): void {
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
  finish(acc);
}

/** o = p + q (o may be p or q). */
export function add(o: Extended, p: Extended, q: Extended): void {
  feSub(a, p.Y, p.X);
  feSub(b, q.Y, q.X);
  feMul(a, a, b); // A = (Y1 − X1)(Y2 − X2)
  feAdd(b, p.Y, p.X);
  feAdd(c, q.Y, q.X);
  feMul(b, b, c); // B = (Y1 + X1)(Y2 + X2)
  feMul(c, p.T, CURVE_2D);
  feMul(c, c, q.T); // C = 2d·T1·T2
  feMul(d, p.Z, q.Z);
  feAdd(d, d, d); // D = 2·Z1·Z2
  feSub(e, b, a);
  feSub(f, d, c);
  feAdd(g, d, c);
  feAdd(h, b, a);
  finish(o);
}

/** o = 2p (o may be p). */
export function double(o: Extended, p: Extended): void {
  feSqr(a, p.X); // A = X1²
  feSqr(b, p.Y); // B = Y1²
  feSqr(c, p.Z);
  feAdd(c, c, c); // C = 2·Z1²
  feAdd(h, p.X, p.Y);
  feSqr(h, h);
  feSub(h, h, a);
  feSub(e, h, b); // E = (X1 + Y1)² − A − B
  feSub(g, b, a); // G = D + B with D = a·A = −A
  feSub(f, g, c); // F = G − C
  feAdd(h, a, b);
  for (let i = 0; i < 16; i++) h[i] = -(h[i] as number); // H = D − B = −A − B
  finish(o);
}

/** o = x·p for a public integer 1 ≤ x < 2^32, by double-and-add from the top bit (o must not be p). */
export function multiplySmall(o: Extended, p: Extended, x: number): void {
  copyPoint(o, p);
  for (let bit = 31 - Math.clz32(x) - 1; bit >= 0; bit--) {
    double(o, o);
    if ((x >>> bit) & 1) add(o, o, p);
  }
}

/** Affine coordinates of every point, with one field inversion for all of them (Montgomery's trick). */
export function toAffineBytes(points: readonly Extended[]): AffineBytes[] {
  if (points.length === 0) return [];
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
  const x = fe();
  const y = fe();
  for (let k = points.length - 1; k >= 0; k--) {
    const p = points[k] as Extended;
    if (k === 0) feCopy(zInv, inv);
    else feMul(zInv, inv, prefix[k - 1] as Fe); // 1/Z_k = (Z_0…Z_k)^−1 · (Z_0…Z_{k−1})
    feMul(inv, inv, p.Z); // now (Z_0…Z_{k−1})^−1
    feMul(x, p.X, zInv);
    feMul(y, p.Y, zInv);
    out[k] = { x: feToBytes(x), y: feToBytes(y) };
  }
  return out;
}

/** Σ_k points[k]·x^k for a public integer 1 ≤ x < 2^32, by Horner's rule: ((C_{t−1}·x + C_{t−2})·x + …)·x + C_0. */
export function evalPolyAtSmall(points: readonly Extended[], x: number): Extended {
  const acc = identity();
  const scaled = identity();
  for (let k = points.length - 1; k >= 0; k--) {
    multiplySmall(scaled, acc, x);
    add(acc, scaled, points[k] as Extended);
  }
  return acc;
}
