/**
 * Golden snapshots pin the wire encoding (DESIGN §3): one fully signed example
 * envelope per message kind, compared byte for byte with `encodeEnvelope`.
 * Regenerate deliberately with `UPDATE_GOLDEN=1 npx vitest run test/wire/golden.test.ts`;
 * a normal run only compares and fails on any difference.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MESSAGE_KINDS } from '../../shared/wire/bodies.js';
import { decodeEnvelope, encodeEnvelope, verifyEnvelope } from '../../shared/wire/envelope.js';
import { example, sender } from './fixtures.js';

const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const fileOf = (kind: string) => join(GOLDEN_DIR, `${kind.replace('/', '-')}.json`);

describe('golden envelopes', () => {
  for (const kind of MESSAGE_KINDS) {
    it(`the ${kind} example encodes byte for byte as its golden file`, () => {
      const encoded = encodeEnvelope(example(kind)) + '\n';
      if (UPDATE) writeFileSync(fileOf(kind), encoded);
      expect(existsSync(fileOf(kind)), `missing golden file for ${kind}; run with UPDATE_GOLDEN=1`).toBe(true);
      expect(readFileSync(fileOf(kind), 'utf8')).toBe(encoded);
    });

    it(`the ${kind} golden file decodes, verifies and re-encodes unchanged`, () => {
      const text = readFileSync(fileOf(kind), 'utf8').replace(/\n$/, '');
      const env = decodeEnvelope(text);
      expect(env.kind).toBe(kind);
      verifyEnvelope(env, sender(env).identityKey);
      expect(encodeEnvelope(env)).toBe(text);
    });
  }

  it('the golden folder holds exactly one file per message kind', () => {
    const expected = MESSAGE_KINDS.map((k) => `${k.replace('/', '-')}.json`).sort();
    expect(readdirSync(GOLDEN_DIR).sort()).toEqual(expected);
  });
});
