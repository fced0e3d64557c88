/**
 * The node:crypto Ed25519 backend must be a drop-in for the noble one
 * (shared/ed25519-backend.ts): same public keys, same signatures, and the
 * same verdict on valid, tampered, malformed and non-canonical inputs — a
 * device on either backend must accept exactly the same envelopes.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeEd25519 } from '../../main/crypto/node-ed25519.js';
import { nobleEd25519 } from '../../shared/ed25519-backend.js';

const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function numberToLE(n: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}
function leToNumber(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

describe('Ed25519 backends agree', () => {
  it('derive the same public key and the same signature from a seed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), (seed, msg) => {
        expect(nodeEd25519.publicKey(seed)).toEqual(nobleEd25519.publicKey(seed));
        expect(nodeEd25519.sign(msg, seed)).toEqual(nobleEd25519.sign(msg, seed));
      }),
      { numRuns: 50 },
    );
  });

  it('accept a valid signature and refuse any flipped bit of signature, message or key', () => {
    const seed = randomBytes(32);
    const msg = randomBytes(48);
    const pub = nobleEd25519.publicKey(seed);
    const sig = nobleEd25519.sign(msg, seed);
    expect(nodeEd25519.verify(sig, msg, pub)).toBe(true);
    expect(nobleEd25519.verify(sig, msg, pub)).toBe(true);
    for (const [what, bytes] of [['sig', sig], ['msg', msg], ['key', pub]] as const) {
      for (let bit = 0; bit < bytes.length * 8; bit += 7) {
        const flipped = Uint8Array.from(bytes);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        const args: [Uint8Array, Uint8Array, Uint8Array] =
          what === 'sig' ? [flipped, msg, pub] : what === 'msg' ? [sig, flipped, pub] : [sig, msg, flipped];
        const a = nodeEd25519.verify(...args);
        expect(a, `${what} bit ${bit}`).toBe(nobleEd25519.verify(...args));
        expect(a, `${what} bit ${bit}`).toBe(false);
      }
    }
  });

  it('refuse a non-canonical S (S + L), which ZIP-215-lenient verifiers would also refuse, and wrong lengths', () => {
    const seed = randomBytes(32);
    const msg = randomBytes(16);
    const pub = nobleEd25519.publicKey(seed);
    const sig = nobleEd25519.sign(msg, seed);
    const s = leToNumber(sig.subarray(32));
    const malleable = Uint8Array.from(sig);
    malleable.set(numberToLE(s + L, 32), 32);
    expect(nobleEd25519.verify(malleable, msg, pub)).toBe(false);
    expect(nodeEd25519.verify(malleable, msg, pub)).toBe(false);
    expect(nodeEd25519.verify(sig.subarray(0, 63), msg, pub)).toBe(false);
    expect(nodeEd25519.verify(sig, msg, pub.subarray(0, 31))).toBe(false);
  });

  it('refuse a signature under a small-order public key, as strict RFC 8032 does', () => {
    // The identity point (y = 1) as a public key, with R = identity and S = 0: "valid" for a
    // cofactored, lenient verifier, refused by strict ones. Both backends must agree.
    const identity = numberToLE(1n, 32);
    const sig = new Uint8Array(64);
    sig.set(identity, 0);
    const msg = new TextEncoder().encode('anything');
    expect(nodeEd25519.verify(sig, msg, identity)).toBe(nobleEd25519.verify(sig, msg, identity));
  });

  it('refuse garbage public keys without throwing', () => {
    const msg = randomBytes(8);
    const sig = randomBytes(64);
    for (let i = 0; i < 20; i++) {
      const key = randomBytes(32);
      expect(nodeEd25519.verify(sig, msg, key)).toBe(false);
      expect(nobleEd25519.verify(sig, msg, key)).toBe(false);
    }
  });

  it('accept, like noble, a signature whose R carries a torsion component (cofactored equation holds, cofactorless fails)', () => {
    const seed = randomBytes(32);
    const msg = randomBytes(16);
    const { scalar: a, pointBytes: pub } = ed25519.utils.getExtendedPublicKey(seed);
    // R = rB + T with T = (0, -1) of order 2; S = r + k·a. Then SB − R − kA = −T: OpenSSL's
    // cofactorless check fails, noble's cofactored one ([8]·(−T) = 0) passes.
    const T = ed25519.Point.fromAffine({ x: 0n, y: ed25519.Point.Fp.ORDER - 1n });
    const r = leToNumber(randomBytes(32)) % L;
    const R = ed25519.Point.BASE.multiply(r).add(T).toBytes();
    const k = leToNumber(sha512(new Uint8Array([...R, ...pub, ...msg]))) % L;
    const sig = new Uint8Array(64);
    sig.set(R, 0);
    sig.set(numberToLE((r + k * a) % L, 32), 32);
    expect(nobleEd25519.verify(sig, msg, pub)).toBe(true);
    expect(nodeEd25519.verify(sig, msg, pub)).toBe(true);
  });
});
