/**
 * Receiver step of the redistribution (DESIGN §4 step 5), run by each new
 * member j over all deals addressed to it. Every check is against j's own
 * stored epoch-e state. On success j gets s'_j = Σ_i f_i(x'_j), the new public
 * package (C' = Σ_i C_i; Y'_m = Σ_k C'_k·x'_m^k) and the transcript hash H; it
 * must persist the share as pending before acking H (I3). On failure it gets
 * a complaint naming the dealer, and must never ack this session.
 */
import type { FrostPublic, FrostSecret } from '@noble/curves/abstract/frost.js';
import { bytesToHex } from '../bytes.js';
import type { EpochPublic } from '../epoch.js';
import { RampartError } from '../errors.js';
import { lazyVerifyingShares } from '../math/verifying-shares.js';
import { redactSecret } from '../redact.js';
import type { GroupElement } from '../suites.js';
import { resolvePlan, type ResolvedPlan } from './plan.js';
import { commitmentsHash, reshareTranscriptHash } from './transcript.js';
import type { ReceivedDeal, ReshareComplaint, ReshareFailure, ResharePlan, ReshareReceipt } from './types.js';
import { batchVerify, findCulprit, sumCommitments, type DecodedDeal } from './verify.js';

/** Options of the receiver step. */
export interface ReceiveOptions {
  /** `false` runs the per-dealer checks only (the benchmark's naive baseline). */
  batch?: boolean;
}

class Complaint extends Error {
  constructor(readonly complaint: ReshareComplaint) {
    super(complaint.message);
  }
}

function complain(code: ReshareComplaint['code'], message: string, culprits: string[]): never {
  throw new Complaint({ code, message, culprits });
}

/** Matches deals to D: every dealer exactly once, nobody else (DESIGN §4 step 3). */
function orderDeals(r: ResolvedPlan, deals: readonly ReceivedDeal[]): ReceivedDeal[] {
  const inD = new Set(r.plan.dealers);
  const byDealer = new Map<string, ReceivedDeal>();
  for (const d of deals) {
    if (!inD.has(d.dealer)) complain('DEALER_NOT_APPROVED', 'deal from a device outside the approved dealer set', [d.dealer]);
    if (byDealer.has(d.dealer)) complain('DEALER_DUPLICATE', 'two deals from the same dealer', [d.dealer]);
    byDealer.set(d.dealer, d);
  }
  return r.dealers.map((dealer) => {
    const d = byDealer.get(dealer.deviceId);
    if (d === undefined) complain('DEAL_MISSING', 'no deal from this dealer', [dealer.deviceId]);
    return d;
  });
}

/** The sub-share as a canonical non-zero scalar, or why it is refused. */
function parseSubShare(r: ResolvedPlan, bytes: Uint8Array): bigint | string {
  let share: bigint;
  try {
    share = r.suite.Fn.fromBytes(bytes);
  } catch {
    return 'dealer sent a malformed sub-share';
  }
  if (bytesToHex(r.suite.Fn.toBytes(share)) !== bytesToHex(bytes)) return 'dealer sent a non-canonical sub-share';
  // A zero sub-share is refused outright (an honest dealer sends one with probability 1/q).
  if (share === 0n) return 'dealer sent a zero sub-share';
  return share;
}

/**
 * The common case in one pass: every sub-share well formed, and C' summed by
 * the suite straight from the wire bytes (`Suite.sumCommitmentVectors`).
 * Each dealer's own points are decoded only if a later check must name a
 * culprit. `undefined` if anything is off: the caller then runs `decodeDeal`
 * deal by deal, which reports the first fault in D order, as always.
 */
function decodeAllAtOnce(r: ResolvedPlan, ordered: readonly ReceivedDeal[]): { decoded: DecodedDeal[]; summed: GroupElement[] } | undefined {
  const shares: bigint[] = [];
  for (const d of ordered) {
    const share = parseSubShare(r, d.subShare);
    if (typeof share === 'string') return undefined;
    shares.push(share);
  }
  const summed = r.suite.sumCommitmentVectors(
    ordered.map((d) => d.commitments),
    r.plan.newThreshold,
  );
  if (summed === undefined) return undefined;
  const decoded = ordered.map((d, i): DecodedDeal => {
    let points: GroupElement[] | undefined;
    return {
      dealer: r.dealers[i] as DecodedDeal['dealer'],
      share: shares[i] as bigint,
      get points(): GroupElement[] {
        // Every commitment already passed the suite's checks: decoding cannot fail here.
        return (points ??= d.commitments.map((c) => r.suite.decodeCommitment(c)));
      },
    };
  });
  return { decoded, summed };
}

/** Structural checks of one deal: exactly t' canonical points, none the identity, a canonical scalar. */
function decodeDeal(r: ResolvedPlan, index: number, d: ReceivedDeal): DecodedDeal {
  const { suite } = r;
  const who = d.dealer;
  const tNew = r.plan.newThreshold;
  if (d.commitments.length !== tNew) {
    complain('COMMITMENT_LENGTH', `dealer sent ${d.commitments.length} commitments; t' = ${tNew} are required`, [who]);
  }
  const points = d.commitments.map((c) => {
    let p: GroupElement;
    try {
      p = suite.decodeCommitment(c);
    } catch (e) {
      complain('COMMITMENT_INVALID_POINT', `dealer sent an invalid point: ${(e as Error).message}`, [who]);
    }
    if (p.is0()) complain('COMMITMENT_IDENTITY', 'dealer sent the identity as a commitment', [who]);
    return p;
  });
  const share = parseSubShare(r, d.subShare);
  if (typeof share === 'string') complain('SUBSHARE_INVALID', share, [who]);
  return { dealer: r.dealers[index] as DecodedDeal['dealer'], points, share };
}

