/**
 * Human-comparable fingerprints (DESIGN §3), as Signal's safety numbers: six
 * groups of four digits derived from a hash, to compare a device or a whole
 * roster out of band. Also the short session code shown in approval prompts.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from './bytes.js';
import { canonicalJson } from './wire/canonical.js';

function groups(digest: Uint8Array, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    // 5 bytes → an integer mod 10^4 keeps the bias negligible (2^40 ≫ 10^4).
    let v = 0;
    for (let j = 0; j < 5; j++) v = v * 256 + (digest[i * 5 + j] as number);
    out.push(String(v % 10_000).padStart(4, '0'));
  }
  return out.join(' ');
}

/** A device's fingerprint: 6 groups of 4 digits over its identity key. */
export function deviceFingerprint(identityKey: string): string {
  return groups(sha256(utf8ToBytes(`rampart/v1/fingerprint/device\0${identityKey}`)), 6);
}

/** A roster's fingerprint: 6 groups of 4 digits over its members (sorted) and threshold. */
export function rosterFingerprint(threshold: number, members: readonly { deviceId: string; identityKey: string }[]): string {
  const sorted = [...members].sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1)).map((m) => [m.deviceId, m.identityKey]);
  return groups(sha256(utf8ToBytes(`rampart/v1/fingerprint/roster\0${canonicalJson({ threshold, members: sorted })}`)), 6);
}

/** A short code for a session (e.g. a proposal hash), to compare out of band: 2 groups of 4 digits. */
export function sessionCode(hash: string): string {
  return groups(sha256(utf8ToBytes(`rampart/v1/fingerprint/session\0${hash}`)), 2);
}
