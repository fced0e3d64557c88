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
  pointSchema,
  dealerCommitmentSchema,
} from './primitives.js';
import {
  dkgProposeBodySchema,
  displayText,
  MAX_PARTIES,
  reshareProposeBodySchema,
  timestampSchema,
} from './proposals.js';
import { sealedSharesSchema } from './sealed-shares.js';

export { MAX_PARTIES, memberSchema, timestampSchema, type Member } from './proposals.js';

/** Hex of utf8("rampart/"): every domain tag of shared/hash.ts starts with it. */
const RESERVED_PREFIX_HEX = '72616d706172742f';

/** A free-text reason (rejections, complaints). */
const reasonSchema = displayText(0, 500, true);
/** A machine-readable complaint code, e.g. an ErrorCode. */
const complaintCodeSchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'expected an upper-case code of 1..64 characters');

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
  'dkg/propose': dkgProposeBodySchema,
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
  'reshare/propose': reshareProposeBodySchema,
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
    /** One HPKE-sealed sub-share per recipient, in `to` order (shared/wire/sealed-shares.ts). */
    sealedShares: sealedSharesSchema,
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
  /**
   * From the proposer to each joining device: what it needs to check deals
   * against (DESIGN §4 step 5) — the certificate chain up to epoch e and the
   * epoch-e public package (commitments C and verifying shares Y_i), which the
   * joiner checks against the newest certificate before using it.
   */
  'reshare/context': z.strictObject({
    proposalHash: hashSchema,
    chain: z.array(certificateSchema).min(1).max(10_000),
    commitments: z.array(pointSchema).min(2).max(MAX_PARTIES),
    verifyingShares: z.record(identifierSchema, pointSchema),
  }),
  'sign/propose': z.strictObject({
    // A user signing request may never produce a protocol signature (a certificate's test
    // signature): messages in Rampart's own domain ("rampart/" prefix) are refused.
    message: hexRange(0, 65536).refine((m) => !m.startsWith(RESERVED_PREFIX_HEX), 'message is in the reserved "rampart/" domain'),
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
