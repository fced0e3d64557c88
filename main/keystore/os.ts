/**
 * OS keychain backend (DESIGN §2): macOS Keychain, Windows Credential Manager, or the
 * Secret Service (gnome-keyring, KWallet) on Linux, through `@napi-rs/keyring`.
 *
 * One keychain item per secret: service `rampart-<suffix>` (the suffix is per device home,
 * see `homeSuffix`), account = the secret name, password = `rampart/v1:` + base64(value).
 * `list` enumerates with `findCredentials(service)`, so no index item is needed, and `set`
 * is a single item replace, which the keychain performs atomically.
 *
 * On Linux the store is pinned to the Secret Service: the library would otherwise fall back
 * to the kernel keyring (keyutils), which forgets everything at logout or reboot, and a
 * custody share must never live there. If no keychain is reachable we fail with
 * KEYSTORE_UNAVAILABLE and say what to install or unlock; we never fall back to plain text.
 */
import { platform } from 'node:os';
import { resolve } from 'node:path';
import type * as KeyringModule from '@napi-rs/keyring';
import { RampartError } from '../../shared/errors.js';
import { DOMAIN, hashFields } from '../../shared/hash.js';
import { assertName, assertPrefix, assertValue, isValidName } from './names.js';
import type { Keystore, KeystoreInfo } from './types.js';

/** Marks (and versions) every value this backend writes; anything else is KEYSTORE_CORRUPT. */
export const OS_VALUE_PREFIX = 'rampart/v1:';

/** Options of the OS keychain backend. */
export interface OsKeystoreOptions {
  /** Per-device-home suffix of the service name, `[a-z0-9._-]`, 1–64 chars (see `homeSuffix`). */
  suffix: string;
}

const SUFFIX_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ENTRY_OPTIONS: KeyringModule.EntryOptions = { linux: { store: 'secret-service' } };

let keyringModule: Promise<typeof KeyringModule> | undefined;

/** Loads the native binding once; a missing prebuilt binary is KEYSTORE_UNAVAILABLE too. */
function loadKeyring(): Promise<typeof KeyringModule> {
  keyringModule ??= import('@napi-rs/keyring').catch((e: unknown) => {
    keyringModule = undefined;
    throw unavailable(`cannot load @napi-rs/keyring (${causeOf(e)})`);
  });
  return keyringModule;
}

/** A stable service suffix for a device home directory: 16 hex chars of a hash of its absolute path. */
export function homeSuffix(home: string): string {
  return hashFields(DOMAIN.keystore, ['os-service', resolve(home)]).slice(0, 16);
}

function storeName(): string {
  const p = platform();
  if (p === 'darwin') return 'macOS Keychain';
  if (p === 'win32') return 'Windows Credential Manager';
  return 'Secret Service';
}

function causeOf(e: unknown, secretText?: string): string {
  let msg = e instanceof Error ? e.message : String(e);
  // Defence in depth: the binding's messages do not echo passwords, but never let one through.
  if (secretText) msg = msg.split(secretText).join('<redacted>');
  return msg.length > 300 ? `${msg.slice(0, 300)}…` : msg;
}

function unavailable(cause: string): RampartError {
  const hint =
    platform() === 'linux'
      ? 'no usable Secret Service on the D-Bus session bus. Install and start one ' +
        '(Debian/Ubuntu: apt-get install gnome-keyring dbus; it needs a session bus, DBUS_SESSION_BUS_ADDRESS), ' +
        'unlock the login keyring, or on a headless machine use the encrypted file keystore (RAMPART_PASSPHRASE)'
      : `the ${storeName()} is not reachable; unlock it, or use the encrypted file keystore (RAMPART_PASSPHRASE)`;
  return new RampartError('KEYSTORE_UNAVAILABLE', `OS keychain unavailable: ${hint} (cause: ${cause})`);
}

