/**
 * The `*.rampart-backup` file (DESIGN §6): JSON with a clear header, the
 * scrypt parameters, a passphrase key-check value, and an XChaCha20-Poly1305
 * ciphertext whose AAD is the canonical JSON of {header, kdf} (crypto.ts).
 *
 *     { "header":     { format, version, quorumId, suite, groupPublicKey, epoch, deviceId,
 *                       identifier, createdAt, certificateHash, ciphertextLength },
 *       "kdf":        { name: "scrypt", N, r, p, salt },
 *       "keyCheck":   hex(32),
 *       "nonce":      hex(24),
 *       "ciphertext": hex }
 *
 * Reading is ordered so that every kind of bad file gets its own code:
 * not JSON, but a cut-off prefix of a JSON object → BACKUP_TRUNCATED; not JSON
 * otherwise, or not a backup → BACKUP_MALFORMED; a `version` this reader does
 * not know → BACKUP_VERSION_UNSUPPORTED (checked before the strict schema, so
 * a newer file is never reported as malformed); then the strict schema
 * (unknown fields refused) → BACKUP_MALFORMED; a ciphertext shorter than the
 * header declares → BACKUP_TRUNCATED (longer → BACKUP_MALFORMED). The length
 * is compared before decryption, so an altered `ciphertextLength` also reads
 * as truncated or malformed rather than tampered: without the passphrase the
 * header cannot be authenticated. Wrong passphrase and tampering are told
 * apart when decrypting (crypto.ts).
 */
import { z } from 'zod';
import { RampartError } from '../errors.js';
import { DOMAIN, hashFields } from '../hash.js';
import { canonicalBytes, canonicalJson } from '../wire/canonical.js';
import { deviceIdSchema, epochSchema, hashSchema, hexBytes, id16Schema, identifierSchema, pointSchema, suiteSchema } from '../wire/primitives.js';
import { isTruncatedJsonObject } from './truncation.js';

/** The `format` tag of every backup header. */
export const BACKUP_FORMAT = 'rampart-backup';
/** The one format version this code writes and reads. */
export const BACKUP_VERSION = 1;
/** Conventional file-name suffix. */
export const BACKUP_FILE_EXTENSION = '.rampart-backup';
/** Poly1305 tag length: the ciphertext is the plaintext plus this many bytes. */
export const AEAD_TAG_BYTES = 16;
/** Largest ciphertext accepted (64 MiB): a chain of thousands of certificates fits with room to spare. */
export const MAX_CIPHERTEXT_BYTES = 64 * 1024 * 1024;
/** Largest file text accepted: the hex ciphertext plus generous room for the rest. */
const MAX_FILE_CHARS = 2 * MAX_CIPHERTEXT_BYTES + 64 * 1024;

/**
 * The clear header: what a holder (and the import policy) may read without the
 * passphrase. Authenticated as AAD, so no field can be changed unnoticed.
 */
export const backupHeaderSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  quorumId: id16Schema,
  suite: suiteSchema,
  /**
   * The group key as the certificates carry it: commitments[0] of the epoch's
   * public package, hex, in the suite's internal encoding (ed25519: 32 bytes;
   * secp256k1-tr: 33-byte compressed point). `Suite.externalGroupKey` gives the
   * standard external form (the x-only Taproot key for secp256k1-tr).
   */
  groupPublicKey: pointSchema,
  /** The epoch of the share inside. */
  epoch: epochSchema,
  /** The device whose share and identity keys are inside. */
  deviceId: deviceIdSchema,
  /** That device's FROST identifier at this epoch. */
  identifier: identifierSchema,
  /** When the backup was made: ISO 8601 UTC (`Date.prototype.toISOString`). */
  createdAt: z.iso.datetime(),
  /** Body hash of the epoch's certificate (the last certificate of the chain inside). */
  certificateHash: hashSchema,
  /** Exact ciphertext length in bytes (plaintext + 16): a shortened ciphertext reads as truncated, not tampered. */
  ciphertextLength: z.number().int().min(AEAD_TAG_BYTES).max(MAX_CIPHERTEXT_BYTES),
});
/** The clear header of a backup file. */
export type BackupHeader = z.infer<typeof backupHeaderSchema>;

/**
 * scrypt parameters (RFC 7914) with a random salt. The schema checks only the
 * shape; crypto.ts refuses values outside its sane bounds before running scrypt.
 */
