/**
 * Encrypted file backend for headless devices (DESIGN §2, §9).
 *
 * Layout: `<home>/keystore/` (mode 0700) holds `keystore.json` (scrypt parameters, salt and a
 * passphrase verifier) and one `<fileId>.sec` per secret (mode 0600). Format: file-format.ts.
 *
 * Decisions:
 * - File names are a keyed hash (HMAC) of the secret name, so the directory does not reveal
 *   which quorums or epochs this device holds; `list` decrypts the entries to learn their names.
 * - The name is bound into every entry (AAD over its file id, and inside the box), so a file
 *   copied over another, renamed, or edited reads as KEYSTORE_CORRUPT, never as another secret.
 * - Writes go through a temp file, fsync, rename and a directory fsync (atomic.ts).
 * - The passphrase comes from the option or RAMPART_PASSPHRASE; keys are derived once at open
 *   and held only in memory. A failed open changes nothing on disk.
 */
import { chmod, mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import { platform } from 'node:os';
import { join, resolve } from 'node:path';
import { utf8ToBytes } from '../../shared/bytes.js';
import { RampartError, isRampartError } from '../../shared/errors.js';
import { fsyncDir, writeFileAtomic } from './atomic.js';
import {
  DEFAULT_SCRYPT_N,
  ENTRY_FILE_RE,
  HEADER_FILE,
  checkVerifier,
  deriveKeys,
  entryFileId,
  makeHeader,
  newKdfParams,
  openEntry,
  parseHeader,
  sealEntry,
  serializeHeader,
  type Keys,
} from './file-format.js';
import { assertName, assertPrefix, assertValue } from './names.js';
import type { Keystore, KeystoreInfo } from './types.js';

/** Environment variable read when no passphrase is passed. */
export const PASSPHRASE_ENV = 'RAMPART_PASSPHRASE';

/** Options of the file backend. */
export interface FileKeystoreOptions {
  /** The device home; secrets live in `<home>/keystore/`. */
  home: string;
  /** The passphrase; defaults to `process.env.RAMPART_PASSPHRASE`. */
  passphrase?: string;
  /** scrypt N for a NEW keystore (power of two, 2^10..2^20; default 2^17). Existing ones keep theirs. */
  scryptN?: number;
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

/** Wraps an fs failure (the message names the path and errno, never data). */
function ioError(e: unknown, what: string): RampartError {
  if (isRampartError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new RampartError('KEYSTORE_UNAVAILABLE', `file keystore: ${what} failed: ${msg}`);
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return undefined;
    throw ioError(e, `reading ${path}`);
  }
}

/** Secrets as passphrase-encrypted files under `<home>/keystore/`. */
export class FileKeystore implements Keystore {
  /** Absolute path of the keystore directory. */
  readonly dir: string;
  readonly #keys: Keys;

  private constructor(dir: string, keys: Keys) {
    this.dir = dir;
    this.#keys = keys;
  }

  /**
   * Opens (or creates) the keystore in `<home>/keystore/`. PASSPHRASE_MISSING without a
   * passphrase, PASSPHRASE_WRONG if it does not open the header, KEYSTORE_CORRUPT if the header
   * is damaged or missing while secrets exist.
   */
  static async open(opts: FileKeystoreOptions): Promise<FileKeystore> {
    const dir = resolve(opts.home, 'keystore');
    const passphrase = opts.passphrase ?? process.env[PASSPHRASE_ENV];
    if (!passphrase) {
      throw new RampartError(
        'PASSPHRASE_MISSING',
        `the file keystore at ${dir} needs a passphrase: set ${PASSPHRASE_ENV} or pass one`,
      );
    }
    let text = await readText(join(dir, HEADER_FILE));
    if (text === undefined) {
      const created = await FileKeystore.create(dir, passphrase, opts.scryptN ?? DEFAULT_SCRYPT_N);
      if (created) return created;
      text = await readText(join(dir, HEADER_FILE)); // another process created it first
      if (text === undefined) throw new RampartError('KEYSTORE_CORRUPT', `${dir}/${HEADER_FILE} vanished`);
    }
    const header = parseHeader(text);
    const keys = await deriveKeys(passphrase, header.kdf);
    if (!checkVerifier(keys, header)) {
      throw new RampartError('PASSPHRASE_WRONG', `the passphrase does not open the file keystore at ${dir} (or its header was altered)`);
    }
    if (platform() !== 'win32') await chmod(dir, 0o700).catch(() => undefined);
    return new FileKeystore(dir, keys);
  }

  /** Writes a fresh header; `undefined` if another process created one meanwhile. */
  private static async create(dir: string, passphrase: string, N: number): Promise<FileKeystore | undefined> {
    const kdf = newKdfParams(N);
    let existing: string[] = [];
    try {
      existing = await readdir(dir);
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw ioError(e, `listing ${dir}`);
    }
    if (existing.some((f) => ENTRY_FILE_RE.test(f))) {
      throw new RampartError('KEYSTORE_CORRUPT', `${dir} holds secrets but no ${HEADER_FILE}; refusing to start a new keystore over them`);
    }
    const keys = await deriveKeys(passphrase, kdf);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      if (platform() !== 'win32') await chmod(dir, 0o700);
      const data = utf8ToBytes(serializeHeader(makeHeader(keys, kdf)));
      if (!(await writeFileAtomic(dir, HEADER_FILE, data, { createOnly: true }))) return undefined;
    } catch (e) {
      throw ioError(e, `creating ${dir}`);
    }
    return new FileKeystore(dir, keys);
  }

  private path(fileId: string): string {
    return join(this.dir, `${fileId}.sec`);
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    assertName(name);
    const fileId = entryFileId(this.#keys, name);
    let data: Uint8Array;
    try {
      data = await readFile(this.path(fileId));
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw ioError(e, `reading "${name}"`);
    }
    const entry = openEntry(this.#keys, fileId, data);
    if (entry.name !== name) {
      entry.value.fill(0);
      throw new RampartError('KEYSTORE_CORRUPT', `the file of "${name}" holds another secret`);
    }
    return entry.value;
  }

  async set(name: string, secret: Uint8Array): Promise<void> {
    assertName(name);
    assertValue(secret);
    const fileId = entryFileId(this.#keys, name);
    try {
      await writeFileAtomic(this.dir, `${fileId}.sec`, sealEntry(this.#keys, fileId, name, secret));
    } catch (e) {
      throw ioError(e, `writing "${name}"`);
    }
  }

  async delete(name: string): Promise<boolean> {
    assertName(name);
    try {
      await unlink(this.path(entryFileId(this.#keys, name)));
    } catch (e) {
      if (errno(e) === 'ENOENT') return false;
      throw ioError(e, `deleting "${name}"`);
    }
    await fsyncDir(this.dir).catch((e: unknown) => {
      throw ioError(e, `deleting "${name}"`);
    });
    return true;
  }

  async list(prefix = ''): Promise<string[]> {
    assertPrefix(prefix);
    let files: string[];
    try {
      files = (await readdir(this.dir)).filter((f) => ENTRY_FILE_RE.test(f));
    } catch (e) {
      throw ioError(e, `listing ${this.dir}`);
    }
    const names: string[] = [];
    for (const f of files) {
      const fileId = f.slice(0, -'.sec'.length);
      let data: Uint8Array;
      try {
        data = await readFile(join(this.dir, f));
      } catch (e) {
        if (errno(e) === 'ENOENT') continue; // deleted meanwhile
        throw ioError(e, `reading ${f}`);
      }
      const { name, value } = openEntry(this.#keys, fileId, data);
      value.fill(0);
      if (entryFileId(this.#keys, name) !== fileId) throw new RampartError('KEYSTORE_CORRUPT', `${f} is stored under the wrong name`);
      if (name.startsWith(prefix)) names.push(name);
    }
    return names.sort();
  }

  describe(): KeystoreInfo {
    return { backend: 'file', location: this.dir };
  }
}
