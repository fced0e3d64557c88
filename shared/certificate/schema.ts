/**
 * The epoch certificate (DESIGN §4 step 6): the proof that epoch e+1 exists,
 * works (a test signature by t' new shares under the unchanged key) and was
 * acknowledged by every new member. Certificates chain by `prevHash` from the
 * DKG's genesis certificate (epoch 0).
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

/** Certificate format version. */
export const CERTIFICATE_VERSION = 1;

/** A roster entry in a certificate: device, FROST identifier, Ed25519 identity key. */
export const certMemberSchema = z.strictObject({
  deviceId: deviceIdSchema,
  identifier: identifierSchema,
  identityKey: identityKeySchema,
});
export type CertMember = z.infer<typeof certMemberSchema>;

/** One member's Ed25519 signature over the ack payload (quorumId, epoch, transcript hash). */
export const ackSchema = z.strictObject({
  deviceId: deviceIdSchema,
  signature: ed25519SigSchema,
});
export type Ack = z.infer<typeof ackSchema>;

/** The test signature: t' new members sign the transcript hash with their new shares. */
export const testSignatureSchema = z.strictObject({
  signers: z.array(deviceIdSchema).min(2),
  signature: hexRange(64, 64),
});
export type TestSignature = z.infer<typeof testSignatureSchema>;

/** An epoch certificate. */
export const certificateSchema = z.strictObject({
  v: z.literal(CERTIFICATE_VERSION),
  suite: suiteSchema,
  quorumId: id16Schema,
  epoch: epochSchema,
  /** Hash of the previous certificate; null only for the genesis certificate (epoch 0). */
  prevHash: hashSchema.nullable(),
  threshold: z.number().int().min(2),
  /** New roster, sorted by identifier. */
  roster: z.array(certMemberSchema).min(2),
  /** commitments[0] of the epoch's FrostPublic (the group key, internal encoding). */
  groupKey: pointSchema,
  /** Hash of the epoch's full commitment vector C'. */
  commitmentsHash: hashSchema,
  /** Transcript hash H the members acked. */
  transcriptHash: hashSchema,
  /** One ack per roster member, in roster order. */
  acks: z.array(ackSchema).min(2),
  testSignature: testSignatureSchema,
});
export type Certificate = z.infer<typeof certificateSchema>;
