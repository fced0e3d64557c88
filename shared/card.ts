/**
 * Device cards (DESIGN §7): one copy-pasteable string with a device's public
 * keys and name, passed to `--member` / `--add`. Format:
 * `rampart1.<identityKey hex>.<hpkeKey hex>.<name, URI-encoded>.<checksum>`
 * where checksum = first 4 bytes of SHA-256 over everything before it, so a
 * truncated or mistyped card is refused instead of naming the wrong device.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from './bytes.js';
import { RampartError } from './errors.js';
import { deviceIdOf } from './identity.js';
import { displayText } from './wire/proposals.js';

/** What a card carries, plus the deviceId derived from the identity key. */
export interface DeviceCard {
  deviceId: string;
  name: string;
  identityKey: string;
  hpkeKey: string;
}

const PREFIX = 'rampart1';
const KEY_RE = /^[0-9a-f]{64}$/;
const nameSchema = displayText(1, 64, false);

function checksum(body: string): string {
  return bytesToHex(sha256(utf8ToBytes(body)).subarray(0, 4));
}

/** Encodes a card from a device's name and public keys. */
export function encodeCard(card: Omit<DeviceCard, 'deviceId'>): string {
  if (!nameSchema.safeParse(card.name).success) throw new RampartError('ENCODING_INVALID', 'device name must be 1..64 characters without control characters');
  const body = [PREFIX, card.identityKey, card.hpkeKey, encodeURIComponent(card.name)].join('.');
  return `${body}.${checksum(body)}`;
}

/** Decodes and checks a card; ENCODING_INVALID with a clear reason otherwise. */
export function decodeCard(text: string): DeviceCard {
  const bad = (why: string): never => {
    throw new RampartError('ENCODING_INVALID', `not a valid device card: ${why}`);
  };
  const parts = text.trim().split('.');
  if (parts.length !== 5 || parts[0] !== PREFIX) bad(`expected ${PREFIX}.<identity key>.<hpke key>.<name>.<checksum>`);
  const [, identityKey, hpkeKey, rawName, sum] = parts as [string, string, string, string, string];
  if (checksum(parts.slice(0, 4).join('.')) !== sum) bad('checksum mismatch (truncated or mistyped?)');
  if (!KEY_RE.test(identityKey) || !KEY_RE.test(hpkeKey)) bad('keys must be 32 bytes of lower-case hex');
  let name = '';
  try {
    name = decodeURIComponent(rawName);
  } catch {
    bad('name is not valid URI encoding');
  }
  if (!nameSchema.safeParse(name).success) bad('name must be 1..64 characters without control characters');
  return { deviceId: deviceIdOf(identityKey), name, identityKey, hpkeKey };
}
