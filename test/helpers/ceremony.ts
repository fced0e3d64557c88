/**
 * An in-process quorum whose devices talk only through encoded envelopes, as
 * they will through the relay: DKG with HPKE-sealed round-2 packages, a
 * genesis certificate, and reshares whose sub-shares are sealed per recipient.
 * Every envelope a device sends is recorded as the JSON string the relay sees.
 */
import type { FrostSecret } from '@noble/curves/abstract/frost.js';
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import { assembleCertificate, buildCertificateBody, type CertificateBodyInput, type ReceivedAck } from '../../shared/certificate/assemble.js';
import { ackMessage, testSignatureMessage } from '../../shared/certificate/payloads.js';
import type { Authorization, Certificate, CertMember } from '../../shared/certificate/schema.js';
import { dkgEpochPublic, dkgRound1, dkgRound2, dkgRound3, dkgTranscriptHash, type DkgRound1Broadcast } from '../../shared/dkg.js';
import type { EpochPublic, RosterMember } from '../../shared/epoch.js';
import { DOMAIN } from '../../shared/hash.js';
import { checkRoster } from '../../shared/identifiers.js';
import { deviceIdOf, devicePublicKeys, generateDeviceKeys, signDomain, type DeviceSecretKeys } from '../../shared/identity.js';
import { dealReshare } from '../../shared/reshare/deal.js';
import { receiveReshare } from '../../shared/reshare/receive.js';
import { commitmentsHash } from '../../shared/reshare/transcript.js';
import type { ReceivedDeal, ResharePlan } from '../../shared/reshare/types.js';
import { signWithShares } from '../../shared/sign.js';
import { getSuite, type Suite, type SuiteName } from '../../shared/suites.js';
import type { MessageKind, Sealed } from '../../shared/wire/bodies.js';
import {
  decodeEnvelope,
  embedProposal,
  encodeEnvelope,
  envelopeHeader,
  messageHash,
  proposalHash,
  signApproval,
  signEnvelope,
  verifyEnvelope,
  type Envelope,
  type UnsignedEnvelope,
} from '../../shared/wire/envelope.js';
import { openShare, sealShare } from '../../shared/wire/hpke.js';
import { packSealedShares, sealedShareFor } from '../../shared/wire/sealed-shares.js';

/** One simulated device: identity, and per epoch its share. */
export interface Device {
  name: string;
  deviceId: string;
  keys: DeviceSecretKeys;
  identityKey: string;
  hpkeKey: string;
  share: FrostSecret | undefined;
}

/** A new device with a fresh identity. */
export function newDevice(name: string): Device {
  const keys = generateDeviceKeys();
  const pub = devicePublicKeys(keys);
  return { name, deviceId: deviceIdOf(pub.identityKey), keys, ...pub, share: undefined };
}

/** The quorum as every device sees it (tests hold it once for brevity; each device verifies independently). */
export interface Quorum {
  suite: Suite;
  quorumId: string;
  epoch: EpochPublic;
  chain: Certificate[];
  devices: Device[];
  /** Every encoded envelope, as the relay would carry it. */
  wire: string[];
}

function send<E extends Envelope>(q: { wire: string[] }, env: E, sender: Device): E {
  const encoded = encodeEnvelope(env);
  q.wire.push(encoded);
  const back = decodeEnvelope(encoded);
  verifyEnvelope(back, sender.identityKey);
  return back as E;
}

function seal<K extends MessageKind>(u: UnsignedEnvelope<K>, from: Device): Envelope<K> {
  return signEnvelope(u, from.keys.signingKey);
}

function certMembers(suite: Suite, roster: readonly RosterMember[], devices: readonly Device[]): CertMember[] {
  return checkRoster(suite, roster).map((m) => ({
    deviceId: m.deviceId,
    identifier: m.identifier,
    identityKey: devices.find((d) => d.deviceId === m.deviceId)!.identityKey,
  }));
}

/**
 * Every member computes the certificate body and acks its hash (ack envelopes round-trip
 * the wire); the last t make the test signature over it with their new shares.
 */
