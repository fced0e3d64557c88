/**
 * Checks a reshare plan against the stored epoch-e state (DESIGN §4 steps 3–5)
 * and resolves it into scalars: dealer identifiers, their Lagrange
 * coefficients λ_i over D, their stored Y_i, and the new identifiers.
 */
import type { EpochPublic } from '../epoch.js';
import { RampartError } from '../errors.js';
import { checkRoster, type ScalarMember } from '../identifiers.js';
import { lagrangeAtZero } from '../math/lagrange.js';
import type { GroupElement, Suite } from '../suites.js';
import { getSuite } from '../suites.js';
import type { ResharePlan } from './types.js';

/** A dealer of the plan, resolved against stored state. */
export interface ResolvedDealer extends ScalarMember {
  /** λ_i: Lagrange coefficient of x_i at 0 over D. */
  lambda: bigint;
  /** Y_i from this device's own stored epoch-e public package (validated when it was stored). */
  Y: GroupElement;
}

/** A plan checked and resolved against the stored epoch. */
export interface ResolvedPlan {
  suite: Suite;
  plan: ResharePlan;
  dealers: ResolvedDealer[];
  newMembers: ScalarMember[];
  /** Stored group key PK (commitments[0] of epoch e). */
  groupKey: GroupElement;
  groupKeyBytes: Uint8Array;
}

function invalid(message: string, culprit?: string): never {
  throw new RampartError('PLAN_INVALID', message, culprit);
}

/** Resolves `plan` against the stored `old` epoch; throws PLAN_INVALID (or IDENTIFIER_*) on any mismatch. */
export function resolvePlan(old: EpochPublic, plan: ResharePlan): ResolvedPlan {
  const suite = getSuite(old.suite);
  if (plan.quorumId !== old.quorumId) invalid('plan is for another quorum');
  if (plan.fromEpoch !== old.epoch) {
    invalid(`plan reshares epoch ${plan.fromEpoch} but the stored epoch is ${old.epoch}`);
  }
  if (plan.prevCertificateHash !== old.certificateHash) invalid('plan names another epoch certificate');
  const tNew = plan.newThreshold;
  const nNew = plan.newRoster.length;
  if (!Number.isSafeInteger(tNew) || tNew < 2 || tNew > nNew) {
    invalid(`new threshold ${tNew} is outside 2..${nNew}`);
  }
  const newMembers = checkRoster(suite, plan.newRoster);

  const oldMembers = new Map(checkRoster(suite, old.roster).map((m) => [m.deviceId, m]));
  const dealers: ScalarMember[] = [];
  const seen = new Set<string>();
  for (const d of plan.dealers) {
    const m = oldMembers.get(d);
    if (m === undefined) invalid('dealer is not a member of the old roster', d);
    if (seen.has(d)) throw new RampartError('DEALER_DUPLICATE', 'dealer appears twice in D', d);
    seen.add(d);
    dealers.push(m);
  }
  if (dealers.length < old.threshold) {
    invalid(`dealer set has ${dealers.length} members; epoch ${old.epoch} needs at least ${old.threshold}`);
  }
  for (let i = 1; i < dealers.length; i++) {
    if ((dealers[i - 1] as ScalarMember).x >= (dealers[i] as ScalarMember).x) invalid('dealer set is not sorted by identifier');
  }
  const lambdas = lagrangeAtZero(
    suite.Fn,
    dealers.map((d) => d.x),
  );
  const shares = old.frostPublic.verifyingShares;
  const resolved: ResolvedDealer[] = dealers.map((d, i) => {
    if (!(d.identifier in shares)) invalid('stored epoch has no verifying share for dealer', d.deviceId);
    // Y_i is read (and, for a derived record, computed) only where a check needs it: a dealer's
    // own share, or the per-dealer fallback that names a culprit (verify.ts) — not on the batched path.
    let Y: GroupElement | undefined;
    return Object.defineProperty({ ...d, lambda: lambdas[i] as bigint } as ResolvedDealer, 'Y', {
      enumerable: true,
      get: (): GroupElement => (Y ??= suite.decodeCurvePoint(shares[d.identifier] as Uint8Array)),
    });
  });
  const groupKeyBytes = old.frostPublic.commitments[0];
  if (groupKeyBytes === undefined) invalid('stored epoch has no group key');
  return { suite, plan, dealers: resolved, newMembers, groupKey: suite.decodeCurvePoint(groupKeyBytes), groupKeyBytes };
}
