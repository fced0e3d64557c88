/**
 * What members sign for a certificate (DESIGN §4 step 6). The certificate's
 * identity is the hash of its body (everything but `acks` and
 * `testSignature`), so it does not depend on the randomised FROST signature
 * and every field a verifier relies on is covered by every ack. Each member
 * signs that body hash with its identity key; t' members sign
 * utf8(DOMAIN.testSignature) ‖ 0x00 ‖ body hash with their NEW shares. User
 * signing requests in the "rampart/" domain are refused (wire/bodies.ts), so a
 * test signature can only come from a certificate ceremony.
 */
import { concatBytes, hexToBytes, utf8ToBytes } from '../bytes.js';
import { DOMAIN, hashFields } from '../hash.js';
import { canonicalJson } from '../wire/canonical.js';
import type { Certificate } from './schema.js';

/** A certificate without its signatures: what is hashed, acked and test-signed. */
export type CertificateBody = Omit<Certificate, 'acks' | 'testSignature'>;

/** The body of a certificate (drops `acks` and `testSignature`). */
export function certificateBody(cert: CertificateBody | Certificate): CertificateBody {
  const { v, suite, quorumId, epoch, prevHash, threshold, roster, groupKey, commitmentsHash, transcriptHash, authorization } = cert;
  return { v, suite, quorumId, epoch, prevHash, threshold, roster, groupKey, commitmentsHash, transcriptHash, authorization };
}

/** The certificate's identity: SHA-256 over the RFC 8785 canonical JSON of its body, domain-separated. */
export function certificateHash(cert: CertificateBody | Certificate): string {
  return hashFields(DOMAIN.certificate, [canonicalJson(certificateBody(cert))]);
}

/** The bytes a member signs (with its identity key, under DOMAIN.ack) to ack a certificate body. */
export function ackMessage(bodyHash: string): Uint8Array {
  return hexToBytes(bodyHash);
}

/** The message t' new members sign with their NEW shares before any old share is deleted. */
export function testSignatureMessage(bodyHash: string): Uint8Array {
  return concatBytes(utf8ToBytes(DOMAIN.testSignature), Uint8Array.of(0), hexToBytes(bodyHash));
}
