/**
 * zod schemas for the wire's primitive fields. Everything on the wire is JSON;
 * bytes are lower-case hex of a fixed or bounded length, never base64.
 */
import { z } from 'zod';
import { SUITE_NAMES } from '../suites.js';

/** Lower-case hex of exactly `bytes` bytes. */
export const hexBytes = (bytes: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `expected ${bytes} bytes of lower-case hex`);

/** Lower-case hex of between `min` and `max` bytes. */
export const hexRange = (min: number, max: number) =>
  z
    .string()
    .regex(/^(?:[0-9a-f]{2})*$/, 'expected lower-case hex')
    .refine((s) => s.length >= min * 2 && s.length <= max * 2, `expected ${min}..${max} bytes of hex`);

/** deviceId: first 16 bytes of SHA-256(identity key), hex (DESIGN §3). */
export const deviceIdSchema = hexBytes(16);
/** quorumId and sessionId: 16 random bytes, hex. */
export const id16Schema = hexBytes(16);
/** A SHA-256 digest, hex. */
export const hashSchema = hexBytes(32);
/** A FROST identifier: a 32-byte scalar in the suite's encoding, hex. */
export const identifierSchema = hexBytes(32);
/** A group element: 32 bytes (ed25519) or 33 bytes compressed (secp256k1). */
export const pointSchema = hexRange(32, 33);
/** A reshare dealer commitment, uncompressed: 64 bytes (ed25519 x‖y) or 65 bytes (SEC1 0x04‖x‖y). See `Suite.encodeCommitment`. */
export const dealerCommitmentSchema = hexRange(64, 65);
/** An Ed25519 signature, hex. */
export const ed25519SigSchema = hexBytes(64);
/** An Ed25519 identity public key, hex. */
export const identityKeySchema = hexBytes(32);
/** An X25519 HPKE public key, hex. */
export const hpkeKeySchema = hexBytes(32);
/** A supported suite name. */
export const suiteSchema = z.enum(SUITE_NAMES);
/** An epoch number. */
export const epochSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
