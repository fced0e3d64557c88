/**
 * Arithmetic modulo p = 2^255 − 19 on sixteen 16-bit limbs held in a
 * Float64Array (value = Σ limb[i]·2^(16·i)), the representation TweetNaCl
 * made familiar. It serves Rampart's arithmetic on public ed25519 points
 * (./ed25519-extended.ts): the sum of the |D|·t' dealer commitments a
 * receiver checks in a reshare (DESIGN §4 step 5: 4,489 of them at
 * 67-of-100), Feldman evaluations at an identifier, and strict point
 * decoding, where noble's BigInt field (an allocation and a division per
 * product) costs several times more. Nothing secret passes through here, so
 * nothing here is constant time.
 *
 * Limb bounds: `feMul`/`feSqr` accept limbs of magnitude below 2^21 (sums
 * and differences of a few of their outputs) and return limbs of magnitude
 * below 2^16 + 2^9. Each product is then below 2^42, a column of 16 below
 * 2^46, and a column after folding (×38) below 2^51.3: inside the 2^53
 * where doubles are exact. One full carry pass then leaves limb 0 below
 * 2^41; carrying limbs 0 and 1 once more gives the output bound.
 */

/** A point's affine coordinates, each in its canonical 32-byte little-endian encoding. */
export interface AffineBytes {
  x: Uint8Array;
  y: Uint8Array;
}

/** One field element: 16 limbs of 16 bits, little-endian. */
export type Fe = Float64Array;

/** A fresh element, zero. */
export function fe(): Fe {
  return new Float64Array(16);
}

/** p = 2^255 − 19 and 2p, as normalized limbs: the only non-zero normal forms of 0 mod p. */
const P_LIMBS = [0xffed, ...Array<number>(14).fill(0xffff), 0x7fff];
const TWO_P_LIMBS = [0xffda, ...Array<number>(14).fill(0xffff), 0xffff];
/** 2^−16, exact: multiplying by it is a division by 2^16 without the division. */
const INV_LIMB = 1 / 65536;

/** One carry pass; returns the carry out of limb 15, already folded into limb 0 (2^256 ≡ 38). */
function carryPass(o: Fe): number {
  let c = 0;
  for (let i = 0; i < 16; i++) {
    const v = (o[i] as number) + c;
    c = Math.floor(v / 65536);
    o[i] = v - c * 65536;
  }
  o[0] = (o[0] as number) + 38 * c;
  return c;
}

/** Reads 32 little-endian bytes at `offset` into `o` (all 256 bits; the caller decides what a top bit means). */
export function feFromBytes(o: Fe, b: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) o[i] = (b[offset + 2 * i] as number) | ((b[offset + 2 * i + 1] as number) << 8);
}

/** A new element holding the non-negative integer n < 2^256: its 64 hex digits, read 4 at a time (cheaper than 16 BigInt shifts). */
export function feFromBigInt(n: bigint): Fe {
  const hex = n.toString(16).padStart(64, '0');
  const o = fe();
  for (let i = 0; i < 16; i++) o[i] = parseInt(hex.slice(60 - 4 * i, 64 - 4 * i), 16);
  return o;
}

/** Sets `o` to a small non-negative integer. */
export function feSet(o: Fe, n: number): void {
  o.fill(0);
  o[0] = n;
}

/** Copies `a` into `o`. */
export function feCopy(o: Fe, a: Fe): void {
  o.set(a);
}

/** o = a + b (limbs not carried). */
export function feAdd(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < 16; i++) o[i] = (a[i] as number) + (b[i] as number);
}

/** o = a − b (limbs not carried; may be negative). */
export function feSub(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < 16; i++) o[i] = (a[i] as number) - (b[i] as number);
}

/**
 * o = a·b mod p (o may alias a or b). Written out in full, 256 products into
 * 31 locals, then the top 15 folded down (2^256 ≡ 38), one full carry pass
 * and a carry of limbs 0 and 1: a loop over typed arrays runs about four
 * times slower in V8. feSqr repeats the fold and carries on its own locals:
 * handing them to one shared function through an array made both twice as
 * slow (mul 0.09 → 0.17 µs, measured), and these two are the hot path.
 */