export const backupKdfSchema = z.strictObject({
  name: z.literal('scrypt'),
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
  salt: z.string().regex(/^(?:[0-9a-f]{2}){16,32}$/, 'expected 16..32 bytes of lower-case hex'),
});
/** The KDF parameters of a backup file. */
export type BackupKdf = z.infer<typeof backupKdfSchema>;

/** The whole backup file. */
export const backupFileSchema = z.strictObject({
  header: backupHeaderSchema,
  kdf: backupKdfSchema,
  /** Domain-separated hash of the second half of the scrypt output: tells a wrong passphrase from tampering. */
  keyCheck: hashSchema,
  /** XChaCha20-Poly1305 nonce, random per file. */
  nonce: hexBytes(24),
  /** XChaCha20-Poly1305 ciphertext with tag, lower-case hex. */
  ciphertext: z.string().regex(/^(?:[0-9a-f]{2})*$/, 'expected lower-case hex'),
});
/** A parsed backup file. */
export type BackupFile = z.infer<typeof backupFileSchema>;

function malformed(message: string): never {
  throw new RampartError('BACKUP_MALFORMED', message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON.parse, or the precise reason the text is not JSON: cut off, or not JSON at all. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (text.trim() === '') {
      throw new RampartError('BACKUP_TRUNCATED', 'backup file is empty: it was cut off while being copied or saved');
    }
    if (isTruncatedJsonObject(text)) {
      throw new RampartError('BACKUP_TRUNCATED', `backup file ends early (after ${text.length} characters): it was cut off while being copied or saved`);
    }
    return malformed('not a Rampart backup: the file is not valid JSON');
  }
}

/**
 * Parses the text of a `*.rampart-backup` file. Throws BACKUP_TRUNCATED,
 * BACKUP_MALFORMED or BACKUP_VERSION_UNSUPPORTED (see the module comment for
 * the order); never reads or needs the passphrase.
 */
export function parseBackupFile(text: string): BackupFile {
  if (typeof text !== 'string') malformed('not a Rampart backup: expected the text of a file');
  if (text.length > MAX_FILE_CHARS) malformed('not a Rampart backup: the file is too large');
  const data = parseJson(text.startsWith('\ufeff') ? text.slice(1) : text);
  const header = isRecord(data) ? data['header'] : undefined;
  if (!isRecord(header) || header['format'] !== BACKUP_FORMAT) {
    malformed(`not a Rampart backup: no "${BACKUP_FORMAT}" header`);
  }
  // The version first: a newer writer may have changed everything else.
  const version = header['version'];
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    malformed('backup header has no valid format version');
  }
  if (version !== BACKUP_VERSION) {
    throw new RampartError(
      'BACKUP_VERSION_UNSUPPORTED',
      `backup format version ${version} is not supported: this Rampart reads version ${BACKUP_VERSION}; open the file with a newer Rampart`,
    );
  }
  const r = backupFileSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    malformed(`backup file is malformed: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
  }
  const file = r.data;
  const have = file.ciphertext.length / 2;
  const declared = file.header.ciphertextLength;
  if (have < declared) {
    throw new RampartError('BACKUP_TRUNCATED', `backup ciphertext is cut off: ${have} of ${declared} bytes are present`);
  }
  if (have > declared) malformed(`backup ciphertext is ${have} bytes; the header declares ${declared}`);
  return file;
}

/** The file's text as written: the fields in their documented order, two-space indented, final newline. */
export function serializeBackupFile(file: BackupFile): string {
  const { header, kdf, keyCheck, nonce, ciphertext } = file;
  return `${JSON.stringify({ header, kdf, keyCheck, nonce, ciphertext }, null, 2)}\n`;
}

/**
 * The file fingerprint the device records for each export (DESIGN §6): a
 * domain-separated hash of the file's canonical JSON, so re-indenting the
 * file does not change it. Hex, 32 bytes.
 */
export function backupFingerprint(file: BackupFile): string {
  return hashFields(DOMAIN.backup, ['file-fingerprint', canonicalJson(file)]);
}

/** The AEAD's associated data: RFC 8785 canonical JSON of {header, kdf}, UTF-8. */
export function backupAad(header: BackupHeader, kdf: BackupKdf): Uint8Array {
  return canonicalBytes({ header, kdf });
}
