/**
 * Verification of the deals a new member j received (DESIGN §4 step 5).
 *
 * Batched path (the common case), two checks over the summed commitments
 * C' = Σ_i C_i:
 *  - Feldman: Σ_k C'_k·x'_j^k = (Σ_i f_i(x'_j))·G — one evaluation, one base
 *    multiplication, instead of one of each per dealer;
 *  - constant terms: C'_0 = Σ_i C_i0 must equal the STORED group key PK,
 *    which is Σ_i λ_i·Y_i over any D of size ≥ t.
 * If either fails, the per-dealer checks (C_i0 = λ_i·Y_i with the stored Y_i,
 * then Feldman per dealer) run to name the culprit.
 *
 * What the batch lets through is harmless: dealers whose errors cancel in the
 * sums must collude, and then j's share is still consistent with C', whose
 * constant is PK and which every member checks and acks through H. Shifting
 * constants between colluding dealers (+δ, −δ) is the same as re-randomising
 * their polynomials: the secret and every share's consistency are unchanged.
 */
import { evalPointPoly } from '../math/polynomial.js';
import type { GroupElement, Suite } from '../suites.js';
import type { ResolvedDealer } from './plan.js';
import type { ReshareComplaint } from './types.js';

/** A deal after structural checks: dealer resolved, points decoded, sub-share as a scalar. */
export interface DecodedDeal {
  dealer: ResolvedDealer;
  points: GroupElement[];
  share: bigint;
}

/** C' = Σ_i C_i, coefficient by coefficient. */
export function sumCommitments(suite: Suite, deals: readonly DecodedDeal[], len: number): GroupElement[] {
  const sum: GroupElement[] = new Array<GroupElement>(len).fill(suite.ZERO);
  for (const d of deals) {
    for (let k = 0; k < len; k++) sum[k] = (sum[k] as GroupElement).add(d.points[k] as GroupElement);
  }
  return sum;
}

/** The batched check for the receiver at `x`, over the summed commitments `summed` (= C'). True iff it holds. */
export function batchVerify(
  suite: Suite,
  deals: readonly DecodedDeal[],
  x: bigint,
  summed: readonly GroupElement[],
  groupKey: GroupElement,
): boolean {
  const Fn = suite.Fn;
  if (!(summed[0] as GroupElement).equals(groupKey)) return false;
  // G·s' is a constant-time multiplication: s' is the new secret share.
  let sPrime = Fn.ZERO;
  for (const d of deals) sPrime = Fn.add(sPrime, d.share);
  // Colluding dealers can make the sum zero; noble refuses to multiply by 0.
  return evalPointPoly(suite, summed, x).equals(Fn.is0(sPrime) ? suite.ZERO : suite.G.multiply(sPrime));
}

/** The per-dealer checks, in D order; the first failure names its dealer. */
export function findCulprit(suite: Suite, deals: readonly DecodedDeal[], x: bigint): ReshareComplaint | undefined {
  for (const d of deals) {
    const who = d.dealer.deviceId;
    // C_i0 = λ_i·Y_i with Y_i from OUR stored state (tss-lib key-swap bug: never trust an advertised key).
    if (!(d.points[0] as GroupElement).equals(d.dealer.Y.multiplyUnsafe(d.dealer.lambda))) {
      return {
        code: 'CONSTANT_TERM_MISMATCH',
        message: "dealer's constant commitment is not λ_i·Y_i of its stored verifying share",
        culprits: [who],
      };
    }
    // Feldman: f_i(x'_j)·G = Σ_k C_ik·x'_j^k.
    if (!evalPointPoly(suite, d.points, x).equals(suite.G.multiply(d.share))) {
      return { code: 'SUBSHARE_INVALID', message: "dealer's sub-share does not match its commitments", culprits: [who] };
    }
  }
  return undefined;
}

/** Naive verification: the per-dealer checks for every dealer (the benchmark's baseline). */
export function verifyEachDealer(suite: Suite, deals: readonly DecodedDeal[], x: bigint): boolean {
  return findCulprit(suite, deals, x) === undefined;
}