function certifyEpoch(q: { wire: string[] }, suite: Suite, epoch: EpochPublic, prev: Certificate | null, devices: Device[], sessionId: string, H: string, authorization: Authorization): { certificate: Certificate; hash: string } {
  const input: CertificateBodyInput = {
    suite: suite.name,
    quorumId: epoch.quorumId,
    epoch: epoch.epoch,
    prev,
    threshold: epoch.threshold,
    roster: certMembers(suite, epoch.roster, devices),
    groupKey: bytesToHex(epoch.frostPublic.commitments[0]!),
    commitmentsHash: commitmentsHash(suite.name, epoch.quorumId, epoch.epoch, epoch.frostPublic.commitments),
    transcriptHash: H,
    authorization,
  };
  const bodyHash = buildCertificateBody(input).hash;
  const acks: ReceivedAck[] = epoch.roster.map((m) => {
    const d = devices.find((x) => x.deviceId === m.deviceId)!;
    const signature = signDomain(DOMAIN.ack, ackMessage(bodyHash), d.keys.signingKey);
    const header = { v: 1 as const, quorumId: epoch.quorumId, sessionId, epoch: epoch.epoch, from: d.deviceId, to: [devices[0]!.deviceId], seq: 9 };
    const body = { transcriptHash: H, signature };
    const env =
      prev === null
        ? send(q, seal({ ...header, kind: 'dkg/ack', body }, d), d)
        : send(q, seal({ ...header, kind: 'reshare/ack', body }, d), d);
    return { deviceId: env.from, transcriptHash: env.body.transcriptHash, signature: env.body.signature };
  });
  const signers = devices.filter((d) => epoch.roster.some((m) => m.deviceId === d.deviceId)).slice(-epoch.threshold);
  const sig = signWithShares(suite, epoch, signers.map((d) => ({ deviceId: d.deviceId, secret: d.share! })), testSignatureMessage(bodyHash));
  return assembleCertificate({ ...input, acks, testSignature: { signers: signers.map((d) => d.deviceId), signature: bytesToHex(sig) } });
}

