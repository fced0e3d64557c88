/** Builds real epoch certificates for test worlds: an approved proposal, identity-signed acks, a FROST test signature. */
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { assembleCertificate, buildCertificateBody, type CertificateBodyInput, type ReceivedAck } from '../../shared/certificate/assemble.js';
import { ackMessage, certificateHash, testSignatureMessage } from '../../shared/certificate/payloads.js';
import type { Authorization, Certificate, CertMember } from '../../shared/certificate/schema.js';
import type { EpochPublic } from '../../shared/epoch.js';
import { DOMAIN } from '../../shared/hash.js';
import { checkRoster } from '../../shared/identifiers.js';
import { devicePublicKeys, signDomain } from '../../shared/identity.js';
import { commitmentsHash } from '../../shared/reshare/transcript.js';
import { getSuite } from '../../shared/suites.js';
import { proposalHash, signApproval } from '../../shared/wire/envelope.js';
import type { Member } from '../../shared/wire/proposals.js';
import { frostSign, identityOf, type World } from './reshare-harness.js';

/** The certificate roster of an epoch (identity keys from the harness registry), sorted by identifier. */
export function certRoster(epoch: EpochPublic): CertMember[] {
  return checkRoster(getSuite(epoch.suite), epoch.roster).map((m) => ({
    deviceId: m.deviceId,
    identifier: m.identifier,
    identityKey: devicePublicKeys(identityOf(m.deviceId)).identityKey,
  }));
}

function members(epoch: EpochPublic): Member[] {
  return epoch.roster.map((m) => {
    const pub = devicePublicKeys(identityOf(m.deviceId));
    return { deviceId: m.deviceId, name: `device ${m.deviceId.slice(0, 6)}`, identityKey: pub.identityKey, hpkeKey: pub.hpkeKey, identifier: m.identifier };
  });
}

/** The authorisation of `world`'s epoch: the DKG proposal accepted by all, or a reshare proposal approved by t old members. */
export function authorize(world: World, prev: Certificate | null): Authorization {
  const e = world.epoch;
  const header = { v: 1 as const, quorumId: e.quorumId, sessionId: bytesToHex(randomBytes(16)), from: e.roster[0]!.deviceId, to: e.roster.map((m) => m.deviceId) };
  const expiresAt = 1_900_000_000_000;
  const proposal =
    prev === null
      ? { ...header, kind: 'dkg/propose' as const, epoch: 0, body: { suite: e.suite, name: 'test quorum', threshold: e.threshold, members: members(e), expiresAt } }
      : { ...header, kind: 'reshare/propose' as const, epoch: prev.epoch, body: { suite: e.suite, prevCertificateHash: certificateHash(prev), newThreshold: e.threshold, newMembers: members(e), expiresAt } };
  const approvers = prev === null ? e.roster.map((m) => m.deviceId) : prev.roster.slice(0, prev.threshold).map((m) => m.deviceId);
  const pHash = proposalHash(proposal);
  return { proposal, approvals: approvers.map((d) => ({ deviceId: d, signature: signApproval(pHash, identityOf(d).signingKey) })) };
}

/** Every member's ack of a certificate body hash. */
export function signAcks(world: World, transcriptHash: string, bodyHash: string): ReceivedAck[] {
  return world.epoch.roster.map((m) => ({
    deviceId: m.deviceId,
    transcriptHash,
    signature: signDomain(DOMAIN.ack, ackMessage(bodyHash), identityOf(m.deviceId).signingKey),
  }));
}

/** The test signature by the last t members of the world over a body hash. */
export function testSign(world: World, bodyHash: string): { signers: string[]; signature: string } {
  const suite = getSuite(world.epoch.suite);
  const signers = world.holders.slice(-world.epoch.threshold);
  const r = frostSign(suite, world.epoch, world.epoch.frostPublic, signers, testSignatureMessage(bodyHash));
  if (!r.ok) throw new Error('test harness: test signature failed: ' + r.error);
  return { signers: signers.map((h) => h.deviceId), signature: bytesToHex(r.signature) };
}

/** The body input of `world`'s certificate. */
export function bodyInput(world: World, prev: Certificate | null, transcriptHash: string): CertificateBodyInput {
  const e = world.epoch;
  return {
    suite: e.suite,
    quorumId: e.quorumId,
    epoch: e.epoch,
    prev,
    threshold: e.threshold,
    roster: certRoster(e),
    groupKey: bytesToHex(e.frostPublic.commitments[0] as Uint8Array),
    commitmentsHash: commitmentsHash(e.suite, e.quorumId, e.epoch, e.frostPublic.commitments),
    transcriptHash,
    authorization: authorize(world, prev),
  };
}

/** A certificate for `world`'s epoch, chained to `prev`; also sets the world's certificateHash. */
export function certify(world: World, prev: Certificate | null, transcriptHash = bytesToHex(randomBytes(32))): { certificate: Certificate; hash: string } {
  const input = bodyInput(world, prev, transcriptHash);
  const { hash } = buildCertificateBody(input);
  const out = assembleCertificate({ ...input, acks: signAcks(world, transcriptHash, hash), testSignature: testSign(world, hash) });
  world.epoch.certificateHash = out.hash;
  return out;
}
