/**
 * Strict zod schemas for the `body` of every message kind (DESIGN §3–§5).
 * All bytes are lower-case hex; unknown fields are rejected everywhere.
 * Schemas check form only (lengths, encodings, bounds); protocol code checks
 * meaning (points on the curve, identifiers distinct, signatures valid).
 */
import { z } from 'zod';
import { certificateSchema } from '../certificate/schema.js';
import {
  deviceIdSchema,
  ed25519SigSchema,
  hashSchema,
  hexBytes,
  hexRange,
  identifierSchema,
  identityKeySchema,
  hpkeKeySchema,
  pointSchema,
  dealerCommitmentSchema,
  suiteSchema,
} from './primitives.js';

/** Most members, dealers, recipients or commitments any list may hold. */
export const MAX_PARTIES = 255;

/** C0/C1 controls and bidi overrides/isolates: they can disguise text shown to approvers. */
const UNSAFE_TEXT = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
/** Same, but newline and tab are allowed (multi-line descriptions and reasons). */
const UNSAFE_MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** Human-readable text of `min..max` UTF-16 units without control or bidi-override characters. */
const displayText = (min: number, max: number, multiline: boolean) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !(multiline ? UNSAFE_MULTILINE : UNSAFE_TEXT).test(s), 'contains control or bidi characters');

/** A timestamp in milliseconds since the Unix epoch. */
export const timestampSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A threshold t: at least 2 signers, at most MAX_PARTIES. */
const thresholdSchema = z.number().int().min(2).max(MAX_PARTIES);
/** A free-text reason (rejections, complaints). */
const reasonSchema = displayText(0, 500, true);
/** A machine-readable complaint code, e.g. an ErrorCode. */
const complaintCodeSchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'expected an upper-case code of 1..64 characters');

/** A roster member as proposed: device, display name, public keys and FROST identifier. */
export const memberSchema = z.strictObject({
  deviceId: deviceIdSchema,
  name: displayText(1, 64, false),
  identityKey: identityKeySchema,
  hpkeKey: hpkeKeySchema,
  identifier: identifierSchema,
});
/** A roster member as proposed. */
export type Member = z.infer<typeof memberSchema>;

/** An HPKE-sealed share (shared/wire/hpke.ts): encapsulated key and ciphertext. */
export const sealedSchema = z.strictObject({
  enc: hexBytes(32),
  ct: hexRange(1, 4096),
});
/** An HPKE-sealed share. */
export type Sealed = z.infer<typeof sealedSchema>;

/** Sealed shares keyed by recipient deviceId (1..MAX_PARTIES entries). */
const sealedMapSchema = z
  .record(deviceIdSchema, sealedSchema)
  .refine((m) => {
    const n = Object.keys(m).length;
    return n >= 1 && n <= MAX_PARTIES;
  }, `expected 1..${MAX_PARTIES} sealed shares`);

/** A list of 2..MAX_PARTIES members. */
const membersSchema = z.array(memberSchema).min(2).max(MAX_PARTIES);
/** A Feldman commitment vector (noble DKG): 1..MAX_PARTIES compressed points. */
const commitmentVectorSchema = z.array(pointSchema).min(1).max(MAX_PARTIES);
/** A reshare dealer's commitment vector C_i: 1..MAX_PARTIES uncompressed points (DESIGN §4 step 4). */
const dealerCommitmentVectorSchema = z.array(dealerCommitmentSchema).min(1).max(MAX_PARTIES);
/** One signer's FROST round-1 commitment. */
const signingCommitmentSchema = z.strictObject({
  identifier: identifierSchema,
  hiding: pointSchema,
  binding: pointSchema,
});

const decision = {
  /** An Ed25519 signature by the approver over the proposal hash (DOMAIN.approval). */
  approve: z.strictObject({ proposalHash: hashSchema, approval: ed25519SigSchema }),
  reject: z.strictObject({ proposalHash: hashSchema, reason: reasonSchema }),
};
const ack = z.strictObject({ transcriptHash: hashSchema, signature: ed25519SigSchema });
const commitCertificate = z.strictObject({ certificate: certificateSchema });