/** Maps a binding error to a RampartError, never quoting `secretText`. */
function classify(e: unknown, what: string, secretText?: string): RampartError {
  const cause = causeOf(e, secretText);
  if (/prompt was dismissed|is ?locked|\blocked\b/i.test(cause)) {
    return new RampartError(
      'KEYSTORE_LOCKED',
      `OS keychain is locked (${what}): unlock the login keyring (log in to the desktop session, ` +
        `or run gnome-keyring-daemon --unlock) and retry (cause: ${cause})`,
    );
  }
  if (/ambiguous/i.test(cause)) {
    return new RampartError('KEYSTORE_CORRUPT', `OS keychain holds several items for ${what} (cause: ${cause})`);
  }
  return unavailable(`${what}: ${cause}`);
}

/** Secrets in the platform keychain, one item per name under one service. */
export class OsKeystore implements Keystore {
  /** The keychain service name, `rampart-<suffix>`. */
  readonly service: string;

  constructor(opts: OsKeystoreOptions) {
    if (typeof opts.suffix !== 'string' || !SUFFIX_RE.test(opts.suffix)) {
      throw new RampartError('KEYSTORE_NAME_INVALID', 'keychain service suffix must match [a-z0-9][a-z0-9._-]{0,63}');
    }
    this.service = `rampart-${opts.suffix}`;
  }

  /** Constructs and checks that the keychain answers (KEYSTORE_UNAVAILABLE otherwise). */
  static async open(opts: OsKeystoreOptions): Promise<OsKeystore> {
    const ks = new OsKeystore(opts);
    await ks.list();
    return ks;
  }

  private async entry(name: string, what: string): Promise<KeyringModule.AsyncEntry> {
    const k = await loadKeyring();
    try {
      return new k.AsyncEntry(this.service, name, ENTRY_OPTIONS);
    } catch (e) {
      throw classify(e, what);
    }
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    assertName(name);
    const what = `reading "${name}"`;
    const entry = await this.entry(name, what);
    let stored: string | null;
    try {
      stored = await entry.getPassword();
    } catch (e) {
      throw classify(e, what);
    }
    if (stored === null || stored === undefined) return undefined;
    const b64 = stored.startsWith(OS_VALUE_PREFIX) ? stored.slice(OS_VALUE_PREFIX.length) : undefined;
    if (b64 === undefined || !BASE64_RE.test(b64)) {
      throw new RampartError('KEYSTORE_CORRUPT', `keychain item "${name}" of ${this.service} is not a Rampart value`);
    }
    const buf = Buffer.from(b64, 'base64');
    const out = new Uint8Array(buf);
    buf.fill(0);
    return out;
  }

  async set(name: string, secret: Uint8Array): Promise<void> {
    assertName(name);
    assertValue(secret);
    const b64 = Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength).toString('base64');
    const what = `writing "${name}"`;
    const entry = await this.entry(name, what);
    try {
      await entry.setPassword(OS_VALUE_PREFIX + b64);
    } catch (e) {
      throw classify(e, what, b64.length >= 8 ? b64 : undefined);
    }
  }

  async delete(name: string): Promise<boolean> {
    assertName(name);
    const what = `deleting "${name}"`;
    const entry = await this.entry(name, what);
    try {
      return await entry.deleteCredential();
    } catch (e) {
      throw classify(e, what);
    }
  }

  async list(prefix = ''): Promise<string[]> {
    assertPrefix(prefix);
    const k = await loadKeyring();
    let creds: KeyringModule.Credential[];
    try {
      creds = await k.findCredentialsAsync(this.service);
    } catch (e) {
      throw classify(e, `listing ${this.service}`);
    }
    const names = new Set<string>();
    for (const c of creds) if (isValidName(c.account) && c.account.startsWith(prefix)) names.add(c.account);
    return [...names].sort();
  }

  describe(): KeystoreInfo {
    return { backend: 'os', location: `${storeName()}, service "${this.service}"` };
  }
}
