/**
 * Device identity (DESIGN §3): Ed25519 identity key, X25519 HPKE key,
 * deviceId = first 16 bytes of SHA-256(identity key), domain-separated signatures,
 * and secret keys that never print.
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '../../shared/bytes.js';
import { isRampartError } from '../../shared/errors.js';
import { DOMAIN } from '../../shared/hash.js';
import {
  deviceIdOf,
  deviceKeysFromBytes,
  devicePublicKeys,
  generateDeviceKeys,
  signDomain,
  verifyDomain,
} from '../../shared/identity.js';

// RFC 8032 §7.1 TEST 1 and RFC 7748 §6.1 (Alice).
const ED_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const ED_PUB = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const X_SK = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
const X_PUB = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a';

const keys = deviceKeysFromBytes(hexToBytes(ED_SEED), hexToBytes(X_SK));

describe('device identity', () => {
  it('derives the RFC 8032 identity key and the RFC 7748 HPKE key', () => {
    expect(devicePublicKeys(keys)).toEqual({ identityKey: ED_PUB, hpkeKey: X_PUB });
  });

  it('deviceId is the first 16 bytes of plain SHA-256 of the identity key', () => {
    const expected = createHash('sha256').update(Buffer.from(ED_PUB, 'hex')).digest('hex').slice(0, 32);
    expect(deviceIdOf(ED_PUB)).toBe(expected);
  });

  it('deviceIdOf rejects a malformed identity key', () => {
    for (const bad of [ED_PUB.toUpperCase(), ED_PUB.slice(2), ED_PUB + '0']) {
      let code: string | undefined;
      try {
        deviceIdOf(bad);
      } catch (e) {
        code = isRampartError(e) ? e.code : 'other';
      }
      expect(code).toBe('ENCODING_INVALID');
    }
  });

  it('generates keys from the injected RNG, and fresh keys otherwise', () => {
    let n = 0;
    const rng = (len: number) => new Uint8Array(len).fill(++n);
    const a = devicePublicKeys(generateDeviceKeys(rng));
    n = 0;
    expect(devicePublicKeys(generateDeviceKeys(rng))).toEqual(a);
    expect(a.identityKey).toBe(bytesToHex(ed25519.getPublicKey(new Uint8Array(32).fill(1))));
    expect(devicePublicKeys(generateDeviceKeys())).not.toEqual(devicePublicKeys(generateDeviceKeys()));
  });

  it('secret keys never appear in JSON, String() or console output', () => {
    const secrets = [ED_SEED, X_SK];
    const outputs = [JSON.stringify(keys), JSON.stringify({ keys }), inspect(keys, { depth: 5, showHidden: true }), `${keys.signingKey}`, String(keys.hpkeKey)];
    for (const out of outputs) {
      expect(out).toContain('<redacted>');
      for (const s of secrets) expect(out).not.toContain(s);
    }
  });

  it('still exposes the key bytes to shared/ code', () => {
    expect(bytesToHex(keys.signingKey.expose())).toBe(ED_SEED);
  });
});

describe('domain-separated signatures', () => {
  const msg = utf8ToBytes('hello');

  it('signs utf8(domain) || 0x00 || message with plain Ed25519', () => {
    const sig = signDomain(DOMAIN.approval, msg, keys.signingKey);
    const signed = concatBytes(utf8ToBytes('rampart/v1/approval'), new Uint8Array([0]), msg);
    expect(ed25519.verify(hexToBytes(sig), signed, hexToBytes(ED_PUB))).toBe(true);
    expect(verifyDomain(DOMAIN.approval, msg, sig, ED_PUB)).toBe(true);
  });

  it('a signature does not verify under another domain, message or key', () => {
    const sig = signDomain(DOMAIN.approval, msg, keys.signingKey);
    const other = devicePublicKeys(deviceKeysFromBytes(new Uint8Array(32).fill(9), new Uint8Array(32))).identityKey;
    expect(verifyDomain(DOMAIN.envelope, msg, sig, ED_PUB)).toBe(false);
    expect(verifyDomain(DOMAIN.approval, utf8ToBytes('hellO'), sig, ED_PUB)).toBe(false);
    expect(verifyDomain(DOMAIN.approval, msg, sig, other)).toBe(false);
  });

  it('verifyDomain returns false, not an exception, for malformed input', () => {
    const sig = signDomain(DOMAIN.approval, msg, keys.signingKey);
    expect(verifyDomain(DOMAIN.approval, msg, sig.slice(2), ED_PUB)).toBe(false);
    expect(verifyDomain(DOMAIN.approval, msg, sig.toUpperCase(), ED_PUB)).toBe(false);
    expect(verifyDomain(DOMAIN.approval, msg, sig, 'zz')).toBe(false);
    expect(verifyDomain(DOMAIN.approval, msg, sig, 'ff'.repeat(32))).toBe(false);
  });
});