/** A t-of-n DKG over the wire, ending in a verified genesis certificate. */
export async function dkgQuorum(suiteName: SuiteName, t: number, devices: Device[]): Promise<Quorum> {
  const suite = getSuite(suiteName);
  const quorumId = bytesToHex(randomBytes(16));
  const sessionId = bytesToHex(randomBytes(16));
  const wire: string[] = [];
  const roster: RosterMember[] = devices.map((d, i) => ({ deviceId: d.deviceId, identifier: suite.frost.Identifier.fromNumber(i + 1) }));
  const ids = devices.map((d) => d.deviceId);
  // dkg/propose by the first device; every member accepts (signs the proposal hash).
  const members = devices.map((d, i) => ({ deviceId: d.deviceId, name: d.name, identityKey: d.identityKey, hpkeKey: d.hpkeKey, identifier: roster[i]!.identifier }));
  const propose = send({ wire }, seal({ v: 1, kind: 'dkg/propose', quorumId, sessionId, epoch: 0, from: ids[0]!, to: ids, seq: 0, body: { suite: suite.name, name: 'Treasury', threshold: t, members, expiresAt: Date.now() + 60_000 } }, devices[0]!), devices[0]!);
  const pHash = proposalHash(propose);
  const accepts = devices.map((d) => send({ wire }, seal({ v: 1, kind: 'dkg/accept', quorumId, sessionId, epoch: 0, from: d.deviceId, to: ids, seq: 1, body: { proposalHash: pHash, approval: signApproval(pHash, d.keys.signingKey) } }, d), d));
  const authorization: Authorization = { proposal: embedProposal(propose), approvals: accepts.map((a) => ({ deviceId: a.from, signature: a.body.approval })) };
  const r1 = devices.map((d) => dkgRound1(suite, roster, t, d.deviceId));
  const broadcasts: Record<string, DkgRound1Broadcast> = Object.fromEntries(devices.map((d, i) => [d.deviceId, r1[i]!.broadcast]));
  // Round 2: each member HPKE-seals its packages, one per recipient, in one dkg/round2 envelope.
  const r2 = devices.map((d, i) => dkgRound2(suite, r1[i]!.secret, Object.fromEntries(Object.entries(broadcasts).filter(([k]) => k !== d.deviceId))));
  const round2Envs = await Promise.all(
    devices.map(async (d, i) => {
      const to = ids.filter((x) => x !== d.deviceId);
      const header = { v: 1 as const, kind: 'dkg/round2' as const, quorumId, sessionId, epoch: 0, from: d.deviceId, to };
      const sealed: Record<string, Sealed> = {};
      for (const r of devices.filter((x) => x.deviceId !== d.deviceId)) {
        sealed[r.deviceId] = await sealShare(r.hpkeKey, r.deviceId, header, r2[i]!.packages[r.deviceId]!.signingShare);
      }
      return send({ wire }, seal({ ...header, seq: 2, body: { proposalHash: pHash, sealed } }, d), d);
    }),
  );
  const outputs = await Promise.all(
    devices.map(async (me, i) => {
      const mine: Record<string, { identifier: string; signingShare: Uint8Array }> = {};
      for (const env of round2Envs.filter((e) => e.from !== me.deviceId)) {
        const plain = await openShare(me.keys, me.deviceId, envelopeHeader(env), (env.body as { sealed: Record<string, Sealed> }).sealed[me.deviceId]!);
        mine[env.from] = { identifier: broadcasts[env.from]!.identifier, signingShare: plain };
      }
      return dkgRound3(suite, r2[i]!.secret, Object.fromEntries(Object.entries(broadcasts).filter(([k]) => k !== me.deviceId)), mine);
    }),
  );
  devices.forEach((d, i) => (d.share = outputs[i]!.secret));
  const H = dkgTranscriptHash(suite, { quorumId, sessionId, threshold: t, roster }, broadcasts);
  const epoch = dkgEpochPublic(suite, outputs[0]!, quorumId, '00'.repeat(32));
  const genesis = certifyEpoch({ wire }, suite, epoch, null, devices, sessionId, H, authorization);
  epoch.certificateHash = genesis.hash;
  return { suite, quorumId, epoch, chain: [genesis.certificate], devices: [...devices], wire };
}

/** Everything one reshare produced, for inspection by tests. */
export interface ReshareRun {
  plan: ResharePlan;
  /** The sub-shares that were sealed (hex), to prove none crossed the wire in clear. */
  sealedPlaintexts: string[];
}

/**
 * Reshares `q` to `newDevices` (existing devices keep their identifiers) at threshold tNew,
 * with the first t old members dealing. Proposal, approvals, start, deals and acks all
 * cross the wire as envelopes. Old shares are dropped only after the certificate verifies (I2).
 */
