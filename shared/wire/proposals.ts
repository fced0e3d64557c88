/**
 * Proposal bodies (DESIGN §4 step 1, §5): what holders approve. They live
 * apart from the other bodies because certificates embed the proposal that
 * authorised them (shared/certificate/schema.ts).
 */
import { z } from 'zod';
import { deviceIdSchema, epochSchema, hashSchema, hpkeKeySchema, id16Schema, identifierSchema, identityKeySchema, suiteSchema } from './primitives.js';

/** Most members, dealers, recipients or commitments any list may hold. */
export const MAX_PARTIES = 255;

/** C0/C1 controls and bidi overrides/isolates: they can disguise text shown to approvers. */
const UNSAFE_TEXT = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
/** Same, but newline and tab are allowed (multi-line descriptions and reasons). */
const UNSAFE_MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** Human-readable text of `min..max` UTF-16 units without control or bidi-override characters. */
export const displayText = (min: number, max: number, multiline: boolean) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !(multiline ? UNSAFE_MULTILINE : UNSAFE_TEXT).test(s), 'contains control or bidi characters');

/** A timestamp in milliseconds since the Unix epoch. */
export const timestampSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A threshold t: at least 2 signers, at most MAX_PARTIES. */
export const thresholdSchema = z.number().int().min(2).max(MAX_PARTIES);

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

/** A list of 2..MAX_PARTIES members. */
const membersSchema = z.array(memberSchema).min(2).max(MAX_PARTIES);

/** `dkg/propose`: a new quorum (suite, name, threshold, every member). */
export const dkgProposeBodySchema = z
  .strictObject({
    suite: suiteSchema,
    name: displayText(1, 64, false),
    threshold: thresholdSchema,
    members: membersSchema,
    expiresAt: timestampSchema,
  })
  .refine((b) => b.threshold <= b.members.length, 'threshold exceeds the number of members');

/** `reshare/propose`: the new roster and threshold for epoch e+1, bound to the epoch-e certificate. */
export const reshareProposeBodySchema = z
  .strictObject({
    suite: suiteSchema,
    prevCertificateHash: hashSchema,
    newThreshold: thresholdSchema,
    newMembers: membersSchema,
    expiresAt: timestampSchema,
  })
  .refine((b) => b.newThreshold <= b.newMembers.length, 'newThreshold exceeds the number of new members');

/** The signed part of a proposal envelope minus `seq` (a transport counter): what its hash covers. */
const proposalHeader = {
  v: z.literal(1),
  quorumId: id16Schema,
  sessionId: id16Schema,
  epoch: epochSchema,
  from: deviceIdSchema,
  to: z.array(deviceIdSchema).min(1).max(MAX_PARTIES),
};

/** A proposal as embedded in a certificate: header and body, no seq or sig. */
export const embeddedProposalSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...proposalHeader, kind: z.literal('dkg/propose'), body: dkgProposeBodySchema }),
  z.strictObject({ ...proposalHeader, kind: z.literal('reshare/propose'), body: reshareProposeBodySchema }),
]);
/** A proposal as embedded in a certificate. */
export type EmbeddedProposal = z.infer<typeof embeddedProposalSchema>;
