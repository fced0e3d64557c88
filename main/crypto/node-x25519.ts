/**
 * X25519 through Node's OpenSSL (node:crypto), installed as the HPKE KEM's
 * curve in every Node host that seals or opens shares (DESIGN §3, §4 step 4).
 * Synchronous, so an HPKE operation costs two or three OpenSSL calls instead
 * of a chain of WebCrypto jobs; same RFC 7748 function, so same keys and
 * ciphertexts (test/wire/hpke-backends.test.ts runs the RFC 9180 vectors
 * through it). OpenSSL refuses an all-zero shared secret, as RFC 9180
 * §7.1.4 asks.
 * Key objects are cached: per secret-key array (a WeakMap: it holds nothing
 * alive; an array rewritten in place is imported again), and per public key
 * (a quorum seals to the same few device keys over and over).
 */
import { createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { useX25519Backend, type X25519Backend } from '../../shared/wire/hpke-suite.js';
import { BoundedCache, PrivateKeyCache } from './key-objects.js';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** Bytes of a base64url string in an array that owns its buffer (the Buffer itself is wiped). */
function fromBase64url(text: string): Uint8Array {
  const buf = Buffer.from(text, 'base64url');
  const out = new Uint8Array(buf);
  buf.fill(0);
  return out;
}

function publicKeyOf(key: KeyObject): Uint8Array {
  const { x } = createPublicKey(key).export({ format: 'jwk' });
  if (typeof x !== 'string') throw new Error('X25519 key without a public part');
  return fromBase64url(x);
}

const privateKeys = new PrivateKeyCache(PKCS8_PREFIX, publicKeyOf, 'X25519 secret key');

/** Public key objects by raw key (base64url, as JWK wants it). */
const publicKeys = new BoundedCache<KeyObject>();

function publicKeyObject(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new Error('X25519 public key must be 32 bytes');
  const x = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url');
  return publicKeys.get(x, () => createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' }));
}

/** The node:crypto backend. */
export const nodeX25519: X25519Backend = {
  name: 'node',
  utils: {
    randomSecretKey() {
      const { privateKey, publicKey } = generateKeyPairSync('x25519');
      const { d } = privateKey.export({ format: 'jwk' });
      const { x } = publicKey.export({ format: 'jwk' });
      if (typeof d !== 'string' || typeof x !== 'string') throw new Error('X25519 key generation failed');
      const secretKey = fromBase64url(d);
      privateKeys.remember(secretKey, { key: privateKey, publicKey: fromBase64url(x) });
      return secretKey;
    },
  },
  getPublicKey(secretKey) {
    return Uint8Array.from(privateKeys.get(secretKey).publicKey);
  },
  getSharedSecret(secretKey, publicKey) {
    // Throws for a low-order peer key (all-zero result).
    const shared = diffieHellman({ privateKey: privateKeys.get(secretKey).key, publicKey: publicKeyObject(publicKey) });
    const out = new Uint8Array(shared);
    shared.fill(0);
    return out;
  },
};

/** Makes node:crypto the X25519 of HPKE in this process (idempotent). */
export function installNodeX25519(): void {
  useX25519Backend(nodeX25519);
}
