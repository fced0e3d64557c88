/**
 * The Ed25519 implementation behind device signatures (DESIGN §3:
 * envelopes, approvals, acks, relay authentication). shared/ must run in a
 * browser, so the default is @noble/curves (pure JS, strict RFC 8032, no
 * ZIP-215 leniency). A host with native Ed25519 (Node's OpenSSL, in the
 * daemon, Electron's main process and the relay) installs it with
 * `useEd25519Backend`: same keys, same signatures (Ed25519 signing is
 * deterministic), same strict acceptance — about 15× faster to verify.
 * FROST group signatures never go through here; they stay with noble.
 */
import { ed25519 } from '@noble/curves/ed25519.js';

/** Raw-byte Ed25519: 32-byte seed, 32-byte public key, 64-byte signature. */
export interface Ed25519Backend {
  /** A short name for diagnostics ('noble', 'node'). */
  readonly name: string;
  publicKey(seed: Uint8Array): Uint8Array;
  sign(message: Uint8Array, seed: Uint8Array): Uint8Array;
  /** Strict RFC 8032 verification; false (never a throw) on anything malformed. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

/** The pure-JS backend (the default). */
export const nobleEd25519: Ed25519Backend = {
  name: 'noble',
  publicKey: (seed) => ed25519.getPublicKey(seed),
  sign: (message, seed) => ed25519.sign(message, seed),
  verify(signature, message, publicKey) {
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
};

let current: Ed25519Backend = nobleEd25519;

/** The backend in use. */
export function ed25519Backend(): Ed25519Backend {
  return current;
}

/** Installs a backend for the whole process (idempotent; hosts call it once at start-up). */
export function useEd25519Backend(backend: Ed25519Backend): void {
  current = backend;
}