/** The body schema of every message kind. */
export const bodySchemas = {
  'dkg/propose': z
    .strictObject({
      suite: suiteSchema,
      name: displayText(1, 64, false),
      threshold: thresholdSchema,
      members: membersSchema,
      expiresAt: timestampSchema,
    })
    .refine((b) => b.threshold <= b.members.length, 'threshold exceeds the number of members'),
  'dkg/accept': decision.approve,
  'dkg/reject': decision.reject,
  'dkg/round1': z.strictObject({
    proposalHash: hashSchema,
    identifier: identifierSchema,
    commitment: commitmentVectorSchema,
    proofOfKnowledge: hexRange(64, 65),
  }),
  'dkg/round2': z.strictObject({ proposalHash: hashSchema, sealed: sealedMapSchema }),
  'dkg/ack': ack,
  'dkg/complaint': z.strictObject({
    proposalHash: hashSchema,
    culprit: deviceIdSchema.nullable(),
    code: complaintCodeSchema,
    reason: reasonSchema,
  }),
  'dkg/commit': commitCertificate,
  'reshare/propose': z
    .strictObject({
      suite: suiteSchema,
      prevCertificateHash: hashSchema,
      newThreshold: thresholdSchema,
      newMembers: membersSchema,
      expiresAt: timestampSchema,
    })
    .refine((b) => b.newThreshold <= b.newMembers.length, 'newThreshold exceeds the number of new members'),
  'reshare/approve': decision.approve,
  'reshare/reject': decision.reject,
  'reshare/start': z.strictObject({
    proposalHash: hashSchema,
    dealers: z.array(deviceIdSchema).min(1).max(MAX_PARTIES),
    approvals: z
      .array(z.strictObject({ deviceId: deviceIdSchema, signature: ed25519SigSchema }))
      .min(1)
      .max(MAX_PARTIES),
  }),
  'reshare/deal': z.strictObject({
    proposalHash: hashSchema,
    startHash: hashSchema,
    commitments: dealerCommitmentVectorSchema,
    sealed: sealedMapSchema,
  }),
  'reshare/ack': ack,
  'reshare/complaint': z.strictObject({
    proposalHash: hashSchema,
    dealer: deviceIdSchema.nullable(),
    code: complaintCodeSchema,
    reason: reasonSchema,
  }),
  'reshare/withdraw': z.strictObject({ proposalHash: hashSchema }),
  'reshare/commit': commitCertificate,
  'sign/propose': z.strictObject({
    message: hexRange(0, 65536),
    description: displayText(0, 500, true),
    expiresAt: timestampSchema,
  }),
  'sign/approve': decision.approve,
  'sign/reject': decision.reject,
  'sign/commit': z.strictObject({
    proposalHash: hashSchema,
    identifier: identifierSchema,
    hiding: pointSchema,
    binding: pointSchema,
  }),
  'sign/start': z.strictObject({
    proposalHash: hashSchema,
    commitments: z.array(signingCommitmentSchema).min(2).max(MAX_PARTIES),
  }),
  'sign/share': z.strictObject({ proposalHash: hashSchema, identifier: identifierSchema, share: hexBytes(32) }),
  'sign/result': z.strictObject({ proposalHash: hashSchema, signature: hexBytes(64) }),
} as const;

/** A message kind, e.g. 'reshare/deal'. */
export type MessageKind = keyof typeof bodySchemas;

/** Every message kind, in declaration order. */
export const MESSAGE_KINDS = Object.keys(bodySchemas) as MessageKind[];

/** The body type of a message kind, inferred from its schema. */
export type BodyOf<K extends MessageKind> = z.infer<(typeof bodySchemas)[K]>;

/** True when `kind` names a known message kind. */
export function isMessageKind(kind: unknown): kind is MessageKind {
  return typeof kind === 'string' && Object.hasOwn(bodySchemas, kind);
}
