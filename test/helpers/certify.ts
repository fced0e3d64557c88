/** Builds real epoch certificates for test worlds: identity-signed acks and a FROST test signature. */
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { assembleCertificate, type ReceivedAck } from '../../shared/certificate/assemble.js';
import { ackMessage, testSignatureMessage } from '../../shared/certificate/payloads.js';
import type { Certificate, CertMember } from '../../shared/certificate/schema.js';
import type { EpochPublic } from '../../shared/epoch.js';
import { DOMAIN } from '../../shared/hash.js';
import { devicePublicKeys, signDomain } from '../../shared/identity.js';
import { commitmentsHash } from '../../shared/reshare/transcript.js';
import { getSuite } from '../../shared/suites.js';
import { frostSign, identityOf, type World } from './reshare-harness.js';

/** The certificate roster of an epoch (identity keys from the harness registry). */
export function certRoster(epoch: EpochPublic): CertMember[] {
  const suite = getSuite(epoch.suite);
  return [...epoch.roster]
    .sort((a, b) => (suite.identifierToInteger(a.identifier) < suite.identifierToInteger(b.identifier) ? -1 : 1))
    .map((m) => ({ ...m, identityKey: devicePublicKeys(identityOf(m.deviceId)).identityKey }));
}

/** Every member's ack of H for `epoch`. */
export function signAcks(world: World, transcriptHash: string): ReceivedAck[] {
  const msg = ackMessage(world.epoch.quorumId, world.epoch.epoch, transcriptHash);
  return world.epoch.roster.map((m) => ({
    deviceId: m.deviceId,
    transcriptHash,
    signature: signDomain(DOMAIN.ack, msg, identityOf(m.deviceId).signingKey),
  }));
}

/** The test signature by the last t members of the world, over the test-signature message. */
export function testSign(world: World, transcriptHash: string): { signers: string[]; signature: string } {
  const suite = getSuite(world.epoch.suite);
  const signers = world.holders.slice(-world.epoch.threshold);
  const r = frostSign(suite, world.epoch, world.epoch.frostPublic, signers, testSignatureMessage(world.epoch.quorumId, world.epoch.epoch, transcriptHash));
  if (!r.ok) throw new Error('test harness: test signature failed: ' + r.error);
  return { signers: signers.map((h) => h.deviceId), signature: bytesToHex(r.signature) };
}

/** A certificate for `world`'s epoch, chained to `prev`. Returns it and, with it, the world's certificateHash set. */
export function certify(world: World, prev: Certificate | null, transcriptHash = bytesToHex(randomBytes(32))): { certificate: Certificate; hash: string } {
  const e = world.epoch;
  const out = assembleCertificate({
    suite: e.suite,
    quorumId: e.quorumId,
    epoch: e.epoch,
    prev,
    threshold: e.threshold,
    roster: certRoster(e),
    groupKey: bytesToHex(e.frostPublic.commitments[0] as Uint8Array),
    commitmentsHash: commitmentsHash(e.suite, e.quorumId, e.epoch, e.frostPublic.commitments),
    transcriptHash,
    acks: signAcks(world, transcriptHash),
    testSignature: testSign(world, transcriptHash),
  });
  world.epoch.certificateHash = out.hash;
  return out;
}
