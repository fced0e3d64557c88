/**
 * DESIGN §4 step 5: every way a dealer (or the relay) can tamper with a deal
 * is caught by the receiver and names the culprit device.
 */
import { describe, expect, test } from 'vitest';
import { bytesToHex } from '../../shared/bytes.js';
import { isRampartError } from '../../shared/errors.js';
import { dealReshare } from '../../shared/reshare/deal.js';
import { receiveReshare } from '../../shared/reshare/receive.js';
import type { ReceivedDeal, ReshareDealerOutput, ResharePlan, ReshareReceipt } from '../../shared/reshare/types.js';
import { getSuite, SUITE_NAMES, type Suite } from '../../shared/suites.js';
import { dealAll, dealsFor, genesisWorld, makePlan, nextRoster, type World } from '../helpers/reshare-harness.js';
import { dealPolynomial, honestConstant, randomCoefficients } from '../helpers/malicious-dealer.js';

function complaintOf(r: ReshareReceipt): { code: string; culprits: string[] } {
  if (r.ok) throw new Error('expected a complaint, the deals were accepted');
  return { code: r.complaint.code, culprits: r.complaint.culprits };
}

function expectThrows(fn: () => unknown, code: string, culprit?: string): void {
  try {
    fn();
  } catch (e) {
    expect(isRampartError(e)).toBe(true);
    if (isRampartError(e)) {
      expect(e.code).toBe(code);
      if (culprit !== undefined) expect(e.culprit).toBe(culprit);
    }
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

/** A 2-of-3 world restructured to 3-of-4 (one device added), dealers = first 2 old members. */
function setup(name: (typeof SUITE_NAMES)[number]): { suite: Suite; world: World; plan: ResharePlan; outputs: ReshareDealerOutput[]; me: string } {
  const suite = getSuite(name);
  const world = genesisWorld(name, 2, 3);
  const plan = makePlan(world.epoch, nextRoster(suite, world.epoch, world.epoch.roster, 1), 3, 2);
  const outputs = dealAll(world, plan);
  return { suite, world, plan, outputs, me: plan.newRoster[3]!.deviceId };
}

function encodeIdentifier(suite: Suite, x: bigint): string {
  const hex = x.toString(16).padStart(64, '0');
  if (!suite.Fn.isLE) return hex;
  return hex.match(/../g)!.reverse().join('');
}

describe.each(SUITE_NAMES)('reshare receiver (%s)', (name) => {
  test('accepts honest deals, batched and naive alike, with the same transcript hash', () => {
    const { world, plan, outputs, me } = setup(name);
    const batched = receiveReshare(world.epoch, plan, me, dealsFor(outputs, me));
    const naive = receiveReshare(world.epoch, plan, me, dealsFor(outputs, me), { batch: false });
    expect(batched.ok && naive.ok).toBe(true);
    if (batched.ok && naive.ok) {
      expect(batched.transcriptHash).toBe(naive.transcriptHash);
      expect(bytesToHex(batched.secret.signingShare)).toBe(bytesToHex(naive.secret.signingShare));
      // The new share never prints: secrets stay out of logs and JSON.
      expect(JSON.stringify(batched.secret)).toBe('"<redacted>"');
    }
  });

  test('a wrong sub-share is caught and names its dealer', () => {
    const { world, plan, outputs, me } = setup(name);
    const deals = dealsFor(outputs, me);
    const bad = deals[1]!;
    const share = bad.subShare.slice();
    share[share.length - 1 - (getSuite(name).Fn.isLE ? 31 : 0)]! ^= 1;
    deals[1] = { ...bad, subShare: share };
    expect(complaintOf(receiveReshare(world.epoch, plan, me, deals))).toEqual({ code: 'SUBSHARE_INVALID', culprits: [bad.dealer] });
  });

  test('a sub-share that is not a canonical scalar is caught and names its dealer', () => {
    const { world, plan, outputs, me } = setup(name);
    const deals = dealsFor(outputs, me);
    deals[0] = { ...deals[0]!, subShare: new Uint8Array(32).fill(0xff) };
    expect(complaintOf(receiveReshare(world.epoch, plan, me, deals))).toEqual({ code: 'SUBSHARE_INVALID', culprits: [deals[0].dealer] });
  });

  test('a zero sub-share is refused with a complaint naming its dealer, not a crash', () => {
    const { suite, world, plan, outputs, me } = setup(name);
    const deals = dealsFor(outputs, me);
    deals[1] = { ...deals[1]!, subShare: suite.Fn.toBytes(0n) };
    expect(complaintOf(receiveReshare(world.epoch, plan, me, deals))).toEqual({ code: 'SUBSHARE_INVALID', culprits: [deals[1].dealer] });
    expect(complaintOf(receiveReshare(world.epoch, plan, me, deals, { batch: false })).code).toBe('SUBSHARE_INVALID');
  });

  test("a dealer's sub-shares print as <redacted> until they are sealed", () => {
    const { outputs } = setup(name);
    expect(JSON.stringify(outputs[0]!.subShares)).toBe('"<redacted>"');
    expect(Object.keys(outputs[0]!.subShares)).toHaveLength(4);
  });

  test.each([-1, 1])('a commitment vector of the wrong length (t%+d) is caught and names its dealer', (delta) => {
    const { world, plan, outputs, me } = setup(name);
    const deals = dealsFor(outputs, me);
    const d = deals[0]!;
    const commitments = delta < 0 ? d.commitments.slice(0, -1) : [...d.commitments, d.commitments[1]!];
    deals[0] = { ...d, commitments };
    expect(complaintOf(receiveReshare(world.epoch, plan, me, deals))).toEqual({ code: 'COMMITMENT_LENGTH', culprits: [d.dealer] });
  });

  test('an identity commitment is caught and names its dealer', () => {
    const { suite, world, plan, outputs, me } = setup(name);
    const deals = dealsFor(outputs, me);
    const d = deals[1]!;
    if (suite.name === 'ed25519') {
      const identity = suite.encodeCommitment(suite.ZERO);
      deals[1] = { ...d, commitments: [d.commitments[0]!, identity, d.commitments[2]!] };
      expect(complaintOf(receiveReshare(world.epoch, plan, me, deals))).toEqual({ code: 'COMMITMENT_IDENTITY', culprits: [d.dealer] });
    } else {
      // secp256k1 has no SEC1 encoding of the identity: the nearest forgery is not a point at all.
      deals[1] = { ...d, commitments: [d.commitments[0]!, new Uint8Array(65), d.commitments[2]!] };
      expect(complaintOf(receiveReshare(world.epoch, plan, me, deals))).toEqual({ code: 'COMMITMENT_INVALID_POINT', culprits: [d.dealer] });
    }
  });

  test('bytes that are not a curve point are caught and name their dealer', () => {
    const { world, plan, outputs, me } = setup(name);
    const deals = dealsFor(outputs, me);
    const d = deals[0]!;
    const bogus = d.commitments[2]!.slice();
    bogus[5]! ^= 0x40;
    bogus[0] = name === 'ed25519' ? bogus[0]! : 0x05;
    deals[0] = { ...d, commitments: [d.commitments[0]!, d.commitments[1]!, bogus] };
    const c = complaintOf(receiveReshare(world.epoch, plan, me, deals));
    expect(c.culprits).toEqual([d.dealer]);
    expect(['COMMITMENT_INVALID_POINT', 'SUBSHARE_INVALID']).toContain(c.code);
  });

  test('the tss-lib key swap is caught: a shifted constant term with a consistent polynomial names its dealer', () => {
    const { suite, world, plan, outputs, me } = setup(name);
    const cheater = plan.dealers[0]!;
    const secret = world.holders.find((h) => h.deviceId === cheater)!.secret;
    // f(0) = λ_i·s_i + δ: commitments and shares agree with each other, and the
    // group key the dealer would advertise is PK + δ·G. Only the stored Y_i catches it.
    const delta = 12345n;
    const coeffs = [suite.Fn.add(honestConstant(world.epoch, plan, cheater, secret), delta), ...randomCoefficients(world.epoch, 2)];
    const forged = dealPolynomial(world.epoch, plan, cheater, coeffs);
    const deals = dealsFor([forged, outputs[1]!], me);
    expect(complaintOf(receiveReshare(world.epoch, plan, me, deals))).toEqual({ code: 'CONSTANT_TERM_MISMATCH', culprits: [cheater] });
    expect(complaintOf(receiveReshare(world.epoch, plan, me, deals, { batch: false })).code).toBe('CONSTANT_TERM_MISMATCH');
  });

  test('two colluding dealers that cancel the top coefficient are caught and both named', () => {
    const { suite, world, plan, me } = setup(name);
    const [a, b] = plan.dealers as [string, string];
    const top = randomCoefficients(world.epoch, 1)[0]!;
    const deal = (who: string, t: bigint) =>
      dealPolynomial(world.epoch, plan, who, [
        honestConstant(world.epoch, plan, who, world.holders.find((h) => h.deviceId === who)!.secret),
        randomCoefficients(world.epoch, 1)[0]!,
        t,
      ]);
    const deals = dealsFor([deal(a, top), deal(b, suite.Fn.neg(top))], me);
    const c = complaintOf(receiveReshare(world.epoch, plan, me, deals));
    expect(c.code).toBe('THRESHOLD_DEGRADED');
    expect(c.culprits.sort()).toEqual([a, b].sort());
  });

  test('a deal from a device outside the approved dealer set names that device', () => {
    const { world, plan, outputs, me } = setup(name);
    const outsider = world.epoch.roster[2]!.deviceId; // an old member, but not in D
    const secret = world.holders[2]!.secret;
    const widened = { ...plan, dealers: [...plan.dealers, outsider] };
    const rogue = dealReshare(world.epoch, widened, outsider, secret);
    const deals = [...dealsFor(outputs, me), ...dealsFor([rogue], me)];
    expect(complaintOf(receiveReshare(world.epoch, plan, me, deals))).toEqual({ code: 'DEALER_NOT_APPROVED', culprits: [outsider] });
  });

  test('a duplicated dealer is caught and named', () => {
    const { world, plan, outputs, me } = setup(name);
    const deals = dealsFor(outputs, me);
    const again = dealsFor(dealAll(world, plan), me)[0]!;
    expect(complaintOf(receiveReshare(world.epoch, plan, me, [...deals, again]))).toEqual({
      code: 'DEALER_DUPLICATE',
      culprits: [again.dealer],
    });
  });

  test('a missing deal names the silent dealer', () => {
    const { world, plan, outputs, me } = setup(name);
    const deals: ReceivedDeal[] = dealsFor(outputs, me).slice(0, 1);
    expect(complaintOf(receiveReshare(world.epoch, plan, me, deals))).toEqual({ code: 'DEAL_MISSING', culprits: [plan.dealers[1]] });
  });

  test('a new identifier that is zero mod the group order is refused by dealers and receivers', () => {
    const { suite, world, plan } = setup(name);
    const victim = plan.newRoster[3]!;
    const zero = { ...plan, newRoster: [...plan.newRoster.slice(0, 3), { ...victim, identifier: encodeIdentifier(suite, suite.Fn.ORDER) }] };
    const dealer = world.holders.find((h) => h.deviceId === plan.dealers[0])!;
    expectThrows(() => dealReshare(world.epoch, zero, dealer.deviceId, dealer.secret), 'IDENTIFIER_ZERO', victim.deviceId);
    expectThrows(() => receiveReshare(world.epoch, zero, victim.deviceId, []), 'IDENTIFIER_ZERO', victim.deviceId);
  });

  test('a new identifier repeated mod the group order is refused', () => {
    const { suite, world, plan } = setup(name);
    const victim = plan.newRoster[3]!;
    const x0 = suite.identifierToInteger(plan.newRoster[0]!.identifier);
    const repeated = { ...plan, newRoster: [...plan.newRoster.slice(0, 3), { ...victim, identifier: encodeIdentifier(suite, x0 + suite.Fn.ORDER) }] };
    const dealer = world.holders.find((h) => h.deviceId === plan.dealers[0])!;
    expectThrows(() => dealReshare(world.epoch, repeated, dealer.deviceId, dealer.secret), 'IDENTIFIER_DUPLICATE', victim.deviceId);
    const same = { ...plan, newRoster: [...plan.newRoster.slice(0, 3), { ...victim, identifier: plan.newRoster[1]!.identifier }] };
    expectThrows(() => receiveReshare(world.epoch, same, victim.deviceId, []), 'IDENTIFIER_DUPLICATE', victim.deviceId);
  });

  test('a dealer showing different commitments to two receivers gives them different transcript hashes (I7)', () => {
    const { world, plan, outputs } = setup(name);
    const [alice, bob] = [plan.newRoster[0]!.deviceId, plan.newRoster[3]!.deviceId];
    const twoFaced = dealAll(world, plan)[0]!; // same dealer, second polynomial with the same constant
    const forAlice = receiveReshare(world.epoch, plan, alice, dealsFor(outputs, alice));
    const forBob = receiveReshare(world.epoch, plan, bob, dealsFor([twoFaced, outputs[1]!], bob));
    expect(forAlice.ok && forBob.ok).toBe(true);
    if (forAlice.ok && forBob.ok) expect(forAlice.transcriptHash).not.toBe(forBob.transcriptHash);
  });

  test('a plan for a stale epoch is refused before anything is dealt', () => {
    const { world, plan } = setup(name);
    const dealer = world.holders.find((h) => h.deviceId === plan.dealers[0])!;
    expectThrows(() => dealReshare(world.epoch, { ...plan, fromEpoch: 1 }, dealer.deviceId, dealer.secret), 'PLAN_INVALID');
    expectThrows(() => dealReshare(world.epoch, { ...plan, prevCertificateHash: '00'.repeat(32) }, dealer.deviceId, dealer.secret), 'PLAN_INVALID');
  });

  test('a dealer set smaller than the old threshold is refused', () => {
    const { world, plan } = setup(name);
    const dealer = world.holders.find((h) => h.deviceId === plan.dealers[0])!;
    expectThrows(() => dealReshare(world.epoch, { ...plan, dealers: plan.dealers.slice(0, 1) }, dealer.deviceId, dealer.secret), 'PLAN_INVALID');
  });

  test('a device outside D, or with a share that does not match its stored Y_i, refuses to deal', () => {
    const { world, plan } = setup(name);
    const outsider = world.holders[2]!;
    expectThrows(() => dealReshare(world.epoch, plan, outsider.deviceId, outsider.secret), 'NOT_A_DEALER', outsider.deviceId);
    const dealer = world.holders[0]!;
    const wrong = { ...world.holders[1]!.secret, identifier: dealer.secret.identifier };
    expectThrows(() => dealReshare(world.epoch, plan, dealer.deviceId, wrong), 'LOCAL_SHARE_MISMATCH', dealer.deviceId);
  });
});
