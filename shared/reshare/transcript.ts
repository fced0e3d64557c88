/**
 * The reshare transcript hash H (DESIGN §4 step 5):
 * H = hash(proposal, start, C_i for i in D in order), bound to the quorum, the
 * session, epoch e and the epoch-e certificate. Members ack H; a certificate
 * needs every new member's ack over the same H, so a dealer or relay that
 * shows different commitments to different members (equivocation, I7) makes
 * the H values differ and no certificate can form.
 */
import { FieldHasher, DOMAIN } from '../hash.js';
import type { ResharePlan } from './types.js';

/** H over the plan and the dealers' commitment vectors, given in D order. */
export function reshareTranscriptHash(
  suite: string,
  plan: ResharePlan,
  commitmentsInDealerOrder: readonly (readonly Uint8Array[])[],
): string {
  if (commitmentsInDealerOrder.length !== plan.dealers.length) {
    throw new Error('transcript: one commitment vector per dealer is required');
  }
  const h = new FieldHasher(DOMAIN.reshareTranscript)
    .field(suite)
    .field(plan.quorumId)
    .field(plan.sessionId)
    .field(plan.fromEpoch)
    .field(plan.prevCertificateHash)
    .field(plan.proposalHash)
    .field(plan.startHash)
    .field(plan.newThreshold)
    .list(plan.newRoster.map((m) => `${m.deviceId}:${m.identifier}`))
    .list(plan.dealers);
  commitmentsInDealerOrder.forEach((c, i) => {
    h.field(plan.dealers[i] as string).list(c);
  });
  return h.hex();
}

/** Hash of an epoch's commitment vector C' (recorded in its certificate). */
export function commitmentsHash(suite: string, quorumId: string, epoch: number, commitments: readonly Uint8Array[]): string {
  return new FieldHasher(DOMAIN.commitments).field(suite).field(quorumId).field(epoch).list(commitments).hex();
}
