/**
 * The two SHA-256 backends (shared/sha256-backend.ts): @noble/hashes (the
 * default, and the browser's) and node:crypto (main/crypto/node-sha256.ts,
 * installed by the device service and the relay). Every hash Rampart signs
 * or compares must come out the same whichever is installed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { nodeSha256 } from '../../main/crypto/node-sha256.js';
import { bytesToHex } from '../../shared/bytes.js';
import { DOMAIN, FieldHasher, hashFields } from '../../shared/hash.js';
import { nobleSha256, sha256Backend, useSha256Backend } from '../../shared/sha256-backend.js';

afterEach(() => useSha256Backend(undefined));

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const LENGTHS = [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 300_000];

describe('SHA-256 backends', () => {
  it('give the FIPS 180-2 digest of "abc"', () => {
    for (const b of [nobleSha256, nodeSha256]) {
      expect(bytesToHex(b.sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    }
  });

  it('agree on SHA-256 across block boundaries and on HMAC-SHA256 with short, block-size and long keys', () => {
    for (const n of LENGTHS) {
      expect(bytesToHex(nodeSha256.sha256(bytes(n, 1)))).toBe(bytesToHex(nobleSha256.sha256(bytes(n, 1))));
      for (const k of [0, 1, 32, 64, 65, 200]) {
        expect(bytesToHex(nodeSha256.hmacSha256(bytes(k, 2), bytes(n, 3)))).toBe(bytesToHex(nobleSha256.hmacSha256(bytes(k, 2), bytes(n, 3))));
      }
    }
  });

  it('give RFC 4231 test case 2 (HMAC-SHA256, key "Jefe")', () => {
    const enc = new TextEncoder();
    for (const b of [nobleSha256, nodeSha256]) {
      expect(bytesToHex(b.hmacSha256(enc.encode('Jefe'), enc.encode('what do ya want for nothing?')))).toBe(
        '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      );
    }
  });

  it('make the same domain-separated field hashes (transcripts, certificates)', () => {
    const fields = ['rampart', 7, bytes(64, 4), bytes(0, 0), 'ü'];
    const list = Array.from({ length: 67 }, (_, i) => bytes(64, i));
    const digest = () => [hashFields(DOMAIN.proposal, fields), new FieldHasher(DOMAIN.reshareTranscript).field('x').list(list).hex()];
    useSha256Backend(nobleSha256);
    const noble = digest();
    useSha256Backend(nodeSha256);
    expect(sha256Backend().name).toBe('node');
    expect(digest()).toEqual(noble);
  });

  it('return a fresh array the caller may overwrite', () => {
    const a = nodeSha256.sha256(bytes(10, 5));
    a.fill(0);
    expect(bytesToHex(nodeSha256.sha256(bytes(10, 5)))).toBe(bytesToHex(nobleSha256.sha256(bytes(10, 5))));
  });
});
