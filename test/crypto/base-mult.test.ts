/**
 * Dealer commitments C_ik = a_ik·G (DESIGN §4 step 4) through the installed
 * libsodium base multiplication must be byte for byte noble's, for scalars
 * across the whole range below L; a = 0 (which libsodium refuses) goes to
 * noble, which refuses it too.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterEach, describe, expect, it } from 'vitest';
import { installSodiumBaseMultiplier, sodiumBaseMultiplier } from '../../main/crypto/sodium-base-mult.js';
import { ed25519Suite as suite, useEd25519BaseMultiplier } from '../../shared/suites.js';

afterEach(() => useEd25519BaseMultiplier(undefined));

const L = ed25519.Point.Fn.ORDER;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const nobleCommitment = (a: bigint) => hex(suite.encodeCommitment(ed25519.Point.BASE.multiply(a)));

describe('ed25519 base multiplication for dealer commitments', () => {
  const scalars = [1n, 2n, 8n, L - 1n, L - 2n, (L - 1n) / 2n, 1n << 252n, ...Array.from({ length: 30 }, (_, i) => (BigInt(i + 1) * 0x9e3779b97f4a7c15f39cc0605cedc835n) % L)];

  it('gives noble’s commitment for every scalar, with libsodium installed', () => {
    installSodiumBaseMultiplier();
    for (const a of scalars) expect(hex(suite.commitScalar(a))).toBe(nobleCommitment(a));
  });

  it('gives the same without it (noble alone)', () => {
    for (const a of scalars.slice(0, 5)) expect(hex(suite.commitScalar(a))).toBe(nobleCommitment(a));
  });

  it('asks noble when libsodium refuses, so a = 0 is refused as noble refuses it', () => {
    expect(sodiumBaseMultiplier(new Uint8Array(32))).toBeUndefined();
    expect(() => suite.commitScalar(0n)).toThrow(/invalid scalar/);
    installSodiumBaseMultiplier();
    expect(() => suite.commitScalar(0n)).toThrow(/invalid scalar/);
  });

  it('really runs through the installed multiplier', () => {
    let calls = 0;
    useEd25519BaseMultiplier((s) => (calls++, sodiumBaseMultiplier(s)));
    suite.commitScalar(5n);
    expect(calls).toBe(1);
  });
});
