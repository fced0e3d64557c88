/**
 * Encrypted, epoch-bound backups (DESIGN §6). One file per device and epoch:
 * `createBackup` judges the passphrase, checks the contents it is given the
 * same way a restore will, then encrypts; `openBackup` parses, decrypts,
 * decodes and checks, and returns what `decideImport` needs. Neither touches
 * device state: a caller restores only after `decideImport` says `restore`.
 *
 *     const opened = await openBackup(text, passphrase);
 *     const decision = decideImport({ backup: opened.subject, current, local, acceptUnverified });
 *     throwIfNotRestorable(decision); // BACKUP_STALE / BACKUP_UNVERIFIED / BACKUP_WOULD_OVERWRITE / …
 *
 * Pure TypeScript (shared/): no Node, DOM or Electron; file I/O is the caller's.
 */
import { bytesToHex } from '../bytes.js';
import type { Certificate } from '../certificate/schema.js';
import { deviceIdOf, identityKeyOf } from '../identity.js';
import { checkBackupContents, type CheckOptions } from './check.js';
import { decryptBackup, encryptBackup, type BackupHeaderInput, type EncryptOptions } from './crypto.js';
import { AEAD_TAG_BYTES, backupFingerprint, BACKUP_FORMAT, BACKUP_VERSION, parseBackupFile, serializeBackupFile, type BackupFile, type BackupHeader } from './format.js';
import { assertStrongPassphrase } from './passphrase.js';
import { decodePayload, encodePayload, type BackupContents } from './payload.js';
import type { BackupSubject } from './policy.js';

export { checkBackupContents, type CheckedBackup, type CheckOptions } from './check.js';
export { DEFAULT_SCRYPT_N, decryptBackup, encryptBackup, SCRYPT_LIMITS, type BackupHeaderInput, type EncryptOptions } from './crypto.js';
export {
  BACKUP_FILE_EXTENSION,
  BACKUP_FORMAT,
  BACKUP_VERSION,
  backupFileSchema,
  backupFingerprint,
  backupHeaderSchema,
  parseBackupFile,
  serializeBackupFile,
  type BackupFile,
  type BackupHeader,
  type BackupKdf,
} from './format.js';
export { assertStrongPassphrase, MIN_PASSPHRASE_SCORE, passphraseStrength, type PassphraseStrength } from './passphrase.js';
export { decodePayload, encodePayload, type BackupContents } from './payload.js';
export {
  decideImport,
  throwIfNotRestorable,
  type BackupSubject,
  type CertificateSource,
  type CurrentView,
  type ImportDecision,
  type ImportInput,
  type KnownCertificate,
  type RestoreBasis,
  type RestoreDecision,
} from './policy.js';

/** Options of `createBackup`. */
export interface CreateBackupOptions extends EncryptOptions, CheckOptions {
  /** The backup's `createdAt`; default now. */
  now?: Date;
  /** Words the passphrase must not lean on (device, quorum, user names). */
  userInputs?: readonly string[];
}

/** A new backup: the file's text to write, the parsed file, and the fingerprint to record (DESIGN §6). */
export interface CreatedBackup {
  text: string;
  file: BackupFile;
  header: BackupHeader;
  fingerprint: string;
}

/** A decrypted and checked backup. `contents` holds secrets (they print as '<redacted>'). */
export interface OpenedBackup {
  header: BackupHeader;
  contents: BackupContents;
  /** The epoch's verified certificate. */
  certificate: Certificate;
  /** Input for `decideImport`'s `backup`. */
  subject: BackupSubject;
  fingerprint: string;
}

/** The clear header (without format, version and length) that describes `contents`. */
export function backupHeaderFor(contents: BackupContents, createdAt: Date): BackupHeaderInput {
  const e = contents.epoch;
  return {
    quorumId: e.quorumId,
    suite: e.suite,
    groupPublicKey: bytesToHex(e.frostPublic.commitments[0] ?? new Uint8Array()),
    epoch: e.epoch,
    deviceId: deviceIdOf(identityKeyOf(contents.device.signingKey)),
    identifier: contents.share.identifier,
    createdAt: createdAt.toISOString(),
    certificateHash: e.certificateHash,
  };
}

/**
 * Makes the backup file of one device's share at one epoch. Throws
 * PASSPHRASE_WEAK for a guessable passphrase, and anything `checkBackupContents`
 * throws: a backup that would not restore is never written.
 */
export async function createBackup(contents: BackupContents, passphrase: string, opts: CreateBackupOptions = {}): Promise<CreatedBackup> {
  assertStrongPassphrase(passphrase, opts.userInputs);
  const input = backupHeaderFor(contents, opts.now ?? new Date());
  const plaintext = encodePayload(contents);
  try {
    const header: BackupHeader = { ...input, format: BACKUP_FORMAT, version: BACKUP_VERSION, ciphertextLength: plaintext.length + AEAD_TAG_BYTES };
    checkBackupContents(header, contents, opts);
    const file = await encryptBackup(plaintext, input, passphrase, opts);
    return { text: serializeBackupFile(file), file, header: file.header, fingerprint: backupFingerprint(file) };
  } finally {
    plaintext.fill(0);
  }
}

/**
 * Opens a backup file's text: parse (BACKUP_TRUNCATED / BACKUP_MALFORMED /
 * BACKUP_VERSION_UNSUPPORTED), decrypt (PASSPHRASE_WRONG / BACKUP_TAMPERED),
 * decode and check (BACKUP_MALFORMED / CERT_* / BACKUP_SHARE_MISMATCH).
 * Does not decide whether to restore: pass `subject` to `decideImport`.
 */
export async function openBackup(fileText: string, passphrase: string, opts: CheckOptions = {}): Promise<OpenedBackup> {
  const file = parseBackupFile(fileText);
  const plaintext = await decryptBackup(file, passphrase);
  let contents: BackupContents;
  try {
    contents = decodePayload(plaintext);
  } finally {
    plaintext.fill(0);
  }
  const checked = checkBackupContents(file.header, contents, opts);
  const { header } = file;
  return {
    header,
    contents,
    certificate: checked.certificate,
    subject: { quorumId: header.quorumId, epoch: header.epoch, certificateHash: header.certificateHash, chainHashes: checked.chainHashes },
    fingerprint: backupFingerprint(file),
  };
}
