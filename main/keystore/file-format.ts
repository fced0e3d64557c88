/**
 * On-disk format of the file keystore (see file.ts for the layout and the reasons).
 *
 * keystore.json: `{format, version: 1, kdf: {name: 'scrypt', N, r, p, salt}, cipher, verifier}`
 * (hex bytes). scrypt(passphrase, salt) gives a master key; HKDF-SHA256 splits it into an
 * encryption key and a file-name key. The verifier is an XChaCha20-Poly1305 box of a constant
 * whose AAD covers every header parameter: it tells a wrong passphrase (or an altered header)
 * from a corrupt entry.
 *
 * `<fileId>.sec`, fileId = hex HMAC-SHA256(nameKey, name): `0x01 ‖ nonce(24) ‖ box`, box =
 * XChaCha20-Poly1305(encKey, nonce, AAD = H(DOMAIN.keystore, 'entry', 1, fileId)) of
 * `u16 BE len(name) ‖ name ‖ value`. fileId is a keyed commitment to the name, so the AAD binds
 * the name; readers also check the decrypted name, so files cannot be swapped or renamed.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { bytesToHex, equalBytes, tryHexToBytes, utf8ToBytes } from '../../shared/bytes.js';
import { RampartError } from '../../shared/errors.js';
import { DOMAIN, FieldHasher } from '../../shared/hash.js';
import { redactSecret } from '../../shared/redact.js';

/** Name of the header file inside `<home>/keystore/`. */
export const HEADER_FILE = 'keystore.json';
/** Entry files are `<64 hex>.sec`. */
export const ENTRY_FILE_RE = /^[0-9a-f]{64}\.sec$/;
/** Default scrypt cost for new keystores (2^17, with r = 8, p = 1: 128 MiB, about a second). */
export const DEFAULT_SCRYPT_N = 2 ** 17;
/** Cheapest scrypt cost accepted (tests only; production uses the default). */
export const MIN_SCRYPT_N = 2 ** 10;

const FORMAT = 'rampart-keystore';
const CIPHER = 'xchacha20poly1305';
const ENTRY_VERSION = 1;
const NONCE = 24;
const TAG = 16;
const VERIFIER_TEXT = utf8ToBytes('rampart keystore passphrase verifier');
const MAX_MEM = 2 ** 30 + 2 ** 20;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** scrypt parameters as stored in the header. */
export interface KdfParams {
  N: number;
  r: number;
  p: number;
  salt: Uint8Array;
}

/** The parsed keystore.json. */
export interface Header {
  kdf: KdfParams;
  verifier: Uint8Array;
}

/** Keys derived from the passphrase; prints as <redacted>. */
export interface Keys {
  enc: Uint8Array;
  names: Uint8Array;
}

function corrupt(msg: string): RampartError {
  return new RampartError('KEYSTORE_CORRUPT', msg);
}

function validKdf(k: KdfParams): boolean {
  const { N, r, p } = k;
  if (![N, r, p].every((x) => Number.isSafeInteger(x) && x > 0)) return false;
  const powerOfTwo = (N & (N - 1)) === 0;
  // Bounds keep a hostile header from demanding gigabytes of memory (128·N·r bytes).
  return powerOfTwo && N >= MIN_SCRYPT_N && N <= 2 ** 20 && r <= 16 && p <= 4 && 128 * N * r <= 2 ** 30 && k.salt.length >= 16;
}

/** Fresh KDF parameters with a random 32-byte salt; throws PLAN_INVALID for an unsupported N. */
export function newKdfParams(N = DEFAULT_SCRYPT_N): KdfParams {
  const kdf = { N, r: 8, p: 1, salt: randomBytes(32) };
  if (!validKdf(kdf)) throw new RampartError('PLAN_INVALID', 'scrypt N must be a power of two from 2^10 to 2^20');
  return kdf;
}

/** Runs scrypt and HKDF; the master key is wiped. */
export async function deriveKeys(passphrase: string, kdf: KdfParams): Promise<Keys> {
  const pw = utf8ToBytes(passphrase.normalize('NFC'));
  const master = await scryptAsync(pw, kdf.salt, { N: kdf.N, r: kdf.r, p: kdf.p, dkLen: 32, maxmem: MAX_MEM });
  pw.fill(0);
  const keys = {
    enc: hkdf(sha256, master, kdf.salt, utf8ToBytes(`${DOMAIN.keystore}/enc`), 32),
    names: hkdf(sha256, master, kdf.salt, utf8ToBytes(`${DOMAIN.keystore}/names`), 32),
  };
  master.fill(0);
  return redactSecret(keys);
}

function verifierAad(kdf: KdfParams): Uint8Array {
  const h = new FieldHasher(DOMAIN.keystore).field('verifier').field(FORMAT).field(1).field(CIPHER);
  return h.field('scrypt').field(kdf.N).field(kdf.r).field(kdf.p).field(kdf.salt).digest();
}