export async function reshareQuorum(q: Quorum, newDevices: Device[], tNew: number): Promise<ReshareRun> {
  const { suite, epoch: old } = q;
  const sessionId = bytesToHex(randomBytes(16));
  const proposer = q.devices.find((d) => d.deviceId === old.roster[0]!.deviceId)!;
  let next = Math.max(...old.roster.map((m) => Number(suite.identifierToInteger(m.identifier)))) + 1;
  const newRoster: RosterMember[] = newDevices.map((d) => {
    const kept = old.roster.find((m) => m.deviceId === d.deviceId);
    return { deviceId: d.deviceId, identifier: kept?.identifier ?? suite.frost.Identifier.fromNumber(next++) };
  });
  const everyone = [...new Map([...q.devices, ...newDevices].map((d) => [d.deviceId, d])).values()];
  const all = everyone.map((d) => d.deviceId);
  const base = { v: 1 as const, quorumId: q.quorumId, sessionId, epoch: old.epoch };
  // Step 1: propose.
  const propose = send(q, seal({ ...base, kind: 'reshare/propose', from: proposer.deviceId, to: all, seq: 0, body: {
    suite: suite.name, prevCertificateHash: old.certificateHash, newThreshold: tNew, expiresAt: Date.now() + 60_000,
    newMembers: newDevices.map((d) => ({ deviceId: d.deviceId, name: d.name, identityKey: d.identityKey, hpkeKey: d.hpkeKey, identifier: newRoster.find((m) => m.deviceId === d.deviceId)!.identifier })),
  } }, proposer), proposer);
  const pHash = proposalHash(propose);
  // Steps 2–3: the first t old members approve; the proposer starts with D = those members.
  const dealerMembers = checkRoster(suite, old.roster).slice(0, old.threshold);
  const dealers = dealerMembers.map((m) => q.devices.find((d) => d.deviceId === m.deviceId)!);
  const approvals = dealers.map((d) => ({ deviceId: d.deviceId, signature: signApproval(pHash, d.keys.signingKey) }));
  const start = send(q, seal({ ...base, kind: 'reshare/start', from: proposer.deviceId, to: all, seq: 1, body: { proposalHash: pHash, dealers: dealers.map((d) => d.deviceId), approvals } }, proposer), proposer);
  const plan: ResharePlan = {
    quorumId: q.quorumId, sessionId, fromEpoch: old.epoch, prevCertificateHash: old.certificateHash,
    proposalHash: pHash, startHash: messageHash(start), dealers: start.body.dealers, newThreshold: tNew, newRoster,
  };
  // Step 4: each dealer deals; sub-shares are HPKE-sealed to each new member.
  const sealedPlaintexts: string[] = [];
  const dealEnvs = await Promise.all(
    dealers.map(async (d) => {
      const out = dealReshare(old, plan, d.deviceId, d.share!);
      const header = { ...base, kind: 'reshare/deal' as const, from: d.deviceId, to: newDevices.map((x) => x.deviceId) };
      const sealed: Sealed[] = [];
      for (const r of newDevices) {
        sealedPlaintexts.push(bytesToHex(out.subShares[r.deviceId]!));
        sealed.push(await sealShare(r.hpkeKey, r.deviceId, header, out.subShares[r.deviceId]!));
      }
      const body = { proposalHash: pHash, startHash: plan.startHash, commitments: out.deal.commitments.map(bytesToHex), sealedShares: packSealedShares(sealed) };
      return send(q, seal({ ...header, seq: 2, body }, d), d);
    }),
  );
  // Step 5: each new member opens its sub-shares and runs the receiver step against ITS stored epoch.
  const results = await Promise.all(
    newDevices.map(async (me) => {
      const deals: ReceivedDeal[] = await Promise.all(
        dealEnvs.map(async (env) => {
          const body = env.body as { commitments: string[]; sealedShares: string };
          return {
            dealer: env.from,
            commitments: body.commitments.map((c) => hexToBytes(c)),
            subShare: await openShare(me.keys, me.deviceId, envelopeHeader(env), sealedShareFor(body.sealedShares, env.to, me.deviceId, env.from)!),
          };
        }),
      );
      const r = receiveReshare(old, plan, me.deviceId, deals);
      if (!r.ok) throw new Error(`receiver complained: ${r.complaint.code}`);
      return r;
    }),
  );
  const H = results[0]!.transcriptHash;
  const newEpoch: EpochPublic = { ...old, epoch: old.epoch + 1, threshold: tNew, roster: newRoster, frostPublic: results[0]!.public, certificateHash: '' };
  // Step 6: acks and the test signature with the NEW shares (held as pending until the certificate verifies).
  const pending = newDevices.map((d, i) => ({ ...d, share: results[i]!.secret }));
  const authorization: Authorization = { proposal: embedProposal(propose), approvals: start.body.approvals };
  const cert = certifyEpoch(q, suite, newEpoch, q.chain[q.chain.length - 1]!, pending, sessionId, H, authorization);
  newEpoch.certificateHash = cert.hash;
  // Only now: new shares become active, removed members lose theirs.
  for (const d of everyone) {
    const i = newDevices.findIndex((x) => x.deviceId === d.deviceId);
    d.share = i >= 0 ? results[i]!.secret : undefined;
  }
  q.epoch = newEpoch;
  q.chain.push(cert.certificate);
  q.devices = everyone;
  return { plan, sealedPlaintexts };
}
