/**
 * In-process reshare harness for tests and the benchmark: builds an epoch-0
 * key with noble's trusted dealer, runs dealer and receiver steps for every
 * member, and signs with noble's FROST rounds unchanged.
 */
import type { FrostPublic, FrostSecret } from '@noble/curves/abstract/frost.js';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import type { EpochPublic, RosterMember } from '../../shared/epoch.js';
import { deviceIdOf, devicePublicKeys, generateDeviceKeys, type DeviceSecretKeys } from '../../shared/identity.js';
import { dealReshare, type Rng } from '../../shared/reshare/deal.js';
import { receiveReshare, type ReceiveOptions } from '../../shared/reshare/receive.js';
import type { ReceivedDeal, ReshareDealerOutput, ResharePlan, ReshareSuccess } from '../../shared/reshare/types.js';
import { getSuite, type Suite, type SuiteName } from '../../shared/suites.js';

/** One device's view: its id and (if it holds one) its share. */
export interface Holder {
  deviceId: string;
  secret: FrostSecret;
}

/** An epoch plus the shares of every member (only tests hold them all). */
export interface World {
  epoch: EpochPublic;
  holders: Holder[];
}

const identities = new Map<string, DeviceSecretKeys>();

/** A fresh device with a real identity; returns its deviceId (DESIGN §3). */
export function newDeviceId(): string {
  const keys = generateDeviceKeys();
  const id = deviceIdOf(devicePublicKeys(keys).identityKey);
  identities.set(id, keys);
  return id;
}

/** The identity keys of a device made by `newDeviceId`. */
export function identityOf(deviceId: string): DeviceSecretKeys {
  const k = identities.get(deviceId);
  if (k === undefined) throw new Error('test harness: unknown device');
  return k;
}

/** Epoch 0 of a t-of-n quorum with identifiers 1..n, from noble's trusted dealer. */
export function genesisWorld(suiteName: SuiteName, t: number, n: number): World {
  const suite = getSuite(suiteName);
  const roster: RosterMember[] = Array.from({ length: n }, (_, i) => ({
    deviceId: newDeviceId(),
    identifier: suite.frost.Identifier.fromNumber(i + 1),
  }));
  const dealt = suite.frost.trustedDealer({ min: t, max: n }, roster.map((m) => m.identifier));
  return {
    epoch: {
      suite: suiteName,
      quorumId: bytesToHex(randomBytes(16)),
      epoch: 0,
      threshold: t,
      roster,
      frostPublic: dealt.public,
      certificateHash: bytesToHex(randomBytes(32)),
    },
    holders: roster.map((m) => ({ deviceId: m.deviceId, secret: dealt.secretShares[m.identifier] as FrostSecret })),
  };
}

/** A plan: dealers = the first `dealerCount` old members (≥ t), new roster as given. */
export function makePlan(old: EpochPublic, newRoster: RosterMember[], newThreshold: number, dealerCount = old.threshold): ResharePlan {
  return {
    quorumId: old.quorumId,
    sessionId: bytesToHex(randomBytes(16)),
    fromEpoch: old.epoch,
    prevCertificateHash: old.certificateHash,
    proposalHash: bytesToHex(randomBytes(32)),
    startHash: bytesToHex(randomBytes(32)),
    dealers: old.roster.slice(0, dealerCount).map((m) => m.deviceId),
    newThreshold,
    newRoster,
  };
}

/** A new roster: `keep` old members (same identifiers) plus `add` new devices with fresh identifiers. */
export function nextRoster(suite: Suite, old: EpochPublic, keep: RosterMember[], add: number): RosterMember[] {
  let next = old.roster.length + 1;
  const used = new Set(old.roster.map((m) => m.identifier));
  const added: RosterMember[] = [];
  while (added.length < add) {
    const id = suite.frost.Identifier.fromNumber(next++);
    if (!used.has(id)) added.push({ deviceId: newDeviceId(), identifier: id });
  }
  return [...keep, ...added];
}

/** Every dealer's output for `plan`. */
export function dealAll(world: World, plan: ResharePlan, rng?: Rng): ReshareDealerOutput[] {
  return plan.dealers.map((d) => {
    const h = world.holders.find((x) => x.deviceId === d);
    if (h === undefined) throw new Error('test harness: dealer holds no share');
    return dealReshare(world.epoch, plan, d, h.secret, rng);
  });
}

/** The deals one new member receives from a set of dealer outputs. */
export function dealsFor(outputs: readonly ReshareDealerOutput[], me: string): ReceivedDeal[] {
  return outputs.map((o) => ({
    dealer: o.deal.dealer,
    commitments: o.deal.commitments,
    subShare: o.subShares[me] as Uint8Array,
  }));
}

/** Runs a whole honest reshare; every receiver must succeed and agree on H and C'. */
export function reshareWorld(world: World, plan: ResharePlan, opts: ReceiveOptions = {}): World & { transcriptHash: string } {
  const outputs = dealAll(world, plan);
  const results: ReshareSuccess[] = plan.newRoster.map((m) => {
    const r = receiveReshare(world.epoch, plan, m.deviceId, dealsFor(outputs, m.deviceId), opts);
    if (!r.ok) throw new Error(`test harness: receiver complained: ${r.complaint.code} ${r.complaint.message}`);
    return r;
  });
  const first = results[0] as ReshareSuccess;
  for (const r of results) {
    if (r.transcriptHash !== first.transcriptHash) throw new Error('test harness: receivers disagree on H');
  }
  const pub: FrostPublic = first.public;
  return {
    transcriptHash: first.transcriptHash,
    epoch: {
      ...world.epoch,
      epoch: world.epoch.epoch + 1,
      threshold: plan.newThreshold,
      roster: [...plan.newRoster],
      frostPublic: pub,
      certificateHash: bytesToHex(randomBytes(32)),
    },
    holders: plan.newRoster.map((m, i) => ({ deviceId: m.deviceId, secret: (results[i] as ReshareSuccess).secret })),
  };
}

/** Result of a FROST signing attempt with noble's rounds, unchanged. */
export type SignAttempt = { ok: true; signature: Uint8Array } | { ok: false; badSigners: string[]; error: string };

/** Signs `msg` with the given holders' shares against `pub` (noble commit/signShare/verifyShare/aggregate). */
export function frostSign(suite: Suite, epoch: EpochPublic, pub: FrostPublic, signers: readonly Holder[], msg: Uint8Array): SignAttempt {
  const f = suite.frost;
  try {
    const rounds = signers.map((h) => ({ h, ...f.commit(h.secret) }));
    const list = rounds.map((r) => r.commitments);
    const shares: Record<string, Uint8Array> = {};
    const bad: string[] = [];
    for (const r of rounds) {
      const share = f.signShare(r.h.secret, pub, r.nonces, list, msg);
      shares[r.h.secret.identifier] = share;
      if (!f.verifyShare(pub, list, msg, r.h.secret.identifier, share)) bad.push(r.h.deviceId);
    }
    if (bad.length > 0) return { ok: false, badSigners: bad, error: 'share verification failed' };
    void epoch;
    return { ok: true, signature: f.aggregate(pub, list, msg, shares) };
  } catch (e) {
    return { ok: false, badSigners: [], error: (e as Error).message };
  }
}

/** Plain standard verification of `sig` under the epoch's group key (ed25519.verify / schnorr.verify). */
export function plainVerify(suite: Suite, pub: FrostPublic, msg: Uint8Array, sig: Uint8Array): boolean {
  return suite.verify(sig, msg, suite.externalGroupKey(pub.commitments[0] as Uint8Array));
}
