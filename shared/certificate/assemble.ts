/**
 * Assembling an epoch certificate (DESIGN §4 step 6) once every new member has
 * acked the same transcript hash H and t' of them made the test signature.
 * Anyone may assemble it; the result is verified before it is returned, so an
 * assembled certificate is always a valid one.
 */
import { RampartError } from '../errors.js';
import { certificateHash } from './payloads.js';
import { CERTIFICATE_VERSION, type Certificate, type CertMember, type TestSignature } from './schema.js';
import { verifyCertificate } from './verify.js';
import type { SuiteName } from '../suites.js';

/** One member's ack as received: the H it acked and its signature over the ack payload. */
export interface ReceivedAck {
  deviceId: string;
  transcriptHash: string;
  signature: string;
}

/** Everything a certificate states. */
export interface CertificateInput {
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
  acks: readonly ReceivedAck[];
  testSignature: TestSignature;
}

/**
 * Builds and verifies a certificate. Throws CERT_ACK_MISSING naming a member
 * without an ack, TRANSCRIPT_MISMATCH naming a member that acked another H
 * (equivocation, I7), or any verification error.
 */
export function assembleCertificate(input: CertificateInput): { certificate: Certificate; hash: string } {
  const byDevice = new Map(input.acks.map((a) => [a.deviceId, a]));
  const acks = input.roster.map((m) => {
    const a = byDevice.get(m.deviceId);
    if (a === undefined) throw new RampartError('CERT_ACK_MISSING', 'no ack from this member', m.deviceId);
    if (a.transcriptHash !== input.transcriptHash) {
      throw new RampartError('TRANSCRIPT_MISMATCH', 'member acked a different transcript: the members saw different deals', m.deviceId);
    }
    return { deviceId: a.deviceId, signature: a.signature };
  });
  const certificate: Certificate = {
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
    acks,
    testSignature: { signers: [...input.testSignature.signers], signature: input.testSignature.signature },
  };
  const hash = verifyCertificate(certificate, input.prev);
  return { certificate, hash };
}
