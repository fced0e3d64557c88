/**
 * Ed25519 for Node hosts (daemon, Electron main, relay), installed as the
 * shared/ backend: OpenSSL (node:crypto) signs, libsodium (sodium-native)
 * verifies. Same keys and signatures as the noble backend, and exactly
 * noble's strict verdict:
 * - libsodium accepts only when S < L, R and A are canonical and not of
 *   small order, and the encoding of [S]B − [k]A is R itself: the
 *   cofactorless equation, which implies noble's cofactored one. noble's own
 *   rules for A (canonical, not of small order) are checked once per key
 *   with noble, and cached.
 * - A libsodium "invalid" is re-checked with noble, since the cofactored
 *   equation also accepts an R with a torsion component (and noble does not
 *   refuse a small-order R). Honest signatures never take that path; only
 *   forged or tampered ones pay the slow check.
 * libsodium's verification is ~45 µs against OpenSSL's ~80 µs here (a
 * 67-of-100 reshare checks ~17,000 device signatures).
 * test/crypto checks the two backends agree, including on those edge cases.
 */
import { createPublicKey, sign as nodeSign } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import sodium from 'sodium-native';
import { nobleEd25519, useEd25519Backend, type Ed25519Backend } from '../../shared/ed25519-backend.js';
import { BoundedCache, PrivateKeyCache } from './key-objects.js';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** noble's strict verdict on a raw public key A, by key: canonical encoding and not of small order. */
const strictKeys = new BoundedCache<boolean>();

function strictKey(raw: Uint8Array): boolean {
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
  return strictKeys.get(id, () => {
    try {
      return !ed25519.Point.fromBytes(raw, false).isSmallOrder();
    } catch {
      return false;
    }
  });
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
    if (signature.length !== 64 || publicKey.length !== 32 || !strictKey(publicKey)) return false;
    if (sodium.crypto_sign_verify_detached(signature, message, publicKey)) return true;
    return nobleEd25519.verify(signature, message, publicKey);
  },
};

/** Makes this backend (OpenSSL signs, libsodium verifies) the Ed25519 backend of this process (idempotent). */
export function installNodeEd25519(): void {
  useEd25519Backend(nodeEd25519);
}
