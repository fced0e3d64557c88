/**
 * The relay's frame protocol (DESIGN §8): JSON text frames over one WebSocket,
 * one strict zod union per direction, discriminated by `type`.
 *
 * On connect the relay sends `challenge {relayId, nonce}`; the device answers
 * `auth {deviceId, identityKey, signature}` where `signature` is
 * signDomain(DOMAIN.relayAuth, relayId bytes ‖ nonce bytes) by its identity key
 * and deviceId = deviceIdOf(identityKey). The relay answers `ready` and the
 * connection is bound to that deviceId. Envelopes travel as their canonical
 * JSON text (`send.envelope`, `deliver.envelope`). Requests carry a
 * client-chosen `ref` that the answer (`accepted`, `certificate`, `error`) repeats.
 */
import { z } from 'zod';
import { concatBytes, hexToBytes } from './bytes.js';
import { ERROR_CODES, RampartError } from './errors.js';
import { DOMAIN } from './hash.js';
import { deviceIdOf, identityKeyOf, signDomain, verifyDomain, type SecretKey } from './identity.js';
import { MAX_ENVELOPE_BYTES } from './wire/envelope.js';
import { deviceIdSchema, ed25519SigSchema, hexBytes, id16Schema, identityKeySchema } from './wire/primitives.js';

/** Bytes of the relay's challenge nonce. */
export const RELAY_NONCE_BYTES = 32;

/** A client-chosen request reference, echoed by the answer. */
export const refSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'ref: 1..64 of [A-Za-z0-9_.:-]');
/** A relay message id: opaque to devices (a decimal counter on this relay). */
export const msgIdSchema = z.string().regex(/^[1-9][0-9]{0,15}$/, 'msgId: a positive decimal id');
/** An envelope's canonical JSON text (decoded and checked by the receiver, never by the schema). */
const envelopeTextSchema = z.string().min(2).max(MAX_ENVELOPE_BYTES);

const challenge = z.strictObject({ type: z.literal('challenge'), relayId: id16Schema, nonce: hexBytes(RELAY_NONCE_BYTES) });
const ready = z.strictObject({ type: z.literal('ready'), deviceId: deviceIdSchema });
const deliver = z.strictObject({ type: z.literal('deliver'), msgId: msgIdSchema, envelope: envelopeTextSchema });
const accepted = z.strictObject({ type: z.literal('accepted'), ref: refSchema, msgId: msgIdSchema });
const certificate = z.strictObject({
  type: z.literal('certificate'),
  ref: refSchema,
  quorumId: id16Schema,
  /** The newest certificate for the asking device, or null; checked with parseCertificate by the receiver. */
  certificate: z.unknown(),
});
const error = z.strictObject({
  type: z.literal('error'),
  code: z.enum(ERROR_CODES),
  message: z.string().max(500),
  ref: refSchema.optional(),
});

/** Every frame the relay sends. */
export const serverFrameSchema = z.discriminatedUnion('type', [challenge, ready, deliver, accepted, certificate, error]);
/** A frame from the relay to a device. */
export type ServerFrame = z.infer<typeof serverFrameSchema>;

const auth = z.strictObject({
  type: z.literal('auth'),
  deviceId: deviceIdSchema,
  identityKey: identityKeySchema,
  signature: ed25519SigSchema,
});
const send = z.strictObject({ type: z.literal('send'), ref: refSchema, envelope: envelopeTextSchema });
const ack = z.strictObject({ type: z.literal('ack'), msgId: msgIdSchema });
/** `certificate` is checked by the relay (parseCertificate, verifyCertificate), so a bad one is answered with its ref. */
const publishCertificate = z.strictObject({ type: z.literal('publish-certificate'), ref: refSchema, certificate: z.unknown() });
const getCertificate = z.strictObject({ type: z.literal('get-certificate'), ref: refSchema, quorumId: id16Schema });

/** Every frame a device sends. */
export const clientFrameSchema = z.discriminatedUnion('type', [auth, send, ack, publishCertificate, getCertificate]);
/** A frame from a device to the relay. */
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** A server frame of one type. */
export type ServerFrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;
/** A client frame of one type. */
export type ClientFrameOf<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;

function parseWith<S extends z.ZodType>(schema: S, text: unknown): z.infer<S> {
  if (typeof text !== 'string') throw new RampartError('RELAY_FRAME_INVALID', 'frames are JSON text');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RampartError('RELAY_FRAME_INVALID', 'frame is not valid JSON');
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` : 'invalid';
    throw new RampartError('RELAY_FRAME_INVALID', `frame: ${where}`.slice(0, 300));
  }
  return r.data;
}

/** Parses a frame received by the relay; RELAY_FRAME_INVALID on anything else. */
export function parseClientFrame(text: unknown): ClientFrame {
  return parseWith(clientFrameSchema, text);
}

/** Parses a frame received by a device; RELAY_FRAME_INVALID on anything else. */
export function parseServerFrame(text: unknown): ServerFrame {
  return parseWith(serverFrameSchema, text);
}

/** The `ref` of a frame that failed to parse, when it has a well-formed one (so the error can name the request). */
export function refOfInvalidFrame(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    const ref = typeof v === 'object' && v !== null ? (v as { ref?: unknown }).ref : undefined;
    return refSchema.safeParse(ref).success ? (ref as string) : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON text of a frame. */
export function encodeFrame(frame: ServerFrame | ClientFrame): string {
  return JSON.stringify(frame);
}

/** The bytes a device signs to authenticate: relayId (16 bytes) ‖ nonce (32 bytes), both from the challenge. */
export function relayAuthMessage(relayId: string, nonce: string): Uint8Array {
  return concatBytes(hexToBytes(relayId), hexToBytes(nonce));
}

/** The `auth` answer to a challenge, signed with the device's identity key under DOMAIN.relayAuth. */
export function answerChallenge(ch: ServerFrameOf<'challenge'>, signingKey: SecretKey): ClientFrameOf<'auth'> {
  const identityKey = identityKeyOf(signingKey);
  const signature = signDomain(DOMAIN.relayAuth, relayAuthMessage(ch.relayId, ch.nonce), signingKey);
  return { type: 'auth', deviceId: deviceIdOf(identityKey), identityKey, signature };
}

/** True when `auth` answers this relay's challenge: the key owns deviceId and the signature verifies. */
export function verifyAuthAnswer(auth: ClientFrameOf<'auth'>, relayId: string, nonce: string): boolean {
  if (deviceIdOf(auth.identityKey) !== auth.deviceId) return false;
  return verifyDomain(DOMAIN.relayAuth, relayAuthMessage(relayId, nonce), auth.signature, auth.identityKey);
}