export function feMul(o: Fe, a: Fe, b: Fe): void {
  const b0 = b[0] as number, b1 = b[1] as number, b2 = b[2] as number, b3 = b[3] as number, b4 = b[4] as number, b5 = b[5] as number, b6 = b[6] as number, b7 = b[7] as number, b8 = b[8] as number, b9 = b[9] as number, b10 = b[10] as number, b11 = b[11] as number, b12 = b[12] as number, b13 = b[13] as number, b14 = b[14] as number, b15 = b[15] as number;
  let t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0, t8 = 0, t9 = 0, t10 = 0, t11 = 0, t12 = 0, t13 = 0, t14 = 0, t15 = 0, t16 = 0, t17 = 0, t18 = 0, t19 = 0, t20 = 0, t21 = 0, t22 = 0, t23 = 0, t24 = 0, t25 = 0, t26 = 0, t27 = 0, t28 = 0, t29 = 0, t30 = 0;
  let v: number, c: number;
  v = a[0] as number;
  t0 += v * b0; t1 += v * b1; t2 += v * b2; t3 += v * b3; t4 += v * b4; t5 += v * b5; t6 += v * b6; t7 += v * b7; t8 += v * b8; t9 += v * b9; t10 += v * b10; t11 += v * b11; t12 += v * b12; t13 += v * b13; t14 += v * b14; t15 += v * b15;
  v = a[1] as number;
  t1 += v * b0; t2 += v * b1; t3 += v * b2; t4 += v * b3; t5 += v * b4; t6 += v * b5; t7 += v * b6; t8 += v * b7; t9 += v * b8; t10 += v * b9; t11 += v * b10; t12 += v * b11; t13 += v * b12; t14 += v * b13; t15 += v * b14; t16 += v * b15;
  v = a[2] as number;
  t2 += v * b0; t3 += v * b1; t4 += v * b2; t5 += v * b3; t6 += v * b4; t7 += v * b5; t8 += v * b6; t9 += v * b7; t10 += v * b8; t11 += v * b9; t12 += v * b10; t13 += v * b11; t14 += v * b12; t15 += v * b13; t16 += v * b14; t17 += v * b15;
  v = a[3] as number;
  t3 += v * b0; t4 += v * b1; t5 += v * b2; t6 += v * b3; t7 += v * b4; t8 += v * b5; t9 += v * b6; t10 += v * b7; t11 += v * b8; t12 += v * b9; t13 += v * b10; t14 += v * b11; t15 += v * b12; t16 += v * b13; t17 += v * b14; t18 += v * b15;
  v = a[4] as number;
  t4 += v * b0; t5 += v * b1; t6 += v * b2; t7 += v * b3; t8 += v * b4; t9 += v * b5; t10 += v * b6; t11 += v * b7; t12 += v * b8; t13 += v * b9; t14 += v * b10; t15 += v * b11; t16 += v * b12; t17 += v * b13; t18 += v * b14; t19 += v * b15;
  v = a[5] as number;
  t5 += v * b0; t6 += v * b1; t7 += v * b2; t8 += v * b3; t9 += v * b4; t10 += v * b5; t11 += v * b6; t12 += v * b7; t13 += v * b8; t14 += v * b9; t15 += v * b10; t16 += v * b11; t17 += v * b12; t18 += v * b13; t19 += v * b14; t20 += v * b15;
  v = a[6] as number;
  t6 += v * b0; t7 += v * b1; t8 += v * b2; t9 += v * b3; t10 += v * b4; t11 += v * b5; t12 += v * b6; t13 += v * b7; t14 += v * b8; t15 += v * b9; t16 += v * b10; t17 += v * b11; t18 += v * b12; t19 += v * b13; t20 += v * b14; t21 += v * b15;
  v = a[7] as number;
  t7 += v * b0; t8 += v * b1; t9 += v * b2; t10 += v * b3; t11 += v * b4; t12 += v * b5; t13 += v * b6; t14 += v * b7; t15 += v * b8; t16 += v * b9; t17 += v * b10; t18 += v * b11; t19 += v * b12; t20 += v * b13; t21 += v * b14; t22 += v * b15;
  v = a[8] as number;
  t8 += v * b0; t9 += v * b1; t10 += v * b2; t11 += v * b3; t12 += v * b4; t13 += v * b5; t14 += v * b6; t15 += v * b7; t16 += v * b8; t17 += v * b9; t18 += v * b10; t19 += v * b11; t20 += v * b12; t21 += v * b13; t22 += v * b14; t23 += v * b15;
  v = a[9] as number;
  t9 += v * b0; t10 += v * b1; t11 += v * b2; t12 += v * b3; t13 += v * b4; t14 += v * b5; t15 += v * b6; t16 += v * b7; t17 += v * b8; t18 += v * b9; t19 += v * b10; t20 += v * b11; t21 += v * b12; t22 += v * b13; t23 += v * b14; t24 += v * b15;
  v = a[10] as number;
  t10 += v * b0; t11 += v * b1; t12 += v * b2; t13 += v * b3; t14 += v * b4; t15 += v * b5; t16 += v * b6; t17 += v * b7; t18 += v * b8; t19 += v * b9; t20 += v * b10; t21 += v * b11; t22 += v * b12; t23 += v * b13; t24 += v * b14; t25 += v * b15;
  v = a[11] as number;
  t11 += v * b0; t12 += v * b1; t13 += v * b2; t14 += v * b3; t15 += v * b4; t16 += v * b5; t17 += v * b6; t18 += v * b7; t19 += v * b8; t20 += v * b9; t21 += v * b10; t22 += v * b11; t23 += v * b12; t24 += v * b13; t25 += v * b14; t26 += v * b15;
  v = a[12] as number;
  t12 += v * b0; t13 += v * b1; t14 += v * b2; t15 += v * b3; t16 += v * b4; t17 += v * b5; t18 += v * b6; t19 += v * b7; t20 += v * b8; t21 += v * b9; t22 += v * b10; t23 += v * b11; t24 += v * b12; t25 += v * b13; t26 += v * b14; t27 += v * b15;
  v = a[13] as number;
  t13 += v * b0; t14 += v * b1; t15 += v * b2; t16 += v * b3; t17 += v * b4; t18 += v * b5; t19 += v * b6; t20 += v * b7; t21 += v * b8; t22 += v * b9; t23 += v * b10; t24 += v * b11; t25 += v * b12; t26 += v * b13; t27 += v * b14; t28 += v * b15;
  v = a[14] as number;
  t14 += v * b0; t15 += v * b1; t16 += v * b2; t17 += v * b3; t18 += v * b4; t19 += v * b5; t20 += v * b6; t21 += v * b7; t22 += v * b8; t23 += v * b9; t24 += v * b10; t25 += v * b11; t26 += v * b12; t27 += v * b13; t28 += v * b14; t29 += v * b15;
  v = a[15] as number;
  t15 += v * b0; t16 += v * b1; t17 += v * b2; t18 += v * b3; t19 += v * b4; t20 += v * b5; t21 += v * b6; t22 += v * b7; t23 += v * b8; t24 += v * b9; t25 += v * b10; t26 += v * b11; t27 += v * b12; t28 += v * b13; t29 += v * b14; t30 += v * b15;
  t0 += 38 * t16; t1 += 38 * t17; t2 += 38 * t18; t3 += 38 * t19; t4 += 38 * t20; t5 += 38 * t21; t6 += 38 * t22; t7 += 38 * t23; t8 += 38 * t24; t9 += 38 * t25; t10 += 38 * t26; t11 += 38 * t27; t12 += 38 * t28; t13 += 38 * t29; t14 += 38 * t30;
  c = Math.floor(t0 * INV_LIMB); t0 -= c * 65536;
  t1 += c; c = Math.floor(t1 * INV_LIMB); t1 -= c * 65536;
  t2 += c; c = Math.floor(t2 * INV_LIMB); t2 -= c * 65536;
  t3 += c; c = Math.floor(t3 * INV_LIMB); t3 -= c * 65536;
  t4 += c; c = Math.floor(t4 * INV_LIMB); t4 -= c * 65536;
  t5 += c; c = Math.floor(t5 * INV_LIMB); t5 -= c * 65536;
  t6 += c; c = Math.floor(t6 * INV_LIMB); t6 -= c * 65536;
  t7 += c; c = Math.floor(t7 * INV_LIMB); t7 -= c * 65536;
  t8 += c; c = Math.floor(t8 * INV_LIMB); t8 -= c * 65536;
  t9 += c; c = Math.floor(t9 * INV_LIMB); t9 -= c * 65536;
  t10 += c; c = Math.floor(t10 * INV_LIMB); t10 -= c * 65536;
  t11 += c; c = Math.floor(t11 * INV_LIMB); t11 -= c * 65536;
  t12 += c; c = Math.floor(t12 * INV_LIMB); t12 -= c * 65536;
  t13 += c; c = Math.floor(t13 * INV_LIMB); t13 -= c * 65536;
  t14 += c; c = Math.floor(t14 * INV_LIMB); t14 -= c * 65536;
  t15 += c; c = Math.floor(t15 * INV_LIMB); t15 -= c * 65536;
  t0 += 38 * c;
  c = Math.floor(t0 * INV_LIMB); t0 -= c * 65536;
  t1 += c; c = Math.floor(t1 * INV_LIMB); t1 -= c * 65536;
  t2 += c;
  o[0] = t0; o[1] = t1; o[2] = t2; o[3] = t3; o[4] = t4; o[5] = t5; o[6] = t6; o[7] = t7; o[8] = t8; o[9] = t9; o[10] = t10; o[11] = t11; o[12] = t12; o[13] = t13; o[14] = t14; o[15] = t15;
}

