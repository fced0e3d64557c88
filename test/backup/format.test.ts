/**
 * Reading the file (DESIGN §6): any strict prefix of a backup is reported as
 * truncated, and no input whatsoever makes the reader fail with anything but a
 * BACKUP_* code. Parsing needs no passphrase, so these run without scrypt
 * (one file is made once).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { createBackup, parseBackupFile } from '../../shared/backup/index.js';
import { isTruncatedJsonObject } from '../../shared/backup/truncation.js';
import { isRampartError } from '../../shared/errors.js';
import { PASSPHRASE, TEST_N, contentsAt, genesisHistory } from '../helpers/backup-fixtures.js';

let text: string;

beforeAll(async () => {
  const h = genesisHistory('secp256k1-tr', 2, 3);
  text = (await createBackup(contentsAt(h, 0, h.worlds[0]!.epoch.roster[2]!.deviceId), PASSPHRASE, { N: TEST_N })).text;
});

function codeOf(input: string): string {
  try {
    parseBackupFile(input);
    return 'ok';
  } catch (e) {
    return isRampartError(e) ? e.code : `non-Rampart error: ${String(e)}`;
  }
}

describe('backup file reader', () => {
  test('the written file parses; compact JSON and a byte-order mark are accepted too', () => {
    expect(codeOf(text)).toBe('ok');
    expect(codeOf(JSON.stringify(JSON.parse(text)))).toBe('ok');
    expect(codeOf(`\ufeff${text}`)).toBe('ok');
  });

  test('every strict prefix of a backup (cut anywhere before its closing brace) is BACKUP_TRUNCATED', () => {
    const end = text.lastIndexOf('}');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: end }), (cut) => {
        expect(codeOf(text.slice(0, cut))).toBe('BACKUP_TRUNCATED');
      }),
      { numRuns: 300 },
    );
  });

  test('arbitrary text, and a backup with one character replaced, never fail with anything but a BACKUP_* code', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (s) => {
        expect(codeOf(s)).toMatch(/^BACKUP_(MALFORMED|TRUNCATED|VERSION_UNSUPPORTED)$/);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (i, c) => {
        const at = i % text.length;
        expect(codeOf(text.slice(0, at) + c + text.slice(at + 1))).toMatch(/^(ok|BACKUP_(MALFORMED|TRUNCATED|VERSION_UNSUPPORTED))$/);
      }),
      { numRuns: 300 },
    );
  });

  test('the truncation scanner tells cut-off JSON objects from invalid text', () => {
    for (const prefix of ['', '  ', '{', '{"a', '{"a":', '{"a": [1, 2', '{"a": "x\\u00', '{"a": tr', '{"a": -', '{"a": 1.', '{"a": 1e+', '{"a": {"b": null}, "c"']) {
      expect(isTruncatedJsonObject(prefix), JSON.stringify(prefix)).toBe(true);
    }
    for (const bad of ['x', '[', '"str', '{"a" 1', '{"a": tx', '{"a": 01', '{"a": 1}}', '{"a": 1} x', '{"a": "\\q"', '{"a": ]', '{,']) {
      expect(isTruncatedJsonObject(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});
