/**
 * Backup encryption (DESIGN §6): scrypt turns the passphrase into 64 bytes;
 * the first 32 are the XChaCha20-Poly1305 key, the second 32 only feed the
 * clear key-check value `H(DOMAIN.backup, "key-check", k2)`. The AEAD's AAD is
 * the canonical JSON of {header, kdf}, so every clear field is authenticated.
 *
 * On reading, the key check runs first: a mismatch means a wrong passphrase
 * (or altered KDF parameters: they change the derived bytes too) →
 * PASSPHRASE_WRONG. If it matches, the passphrase is right, so an AEAD
 * failure can only mean an altered header, nonce or ciphertext →
 * BACKUP_TAMPERED. The key check lets an attacker test guesses exactly as
 * fast as a trial decryption would; the scrypt cost is the protection either way.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { bytesToHex, equalBytes, hexToBytes, utf8ToBytes } from '../bytes.js';
import { RampartError } from '../errors.js';
import { DOMAIN, hashFields } from '../hash.js';
import type { Rng } from '../identity.js';
import {
  AEAD_TAG_BYTES,
  backupAad,
  backupHeaderSchema,
  BACKUP_FORMAT,
  BACKUP_VERSION,
  MAX_CIPHERTEXT_BYTES,
  type BackupFile,
  type BackupHeader,
  type BackupKdf,
} from './format.js';

/** Default scrypt cost for new backups: N = 2^17, r = 8, p = 1 (128 MiB; well under a second natively, about a second in pure JS). */
export const DEFAULT_SCRYPT_N = 2 ** 17;
/** scrypt parameters a reader accepts: N a power of two in [2^15, 2^20], r = 8, p in 1..4. Memory is 128·r·N bytes (4 MiB to 1 GiB). */
export const SCRYPT_LIMITS = { minN: 2 ** 15, maxN: 2 ** 20, r: 8, maxP: 4 } as const;
/** Salt length of new backups, in bytes (readers accept 16..32). */
export const SALT_BYTES = 32;
/** XChaCha20-Poly1305 nonce length, in bytes. */
export const NONCE_BYTES = 24;

/** The header fields a writer supplies; `format`, `version` and `ciphertextLength` are filled in. */
export type BackupHeaderInput = Omit<BackupHeader, 'format' | 'version' | 'ciphertextLength'>;

/** Options of `encryptBackup`. */
export interface EncryptOptions {
  /** scrypt N (a power of two within SCRYPT_LIMITS); default DEFAULT_SCRYPT_N. */
  N?: number;
  /** scrypt p (1..4); default 1. */
  p?: number;
  /** Source of the salt and nonce; default `randomBytes` (Web Crypto). */
  rng?: Rng;
}

/** Why `kdf` is outside SCRYPT_LIMITS, or undefined when it is within them. */
function kdfProblem(kdf: Pick<BackupKdf, 'N' | 'r' | 'p'>): string | undefined {
  const { N, r, p } = kdf;
  if (!Number.isSafeInteger(N) || N < SCRYPT_LIMITS.minN || N > SCRYPT_LIMITS.maxN || (N & (N - 1)) !== 0) {
    return `scrypt N must be a power of two from 2^15 to 2^20, not ${N}`;
  }
  if (r !== SCRYPT_LIMITS.r) return `scrypt r must be ${SCRYPT_LIMITS.r}, not ${r}`;
  if (!Number.isSafeInteger(p) || p < 1 || p > SCRYPT_LIMITS.maxP) return `scrypt p must be 1..${SCRYPT_LIMITS.maxP}, not ${p}`;
  return undefined;
}

/** Derived secrets: the AEAD key and the key-check value. `wipe()` zeroes the key. */
interface Derived {
  key: Uint8Array;
  keyCheck: string;
  wipe(): void;
}