/** o = a² mod p (o may alias a): each cross product once, doubled. */
export function feSqr(o: Fe, a: Fe): void {
  const a0 = a[0] as number, a1 = a[1] as number, a2 = a[2] as number, a3 = a[3] as number, a4 = a[4] as number, a5 = a[5] as number, a6 = a[6] as number, a7 = a[7] as number, a8 = a[8] as number, a9 = a[9] as number, a10 = a[10] as number, a11 = a[11] as number, a12 = a[12] as number, a13 = a[13] as number, a14 = a[14] as number, a15 = a[15] as number;
  let t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0, t8 = 0, t9 = 0, t10 = 0, t11 = 0, t12 = 0, t13 = 0, t14 = 0, t15 = 0, t16 = 0, t17 = 0, t18 = 0, t19 = 0, t20 = 0, t21 = 0, t22 = 0, t23 = 0, t24 = 0, t25 = 0, t26 = 0, t27 = 0, t28 = 0, t29 = 0, t30 = 0;
  let v: number, c: number;
  v = 2 * a0;
  t0 += a0 * a0; t1 += v * a1; t2 += v * a2; t3 += v * a3; t4 += v * a4; t5 += v * a5; t6 += v * a6; t7 += v * a7; t8 += v * a8; t9 += v * a9; t10 += v * a10; t11 += v * a11; t12 += v * a12; t13 += v * a13; t14 += v * a14; t15 += v * a15;
  v = 2 * a1;
  t2 += a1 * a1; t3 += v * a2; t4 += v * a3; t5 += v * a4; t6 += v * a5; t7 += v * a6; t8 += v * a7; t9 += v * a8; t10 += v * a9; t11 += v * a10; t12 += v * a11; t13 += v * a12; t14 += v * a13; t15 += v * a14; t16 += v * a15;
  v = 2 * a2;
  t4 += a2 * a2; t5 += v * a3; t6 += v * a4; t7 += v * a5; t8 += v * a6; t9 += v * a7; t10 += v * a8; t11 += v * a9; t12 += v * a10; t13 += v * a11; t14 += v * a12; t15 += v * a13; t16 += v * a14; t17 += v * a15;
  v = 2 * a3;
  t6 += a3 * a3; t7 += v * a4; t8 += v * a5; t9 += v * a6; t10 += v * a7; t11 += v * a8; t12 += v * a9; t13 += v * a10; t14 += v * a11; t15 += v * a12; t16 += v * a13; t17 += v * a14; t18 += v * a15;
  v = 2 * a4;
  t8 += a4 * a4; t9 += v * a5; t10 += v * a6; t11 += v * a7; t12 += v * a8; t13 += v * a9; t14 += v * a10; t15 += v * a11; t16 += v * a12; t17 += v * a13; t18 += v * a14; t19 += v * a15;
  v = 2 * a5;
  t10 += a5 * a5; t11 += v * a6; t12 += v * a7; t13 += v * a8; t14 += v * a9; t15 += v * a10; t16 += v * a11; t17 += v * a12; t18 += v * a13; t19 += v * a14; t20 += v * a15;
  v = 2 * a6;
  t12 += a6 * a6; t13 += v * a7; t14 += v * a8; t15 += v * a9; t16 += v * a10; t17 += v * a11; t18 += v * a12; t19 += v * a13; t20 += v * a14; t21 += v * a15;
  v = 2 * a7;
  t14 += a7 * a7; t15 += v * a8; t16 += v * a9; t17 += v * a10; t18 += v * a11; t19 += v * a12; t20 += v * a13; t21 += v * a14; t22 += v * a15;
  v = 2 * a8;
  t16 += a8 * a8; t17 += v * a9; t18 += v * a10; t19 += v * a11; t20 += v * a12; t21 += v * a13; t22 += v * a14; t23 += v * a15;
  v = 2 * a9;
  t18 += a9 * a9; t19 += v * a10; t20 += v * a11; t21 += v * a12; t22 += v * a13; t23 += v * a14; t24 += v * a15;
  v = 2 * a10;
  t20 += a10 * a10; t21 += v * a11; t22 += v * a12; t23 += v * a13; t24 += v * a14; t25 += v * a15;
  v = 2 * a11;
  t22 += a11 * a11; t23 += v * a12; t24 += v * a13; t25 += v * a14; t26 += v * a15;
  v = 2 * a12;
  t24 += a12 * a12; t25 += v * a13; t26 += v * a14; t27 += v * a15;
  v = 2 * a13;
  t26 += a13 * a13; t27 += v * a14; t28 += v * a15;
  v = 2 * a14;
  t28 += a14 * a14; t29 += v * a15;
  t30 += a15 * a15;
  t0 += 38 * t16; t1 += 38 * t17; t2 += 38 * t18; t3 += 38 * t19; t4 += 38 * t20; t5 += 38 * t21; t6 += 38 * t22; t7 += 38 * t23; t8 += 38 * t24; t9 += 38 * t25; t10 += 38 * t26; t11 += 38 * t27; t12 += 38 * t28; t13 += 38 * t29; t14 += 38 * t30;
  c = Math.floor(t0 * INV_LIMB); t0 -= c * 65536;
  t1 += c; c = Math.floor(t1 * INV_LIMB); t1 -= c * 65536;
  t2 += c; c = Math.floor(t2 * INV_LIMB); t2 -= c * 65536;
  t3 += c; c = Math.floor(t3 * INV_LIMB); t3 -= c * 65536;
  t4 += c; c = Math.floor(t4 * INV_LIMB); t4 -= c * 65536;
  t5 += c; c = Math.floor(t5 * INV_LIMB); t5 -= c * 65536;
  t6 += c; c = Math.floor(t6 * INV_LIMB); t6 -= c * 65536;
  t7 += c; c = Math.floor(t7 * INV_LIMB); t7 -= c * 65536;
  t8 += c; c = Math.floor(t8 * INV_LIMB); t8 -= c * 65536;
  t9 += c; c = Math.floor(t9 * INV_LIMB); t9 -= c * 65536;
  t10 += c; c = Math.floor(t10 * INV_LIMB); t10 -= c * 65536;
  t11 += c; c = Math.floor(t11 * INV_LIMB); t11 -= c * 65536;
  t12 += c; c = Math.floor(t12 * INV_LIMB); t12 -= c * 65536;
  t13 += c; c = Math.floor(t13 * INV_LIMB); t13 -= c * 65536;
  t14 += c; c = Math.floor(t14 * INV_LIMB); t14 -= c * 65536;
  t15 += c; c = Math.floor(t15 * INV_LIMB); t15 -= c * 65536;
  t0 += 38 * c;
  c = Math.floor(t0 * INV_LIMB); t0 -= c * 65536;
  t1 += c; c = Math.floor(t1 * INV_LIMB); t1 -= c * 65536;
  t2 += c;
  o[0] = t0; o[1] = t1; o[2] = t2; o[3] = t3; o[4] = t4; o[5] = t5; o[6] = t6; o[7] = t7; o[8] = t8; o[9] = t9; o[10] = t10; o[11] = t11; o[12] = t12; o[13] = t13; o[14] = t14; o[15] = t15;
}

