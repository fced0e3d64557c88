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
import { createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { nobleEd25519, useEd25519Backend, type Ed25519Backend } from '../../shared/ed25519-backend.js';
import { BoundedCache, PrivateKeyCache } from './key-objects.js';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Public key objects by raw key; null for a key noble's strict rules refuse. */
const publicKeys = new BoundedCache<KeyObject | null>();

function publicKeyObject(raw: Uint8Array): KeyObject | null {
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
  return publicKeys.get(id, () => {
    try {
      // noble's strict rules for A: canonical encoding (throws otherwise), not of small order.
      if (ed25519.Point.fromBytes(raw, false).isSmallOrder()) throw new Error('small-order key');
      return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    } catch {
      return null;
    }
  });
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

/** Private key objects per seed array (`sign` rebuilds if the seed bytes changed). */
const privateKeys = new PrivateKeyCache(
  PKCS8_PREFIX,
  (key) => new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length)),
  'Ed25519 seed',
);

/** The node:crypto backend. */
export const nodeEd25519: Ed25519Backend = {
  name: 'node',
  publicKey(seed) {
    return Uint8Array.from(privateKeys.get(seed).publicKey);
  },
  sign(message, seed) {
    return new Uint8Array(nodeSign(null, message, privateKeys.get(seed).key));
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
