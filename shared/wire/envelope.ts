/**
 * The signed envelope every protocol message travels in (DESIGN §3):
 * `{v, kind, quorumId, sessionId, epoch, from, to[], seq, body, sig}`.
 * `sig` is Ed25519 by `from`'s identity key over utf8(DOMAIN.envelope) || 0x00 ||
 * the RFC 8785 canonical JSON of the envelope without `sig`.
 */
import { z } from 'zod';
import { hexToBytes, HEX_RE } from '../bytes.js';
import { RampartError } from '../errors.js';
import { DOMAIN, hashFields } from '../hash.js';
import { deviceIdOf, identityKeyOf, signDomain, verifyDomain, type SecretKey } from '../identity.js';
import { bodySchemas, isMessageKind, MAX_PARTIES, MESSAGE_KINDS, type BodyOf, type MessageKind } from './bodies.js';
import { canonicalBytes, canonicalJson } from './canonical.js';
import { deviceIdSchema, ed25519SigSchema, epochSchema, id16Schema } from './primitives.js';

/** The only envelope version this code speaks. */
export const ENVELOPE_VERSION = 1;
/** Largest encoded envelope accepted, in bytes (1 MiB). */
export const MAX_ENVELOPE_BYTES = 1024 * 1024;

/** Envelope fields other than `body`; `body` is checked by its kind's schema. */
const headerSchema = z.strictObject({
  v: z.literal(ENVELOPE_VERSION),
  kind: z.enum(MESSAGE_KINDS as [MessageKind, ...MessageKind[]]),
  quorumId: id16Schema,
  sessionId: id16Schema,
  epoch: epochSchema,
  from: deviceIdSchema,
  to: z
    .array(deviceIdSchema)
    .min(1)
    .max(MAX_PARTIES)
    .refine((to) => new Set(to).size === to.length, 'recipients must be unique'),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  body: z.unknown(),
  sig: ed25519SigSchema,
});
/** The same, before signing. */
const unsignedHeaderSchema = headerSchema.omit({ sig: true });

/** The header bound into signatures and HPKE AAD: everything but seq, body and sig. */
export interface EnvelopeHeader<K extends MessageKind = MessageKind> {
  v: typeof ENVELOPE_VERSION;
  kind: K;
  quorumId: string;
  sessionId: string;
  epoch: number;
  from: string;
  to: string[];
}

/** An envelope before signing; distributes over kinds so `kind` narrows `body`. */
export type UnsignedEnvelope<K extends MessageKind = MessageKind> = {
  [P in K]: EnvelopeHeader<P> & { seq: number; body: BodyOf<P> };
}[K];

/** A signed envelope, typed by kind (a discriminated union on `kind` when K is a union). */
export type Envelope<K extends MessageKind = MessageKind> = {
  [P in K]: UnsignedEnvelope<P> & { sig: string };
}[K];

type Issue = z.core.$ZodIssue;

function describe(issue: Issue, prefix: PropertyKey[]): string {
  const path = [...prefix, ...issue.path].map(String).join('.') || '(root)';
  const nested = issue.code === 'invalid_key' || issue.code === 'invalid_element' ? `: ${issue.issues[0]?.message ?? ''}` : '';
  return `${path}: ${issue.message}${nested}`;
}

/** Throws the RampartError for zod issues: SUITE_UNSUPPORTED for a bad `suite`, else ENCODING_INVALID naming the first path. */
function rejectIssues(issues: readonly Issue[], prefix: PropertyKey[]): never {
  const suite = issues.find((i) => i.path.at(-1) === 'suite' && i.code === 'invalid_value');
  if (suite) throw new RampartError('SUITE_UNSUPPORTED', describe(suite, prefix));
  const first = issues[0];
  throw new RampartError('ENCODING_INVALID', first ? describe(first, prefix) : 'invalid envelope');
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4; // a surrogate pair: one 4-byte code point
      i++;
    } else n += 3;
  }
  return n;
}

/** Checks an envelope-shaped value (version, then header, then its kind's body) and returns a fresh copy. */
function validate(value: unknown, signed: boolean): Envelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RampartError('ENCODING_INVALID', '(root): envelope must be a JSON object');
  }
  const rec = value as Record<string, unknown>;
  if (!Object.hasOwn(rec, 'v')) throw new RampartError('ENCODING_INVALID', 'v: missing version');
  if (rec.v !== ENVELOPE_VERSION) {
    throw new RampartError('VERSION_UNSUPPORTED', `v: unsupported envelope version ${JSON.stringify(rec.v)}`);
  }
  if (!isMessageKind(rec.kind)) {
    throw new RampartError('ENCODING_INVALID', `kind: unknown message kind ${JSON.stringify(rec.kind)}`.slice(0, 200));
  }
  const header = (signed ? headerSchema : unsignedHeaderSchema).safeParse(value);
  if (!header.success) rejectIssues(header.error.issues, []);
  const body = bodySchemas[rec.kind].safeParse(rec.body);
  if (!body.success) rejectIssues(body.error.issues, ['body']);
  return { ...header.data, body: body.data } as Envelope;
}

