/**
 * The sealed sub-shares of one `reshare/deal` broadcast (DESIGN §4 step 4):
 * one HPKE output per recipient, packed as lower-case hex of enc ‖ ct in the
 * order of the envelope's `to`. A sub-share is one 32-byte scalar in both
 * suites, so each entry is 32 (enc) + 32 + 16 (ct with its tag) = 80 bytes.
 *
 * Why one string and not a map keyed by deviceId: every new member receives
 * the whole broadcast but opens one entry. A map of n' objects cost each
 * receiver n' key, enc and ct pattern checks and as many strings per deal;
 * the packed form is one pattern check, and the header's `to` already names
 * whose entry is where (and is bound into each entry's AAD).
 */
import { z } from 'zod';
import { RampartError } from '../errors.js';
import type { Sealed } from './bodies.js';
import { MAX_PARTIES } from './proposals.js';

/** Bytes of one packed entry: X25519 enc (32) and the sealed 32-byte sub-share with its tag (48). */
export const SEALED_SHARE_BYTES = 80;
const ENC_HEX = 64;
const ENTRY_HEX = SEALED_SHARE_BYTES * 2;

/** Form of the packed field: whole entries of lower-case hex, 1..MAX_PARTIES of them. */
export const sealedSharesSchema = z
  .string()
  .max(ENTRY_HEX * MAX_PARTIES, `expected at most ${MAX_PARTIES} sealed shares`)
  // A flat character class, then the length: ~3× cheaper than one pattern with a counted group.
  .regex(/^[0-9a-f]+$/, 'expected lower-case hex')
  .refine((s) => s.length % ENTRY_HEX === 0, `expected whole ${SEALED_SHARE_BYTES}-byte sealed shares`);

/** Packs sealed sub-shares, one per recipient in `to` order. */
export function packSealedShares(entries: readonly Sealed[]): string {
  return entries
    .map((s) => {
      if (s.enc.length !== ENC_HEX || s.enc.length + s.ct.length !== ENTRY_HEX) {
        throw new RampartError('ENCODING_INVALID', `a sealed sub-share must be ${SEALED_SHARE_BYTES} bytes`);
      }
      return s.enc + s.ct;
    })
    .join('');
}

/**
 * The entry of `recipient` in a deal from `dealer` addressed to `to`, or
 * undefined when `recipient` is not in `to`. Throws ENCODING_INVALID naming
 * the dealer unless there is exactly one entry per recipient.
 */
export function sealedShareFor(packed: string, to: readonly string[], recipient: string, dealer: string): Sealed | undefined {
  if (packed.length !== to.length * ENTRY_HEX) {
    throw new RampartError('ENCODING_INVALID', `deal carries ${packed.length / ENTRY_HEX} sealed sub-shares for ${to.length} recipients`, dealer);
  }
  const i = to.indexOf(recipient);
  if (i < 0) return undefined;
  const entry = packed.slice(i * ENTRY_HEX, (i + 1) * ENTRY_HEX);
  return { enc: entry.slice(0, ENC_HEX), ct: entry.slice(ENC_HEX) };
}
