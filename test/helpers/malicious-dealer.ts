/**
 * Dealers that cheat, for negative tests: they deal a polynomial of their
 * choosing, with commitments and sub-shares consistent with it, so that only
 * the checks against stored state (or across dealers) can catch them.
 */
import type { FrostSecret } from '@noble/curves/abstract/frost.js';
import { lagrangeAtZero } from '../../shared/math/lagrange.js';
import { evalScalarPoly } from '../../shared/math/polynomial.js';
import type { EpochPublic } from '../../shared/epoch.js';
import type { ReshareDealerOutput, ResharePlan } from '../../shared/reshare/types.js';
import { getSuite } from '../../shared/suites.js';

/** The honest constant λ_i·s_i of dealer `me` under `plan`. */
export function honestConstant(old: EpochPublic, plan: ResharePlan, me: string, secret: FrostSecret): bigint {
  const suite = getSuite(old.suite);
  const xs = plan.dealers.map((d) => {
    const m = old.roster.find((r) => r.deviceId === d);
    if (m === undefined) throw new Error('dealer not in roster');
    return suite.identifierToInteger(m.identifier);
  });
  const lambdas = lagrangeAtZero(suite.Fn, xs);
  const idx = plan.dealers.indexOf(me);
  return suite.Fn.mul(lambdas[idx] as bigint, suite.Fn.fromBytes(secret.signingShare));
}

/** Random non-zero scalars. */
export function randomCoefficients(old: EpochPublic, count: number): bigint[] {
  const suite = getSuite(old.suite);
  return Array.from({ length: count }, () => suite.Fn.fromBytes(suite.frost.utils.randomScalar()));
}

/** Deals the polynomial with exactly these coefficients (a_0 first) to the plan's new roster. */
export function dealPolynomial(old: EpochPublic, plan: ResharePlan, me: string, coeffs: readonly bigint[]): ReshareDealerOutput {
  const suite = getSuite(old.suite);
  const commitments = coeffs.map((a) => suite.encodeCommitment(a === 0n ? suite.ZERO : suite.G.multiply(a)));
  const subShares: Record<string, Uint8Array> = {};
  for (const m of plan.newRoster) {
    subShares[m.deviceId] = suite.Fn.toBytes(evalScalarPoly(suite.Fn, coeffs, suite.identifierToInteger(m.identifier)));
  }
  return { deal: { dealer: me, commitments }, subShares };
}