/** Names the dealers whose coefficients cancel: a pair summing to the identity, else nobody (no single culprit). */
function cancellingDealers(deals: readonly DecodedDeal[], k: number): string[] {
  for (let a = 0; a < deals.length; a++) {
    for (let b = a + 1; b < deals.length; b++) {
      const pa = (deals[a] as DecodedDeal).points[k] as GroupElement;
      const pb = (deals[b] as DecodedDeal).points[k] as GroupElement;
      if (pa.add(pb).is0()) return [(deals[a] as DecodedDeal).dealer.deviceId, (deals[b] as DecodedDeal).dealer.deviceId];
    }
  }
  return [];
}

/** Checks of C' = Σ C_i itself: constant term = stored PK, no identity coefficient, prime-order subgroup. */
function checkSummed(r: ResolvedPlan, deals: readonly DecodedDeal[], summed: readonly GroupElement[]): void {
  const top = summed.length - 1;
  summed.forEach((c, k) => {
    if (c.is0()) {
      if (k === top) {
        complain('THRESHOLD_DEGRADED', "dealers' top coefficients cancel: the new threshold would be lower than t'", cancellingDealers(deals, k));
      }
      complain('COMMITMENT_IDENTITY', `summed commitment ${k} is the identity`, cancellingDealers(deals, k));
    }
    if (!r.suite.inPrimeOrderSubgroup(c)) {
      const bad = deals.filter((d) => !r.suite.inPrimeOrderSubgroup(d.points[k] as GroupElement)).map((d) => d.dealer.deviceId);
      complain('COMMITMENT_INVALID_POINT', 'commitment outside the prime-order subgroup', bad);
    }
  });
  // C'[0] must equal the STORED group key (I1). Given the per-dealer constant checks this can only fail
  // when the stored state itself is inconsistent, so no single dealer is blamed.
  if (!(summed[0] as GroupElement).equals(r.groupKey)) {
    complain('GROUP_KEY_CHANGED', 'the new commitments would change the group key', []);
  }
}

/**
 * Resolves the plan and decodes the deals for `me` (D order, structural checks only).
 * Exposed for the benchmark, which times the verification strategies on its output.
 */
export function decodeDealsFor(
  old: EpochPublic,
  plan: ResharePlan,
  deals: readonly ReceivedDeal[],
): ReshareFailure | { ok: true; resolved: ResolvedPlan; decoded: DecodedDeal[] } {
  const r = resolvePlan(old, plan);
  try {
    const decoded = orderDeals(r, deals).map((d, i) => decodeDeal(r, i, d));
    return { ok: true, resolved: r, decoded: decoded.map((d) => redactSecret(d)) };
  } catch (e) {
    if (e instanceof Complaint) return { ok: false, complaint: e.complaint };
    throw e;
  }
}

/**
 * Runs the receiver step for new member `me`. Throws RampartError for a bad
 * plan or a `me` outside R' (local faults); returns a complaint for any fault
 * of a dealer.
 */
export function receiveReshare(
  old: EpochPublic,
  plan: ResharePlan,
  me: string,
  deals: readonly ReceivedDeal[],
  opts: ReceiveOptions = {},
): ReshareReceipt {
  const r = resolvePlan(old, plan);
  const { suite } = r;
  const self = r.newMembers.find((m) => m.deviceId === me);
  if (self === undefined) throw new RampartError('PLAN_INVALID', 'this device is not in the new roster', me);
  try {
    const ordered = orderDeals(r, deals);
    const atOnce = decodeAllAtOnce(r, ordered);
    const decoded = atOnce?.decoded ?? ordered.map((d, i) => decodeDeal(r, i, d));
    const summed = atOnce?.summed ?? sumCommitments(suite, decoded, plan.newThreshold);
    const batched = opts.batch !== false && batchVerify(suite, decoded, self.x, summed, r.groupKey);
    if (!batched) {
      // Per-dealer checks: the naive path, or the fallback that names a culprit.
      const culprit = findCulprit(suite, decoded, self.x);
      if (culprit !== undefined) return { ok: false, complaint: culprit };
    }
    checkSummed(r, decoded, summed);
    if (!batched && opts.batch !== false) {
      // Every dealer passed alone, yet the batch failed: impossible unless the arithmetic is broken.
      complain('SUBSHARE_INVALID', 'deals do not verify, and no single dealer is at fault', []);
    }

    let sPrime = suite.Fn.ZERO;
    for (const d of decoded) sPrime = suite.Fn.add(sPrime, d.share);
    const commitments = summed.map((c) => c.toBytes());
    // Y'_j for every new member, computed when first read (shared/math/verifying-shares.ts).
    const verifyingShares = lazyVerifyingShares(suite, commitments, r.newMembers.map((m) => m.identifier), summed);
    const pub: FrostPublic = {
      signers: { min: plan.newThreshold, max: plan.newRoster.length },
      commitments,
      verifyingShares,
    } as FrostPublic;
    return {
      ok: true,
      secret: redactSecret({ identifier: self.identifier, signingShare: suite.Fn.toBytes(sPrime) } as FrostSecret),
      public: pub,
      transcriptHash: reshareTranscriptHash(suite.name, plan, ordered.map((d) => d.commitments)),
      commitmentsHash: commitmentsHash(suite.name, plan.quorumId, plan.fromEpoch + 1, commitments),
    };
  } catch (e) {
    if (e instanceof Complaint) return { ok: false, complaint: e.complaint };
    throw e;
  }
}
