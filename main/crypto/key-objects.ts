/**
 * node:crypto KeyObject caches shared by the Ed25519 and X25519 backends
 * (node-ed25519.ts, node-x25519.ts). Importing a key is dearer than using it
 * (OpenSSL 3 takes milliseconds to decode a PKCS#8 key), and a device uses
 * the same few keys over and over.
 */
import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';

/** A private key object and its raw public key. */
export interface PrivateKeyEntry {
  key: KeyObject;
  publicKey: Uint8Array;
}

/**
 * Private key objects, keyed by the secret's own array (a SecretKey hands out the same array every
 * time). A WeakMap holds nothing alive: when the array goes, so does its entry. Each entry carries a
 * SHA-256 of the bytes it was built from, so an array rewritten in place (wiped, reused) is imported
 * again; the digest detects the rewrite and is not a secret-bearing value on its own.
 */
export class PrivateKeyCache {
  private readonly entries = new WeakMap<Uint8Array, PrivateKeyEntry & { check: string }>();

  /**
   * @param pkcs8Prefix the DER bytes that precede a raw 32-byte secret in this algorithm's PKCS#8
   * @param publicKeyOf the raw public key of an imported private key
   * @param what the key's name in errors ('Ed25519 seed', 'X25519 secret key')
   */
  constructor(
    private readonly pkcs8Prefix: Buffer,
    private readonly publicKeyOf: (key: KeyObject) => Uint8Array,
    private readonly what: string,
  ) {}

  /** The entry for `secret`, importing it on a miss (the DER copy of the secret is wiped). */
  get(secret: Uint8Array): PrivateKeyEntry {
    if (secret.length !== 32) throw new Error(`${this.what} must be 32 bytes`);
    const check = fingerprintOf(secret);
    const hit = this.entries.get(secret);
    if (hit !== undefined && hit.check === check) return hit;
    const der = Buffer.concat([this.pkcs8Prefix, secret]);
    try {
      const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      const entry = { key, publicKey: this.publicKeyOf(key), check };
      this.entries.set(secret, entry);
      return entry;
    } finally {
      der.fill(0);
    }
  }

  /** Records a key object made together with `secret` (a freshly generated pair), so it is never imported. */
  remember(secret: Uint8Array, entry: PrivateKeyEntry): void {
    this.entries.set(secret, { ...entry, check: fingerprintOf(secret) });
  }
}

function fingerprintOf(secret: Uint8Array): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A small insertion-ordered cache: at `limit` entries the oldest goes. */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit = 4096) {}

  /** The cached value for `id`, or `make()`'s (cached). */
  get(id: string, make: () => V): V {
    if (this.entries.has(id)) return this.entries.get(id) as V;
    const value = make();
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(id, value);
    return value;
  }
}
