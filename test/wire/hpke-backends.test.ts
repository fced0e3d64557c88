/**
 * The HPKE suite's two X25519 backends (shared/wire/hpke-suite.ts): WebCrypto
 * (the default) and node:crypto (main/crypto/node-x25519.ts, what the device
 * service installs), and the synchronous HKDF both use. Each must give RFC
 * 9180's results exactly, interoperate with the other, and refuse a
 * low-order key.
 */
import { HkdfSha256Native } from '@hpke/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../shared/bytes.js';
import { isRampartError } from '../../shared/errors.js';
import { envelopeHeader, type EnvelopeHeader } from '../../shared/wire/envelope.js';
import { SyncHkdfSha256 } from '../../shared/wire/hkdf-sha256.js';
import { openShare, sealShare } from '../../shared/wire/hpke.js';
import { hpkeSuite, useX25519Backend, x25519BackendName } from '../../shared/wire/hpke-suite.js';
import { nodeSha256 } from '../../main/crypto/node-sha256.js';
import { nodeX25519 } from '../../main/crypto/node-x25519.js';
import { nobleSha256, useSha256Backend } from '../../shared/sha256-backend.js';
import { alice, bob, example, RFC9180_A21 } from './fixtures.js';

afterEach(() => {
  useX25519Backend(undefined);
  useSha256Backend(undefined);
});

/** webcrypto: the browser's; node: what the device service installs (OpenSSL X25519 and SHA-256). */
const BACKENDS = [
  { name: 'webcrypto', install: () => (useX25519Backend(undefined), useSha256Backend(undefined)) },
  { name: 'node', install: () => (useX25519Backend(nodeX25519), useSha256Backend(nodeSha256)) },
] as const;

const V = RFC9180_A21;

const header: EnvelopeHeader = { ...envelopeHeader(example('reshare/deal')), from: alice.deviceId, to: [bob.deviceId] };

describe.each(BACKENDS)('HPKE with the $name X25519', ({ name, install }) => {
  it('is the backend in use', () => {
    install();
    expect(x25519BackendName()).toBe(name);
  });

  it('seals the RFC 9180 A.2.1 plaintext to exactly the RFC enc and ciphertext', async () => {
    install();
    const suite = hpkeSuite();
    const recipientPublicKey = await suite.kem.deserializePublicKey(hexToBytes(V.pkRm));
    const { enc, ct } = await suite.seal({ recipientPublicKey, info: hexToBytes(V.info), ekm: hexToBytes(V.ikmE) }, hexToBytes(V.pt), hexToBytes(V.aad));
    expect(bytesToHex(new Uint8Array(enc))).toBe(V.enc);
    expect(bytesToHex(new Uint8Array(ct))).toBe(V.ct);
  });

  it('opens the RFC 9180 A.2.1 ciphertext, and not one with a flipped byte', async () => {
    install();
    const suite = hpkeSuite();
    const recipientKey = await suite.kem.deserializePrivateKey(hexToBytes(V.skRm));
    const pt = await suite.open({ recipientKey, enc: hexToBytes(V.enc), info: hexToBytes(V.info) }, hexToBytes(V.ct), hexToBytes(V.aad));
    expect(bytesToHex(new Uint8Array(pt))).toBe(V.pt);
    const bad = hexToBytes(V.ct);
    bad[3] = (bad[3] as number) ^ 1;
    await expect(suite.open({ recipientKey, enc: hexToBytes(V.enc), info: hexToBytes(V.info) }, bad, hexToBytes(V.aad))).rejects.toThrow();
  });

  it('refuses to seal to a low-order X25519 key (RFC 9180 §7.1.4), naming the recipient', async () => {
    install();
    const lowOrder = '01' + '00'.repeat(31); // u = 1: order 4 on the twist-secure curve, DH output all zero
    let caught: unknown;
    try {
      await sealShare(lowOrder, bob.deviceId, header, utf8ToBytes('share'));
    } catch (e) {
      caught = e;
    }
    expect(isRampartError(caught) && caught.code === 'ENCODING_INVALID' && caught.culprit === bob.deviceId).toBe(true);
  });
});

describe('the two X25519 backends interoperate', () => {
  it.each([
    ['webcrypto', 'node'],
    ['node', 'webcrypto'],
  ] as const)('a share sealed with %s opens with %s', async (sealer, opener) => {
    const use = (n: string) => useX25519Backend(n === 'node' ? nodeX25519 : undefined);
    use(sealer);
    const sealed = await sealShare(bob.hpkeKey, bob.deviceId, header, utf8ToBytes('sub-share bytes'));
    use(opener);
    expect(new TextDecoder().decode(await openShare(bob.keys, bob.deviceId, header, sealed))).toBe('sub-share bytes');
  });

  it('installing the same backend again keeps the suite (and the keys it imported)', () => {
    useX25519Backend(nodeX25519);
    const suite = hpkeSuite();
    useX25519Backend(nodeX25519);
    expect(hpkeSuite()).toBe(suite);
  });
});

describe.each([
  { name: 'noble', backend: nobleSha256 },
  { name: 'node', backend: nodeSha256 },
])('SyncHkdfSha256 over the $name SHA-256', ({ backend }) => {
  beforeEach(() => useSha256Backend(backend));

  const init = <T extends { init(id: Uint8Array): void }>(k: T): T => {
    k.init(utf8ToBytes('HPKE-test-suite'));
    return k;
  };
  const hex = (b: ArrayBuffer) => bytesToHex(new Uint8Array(b));

  it('gives RFC 5869 test case 1 (HKDF-SHA256)', async () => {
    const kdf = init(new SyncHkdfSha256());
    const okm = await kdf.extractAndExpand(hexToBytes('000102030405060708090a0b0c'), hexToBytes('0b'.repeat(22)), hexToBytes('f0f1f2f3f4f5f6f7f8f9'), 42);
    expect(hex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  it("agrees with @hpke's WebCrypto HKDF on every operation HPKE uses", async () => {
    const sync = init(new SyncHkdfSha256());
    const web = init(new HkdfSha256Native());
    const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
    for (let round = 0; round < 20; round++) {
      const ikm = rnd(round * 3);
      const salt = round % 2 === 0 ? new Uint8Array(0) : rnd(32);
      const info = rnd(round);
      const len = 1 + round * 7;
      expect(hex(await sync.extract(salt, ikm))).toBe(hex(await web.extract(salt, ikm)));
      const prk = await web.extract(salt, ikm);
      expect(hex(await sync.expand(prk, info, len))).toBe(hex(await web.expand(prk, info, len)));
      expect(hex(await sync.extractAndExpand(salt, ikm, info, len))).toBe(hex(await web.extractAndExpand(salt, ikm, info, len)));
      const label = utf8ToBytes('secret');
      expect(hex(await sync.labeledExtract(salt, label, ikm))).toBe(hex(await web.labeledExtract(salt, label, ikm)));
      expect(hex(await sync.labeledExpand(prk, label, info, len))).toBe(hex(await web.labeledExpand(prk, label, info, len)));
    }
  });

  it('refuses what the WebCrypto HKDF refuses: a salt neither empty nor Nh bytes, and an output over 255·Nh', async () => {
    const kdf = init(new SyncHkdfSha256());
    await expect(kdf.extract(new Uint8Array(13), new Uint8Array(8))).rejects.toThrow(/salt length/);
    await expect(kdf.expand(new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1)).rejects.toThrow(/Entropy limit/);
  });
});
