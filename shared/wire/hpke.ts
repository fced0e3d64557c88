/**
 * HPKE sealing of share material to one recipient (DESIGN §3, §4 step 4; I5):
 * RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305.
 * info = utf8(DOMAIN.hpkeShare); AAD = canonical JSON of the envelope header
 * plus the recipient's deviceId, so a ciphertext opens only for that recipient,
 * in that quorum, session, epoch and message kind, from that sender.
 * The KEM is @hpke/core's DhkemX25519HkdfSha256, which uses WebCrypto's native X25519
 * (Node ≥ 20, current browsers); AEAD and KDF are pure JS or WebCrypto: works in Node and browsers.
 */
import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { bytesToHex, tryHexToBytes, utf8ToBytes } from '../bytes.js';
import { RampartError } from '../errors.js';
import { DOMAIN } from '../hash.js';
import type { DeviceSecretKeys } from '../identity.js';
import type { Sealed } from './bodies.js';
import { canonicalBytes } from './canonical.js';
import { envelopeHeader, type EnvelopeHeader } from './envelope.js';

/** The one HPKE suite (exported for the RFC 9180 vector test; use sealShare/openShare). */
export const hpkeSuite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Chacha20Poly1305(),
});

const INFO = utf8ToBytes(DOMAIN.hpkeShare);

/** AAD: the header fields only (extra properties of the argument are ignored) plus the recipient. */
function aad(header: EnvelopeHeader, recipientDeviceId: string): Uint8Array {
  return canonicalBytes({ ...envelopeHeader(header), recipient: recipientDeviceId });
}

function key32(hex: string): Uint8Array | undefined {
  const b = typeof hex === 'string' ? tryHexToBytes(hex) : undefined;
  return b !== undefined && b.length === 32 ? b : undefined;
}

/** Seals `plaintext` to one recipient's X25519 key, bound to the envelope header (DESIGN §3). */
export async function sealShare(
  recipientHpkeKeyHex: string,
  recipientDeviceId: string,
  header: EnvelopeHeader,
  plaintext: Uint8Array,
): Promise<Sealed> {
  if (!header.to.includes(recipientDeviceId)) {
    throw new RampartError('ENCODING_INVALID', 'the recipient is not in the envelope header\'s "to"');
  }
  const pk = key32(recipientHpkeKeyHex);
  if (pk === undefined) {
    throw new RampartError('ENCODING_INVALID', 'recipient HPKE key must be 32 bytes of lower-case hex', recipientDeviceId);
  }
  try {
    const recipientPublicKey = await hpkeSuite.kem.deserializePublicKey(pk);
    const { enc, ct } = await hpkeSuite.seal({ recipientPublicKey, info: INFO }, plaintext, aad(header, recipientDeviceId));
    return { enc: bytesToHex(new Uint8Array(enc)), ct: bytesToHex(new Uint8Array(ct)) };
  } catch {
    // e.g. a low-order X25519 key, which RFC 9180 §7.1.4 requires us to refuse.
    throw new RampartError('ENCODING_INVALID', 'cannot seal to the recipient HPKE key', recipientDeviceId);
  }
}

/**
 * The imported HPKE private key of a device, per key buffer (a SecretKey hands out the same
 * array every time). Importing is a PKCS#8 decode in WebCrypto — dearer than the X25519 itself,
 * and a receiver opens one sub-share per dealer. The WeakMap holds nothing alive, and a key
 * buffer rewritten in place (wiped) is imported again.
 */
type HpkePrivateKey = Awaited<ReturnType<typeof hpkeSuite.kem.deserializePrivateKey>>;
const importedKeys = new WeakMap<Uint8Array, { bytes: string; key: Promise<HpkePrivateKey> }>();
function privateKeyOf(raw: Uint8Array): Promise<HpkePrivateKey> {
  const bytes = bytesToHex(raw);
  const hit = importedKeys.get(raw);
  if (hit !== undefined && hit.bytes === bytes) return hit.key;
  const key = hpkeSuite.kem.deserializePrivateKey(raw);
  importedKeys.set(raw, { bytes, key });
  key.catch(() => importedKeys.delete(raw));
  return key;
}

/**
 * Opens a share sealed to this device. Throws DECRYPT_FAILED (culprit = header.from)
 * for a wrong recipient or key, an altered header, or a tampered enc/ciphertext.
 */
export async function openShare(
  secretKeys: DeviceSecretKeys,
  myDeviceId: string,
  header: EnvelopeHeader,
  sealed: Sealed,
): Promise<Uint8Array> {
  const fail = (why: string): never => {
    throw new RampartError('DECRYPT_FAILED', `cannot open sealed share: ${why}`, header.from);
  };
  if (!header.to.includes(myDeviceId)) fail('this device is not a recipient');
  const enc = key32(sealed.enc);
  const ct = typeof sealed.ct === 'string' ? tryHexToBytes(sealed.ct) : undefined;
  if (enc === undefined || ct === undefined) return fail('malformed enc or ciphertext');
  try {
    const recipientKey = await privateKeyOf(secretKeys.hpkeKey.expose());
    const pt = await hpkeSuite.open({ recipientKey, enc, info: INFO }, ct, aad(header, myDeviceId));
    return new Uint8Array(pt);
  } catch {
    return fail('authentication failed');
  }
}