/** Carries `o` until every limb is in [0, 2^16): the unique limbs of a value in [0, 2^256) congruent to the input. */
function normalize(o: Fe): void {
  while (carryPass(o) !== 0) {
    // A carry out of limb 15 was folded into limb 0; pass again.
  }
}

function limbsEqual(o: Fe, limbs: readonly number[]): boolean {
  for (let i = 0; i < 16; i++) if (o[i] !== limbs[i]) return false;
  return true;
}

const zeroScratch = new Float64Array(16);

/** True iff a ≡ 0 mod p (a itself is left as it was). */
export function feIsZero(a: Fe): boolean {
  const t = zeroScratch;
  t.set(a);
  normalize(t);
  // A normalized value lies in [0, 2^256), where the multiples of p are 0, p and 2p.
  return t.every((v) => v === 0) || limbsEqual(t, P_LIMBS) || limbsEqual(t, TWO_P_LIMBS);
}

/** The canonical 32-byte little-endian encoding of a mod p (the value in [0, p)). */
export function feToBytes(a: Fe): Uint8Array {
  const t = Float64Array.from(a);
  normalize(t);
  // t < 2^256 = 2p + 38: subtract p at most twice.
  for (let round = 0; round < 2; round++) {
    const m = fe();
    let borrow = 0;
    for (let i = 0; i < 16; i++) {
      const v = (t[i] as number) - (P_LIMBS[i] as number) - borrow;
      borrow = v < 0 ? 1 : 0;
      m[i] = v + borrow * 65536;
    }
    if (borrow === 0) t.set(m);
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 16; i++) {
    const v = t[i] as number;
    out[2 * i] = v & 0xff;
    out[2 * i + 1] = v >>> 8;
  }
  return out;
}

