/**
 * The keystore contract (DESIGN §2 `keystore/`, §9): named, opaque secret bytes at rest.
 * Two backends implement it: the OS keychain (`os.ts`) and an encrypted file store for
 * headless devices (`file.ts`). Both are checked by one suite (test/keystore/contract.ts).
 *
 * Names look like `device/identity` or `quorum/<quorumId>/epoch/<n>/share` (see names.ts).
 * Values are opaque bytes; callers encode. Secret values never appear in errors or logs;
 * names are not secret and may appear in error messages.
 */

/** Where a keystore keeps its secrets, for `rampart status` and diagnostics (never secret). */
export interface KeystoreInfo {
  /** `os`: the platform keychain; `file`: the passphrase-encrypted directory. */
  backend: 'os' | 'file';
  /** Human-readable place: the keychain and service, or the directory path. */
  location: string;
}

/** Named secret storage. Every method rejects with a RampartError (codes in the 'Keystore' group). */
export interface Keystore {
  /** The stored bytes (a fresh copy), or `undefined` if no secret has that name. */
  get(name: string): Promise<Uint8Array | undefined>;
  /** Stores (or replaces) a secret atomically: after a crash either the old or the new value is there. */
  set(name: string, secret: Uint8Array): Promise<void>;
  /** Removes a secret; `true` if it existed. */
  delete(name: string): Promise<boolean>;
  /** Every stored name that starts with `prefix` (default: all), sorted. */
  list(prefix?: string): Promise<string[]>;
  /** Which backend this is and where it stores. */
  describe(): KeystoreInfo;
}
