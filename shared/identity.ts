/**
 * Device identity (DESIGN §3): an Ed25519 signing key and an X25519 HPKE key.
 * `deviceId` = first 16 bytes of SHA-256(identity public key), hex.
 * Every device signature is domain-separated: Ed25519 over
 * utf8(domain) || 0x00 || message, with a tag from `DOMAIN` (shared/hash.ts),
 * through the host's Ed25519 backend (shared/ed25519-backend.ts).
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { bytesToHex, concatBytes, tryHexToBytes, utf8ToBytes } from './bytes.js';
import { ed25519Backend } from './ed25519-backend.js';
import { RampartError } from './errors.js';
import type { Domain } from './hash.js';
import { SecretState } from './redact.js';

/**
 * Secret key bytes that never print: JSON.stringify, String() and Node's
 * console/util.inspect all show '<redacted>'. Only shared/ crypto code calls `expose()`.
 */
export class SecretKey extends SecretState {
  readonly #bytes: Uint8Array;

  /** Copies `bytes`; the caller may wipe its own copy afterwards. */
  constructor(bytes: Uint8Array) {
    super();
    this.#bytes = Uint8Array.from(bytes);
  }

  /** The raw key bytes. Never log, serialise or send them. */
  expose(): Uint8Array {
    return this.#bytes;
  }

  /** Overwrites the key with zeros; the object is useless afterwards. */
  wipe(): void {
    this.#bytes.fill(0);
  }
}

/** A device's secret keys: the Ed25519 seed (32 bytes) and the X25519 HPKE private key (32 bytes). */
export interface DeviceSecretKeys {
  readonly signingKey: SecretKey;
  readonly hpkeKey: SecretKey;
}

/** A device's public keys, lower-case hex: Ed25519 identity key and X25519 HPKE key. */
export interface DevicePublicKeys {
  identityKey: string;
  hpkeKey: string;
}

/** A source of random bytes (injectable for deterministic tests). */
export type Rng = (bytesLength: number) => Uint8Array;

function take32(rng: Rng): Uint8Array {
  const b = rng(32);
  if (!(b instanceof Uint8Array) || b.length !== 32) throw new Error('rng must return 32 bytes');
  return b;
}

/** Generates a fresh device identity: Ed25519 seed + X25519 private key (DESIGN §3); wipes the RNG's output after copying it. */
export function generateDeviceKeys(rng: Rng = randomBytes): DeviceSecretKeys {
  const signing = take32(rng);
  const hpke = take32(rng);
  const keys = { signingKey: new SecretKey(signing), hpkeKey: new SecretKey(hpke) };
  signing.fill(0);
  hpke.fill(0);
  return keys;
}

/** Rebuilds secret keys from stored bytes (keystore); each must be 32 bytes. */
export function deviceKeysFromBytes(signingKey: Uint8Array, hpkeKey: Uint8Array): DeviceSecretKeys {
  if (signingKey.length !== 32 || hpkeKey.length !== 32) {
    throw new RampartError('ENCODING_INVALID', 'device secret keys must be 32 bytes each');
  }
  return { signingKey: new SecretKey(signingKey), hpkeKey: new SecretKey(hpkeKey) };
}

/** The Ed25519 identity public key (hex) of a signing key. */
export function identityKeyOf(signingKey: SecretKey): string {
  return bytesToHex(ed25519Backend().publicKey(signingKey.expose()));
}

/** The public keys of a device, as hex. */
export function devicePublicKeys(secret: DeviceSecretKeys): DevicePublicKeys {
  return {
    identityKey: identityKeyOf(secret.signingKey),
    hpkeKey: bytesToHex(x25519.getPublicKey(secret.hpkeKey.expose())),
  };
}

function identityKeyBytes(identityKeyHex: string): Uint8Array {
  const b = typeof identityKeyHex === 'string' ? tryHexToBytes(identityKeyHex) : undefined;
  if (b === undefined || b.length !== 32) {
    throw new RampartError('ENCODING_INVALID', 'identity key must be 32 bytes of lower-case hex');
  }
  return b;
}

/** deviceId = hex of the first 16 bytes of plain SHA-256(identity public key) (DESIGN §3). */
export function deviceIdOf(identityKeyHex: string): string {
  return bytesToHex(sha256(identityKeyBytes(identityKeyHex)).subarray(0, 16));
}

function domainMessage(domain: Domain, message: Uint8Array): Uint8Array {
  return concatBytes(utf8ToBytes(domain), new Uint8Array([0]), message);
}

/** Ed25519 signature (hex) over utf8(domain) || 0x00 || message. */
export function signDomain(domain: Domain, message: Uint8Array, signingKey: SecretKey): string {
  return bytesToHex(ed25519Backend().sign(domainMessage(domain, message), signingKey.expose()));
}

/**
 * Verifies a `signDomain` signature under an identity key (both hex). Strict
 * RFC 8032 verification (no ZIP-215 leniency); false on any malformed input.
 */
export function verifyDomain(domain: Domain, message: Uint8Array, sigHex: string, identityKeyHex: string): boolean {
  const sig = typeof sigHex === 'string' ? tryHexToBytes(sigHex) : undefined;
  const key = typeof identityKeyHex === 'string' ? tryHexToBytes(identityKeyHex) : undefined;
  if (sig === undefined || sig.length !== 64 || key === undefined || key.length !== 32) return false;
  return ed25519Backend().verify(sig, domainMessage(domain, message), key);
}
