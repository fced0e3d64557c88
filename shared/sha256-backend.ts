/**
 * The SHA-256 and HMAC-SHA256 behind Rampart's own hashes (shared/hash.ts:
 * transcripts, certificates, proposal hashes) and HPKE's HKDF
 * (shared/wire/hkdf-sha256.ts). shared/ must run in a browser, so the default
 * is @noble/hashes (pure JS). A Node host installs node:crypto's with
 * `useSha256Backend` (main/crypto/node-sha256.ts): the same function, several
 * times faster on the kilobytes a reshare transcript hashes.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

/** One-shot SHA-256 and HMAC-SHA256 over raw bytes. */
export interface Sha256Backend {
  /** A short name for diagnostics ('noble', 'node'). */
  readonly name: string;
  sha256(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
}

/** The pure-JS backend (the default). */
export const nobleSha256: Sha256Backend = {
  name: 'noble',
  sha256: (data) => sha256(data),
  hmacSha256: (key, data) => hmac(sha256, key, data),
};

let current: Sha256Backend = nobleSha256;

/** The backend in use. */
export function sha256Backend(): Sha256Backend {
  return current;
}

/** Installs a backend for the whole process; `undefined` restores noble's. */
export function useSha256Backend(backend: Sha256Backend | undefined): void {
  current = backend ?? nobleSha256;
}
