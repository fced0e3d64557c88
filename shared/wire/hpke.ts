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
 * The canonical AAD of a header around its recipient, per header object: a dealer seals one
 * broadcast to every new member under the same header (a `to` of n' deviceIds), and its canonical
 * form is the same for all but the recipient's value. `key` (the fields, joined) notices a
 * header changed in place.
 */
const aadAround = new WeakMap<EnvelopeHeader, { before: string; after: string; key: string }>();

/** AAD: the header fields only (extra properties of the argument are ignored) plus the recipient. */
function aad(header: EnvelopeHeader, recipientDeviceId: string): Uint8Array {
  const fields = envelopeHeader(header);
  const key = [fields.v, fields.kind, fields.quorumId, fields.sessionId, fields.epoch, fields.from, ...fields.to].map(String).join('\n');
  let around = aadAround.get(header);
  if (around?.key !== key) {
    const [before, after] = canonicalJson({ ...fields, recipient: RECIPIENT_SLOT }).split(SLOT_JSON) as [string, string];
    around = { before, after, key };
    aadAround.set(header, around);
  }
  // Same bytes as canonicalBytes({ ...fields, recipient }): RFC 8785 orders keys by name, not value.
  return utf8ToBytes(`${around.before}"recipient":${canonicalJson(recipientDeviceId)}${around.after}`);
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
    const suite = hpkeSuite();
    const recipientPublicKey = await suite.kem.deserializePublicKey(pk);
    const { enc, ct } = await suite.seal({ recipientPublicKey, info: INFO }, plaintext, aad(header, recipientDeviceId));
    return { enc: bytesToHex(new Uint8Array(enc)), ct: bytesToHex(new Uint8Array(ct)) };
  } catch {
    // e.g. a low-order X25519 key, which RFC 9180 §7.1.4 requires us to refuse.
    throw new RampartError('ENCODING_INVALID', 'cannot seal to the recipient HPKE key', recipientDeviceId);
  }
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
    const pt = await suite.open({ recipientKey, enc, info: INFO }, ct, aad(header, myDeviceId));
    return new Uint8Array(pt);
  } catch {
    return fail('authentication failed');
  }
}