/** o = a^(2^k) (o may alias a). */
function sqrTimes(o: Fe, a: Fe, k: number): void {
  feSqr(o, a);
  for (let i = 1; i < k; i++) feSqr(o, o);
}

/**
 * o = a^((p−5)/8) = a^(2^252 − 3), the exponent of the square root in
 * RFC 8032 §5.1.3, by the usual addition chain (252 squarings, 11 products).
 */
export function fePow22523(o: Fe, a: Fe): void {
  const t0 = fe();
  const t1 = fe();
  const t2 = fe();
  feSqr(t0, a); // a^2
  sqrTimes(t1, t0, 2); // a^8
  feMul(t1, a, t1); // a^9
  feMul(t0, t0, t1); // a^11
  feSqr(t0, t0); // a^22
  feMul(t0, t1, t0); // a^(2^5 − 1)
  sqrTimes(t1, t0, 5);
  feMul(t0, t1, t0); // a^(2^10 − 1)
  sqrTimes(t1, t0, 10);
  feMul(t1, t1, t0); // a^(2^20 − 1)
  sqrTimes(t2, t1, 20);
  feMul(t1, t2, t1); // a^(2^40 − 1)
  sqrTimes(t1, t1, 10);
  feMul(t0, t1, t0); // a^(2^50 − 1)
  sqrTimes(t1, t0, 50);
  feMul(t1, t1, t0); // a^(2^100 − 1)
  sqrTimes(t2, t1, 100);
  feMul(t1, t2, t1); // a^(2^200 − 1)
  sqrTimes(t1, t1, 50);
  feMul(t0, t1, t0); // a^(2^250 − 1)
  sqrTimes(t0, t0, 2); // a^(2^252 − 4)
  feMul(o, t0, a); // a^(2^252 − 3)
}

/** o = a^−1 = a^(p−2) mod p (a ≢ 0): p − 2 = 8·(2^252 − 3) + 3. */
export function feInvert(o: Fe, a: Fe): void {
  const t = fe();
  fePow22523(t, a);
  sqrTimes(t, t, 3);
  const a3 = fe();
  feSqr(a3, a);
  feMul(a3, a3, a);
  feMul(o, t, a3);
}

/** True iff the 256-bit value read by feFromBytes (limbs in [0, 2^16)) is below p = 2^255 − 19. */
export function feBelowP(a: Fe): boolean {
  if ((a[15] as number) < 0x7fff) return true;
  if ((a[15] as number) > 0x7fff) return false;
  for (let i = 14; i >= 1; i--) if (a[i] !== 0xffff) return true;
  return (a[0] as number) < 0xffed;
}
