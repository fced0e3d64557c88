/**
 * The epoch certificate (DESIGN §4 step 6): the proof that epoch e+1 was
 * authorised (the proposal and the approvals of t old holders; for genesis,
 * the DKG proposal accepted by every member), works (a test signature by t'
 * new shares under the unchanged key) and was acknowledged by every new
 * member. Everything but `acks` and `testSignature` is the certificate's
 * *body*; its hash is the certificate's identity, what acks and the test
 * signature sign, and what the next certificate's `prevHash` links to.
 */
import { z } from 'zod';
import {
  deviceIdSchema,
  ed25519SigSchema,
  epochSchema,
  hashSchema,
  hexRange,
  id16Schema,
  identifierSchema,
  identityKeySchema,
  pointSchema,
  suiteSchema,
} from '../wire/primitives.js';
import { embeddedProposalSchema } from '../wire/proposals.js';

/** Certificate format version. */
export const CERTIFICATE_VERSION = 1;

/** A roster entry in a certificate: device, FROST identifier, Ed25519 identity key. */
export const certMemberSchema = z.strictObject({
  deviceId: deviceIdSchema,
  identifier: identifierSchema,
  identityKey: identityKeySchema,
});
export type CertMember = z.infer<typeof certMemberSchema>;

/** One member's Ed25519 signature over the certificate body hash (DOMAIN.ack). */
export const ackSchema = z.strictObject({
  deviceId: deviceIdSchema,
  signature: ed25519SigSchema,
});
export type Ack = z.infer<typeof ackSchema>;

/**
 * The test signature: t' new members sign the certificate body hash with their
 * new shares. `signers` is what the assembler reports; a FROST signature does
 * not reveal who signed, so verifiers treat it as a claim, not a proof.
 */
export const testSignatureSchema = z.strictObject({
  signers: z.array(deviceIdSchema).min(2),
  signature: hexRange(64, 64),
});

/** One approval: Ed25519 over the proposal hash (DOMAIN.approval) by an approver's identity key. */
export const approvalSchema = z.strictObject({
  deviceId: deviceIdSchema,
  signature: ed25519SigSchema,
});

/**
 * What authorised the epoch: the proposal (dkg/propose for genesis,
 * reshare/propose otherwise) and the approvals over its hash — at least t of
 * the previous roster for a reshare; every member for genesis.
 */
export const authorizationSchema = z.strictObject({
  proposal: embeddedProposalSchema,
  approvals: z.array(approvalSchema).min(1).max(255),
});
export type Authorization = z.infer<typeof authorizationSchema>;
export type TestSignature = z.infer<typeof testSignatureSchema>;

/** An epoch certificate. */
export const certificateSchema = z.strictObject({
  v: z.literal(CERTIFICATE_VERSION),
  suite: suiteSchema,
  quorumId: id16Schema,
  epoch: epochSchema,
  /** Body hash of the previous certificate; null only for the genesis certificate (epoch 0). */
  prevHash: hashSchema.nullable(),
  threshold: z.number().int().min(2),
  /** New roster, sorted by identifier. */
  roster: z.array(certMemberSchema).min(2),
  /** commitments[0] of the epoch's FrostPublic (the group key, internal encoding). */
  groupKey: pointSchema,
  /** Hash of the epoch's full commitment vector C'. */
  commitmentsHash: hashSchema,
  /** Transcript hash H of the session (DESIGN §4 step 5); covered by every ack. */
  transcriptHash: hashSchema,
  authorization: authorizationSchema,
  /** One ack per roster member, in roster order. */
  acks: z.array(ackSchema).min(2),
  testSignature: testSignatureSchema,
});
export type Certificate = z.infer<typeof certificateSchema>;
