/**
 * Dealer step of the redistribution (DESIGN §4 step 4). Dealer i ∈ D with
 * epoch-e share s_i picks a random polynomial f_i of degree t'−1 with
 * f_i(0) = λ_i·s_i, broadcasts C_i = [a_ik·G] and gives each new member j the
 * sub-share f_i(x'_j) (the caller HPKE-seals it to j). Σ_{i∈D} λ_i·s_i is the
 * group secret, so the new shares Σ_i f_i(x'_j) interpolate to it without it
 * ever being computed (I5).
 */
import type { FrostSecret } from '@noble/curves/abstract/frost.js';
import type { RNG } from '@noble/curves/abstract/frost.js';
import { randomBytes } from '@noble/hashes/utils.js';
import type { EpochPublic } from '../epoch.js';
import { RampartError } from '../errors.js';
import { evalScalarPoly } from '../math/polynomial.js';
import { randomScalar } from '../math/random.js';
import { redactSecret } from '../redact.js';
import { resolvePlan } from './plan.js';
import type { ResharePlan, ReshareDealerOutput } from './types.js';

/** Randomness source: n bytes per call (injectable for deterministic tests); noble's RNG type. */
export type Rng = RNG;

/**
 * Runs the dealer step for device `me` holding `secret` (its epoch-e share).
 * Checks the plan against the stored epoch, that `me` is in D, and that
 * `secret` matches the stored Y_i before dealing anything.
 */
export function dealReshare(
  old: EpochPublic,
  plan: ResharePlan,
  me: string,
  secret: FrostSecret,
  rng: Rng = randomBytes,
): ReshareDealerOutput {
  const r = resolvePlan(old, plan);
  const { suite } = r;
  const Fn = suite.Fn;
  const self = r.dealers.find((d) => d.deviceId === me);
  if (self === undefined) throw new RampartError('NOT_A_DEALER', 'this device is not in the dealer set D', me);
  if (secret.identifier !== self.identifier) {
    throw new RampartError('LOCAL_SHARE_MISMATCH', 'local share belongs to another identifier', me);
  }
  const s = Fn.fromBytes(secret.signingShare);
  if (!suite.G.multiply(s).equals(self.Y)) {
    throw new RampartError('LOCAL_SHARE_MISMATCH', `local share does not match stored Y_i of epoch ${old.epoch}`, me);
  }
  // f_i(0) = λ_i·s_i; a_1..a_{t'-1} uniformly random and non-zero.
  const coeffs: bigint[] = [Fn.mul(self.lambda, s)];
  for (let k = 1; k < plan.newThreshold; k++) coeffs.push(randomScalar(Fn, rng));
  const commitments = coeffs.map((a) => suite.commitScalar(a));
  const subShares: Record<string, Uint8Array> = {};
  for (const m of r.newMembers) subShares[m.deviceId] = Fn.toBytes(evalScalarPoly(Fn, coeffs, m.x));
  coeffs.fill(0n);
  // The sub-shares are secret until sealed: they print as <redacted>.
  return { deal: { dealer: me, commitments }, subShares: redactSecret(subShares) };
}
