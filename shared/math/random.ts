/** Uniform random non-zero scalars (RFC 9380 §5 hash_to_field reduction, as noble's FROST uses). */
import type { RNG } from '@noble/curves/abstract/frost.js';
import { getMinHashLength, mapHashToField } from '@noble/curves/abstract/modular.js';
import type { IField } from '@noble/curves/abstract/modular.js';

/**
 * A uniformly random scalar in [1, q−1]. noble's `frost.utils.randomScalar`
 * also computes k·G, which a dealer does not need for every coefficient.
 */
export function randomScalar(Fn: IField<bigint>, rng: RNG): bigint {
  const bytes = mapHashToField(rng(getMinHashLength(Fn.ORDER)), Fn.ORDER, Fn.isLE);
  return Fn.fromBytes(bytes);
}
