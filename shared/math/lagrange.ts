/** Lagrange interpolation at zero over a scalar field (DESIGN §4 step 4: λ_i over D). */
import type { IField } from '@noble/curves/abstract/modular.js';

/**
 * λ_i = Π_{l ∈ xs, l ≠ x_i} x_l / (x_l − x_i) mod q, for every x_i in `xs`,
 * so that Σ λ_i·f(x_i) = f(0) for any f of degree < |xs|. `xs` must be
 * distinct and non-zero (checked by `checkRoster`). One batched inversion.
 */
export function lagrangeAtZero(Fn: IField<bigint>, xs: readonly bigint[]): bigint[] {
  const nums: bigint[] = [];
  const dens: bigint[] = [];
  for (let i = 0; i < xs.length; i++) {
    let num = Fn.ONE;
    let den = Fn.ONE;
    const xi = xs[i] as bigint;
    for (let l = 0; l < xs.length; l++) {
      if (l === i) continue;
      const xl = xs[l] as bigint;
      num = Fn.mul(num, xl);
      den = Fn.mul(den, Fn.sub(xl, xi));
    }
    nums.push(num);
    dens.push(den);
  }
  const inv = Fn.invertBatch(dens);
  return nums.map((n, i) => Fn.mul(n, inv[i] as bigint));
}
