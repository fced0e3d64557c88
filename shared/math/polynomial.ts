/** Polynomials over the scalar field and their Feldman commitments (DESIGN §4 steps 4–5). */
import type { IField } from '@noble/curves/abstract/modular.js';
import type { GroupElement, Suite } from '../suites.js';

/** f(x) = Σ a_k x^k by Horner's rule, mod q. Constant time in the coefficients' values. */
export function evalScalarPoly(Fn: IField<bigint>, coeffs: readonly bigint[], x: bigint): bigint {
  let acc = Fn.ZERO;
  for (let k = coeffs.length - 1; k >= 0; k--) acc = Fn.add(Fn.mul(acc, x), coeffs[k] as bigint);
  return acc;
}

/** [1, x, x², …, x^(len−1)] mod q. */
export function powers(Fn: IField<bigint>, x: bigint, len: number): bigint[] {
  const out: bigint[] = [];
  let p = Fn.ONE;
  for (let k = 0; k < len; k++) {
    out.push(p);
    p = Fn.mul(p, x);
  }
  return out;
}

/** Identifiers below this use Horner with small-scalar multiplications; larger ones use one MSM. */
const SMALL_X = 1n << 32n;

/**
 * x·P by double-and-add, for small public x (< 2^32). noble's multiplyUnsafe
 * builds a wNAF table per call, which costs more than the whole ladder here.
 */
function mulSmall(p: GroupElement, x: bigint, zero: GroupElement): GroupElement {
  let acc = zero;
  for (let bit = BigInt(x.toString(2).length - 1); bit >= 0n; bit--) {
    acc = acc.double();
    if ((x >> bit) & 1n) acc = acc.add(p);
  }
  return acc;
}

/**
 * Σ_k C_k·x^k: the Feldman evaluation of a committed polynomial at x.
 * Variable time: commitments and identifiers are public.
 */
export function evalPointPoly(suite: Suite, commitments: readonly GroupElement[], x: bigint): GroupElement {
  if (x >= 1n && x < SMALL_X && suite.evalSmall !== undefined) return suite.evalSmall(commitments, Number(x));
  if (x < SMALL_X) {
    // Horner: ((C_{t-1}·x + C_{t-2})·x + …)·x + C_0; each step multiplies by a ≤ 32-bit scalar.
    let acc = suite.ZERO;
    for (let k = commitments.length - 1; k >= 0; k--) {
      acc = mulSmall(acc, x, suite.ZERO).add(commitments[k] as GroupElement);
    }
    return acc;
  }
  return suite.msm([...commitments], powers(suite.Fn, x, commitments.length));
}