/** scrypt(NFC passphrase, salt) → 64 bytes: key ‖ check half (DESIGN §6). */
async function derive(passphrase: string, kdf: BackupKdf): Promise<Derived> {
  if (typeof passphrase !== 'string') throw new RampartError('PASSPHRASE_MISSING', 'a backup passphrase is required');
  const pw = utf8ToBytes(passphrase.normalize('NFC'));
  const { N, r, p } = kdf;
  let dk: Uint8Array;
  try {
    // maxmem as noble counts it: 128·r·(N + p + 1) bytes.
    dk = await scryptAsync(pw, hexToBytes(kdf.salt), { N, r, p, dkLen: 64, maxmem: 128 * r * (N + p + 1) });
  } finally {
    pw.fill(0);
  }
  const keyCheck = hashFields(DOMAIN.backup, ['key-check', dk.subarray(32, 64)]);
  return { key: dk.subarray(0, 32), keyCheck, wipe: () => dk.fill(0) };
}

/**
 * Encrypts a backup plaintext under a passphrase. Fills in the header's
 * `format`, `version` and `ciphertextLength`; draws a fresh salt and nonce
 * from `opts.rng`. Throws PLAN_INVALID for an invalid header or KDF option.
 * Does not judge the passphrase (see passphrase.ts; `createBackup` does).
 */
export async function encryptBackup(
  plaintext: Uint8Array,
  header: BackupHeaderInput,
  passphrase: string,
  opts: EncryptOptions = {},
): Promise<BackupFile> {
  const rng = opts.rng ?? randomBytes;
  const partial = { N: opts.N ?? DEFAULT_SCRYPT_N, r: SCRYPT_LIMITS.r, p: opts.p ?? 1 };
  const problem = kdfProblem(partial);
  if (problem !== undefined) throw new RampartError('PLAN_INVALID', problem);
  const ciphertextLength = plaintext.length + AEAD_TAG_BYTES;
  if (ciphertextLength > MAX_CIPHERTEXT_BYTES) throw new RampartError('PLAN_INVALID', 'backup contents are too large');
  const h = backupHeaderSchema.safeParse({ ...header, format: BACKUP_FORMAT, version: BACKUP_VERSION, ciphertextLength });
  if (!h.success) {
    const issue = h.error.issues[0];
    throw new RampartError('PLAN_INVALID', `backup header: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  const kdf: BackupKdf = { name: 'scrypt', ...partial, salt: bytesToHex(rng(SALT_BYTES)) };
  const nonce = rng(NONCE_BYTES);
  if (nonce.length !== NONCE_BYTES || kdf.salt.length !== SALT_BYTES * 2) throw new Error('rng returned the wrong number of bytes');
  const d = await derive(passphrase, kdf);
  try {
    const ciphertext = xchacha20poly1305(d.key, nonce, backupAad(h.data, kdf)).encrypt(plaintext);
    return { header: h.data, kdf, keyCheck: d.keyCheck, nonce: bytesToHex(nonce), ciphertext: bytesToHex(ciphertext) };
  } finally {
    d.wipe();
  }
}

/**
 * Decrypts a parsed backup file. Throws BACKUP_MALFORMED for KDF parameters
 * outside SCRYPT_LIMITS (before any work), PASSPHRASE_WRONG when the key check
 * fails, BACKUP_TAMPERED when the passphrase is right but the header, nonce or
 * ciphertext were altered. The caller owns (and should wipe) the plaintext.
 */
export async function decryptBackup(file: BackupFile, passphrase: string): Promise<Uint8Array> {
  const problem = kdfProblem(file.kdf);
  if (problem !== undefined) throw new RampartError('BACKUP_MALFORMED', `backup KDF parameters refused: ${problem}`);
  const d = await derive(passphrase, file.kdf);
  try {
    if (!equalBytes(hexToBytes(d.keyCheck), hexToBytes(file.keyCheck))) {
      throw new RampartError('PASSPHRASE_WRONG', "wrong passphrase (or the file's KDF parameters were altered)");
    }
    try {
      return xchacha20poly1305(d.key, hexToBytes(file.nonce), backupAad(file.header, file.kdf)).decrypt(hexToBytes(file.ciphertext));
    } catch {
      throw new RampartError('BACKUP_TAMPERED', 'backup was altered: the passphrase is right, but the header or the encrypted contents do not authenticate');
    }
  } finally {
    d.wipe();
  }
}
