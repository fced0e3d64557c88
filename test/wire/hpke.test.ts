/**
 * HPKE sealing of shares (DESIGN §3; I5): RFC 9180 base mode with
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305, AAD = envelope
 * header + recipient. Every tampering must fail with DECRYPT_FAILED naming the sender.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../shared/bytes.js';
import { isRampartError, type ErrorCode } from '../../shared/errors.js';
import { DOMAIN } from '../../shared/hash.js';
import { deviceKeysFromBytes, devicePublicKeys } from '../../shared/identity.js';
import { canonicalBytes } from '../../shared/wire/canonical.js';
import { envelopeHeader, type EnvelopeHeader } from '../../shared/wire/envelope.js';
import { openShare, sealShare, sealShares } from '../../shared/wire/hpke.js';
import { hpkeSuite } from '../../shared/wire/hpke-suite.js';
import { alice, bob, carol, dave, example, RFC9180_A21 } from './fixtures.js';

/** Awaits `p` and returns the RampartError it rejects with. */
async function rejection(p: Promise<unknown>): Promise<{ code: ErrorCode; culprit: string | undefined }> {
  try {
    await p;
  } catch (e) {
    if (isRampartError(e)) return e;
    throw e;
  }
  throw new Error('expected a RampartError, but the promise resolved');
}

const flip = (hex: string, at: number) =>
  hex.slice(0, at * 2) + ((parseInt(hex.slice(at * 2, at * 2 + 2), 16) ^ 0x01).toString(16).padStart(2, '0')) + hex.slice(at * 2 + 2);

/** A reshare/deal header from alice to bob and carol. */
const header: EnvelopeHeader = { ...envelopeHeader(example('reshare/deal')), from: alice.deviceId, to: [bob.deviceId, carol.deviceId] };
const share = hexToBytes('5f'.repeat(32));

