/**
 * Ed25519 through Node's OpenSSL (node:crypto), installed as the shared/
 * backend in every Node host (daemon, Electron main, relay). Same keys and
 * signatures as the noble backend, and exactly noble's strict verdict:
 * - OpenSSL checks the cofactorless equation [S]B = R + [k]A, which implies
 *   noble's cofactored one; on top of an OpenSSL "valid" we add noble's
 *   encoding rules it does not apply: A decodes canonically and is not of
 *   small order (checked once per key with noble, cached), R is canonical.
 * - An OpenSSL "invalid" is re-checked with noble, since the cofactored
 *   equation also accepts an R with a torsion component. Honest signatures
 *   never take that path; only forged or tampered ones pay the slow check.
 * test/crypto checks the two backends agree, including on those edge cases.
 * Key objects are cached: a quorum checks the same few identity keys over and over.
 */
import { createHash, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { nobleEd25519, useEd25519Backend, type Ed25519Backend } from '../../shared/ed25519-backend.js';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const CACHE_LIMIT = 4096;

/** A small insertion-ordered cache of public key objects, keyed by the raw key. */
const publicKeys = new Map<string, KeyObject | null>();

function publicKeyObject(raw: Uint8Array): KeyObject | null {
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
  const hit = publicKeys.get(id);
  if (hit !== undefined) return hit;
  let key: KeyObject | null;
  try {
    // noble's strict rules for A: canonical encoding (throws otherwise), not of small order.
    if (ed25519.Point.fromBytes(raw, false).isSmallOrder()) throw new Error('small-order key');
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    key = null;
  }
  if (publicKeys.size >= CACHE_LIMIT) publicKeys.delete(publicKeys.keys().next().value as string);
  publicKeys.set(id, key);
  return key;
}

const P = (1n << 255n) - 19n;

/** R as noble's strict decoder wants it: y < p, and no "negative zero" x (y = ±1 with the sign bit set). */
function canonicalR(r: Uint8Array): boolean {
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? r[i]! & 0x7f : r[i]!);
  if (y >= P) return false;
  const signBit = (r[31]! & 0x80) !== 0;
  return !(signBit && (y === 1n || y === P - 1n));
}

/**
 * Private key objects, keyed by the seed's own buffer (a SecretKey hands out the same array every
 * time): OpenSSL 3 takes milliseconds to decode a PKCS#8 key, far more than the signature. A
 * WeakMap holds nothing alive: when the SecretKey goes, so does its entry. A wiped seed (all
 * zero) is never looked up by a live key, and `sign` rebuilds if the seed bytes changed.
 */
const privateKeys = new WeakMap<Uint8Array, { key: KeyObject; publicKey: Uint8Array; check: string }>();

function fingerprintOf(seed: Uint8Array): string {
  // Detects a seed array rewritten in place (wipe, reuse); not a secret-bearing value on its own.
  return createHash('sha256').update(seed).digest('hex');
}

function privateEntry(seed: Uint8Array): { key: KeyObject; publicKey: Uint8Array } {
  if (seed.length !== 32) throw new Error('Ed25519 seed must be 32 bytes');
  const check = fingerprintOf(seed);
  const hit = privateKeys.get(seed);
  if (hit !== undefined && hit.check === check) return hit;
  const der = Buffer.concat([PKCS8_PREFIX, seed]);
  try {
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
    const entry = { key, publicKey: new Uint8Array(spki.subarray(SPKI_PREFIX.length)), check };
    privateKeys.set(seed, entry);
    return entry;
  } finally {
    der.fill(0);
  }
}

/** The node:crypto backend. */
export const nodeEd25519: Ed25519Backend = {
  name: 'node',
  publicKey(seed) {
    return Uint8Array.from(privateEntry(seed).publicKey);
  },
  sign(message, seed) {
    return new Uint8Array(nodeSign(null, message, privateEntry(seed).key));
  },
  verify(signature, message, publicKey) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    const key = publicKeyObject(publicKey);
    if (key === null) return false;
    let valid: boolean;
    try {
      valid = nodeVerify(null, message, key, signature);
    } catch {
      valid = false;
    }
    if (valid) return canonicalR(signature.subarray(0, 32));
    return nobleEd25519.verify(signature, message, publicKey);
  },
};

/** Makes node:crypto the Ed25519 backend of this process (idempotent). */
export function installNodeEd25519(): void {
  useEd25519Backend(nodeEd25519);
}
