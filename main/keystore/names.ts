/**
 * Secret names: `[a-z0-9/_.-]`, at most 200 characters, `/`-separated segments that are
 * neither empty nor `.`/`..` (so a name is also a safe relative path, should a backend want one).
 */
import { RampartError } from '../../shared/errors.js';

/** Longest accepted secret name. */
export const MAX_NAME_LENGTH = 200;

const NAME_CHARS = /^[a-z0-9/_.-]+$/;

/** Whether `name` is a valid secret name. */
export function isValidName(name: unknown): name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) return false;
  if (!NAME_CHARS.test(name)) return false;
  return name.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/** Throws KEYSTORE_NAME_INVALID unless `name` is a valid secret name. */
export function assertName(name: unknown): asserts name is string {
  if (!isValidName(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 40)) : typeof name;
    throw new RampartError(
      'KEYSTORE_NAME_INVALID',
      `invalid secret name ${shown}: use [a-z0-9/_.-], at most ${MAX_NAME_LENGTH} characters, no empty, '.' or '..' segments`,
    );
  }
}

/** Throws KEYSTORE_NAME_INVALID unless `prefix` is empty or made of name characters. */
export function assertPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string' || prefix.length > MAX_NAME_LENGTH || (prefix !== '' && !NAME_CHARS.test(prefix))) {
    throw new RampartError('KEYSTORE_NAME_INVALID', 'invalid list prefix: use [a-z0-9/_.-]');
  }
}

/** Throws KEYSTORE_VALUE_INVALID unless `secret` is a Uint8Array (the value itself is never shown). */
export function assertValue(secret: unknown): asserts secret is Uint8Array {
  if (!(secret instanceof Uint8Array)) {
    throw new RampartError('KEYSTORE_VALUE_INVALID', `secret must be a Uint8Array, got ${typeof secret}`);
  }
}
