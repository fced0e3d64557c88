/**
 * The Keystore contract, written once and run against every backend (os.test.ts,
 * file.test.ts), in the manner of libp2p's interface-compliance-tests.
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isRampartError, type ErrorCode } from '../../shared/errors.js';
import type { Keystore } from '../../main/keystore/types.js';

/** How a backend's test file plugs into the contract. */
export interface ContractHarness {
  /** A fresh, empty keystore, isolated from every other one this harness opened. */
  open(): Promise<Keystore>;
  /** The backend `describe()` must report. */
  backend: 'os' | 'file';
}

/** Resolves to the RampartError code a promise rejects with (fails if it resolves). */
export async function codeOf(p: Promise<unknown>): Promise<ErrorCode> {
  try {
    await p;
  } catch (e) {
    if (isRampartError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a rejection');
}

/** Every printable form of an error: message, stack, JSON, String, util.inspect. */
export function errorText(e: unknown): string {
  const err = e as Error;
  return [err.message, err.stack, JSON.stringify(e), String(e), inspect(e, { depth: 5 })].join('\n');
}

/** The encodings a leaked secret could take in a log line. */
export function encodings(secret: Uint8Array): string[] {
  const b = Buffer.from(secret);
  return [b.toString('hex'), b.toString('base64'), b.toString('base64url'), b.toString('latin1')].filter((s) => s.length >= 8);
}

function bytes(...xs: number[]): Uint8Array {
  return new Uint8Array(xs);
}

/** Registers the contract tests for one backend. */
export function keystoreContract(label: string, h: ContractHarness): void {
  describe(`${label} keystore contract`, () => {
    it('gets what was set, and undefined for a name never set', async () => {
      const ks = await h.open();
      expect(await ks.get('device/identity')).toBeUndefined();
      await ks.set('device/identity', bytes(1, 2, 3));
      const got = await ks.get('device/identity');
      expect(got).toBeInstanceOf(Uint8Array);
      expect(Array.from(got!)).toEqual([1, 2, 3]);
      expect(await ks.get('device/other')).toBeUndefined();
    });

    it('overwrites a value in place', async () => {
      const ks = await h.open();
      await ks.set('quorum/q1/epoch/0/share', bytes(1));
      await ks.set('quorum/q1/epoch/0/share', bytes(2, 2));
      expect(Array.from((await ks.get('quorum/q1/epoch/0/share'))!)).toEqual([2, 2]);
      expect(await ks.list()).toEqual(['quorum/q1/epoch/0/share']);
    });

    it('deletes: true once, then false, and the value is gone', async () => {
      const ks = await h.open();
      await ks.set('a/b', bytes(9));
      expect(await ks.delete('a/b')).toBe(true);
      expect(await ks.delete('a/b')).toBe(false);
      expect(await ks.get('a/b')).toBeUndefined();
      expect(await ks.delete('never/set')).toBe(false);
    });

    it('lists names sorted, filtered by prefix', async () => {
      const ks = await h.open();
      expect(await ks.list()).toEqual([]);
      const names = ['quorum/q2/epoch/1/share', 'device/identity', 'quorum/q1/epoch/0/share', 'quorum/q1/epoch/1/share'];
      for (const n of names) await ks.set(n, bytes(7));
      expect(await ks.list()).toEqual([...names].sort());
      expect(await ks.list('quorum/q1/')).toEqual(['quorum/q1/epoch/0/share', 'quorum/q1/epoch/1/share']);
      expect(await ks.list('nothing/')).toEqual([]);
      await ks.delete('quorum/q1/epoch/0/share');
      expect(await ks.list('quorum/')).toEqual(['quorum/q1/epoch/1/share', 'quorum/q2/epoch/1/share']);
    });

    it('round-trips binary values: empty, all zero bytes, every byte value, 64 KiB random', async () => {
      const ks = await h.open();
      const every = Uint8Array.from({ length: 256 }, (_, i) => i);
      const big = new Uint8Array(randomBytes(64 * 1024));
      const cases: [string, Uint8Array][] = [
        ['v/empty', new Uint8Array(0)],
        ['v/zeros', new Uint8Array(32)],
        ['v/every', every],
        ['v/big', big],
      ];
      for (const [n, v] of cases) await ks.set(n, v);
      for (const [n, v] of cases) expect(Buffer.from((await ks.get(n))!).equals(Buffer.from(v))).toBe(true);
      expect((await ks.get('v/empty'))!.length).toBe(0);
    });

    it('keeps its own copy: mutating the input or a returned value changes nothing stored', async () => {
      const ks = await h.open();
      const v = bytes(1, 2, 3);
      await ks.set('copy/x', v);
      v.fill(0);
      const got = (await ks.get('copy/x'))!;
      expect(Array.from(got)).toEqual([1, 2, 3]);
      got.fill(9);
      expect(Array.from((await ks.get('copy/x'))!)).toEqual([1, 2, 3]);
      // A view into a larger buffer stores only the view.
      const backing = bytes(0xaa, 5, 6, 0xbb);
      await ks.set('copy/view', backing.subarray(1, 3));
      expect(Array.from((await ks.get('copy/view'))!)).toEqual([5, 6]);
    });

    it('accepts valid names and rejects invalid ones with KEYSTORE_NAME_INVALID', async () => {
      const ks = await h.open();
      const long = 'a'.repeat(200);
      for (const n of [long, 'a.b_c-d/0', 'quorum/7f3a/epoch/12/share']) {
        await ks.set(n, bytes(1));
        expect(await ks.get(n)).toBeDefined();
      }
      const bad = ['', 'A', 'a b', 'x:y', 'ü', 'a'.repeat(201), '/a', 'a/', 'a//b', '../a', 'a/./b', '..', 'a\nb'];
      for (const n of bad) {
        expect(await codeOf(ks.set(n, bytes(1))), n).toBe('KEYSTORE_NAME_INVALID');
        expect(await codeOf(ks.get(n)), n).toBe('KEYSTORE_NAME_INVALID');
        expect(await codeOf(ks.delete(n)), n).toBe('KEYSTORE_NAME_INVALID');
      }
      expect(await codeOf(ks.list('UPPER'))).toBe('KEYSTORE_NAME_INVALID');
      expect(await codeOf(ks.set('ok/name', 'text' as unknown as Uint8Array))).toBe('KEYSTORE_VALUE_INVALID');
    });

    it('isolates two keystores from each other', async () => {
      const [a, b] = [await h.open(), await h.open()];
      await a.set('device/identity', bytes(0xa));
      await b.set('device/identity', bytes(0xb));
      await a.set('only/a', bytes(1));
      expect(Array.from((await a.get('device/identity'))!)).toEqual([0xa]);
      expect(Array.from((await b.get('device/identity'))!)).toEqual([0xb]);
      expect(await b.get('only/a')).toBeUndefined();
      expect(await b.list()).toEqual(['device/identity']);
      expect(await b.delete('only/a')).toBe(false);
      expect(await a.delete('device/identity')).toBe(true);
      expect(Array.from((await b.get('device/identity'))!)).toEqual([0xb]);
      expect(a.describe().location).not.toBe(b.describe().location);
    });

    it('handles concurrent writes: distinct names all land, one name ends with one of the values', async () => {
      const ks = await h.open();
      await Promise.all(Array.from({ length: 8 }, (_, i) => ks.set(`par/${i}`, bytes(i))));
      expect(await ks.list('par/')).toHaveLength(8);
      await Promise.all(Array.from({ length: 8 }, (_, i) => ks.set('race/one', bytes(i, i))));
      const v = (await ks.get('race/one'))!;
      expect(v.length).toBe(2);
      expect(v[0]).toBe(v[1]);
    });

    it('never puts a secret value in an error or in the printed keystore', async () => {
      const ks = await h.open();
      const secret = new Uint8Array(randomBytes(48));
      await ks.set('device/identity', secret);
      const leaks = encodings(secret);
      const errors: unknown[] = [];
      for (const p of [ks.set('BAD NAME', secret), ks.set('x'.repeat(300), secret), ks.get('../x'), ks.list('?')]) {
        await p.catch((e: unknown) => errors.push(e));
      }
      expect(errors).toHaveLength(4);
      const printed = [...errors.map(errorText), inspect(ks, { depth: 10 }), JSON.stringify(ks)].join('\n');
      for (const s of leaks) expect(printed).not.toContain(s);
    });

    it(`describes itself as the ${h.backend} backend`, async () => {
      const info = (await h.open()).describe();
      expect(info.backend).toBe(h.backend);
      expect(info.location.length).toBeGreaterThan(0);
    });
  });
}