/** A header for new keys: nonce ‖ box of the verifier constant. */
export function makeHeader(keys: Keys, kdf: KdfParams): Header {
  const nonce = randomBytes(NONCE);
  const box = xchacha20poly1305(keys.enc, nonce, verifierAad(kdf)).encrypt(VERIFIER_TEXT);
  return { kdf, verifier: new Uint8Array([...nonce, ...box]) };
}

/** Whether `keys` open this header's verifier (false: wrong passphrase or altered header). */
export function checkVerifier(keys: Keys, header: Header): boolean {
  const v = header.verifier;
  if (v.length !== NONCE + VERIFIER_TEXT.length + TAG) return false;
  try {
    const pt = xchacha20poly1305(keys.enc, v.subarray(0, NONCE), verifierAad(header.kdf)).decrypt(v.subarray(NONCE));
    return equalBytes(pt, VERIFIER_TEXT);
  } catch {
    return false;
  }
}

/** keystore.json text (stable key order, hex bytes). */
export function serializeHeader(h: Header): string {
  const kdf = { name: 'scrypt', N: h.kdf.N, r: h.kdf.r, p: h.kdf.p, salt: bytesToHex(h.kdf.salt) };
  return `${JSON.stringify({ format: FORMAT, version: 1, kdf, cipher: CIPHER, verifier: bytesToHex(h.verifier) }, null, 2)}\n`;
}

/** Parses keystore.json; KEYSTORE_CORRUPT if malformed, VERSION_UNSUPPORTED if from a newer Rampart. */
export function parseHeader(text: string): Header {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    throw corrupt(`${HEADER_FILE} is not valid JSON`);
  }
  const o = j as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || o.format !== FORMAT) throw corrupt(`${HEADER_FILE} is not a Rampart keystore header`);
  if (o.version !== 1) throw new RampartError('VERSION_UNSUPPORTED', `${HEADER_FILE} version ${String(o.version)} is not supported`);
  const k = o.kdf as Record<string, unknown> | null;
  const salt = typeof k?.salt === 'string' ? tryHexToBytes(k.salt) : undefined;
  const verifier = typeof o.verifier === 'string' ? tryHexToBytes(o.verifier) : undefined;
  if (o.cipher !== CIPHER || k?.name !== 'scrypt' || !salt || !verifier) throw corrupt(`${HEADER_FILE} has unknown or missing fields`);
  const kdf: KdfParams = { N: k.N as number, r: k.r as number, p: k.p as number, salt };
  if (!validKdf(kdf)) throw corrupt(`${HEADER_FILE} has out-of-range scrypt parameters`);
  return { kdf, verifier };
}

/** The entry file id of a name: hex HMAC-SHA256 under the name key (hides names on disk). */
export function entryFileId(keys: Keys, name: string): string {
  return bytesToHex(hmac(sha256, keys.names, utf8ToBytes(name)));
}

function entryAad(fileId: string): Uint8Array {
  return new FieldHasher(DOMAIN.keystore).field('entry').field(ENTRY_VERSION).field(fileId).digest();
}

/** Encrypts one entry file. */
export function sealEntry(keys: Keys, fileId: string, name: string, value: Uint8Array): Uint8Array {
  const nameBytes = utf8ToBytes(name);
  const pt = new Uint8Array(2 + nameBytes.length + value.length);
  new DataView(pt.buffer).setUint16(0, nameBytes.length, false);
  pt.set(nameBytes, 2);
  pt.set(value, 2 + nameBytes.length);
  const nonce = randomBytes(NONCE);
  const box = xchacha20poly1305(keys.enc, nonce, entryAad(fileId)).encrypt(pt);
  pt.fill(0);
  const out = new Uint8Array(1 + NONCE + box.length);
  out[0] = ENTRY_VERSION;
  out.set(nonce, 1);
  out.set(box, 1 + NONCE);
  return out;
}

/** Decrypts one entry file stored as `fileId`; KEYSTORE_CORRUPT on any mismatch. */
export function openEntry(keys: Keys, fileId: string, data: Uint8Array): { name: string; value: Uint8Array } {
  if (data.length < 1 + NONCE + TAG + 2 || data[0] !== ENTRY_VERSION) throw corrupt(`entry ${fileId.slice(0, 12)}… is malformed`);
  let pt: Uint8Array;
  try {
    pt = xchacha20poly1305(keys.enc, data.subarray(1, 1 + NONCE), entryAad(fileId)).decrypt(data.subarray(1 + NONCE));
  } catch {
    throw corrupt(`entry ${fileId.slice(0, 12)}… failed authentication (tampered, truncated or moved)`);
  }
  const len = new DataView(pt.buffer, pt.byteOffset, pt.byteLength).getUint16(0, false);
  if (2 + len > pt.length) {
    pt.fill(0);
    throw corrupt(`entry ${fileId.slice(0, 12)}… is malformed`);
  }
  let name: string;
  try {
    name = UTF8.decode(pt.subarray(2, 2 + len));
  } catch {
    pt.fill(0);
    throw corrupt(`entry ${fileId.slice(0, 12)}… is malformed`);
  }
  const value = pt.slice(2 + len);
  pt.fill(0);
  return { name, value };
}
