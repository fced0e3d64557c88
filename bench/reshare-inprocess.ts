/**
 * In-process reshare (no network): every dealer deals, every new member
 * receives, for one (t, n) → (t, n) refresh. Measures total time, per-dealer
 * and per-receiver time, and the verification step alone, batched vs naive.
 */
import { decodeDealsFor, receiveReshare } from '../shared/reshare/receive.js';
import { batchVerify, sumCommitments, verifyEachDealer } from '../shared/reshare/verify.js';
import type { SuiteName } from '../shared/suites.js';
import { dealAll, dealsFor, genesisWorld, makePlan } from '../test/helpers/reshare-harness.js';

/** One row of the benchmark table. */
export interface InProcessResult {
  suite: SuiteName;
  t: number;
  n: number;
  totalMs: number;
  dealMs: number;
  receiveMs: number;
  batchedVerifyMs: number;
  naiveVerifyMs: number;
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, performance.now() - t0];
}

/** Median of a few runs of `fn` (ms). */
function median(runs: number, fn: () => void): number {
  const xs = Array.from({ length: runs }, () => time(fn)[1]).sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)] as number;
}

/** Runs one full in-process refresh of a t-of-n quorum and times it. */
export function benchInProcess(suite: SuiteName, t: number, n: number): InProcessResult {
  const world = genesisWorld(suite, t, n);
  const plan = makePlan(world.epoch, world.epoch.roster, t, t);
  const [outputs, dealTotal] = time(() => dealAll(world, plan));
  let receiveTotal = 0;
  for (const m of plan.newRoster) {
    const [r, ms] = time(() => receiveReshare(world.epoch, plan, m.deviceId, dealsFor(outputs, m.deviceId)));
    if (!r.ok) throw new Error(`bench: receiver complained: ${r.complaint.code}`);
    receiveTotal += ms;
  }
  // The verification step alone, on one receiver's decoded deals.
  const me = plan.newRoster[0]!;
  const prepared = decodeDealsFor(world.epoch, plan, dealsFor(outputs, me.deviceId));
  if (!prepared.ok) throw new Error('bench: deals did not decode');
  const { resolved, decoded } = prepared;
  const x = resolved.newMembers.find((m) => m.deviceId === me.deviceId)!.x;
  const runs = n >= 50 ? 3 : 7;
  const batchedVerifyMs = median(runs, () => {
    const summed = sumCommitments(resolved.suite, decoded, t);
    if (!batchVerify(resolved.suite, decoded, x, summed, resolved.groupKey)) throw new Error('bench: batch check failed');
  });
  const naiveVerifyMs = median(runs, () => {
    if (!verifyEachDealer(resolved.suite, decoded, x)) throw new Error('bench: per-dealer check failed');
  });
  return {
    suite,
    t,
    n,
    totalMs: dealTotal + receiveTotal,
    dealMs: dealTotal / plan.dealers.length,
    receiveMs: receiveTotal / plan.newRoster.length,
    batchedVerifyMs,
    naiveVerifyMs,
  };
}
