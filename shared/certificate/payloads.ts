/**
 * What members sign for a certificate (DESIGN §4 step 6): the ack payload
 * (quorumId, new epoch, H) signed with the identity key, and the test-signature
 * message signed by t' new shares. Both are domain-separated hashes, so neither
 * can be confused with the other or with any other signed thing.
 */
import { hexToBytes } from '../bytes.js';
import { DOMAIN, hashFields } from '../hash.js';
import { canonicalJson } from '../wire/canonical.js';
import type { Certificate } from './schema.js';

/** The bytes a new member signs (with its identity key) to ack H for `epoch`. */
export function ackMessage(quorumId: string, epoch: number, transcriptHash: string): Uint8Array {
  return hexToBytes(hashFields(DOMAIN.ack, [quorumId, epoch, transcriptHash]));
}

/** The bytes t' new members sign with their NEW shares before any old share is deleted. */
export function testSignatureMessage(quorumId: string, epoch: number, transcriptHash: string): Uint8Array {
  return hexToBytes(hashFields(DOMAIN.testSignature, [quorumId, epoch, transcriptHash]));
}

/** The certificate's hash: SHA-256 over its RFC 8785 canonical JSON, domain-separated. */
export function certificateHash(cert: Certificate): string {
  return hashFields(DOMAIN.certificate, [canonicalJson(cert)]);
}
