/**
 * Canonical JSON (RFC 8785) for signed data (DESIGN §3): sorted keys, ES number
 * forms, and refusal of anything that is not plain JSON data.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../shared/bytes.js';
import { isRampartError } from '../../shared/errors.js';
import { deviceKeysFromBytes } from '../../shared/identity.js';
import { canonicalBytes, canonicalJson } from '../../shared/wire/canonical.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isRampartError(e) ? e.code : `not a RampartError: ${String(e)}`;
  }
  return undefined;
}

describe('canonical JSON', () => {
  it('sorts keys by UTF-16 code units at every level and drops whitespace', () => {
    // RFC 8785 §3.2.3 ordering example (subset).
    const value = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '1': 'One', '\u0080': 'Control', 'b': [{ z: 1, a: 2 }] };
    expect(canonicalJson(value)).toBe('{"\\r":"Carriage Return","1":"One","b":[{"a":2,"z":1}],"\u0080":"Control","\u20ac":"Euro Sign"}');
  });

  it('writes numbers in their shortest ECMAScript form', () => {
    expect(canonicalJson([1e21, 1e-7, 0.1, -0, 100, 4.5])).toBe('[1e+21,1e-7,0.1,0,100,4.5]');
  });

  it('encodes as UTF-8 bytes', () => {
    expect(bytesToHex(canonicalBytes({ a: 'é' }))).toBe(bytesToHex(new TextEncoder().encode('{"a":"é"}')));
  });

  it('refuses values that JSON.stringify would silently drop or coerce', () => {
    const bad: unknown[] = [
      undefined,
      { a: undefined },
      { f: () => 1 },
      [Symbol('x')],
      10n,
      NaN,
      { n: Infinity },
      new Uint8Array([1]),
      new Date(0),
      new Map(),
      [, 1],
    ];
    for (const v of bad) expect(codeOf(() => canonicalJson(v))).toBe('ENCODING_INVALID');
  });

  it('refuses objects with toJSON, so a secret key can never be signed or sent by accident', () => {
    const keys = deviceKeysFromBytes(new Uint8Array(32), new Uint8Array(32));
    expect(codeOf(() => canonicalJson({ keys }))).toBe('ENCODING_INVALID');
  });

  it('refuses lone surrogates in strings and keys', () => {
    expect(codeOf(() => canonicalJson('\ud800'))).toBe('ENCODING_INVALID');
    expect(codeOf(() => canonicalJson({ ['\udc00']: 1 }))).toBe('ENCODING_INVALID');
    expect(canonicalJson('\ud83d\ude00')).toBe('"\ud83d\ude00"');
  });

  it('refuses cycles and absurd nesting instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(codeOf(() => canonicalJson(cyclic))).toBe('ENCODING_INVALID');
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(codeOf(() => canonicalJson(deep))).toBe('ENCODING_INVALID');
  });

  it('accepts objects without a prototype', () => {
    const o = Object.assign(Object.create(null) as object, { b: 1, a: 2 });
    expect(canonicalJson(o)).toBe('{"a":2,"b":1}');
  });
});
