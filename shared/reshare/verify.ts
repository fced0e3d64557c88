/**
 * Verification of the deals a new member j received (DESIGN §4 step 5).
 *
 * Batched path (the common case): one Feldman check over the summed
 * commitments, Σ_k C'_k·x'_j^k = (Σ_i f_i(x'_j))·G with C' = Σ_i C_i, and one
 * random-linear-combination check of all constant terms,
 * Σ_i u_i·(C_i0 − λ_i·Y_i) = 0 with random 128-bit u_i. If either fails, the
 * per-dealer checks run to name the culprit. Colluding dealers whose errors
 * cancel in the sum pass the batch, but then j's share is still consistent
 * with C', which every member checks and acks through H: no harm is done.
 */
import { bytesToHex } from '../bytes.js';
import type { Rng } from './deal.js';
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

function random128(rng: Rng): bigint {
  return BigInt('0x' + bytesToHex(rng(16))) | 1n;
}

/** The batched check over the summed commitments `summed` (= C'). True iff it holds. */
export function batchVerify(
  suite: Suite,
  deals: readonly DecodedDeal[],
  x: bigint,
  summed: readonly GroupElement[],
  rng: Rng,
): boolean {
  const Fn = suite.Fn;
  // Feldman over the sum. G·s' is a constant-time multiplication: s' is the new secret share.
  let sPrime = Fn.ZERO;
  for (const d of deals) sPrime = Fn.add(sPrime, d.share);
  if (!evalPointPoly(suite, summed, x).equals(suite.G.multiply(sPrime))) return false;
  // Constant terms against stored state, as one MSM: Σ u_i·C_i0 + Σ (−u_i·λ_i)·Y_i = 0.
  const points: GroupElement[] = [];
  const scalars: bigint[] = [];
  for (const d of deals) {
    const u = random128(rng);
    points.push(d.points[0] as GroupElement, d.dealer.Y);
    scalars.push(u, Fn.neg(Fn.mul(u, d.dealer.lambda)));
  }
  return suite.msm(points, scalars).is0();
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
