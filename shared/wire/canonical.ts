/**
 * Canonical JSON (RFC 8785, JCS) for everything that is signed or used as AAD
 * (DESIGN §3). Only plain JSON data is accepted: values that JSON.stringify
 * would silently drop, coerce or call `toJSON` on are rejected instead, so a
 * signature always covers exactly the data the caller sees.
 */
import canonicalize from 'canonicalize';
import { utf8ToBytes } from '../bytes.js';
import { RampartError } from '../errors.js';

/** Deepest nesting accepted; the protocol's messages need far less. */
const MAX_DEPTH = 64;

function fail(path: string, what: string): never {
  throw new RampartError('ENCODING_INVALID', `${path || '(root)'}: ${what}`);
}

/** Matches a lone surrogate only: in a `u` regex a valid pair is one code point. */
const LONE_SURROGATE = /\p{Cs}/u;

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function check(value: unknown, path: string, depth: number): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) fail(path, 'string contains a lone surrogate');
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(path, 'number is not finite');
    return;
  }
  if (typeof value !== 'object') fail(path, `${typeof value} is not JSON`);
  if (depth >= MAX_DEPTH) fail(path, 'nested too deeply');
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) fail(`${path}[${i}]`, 'sparse array');
      check(value[i], `${path}[${i}]`, depth + 1);
    }
    return;
  }
  if (!isPlainObject(value)) fail(path, 'not a plain object');
  for (const [k, v] of Object.entries(value)) {
    if (LONE_SURROGATE.test(k)) fail(path, 'key contains a lone surrogate');
    check(v, path ? `${path}.${k}` : k, depth + 1);
  }
}

/** RFC 8785 canonical JSON of plain JSON data; throws ENCODING_INVALID for anything else. */
export function canonicalJson(value: unknown): string {
  check(value, '', 0);
  let out: string | undefined;
  try {
    out = canonicalize(value);
  } catch (e) {
    fail('', `cannot canonicalise: ${(e as Error).message}`);
  }
  if (out === undefined) fail('', 'value has no JSON form');
  return out;
}

/** UTF-8 bytes of `canonicalJson(value)`. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8ToBytes(canonicalJson(value));
}
