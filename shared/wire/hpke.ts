/**
 * HPKE sealing of share material to one recipient (DESIGN §3, §4 step 4; I5):
 * RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305.
 * info = utf8(DOMAIN.hpkeShare); AAD = canonical JSON of the envelope header
 * plus the recipient's deviceId, so a ciphertext opens only for that recipient,
 * in that quorum, session, epoch and message kind, from that sender.
 * The suite itself (and which X25519 it uses) is ./hpke-suite.ts.
 */
import { bytesToHex, tryHexToBytes, utf8ToBytes } from '../bytes.js';
import { RampartError } from '../errors.js';
import { DOMAIN } from '../hash.js';
import type { DeviceSecretKeys } from '../identity.js';
import type { Sealed } from './bodies.js';
import { canonicalJson } from './canonical.js';
import { envelopeHeader, type EnvelopeHeader } from './envelope.js';
import { hpkeSuite } from './hpke-suite.js';


const INFO = utf8ToBytes(DOMAIN.hpkeShare);

/** A stand-in recipient, split out of the canonical AAD: no deviceId contains a NUL. */
const RECIPIENT_SLOT = '\u0000';
const SLOT_JSON = `"recipient":${JSON.stringify(RECIPIENT_SLOT)}`;

/**
 * AAD: the header fields only (extra properties of the argument are ignored) plus the recipient.
 * The header is canonicalized once for all recipients (a deal's `to` lists n' deviceIds); each
 * AAD is the same bytes as canonicalBytes({ ...fields, recipient }), since RFC 8785 orders keys by
 * name, not by value.
 */
function aadFor(header: EnvelopeHeader): (recipientDeviceId: string) => Uint8Array {
  const [before, after] = canonicalJson({ ...envelopeHeader(header), recipient: RECIPIENT_SLOT }).split(SLOT_JSON) as [string, string];
  return (recipient) => utf8ToBytes(`${before}"recipient":${canonicalJson(recipient)}${after}`);
}

function key32(hex: string): Uint8Array | undefined {
  const b = typeof hex === 'string' ? tryHexToBytes(hex) : undefined;
  return b !== undefined && b.length === 32 ? b : undefined;
}

/** One recipient of a sealing: its deviceId, its X25519 key (hex) and what to seal to it. */
export interface SealRecipient {
  deviceId: string;
  hpkeKey: string;
  plaintext: Uint8Array;
}

/**
 * Seals each recipient's plaintext to its X25519 key under one envelope header
 * (DESIGN §3), in order. Every recipient must be in the header's `to`; a bad
 * key is refused naming its device.
 */
export async function sealShares(header: EnvelopeHeader, recipients: readonly SealRecipient[]): Promise<Sealed[]> {
  const aad = aadFor(header);
  const out: Sealed[] = [];
  for (const r of recipients) {
    if (!header.to.includes(r.deviceId)) {
      throw new RampartError('ENCODING_INVALID', 'the recipient is not in the envelope header\'s "to"');
    }
    const pk = key32(r.hpkeKey);
    if (pk === undefined) {
      throw new RampartError('ENCODING_INVALID', 'recipient HPKE key must be 32 bytes of lower-case hex', r.deviceId);
    }
    try {
      const suite = hpkeSuite();
      const recipientPublicKey = await suite.kem.deserializePublicKey(pk);
      const { enc, ct } = await suite.seal({ recipientPublicKey, info: INFO }, r.plaintext, aad(r.deviceId));
      out.push({ enc: bytesToHex(new Uint8Array(enc)), ct: bytesToHex(new Uint8Array(ct)) });
    } catch {
      // e.g. a low-order X25519 key, which RFC 9180 §7.1.4 requires us to refuse.
      throw new RampartError('ENCODING_INVALID', 'cannot seal to the recipient HPKE key', r.deviceId);
    }
  }
  return out;
}

/** Seals `plaintext` to one recipient's X25519 key, bound to the envelope header (DESIGN §3). */
export async function sealShare(
  recipientHpkeKeyHex: string,
  recipientDeviceId: string,
  header: EnvelopeHeader,
  plaintext: Uint8Array,
): Promise<Sealed> {
  const [sealed] = await sealShares(header, [{ deviceId: recipientDeviceId, hpkeKey: recipientHpkeKeyHex, plaintext }]);
  return sealed as Sealed;
}

/**
 * The imported HPKE private key of a device, per key buffer (a SecretKey hands out the same
 * array every time). Importing is a PKCS#8 decode in WebCrypto — dearer than the X25519 itself,
 * and a receiver opens one sub-share per dealer. The WeakMap holds nothing alive; a key
 * buffer rewritten in place (wiped), or a suite switched since, imports again.
 */
type HpkeSuite = ReturnType<typeof hpkeSuite>;
type HpkePrivateKey = Awaited<ReturnType<HpkeSuite['kem']['deserializePrivateKey']>>;
const importedKeys = new WeakMap<Uint8Array, { bytes: string; suite: HpkeSuite; key: Promise<HpkePrivateKey> }>();
function privateKeyOf(suite: HpkeSuite, raw: Uint8Array): Promise<HpkePrivateKey> {
  const bytes = bytesToHex(raw);
  const hit = importedKeys.get(raw);
  if (hit !== undefined && hit.bytes === bytes && hit.suite === suite) return hit.key;
  const key = suite.kem.deserializePrivateKey(raw);
  importedKeys.set(raw, { bytes, suite, key });
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
    const suite = hpkeSuite();
    const recipientKey = await privateKeyOf(suite, secretKeys.hpkeKey.expose());
    const pt = await suite.open({ recipientKey, enc, info: INFO }, ct, aadFor(header)(myDeviceId));
    return new Uint8Array(pt);
  } catch {
    return fail('authentication failed');
  }
}
