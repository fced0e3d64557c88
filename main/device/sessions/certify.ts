/**
 * The certificate steps DKG and reshare sessions share (DESIGN §4 step 6):
 * checking every member's ack of the certificate body before joining the
 * test signature, and assembling the certificate once the signature exists.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { assembleCertificate, type CertificateBodyInput } from '../../../shared/certificate/assemble.js';
import { ackMessage } from '../../../shared/certificate/payloads.js';
import type { Certificate } from '../../../shared/certificate/schema.js';
import { DOMAIN } from '../../../shared/hash.js';
import { verifyDomain } from '../../../shared/identity.js';
import type { SessionContext } from '../context.js';
import type { FrostRound } from './frost-rounds.js';

/** An ack as a session records it. */
export type RecordedAck = { transcriptHash: string; signature: string };

/** The first member whose ack is not over this device's transcript and body hash, or undefined if all are. */
export function firstBadAck(ctx: SessionContext, acks: ReadonlyMap<string, RecordedAck>, transcriptHash: string, bodyHash: string): string | undefined {
  const msg = ackMessage(bodyHash);
  for (const [d, a] of acks) {
    const key = ctx.peer(d)?.identityKey;
    if (a.transcriptHash !== transcriptHash || key === undefined || !verifyDomain(DOMAIN.ack, msg, a.signature, key)) return d;
  }
  return undefined;
}

/** The certificate from its body, the recorded acks and the round's aggregated test signature. */
export function certificateFromRound(body: CertificateBodyInput, acks: ReadonlyMap<string, RecordedAck>, round: FrostRound, sig: Uint8Array): Certificate {
  return assembleCertificate({
    ...body,
    acks: [...acks].map(([deviceId, a]) => ({ deviceId, ...a })),
    testSignature: { signers: round.signers, signature: bytesToHex(sig) },
  }).certificate;
}