describe('HPKE share sealing', () => {
  it('round-trips a share to its recipient', async () => {
    const sealed = await sealShare(bob.hpkeKey, bob.deviceId, header, share);
    expect(sealed.enc).toMatch(/^[0-9a-f]{64}$/);
    expect(sealed.ct.length).toBe((32 + 16) * 2); // plaintext + Poly1305 tag
    expect(await openShare(bob.keys, bob.deviceId, header, sealed)).toEqual(share);
  });

  it('uses a fresh ephemeral key for every seal', async () => {
    const a = await sealShare(bob.hpkeKey, bob.deviceId, header, share);
    const b = await sealShare(bob.hpkeKey, bob.deviceId, header, share);
    expect(a.enc).not.toBe(b.enc);
    expect(a.ct).not.toBe(b.ct);
  });

  it('a share sealed to another device does not open, and names the sender', async () => {
    const sealed = await sealShare(bob.hpkeKey, bob.deviceId, header, share);
    const e = await rejection(openShare(carol.keys, carol.deviceId, header, sealed));
    expect(e.code).toBe('DECRYPT_FAILED');
    expect(e.culprit).toBe(alice.deviceId);
  });

  it('a share does not open under another recipient id, even with the right key', async () => {
    const sealed = await sealShare(bob.hpkeKey, bob.deviceId, header, share);
    const e = await rejection(openShare(bob.keys, carol.deviceId, header, sealed));
    expect(e.code).toBe('DECRYPT_FAILED');
    expect(e.culprit).toBe(alice.deviceId);
  });

  it('a share sealed to one recipient id does not open under another, even with the right key', async () => {
    // Sealed to bob's key but bound to carol's deviceId: bob must not accept it as his.
    const sealed = await sealShare(bob.hpkeKey, carol.deviceId, header, share);
    expect((await rejection(openShare(bob.keys, bob.deviceId, header, sealed))).code).toBe('DECRYPT_FAILED');
  });

  const alterations: [string, Partial<EnvelopeHeader>][] = [
    ['sessionId', { sessionId: '00'.repeat(16) }],
    ['epoch', { epoch: header.epoch + 1 }],
    ['quorumId', { quorumId: 'ff'.repeat(16) }],
    ['kind', { kind: 'dkg/round2' }],
    ['recipients', { to: [bob.deviceId, dave.deviceId] }],
  ];
  for (const [what, change] of alterations) {
    it(`a share does not open when the header's ${what} was altered`, async () => {
      const sealed = await sealShare(bob.hpkeKey, bob.deviceId, header, share);
      const e = await rejection(openShare(bob.keys, bob.deviceId, { ...header, ...change }, sealed));
      expect(e.code).toBe('DECRYPT_FAILED');
      expect(e.culprit).toBe(alice.deviceId);
    });
  }

  it("a share does not open when the header's sender was altered, and the claimed sender is named", async () => {
    const sealed = await sealShare(bob.hpkeKey, bob.deviceId, header, share);
    const e = await rejection(openShare(bob.keys, bob.deviceId, { ...header, from: dave.deviceId }, sealed));
    expect(e.code).toBe('DECRYPT_FAILED');
    expect(e.culprit).toBe(dave.deviceId);
  });

  it('a ciphertext with one flipped byte does not open', async () => {
    const sealed = await sealShare(bob.hpkeKey, bob.deviceId, header, share);
    for (const at of [0, 20, sealed.ct.length / 2 - 1]) {
      const e = await rejection(openShare(bob.keys, bob.deviceId, header, { ...sealed, ct: flip(sealed.ct, at) }));
      expect(e.code).toBe('DECRYPT_FAILED');
      expect(e.culprit).toBe(alice.deviceId);
    }
  });

  it('an encapsulated key with one flipped byte does not open', async () => {
    const sealed = await sealShare(bob.hpkeKey, bob.deviceId, header, share);
    const e = await rejection(openShare(bob.keys, bob.deviceId, header, { ...sealed, enc: flip(sealed.enc, 5) }));
    expect(e.code).toBe('DECRYPT_FAILED');
  });

  it('a malformed sealed share is a decryption failure, not a crash', async () => {
    const sealed = await sealShare(bob.hpkeKey, bob.deviceId, header, share);
    for (const bad of [{ ...sealed, ct: sealed.ct + '0' }, { ...sealed, enc: 'AB'.repeat(32) }, { ...sealed, enc: '00'.repeat(32) }]) {
      expect((await rejection(openShare(bob.keys, bob.deviceId, header, bad))).code).toBe('DECRYPT_FAILED');
    }
  });

  it('a device not addressed by the header does not open a share, even one sealed with matching AAD', async () => {
    // Seal by hand, binding bob as recipient to a header that does not address him.
    const unaddressed = { ...header, to: [carol.deviceId] };
    const aad = canonicalBytes({ ...unaddressed, recipient: bob.deviceId });
    const recipientPublicKey = await hpkeSuite().kem.deserializePublicKey(hexToBytes(bob.hpkeKey));
    const { enc, ct } = await hpkeSuite().seal({ recipientPublicKey, info: utf8ToBytes(DOMAIN.hpkeShare) }, share, aad);
    const sealed = { enc: bytesToHex(new Uint8Array(enc)), ct: bytesToHex(new Uint8Array(ct)) };
    // Control: the same construction under bob's real header opens, so only the "to" check rejects.
    const aadOk = canonicalBytes({ ...header, recipient: bob.deviceId });
    const ok = await hpkeSuite().seal({ recipientPublicKey, info: utf8ToBytes(DOMAIN.hpkeShare) }, share, aadOk);
    const okSealed = { enc: bytesToHex(new Uint8Array(ok.enc)), ct: bytesToHex(new Uint8Array(ok.ct)) };
    expect(await openShare(bob.keys, bob.deviceId, header, okSealed)).toEqual(share);
    const e = await rejection(openShare(bob.keys, bob.deviceId, unaddressed, sealed));
    expect(e.code).toBe('DECRYPT_FAILED');
    expect(e.culprit).toBe(alice.deviceId);
  });

  it('seals a batch under one header, in order, each under the AAD canonicalBytes({ ...header, recipient }); a header changed later binds anew', async () => {
    const shared = { ...header, to: [...header.to] };
    const openByHand = async (who: typeof bob, h: EnvelopeHeader, sealed: { enc: string; ct: string }) => {
      const recipientKey = await hpkeSuite().kem.deserializePrivateKey(who.keys.hpkeKey.expose());
      const aad = canonicalBytes({ ...envelopeHeader(h), recipient: who.deviceId });
      return new Uint8Array(await hpkeSuite().open({ recipientKey, enc: hexToBytes(sealed.enc), info: utf8ToBytes(DOMAIN.hpkeShare) }, hexToBytes(sealed.ct), aad));
    };
    const batch = [bob, carol, bob];
    const sealedBatch = await sealShares(shared, batch.map((who, i) => ({ deviceId: who.deviceId, hpkeKey: who.hpkeKey, plaintext: share.map((b) => b ^ i) })));
    expect(sealedBatch).toHaveLength(3);
    for (const [i, who] of batch.entries()) expect(await openByHand(who, shared, sealedBatch[i]!)).toEqual(share.map((b) => b ^ i));
    // A batch with a device the header does not address, or a bad key, is refused (the latter by name).
    expect((await rejection(sealShares(shared, [{ deviceId: dave.deviceId, hpkeKey: dave.hpkeKey, plaintext: share }]))).code).toBe('ENCODING_INVALID');
    expect((await rejection(sealShares(shared, [{ deviceId: bob.deviceId, hpkeKey: bob.hpkeKey, plaintext: share }, { deviceId: carol.deviceId, hpkeKey: '00'.repeat(32), plaintext: share }]))).culprit).toBe(carol.deviceId);
    // The same header object, readdressed: the next seal must bind the new "to".
    shared.to.reverse();
    const sealed = await sealShare(carol.hpkeKey, carol.deviceId, shared, share);
    expect(await openByHand(carol, shared, sealed)).toEqual(share);
    expect((await rejection(openShare(carol.keys, carol.deviceId, { ...shared, to: [...shared.to].reverse() }, sealed))).code).toBe('DECRYPT_FAILED');
  });

  it('refuses to seal to a device the header does not address', async () => {
    expect((await rejection(sealShare(dave.hpkeKey, dave.deviceId, header, share))).code).toBe('ENCODING_INVALID');
  });

  it('refuses to seal to a malformed or low-order HPKE key, naming the recipient', async () => {
    for (const key of ['AB'.repeat(32), '00'.repeat(31), '00'.repeat(32)]) {
      const e = await rejection(sealShare(key, bob.deviceId, header, share));
      expect(e.code).toBe('ENCODING_INVALID');
      expect(e.culprit).toBe(bob.deviceId);
    }
  });
});

describe('RFC 9180 A.2.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, base)', () => {
  const V = RFC9180_A21;

  it('a device HPKE key made from skRm has the public key pkRm', () => {
    const keys = deviceKeysFromBytes(new Uint8Array(32), hexToBytes(V.skRm));
    expect(devicePublicKeys(keys).hpkeKey).toBe(V.pkRm);
  });

  it('the shipped suite opens the RFC ciphertext with the raw private key, as openShare imports it', async () => {
    const recipientKey = await hpkeSuite().kem.deserializePrivateKey(hexToBytes(V.skRm));
    const pt = await hpkeSuite().open({ recipientKey, enc: hexToBytes(V.enc), info: hexToBytes(V.info) }, hexToBytes(V.ct), hexToBytes(V.aad));
    expect(bytesToHex(new Uint8Array(pt))).toBe(V.pt);
  });
});