/** Parses and validates an envelope from JSON text (≤ 1 MiB) or an already-parsed value. */
export function decodeEnvelope(json: string | unknown): Envelope {
  let value: unknown = json;
  if (typeof json === 'string') {
    if (json.length > MAX_ENVELOPE_BYTES || utf8Length(json) > MAX_ENVELOPE_BYTES) {
      throw new RampartError('ENCODING_INVALID', `(root): envelope exceeds ${MAX_ENVELOPE_BYTES} bytes`);
    }
    try {
      value = JSON.parse(json);
    } catch {
      throw new RampartError('ENCODING_INVALID', '(root): not valid JSON');
    }
  }
  const env = validate(value, true);
  if (typeof json !== 'string' && utf8Length(canonicalJson(env)) > MAX_ENVELOPE_BYTES) {
    throw new RampartError('ENCODING_INVALID', `(root): envelope exceeds ${MAX_ENVELOPE_BYTES} bytes`);
  }
  return env;
}

/** Validates a signed envelope and returns its canonical JSON (RFC 8785). */
export function encodeEnvelope(env: Envelope): string {
  return canonicalJson(validate(env, true));
}

/** The envelope fields covered by `sig`, picked explicitly so stray properties are never signed. */
function signedPart(env: UnsignedEnvelope): UnsignedEnvelope {
  const { v, kind, quorumId, sessionId, epoch, from, to, seq, body } = env;
  return { v, kind, quorumId, sessionId, epoch, from, to, seq, body } as UnsignedEnvelope;
}

function signedBytes(env: UnsignedEnvelope): Uint8Array {
  return canonicalBytes(signedPart(env));
}

/** Signs an envelope with the sender's identity key; `from` must be that key's deviceId. */
export function signEnvelope<K extends MessageKind>(unsigned: UnsignedEnvelope<K>, signingKey: SecretKey): Envelope<K> {
  const part = validate(signedPart(unsigned as UnsignedEnvelope), false) as unknown as UnsignedEnvelope;
  if (deviceIdOf(identityKeyOf(signingKey)) !== part.from) {
    throw new RampartError('ENVELOPE_SIGNATURE_INVALID', 'from is not the deviceId of the signing key');
  }
  const sig = signDomain(DOMAIN.envelope, signedBytes(part), signingKey);
  return { ...part, sig } as Envelope<K>;
}

/**
 * Throws ENVELOPE_SIGNATURE_INVALID (culprit = env.from) unless `from` owns `identityKeyHex` and `sig` verifies.
 * Returns the bytes the signature covers (canonical JSON of every field but `sig`), so a caller that
 * needs a key for the signed content (replay detection) does not canonicalize the envelope again.
 */
export function verifyEnvelope(env: Envelope, identityKeyHex: string): Uint8Array {
  if (deviceIdOf(identityKeyHex) !== env.from) {
    throw new RampartError('ENVELOPE_SIGNATURE_INVALID', 'from is not the deviceId of the identity key', env.from);
  }
  const signed = signedBytes(env);
  if (!verifyDomain(DOMAIN.envelope, signed, env.sig, identityKeyHex)) {
    throw new RampartError('ENVELOPE_SIGNATURE_INVALID', 'bad envelope signature', env.from);
  }
  return signed;
}

/** The header of an envelope: {v, kind, quorumId, sessionId, epoch, from, to} (no seq, body, sig). */
export function envelopeHeader<K extends MessageKind>(env: EnvelopeHeader<K>): EnvelopeHeader<K> {
  const { v, kind, quorumId, sessionId, epoch, from, to } = env;
  return { v, kind, quorumId, sessionId, epoch, from, to: [...to] };
}

/** The kinds that open a session and are approved by hash: dkg, reshare and sign proposals. */
export type ProposalKind = 'dkg/propose' | 'reshare/propose' | 'sign/propose';

/**
 * The hash that accepts, approvals, rejections and later rounds cite as `proposalHash`:
 * SHA-256 under DOMAIN.proposal of the canonical JSON of the header and body
 * (not seq, a transport counter, nor sig).
 */
export function proposalHash(env: EnvelopeHeader<ProposalKind> & { body: BodyOf<ProposalKind>; seq?: number; sig?: string }): string {
  return hashFields(DOMAIN.proposal, [canonicalJson({ ...envelopeHeader(env), body: env.body })]);
}

/** A proposal as a certificate embeds it: header and body, without seq and sig (same hash). */
export function embedProposal<K extends ProposalKind>(env: UnsignedEnvelope<K>): EnvelopeHeader<K> & { body: BodyOf<K> } {
  return { ...envelopeHeader(env), body: env.body } as EnvelopeHeader<K> & { body: BodyOf<K> };
}

/**
 * The hash later messages cite for any other message (e.g. `startHash` of a
 * `reshare/start`): SHA-256 under DOMAIN.message of its header and body.
 */
export function messageHash(env: UnsignedEnvelope): string {
  return hashFields(DOMAIN.message, [canonicalJson({ ...envelopeHeader(env), body: env.body })]);
}

function hashBytes(hash: string): Uint8Array {
  if (typeof hash !== 'string' || hash.length !== 64 || !HEX_RE.test(hash)) {
    throw new RampartError('ENCODING_INVALID', 'proposal hash must be 32 bytes of lower-case hex');
  }
  return hexToBytes(hash);
}

/** An approval (hex): Ed25519 under DOMAIN.approval over the 32 proposal-hash bytes (DESIGN §4 step 2). */
export function signApproval(proposalHashHex: string, signingKey: SecretKey): string {
  return signDomain(DOMAIN.approval, hashBytes(proposalHashHex), signingKey);
}

/** True when `approval` is `signApproval(proposalHashHex)` by the holder of `identityKeyHex`. */
export function verifyApproval(proposalHashHex: string, approval: string, identityKeyHex: string): boolean {
  return verifyDomain(DOMAIN.approval, hashBytes(proposalHashHex), approval, identityKeyHex);
}
