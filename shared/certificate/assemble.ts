/**
 * Assembling an epoch certificate (DESIGN §4 step 6). Members first agree on
 * the body (`certificateBody`): everything a verifier relies on, each known to
 * every new member when it acks. They sign its hash; t' of them make the test
 * signature over it; anyone may then assemble. The result is verified before
 * it is returned, so an assembled certificate is always a valid one.
 */
import { RampartError } from '../errors.js';
import { certificateHash, type CertificateBody } from './payloads.js';
import { CERTIFICATE_VERSION, type Authorization, type Certificate, type CertMember, type TestSignature } from './schema.js';
import { verifyCertificate } from './verify.js';
import type { SuiteName } from '../suites.js';

/** One member's ack as received: the transcript hash it saw and its signature over the body hash. */
export interface ReceivedAck {
  deviceId: string;
  transcriptHash: string;
  signature: string;
}

/** Everything a certificate body states. */
export interface CertificateBodyInput {
  suite: SuiteName;
  quorumId: string;
  epoch: number;
  /** The previous certificate; null for the genesis certificate (DKG, epoch 0). */
  prev: Certificate | null;
  threshold: number;
  /** New roster, sorted by identifier. */
  roster: CertMember[];
  groupKey: string;
  commitmentsHash: string;
  transcriptHash: string;
  authorization: Authorization;
}

/** The body every member computes, then acks by its hash. */
export function buildCertificateBody(input: CertificateBodyInput): { body: CertificateBody; hash: string } {
  const body: CertificateBody = {
    v: CERTIFICATE_VERSION,
    suite: input.suite,
    quorumId: input.quorumId,
    epoch: input.epoch,
    prevHash: input.prev === null ? null : certificateHash(input.prev),
    threshold: input.threshold,
    roster: input.roster.map((m) => ({ deviceId: m.deviceId, identifier: m.identifier, identityKey: m.identityKey })),
    groupKey: input.groupKey,
    commitmentsHash: input.commitmentsHash,
    transcriptHash: input.transcriptHash,
    authorization: input.authorization,
  };
  return { body, hash: certificateHash(body) };
}

/**
 * Builds and verifies a certificate from its body, every member's ack and
 * the test signature. Throws CERT_ACK_MISSING naming a member without an ack,
 * TRANSCRIPT_MISMATCH naming a member that acked another transcript
 * (equivocation, I7), or any verification error.
 */
export function assembleCertificate(
  input: CertificateBodyInput & { acks: readonly ReceivedAck[]; testSignature: TestSignature },
): { certificate: Certificate; hash: string } {
  const { body } = buildCertificateBody(input);
  const byDevice = new Map(input.acks.map((a) => [a.deviceId, a]));
  const acks = body.roster.map((m) => {
    const a = byDevice.get(m.deviceId);
    if (a === undefined) throw new RampartError('CERT_ACK_MISSING', 'no ack from this member', m.deviceId);
    if (a.transcriptHash !== body.transcriptHash) {
      throw new RampartError('TRANSCRIPT_MISMATCH', 'member acked a different transcript: the members saw different deals', m.deviceId);
    }
    return { deviceId: a.deviceId, signature: a.signature };
  });
  const certificate: Certificate = {
    ...body,
    acks,
    testSignature: { signers: [...input.testSignature.signers], signature: input.testSignature.signature },
  };
  const hash = verifyCertificate(certificate, input.prev);
  return { certificate, hash };
}
