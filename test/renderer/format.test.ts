/** Renderer formatting (renderer/src/lib/time.ts, input.ts): countdowns, timestamps, what holders type. */
import { describe, expect, test } from 'vitest';
import { backupFileName, parseCardLines, parseMessageHex, parseThreshold } from '../../renderer/src/lib/input.js';
import { formatCountdown, formatDateTime, shortHex } from '../../renderer/src/lib/time.js';

describe('countdown to a request’s expiry', () => {
  test.each([
    [0, 'expired'],
    [-5_000, 'expired'],
    [Number.NaN, 'expired'],
    [1, '1s'],
    [12_000, '12s'],
    [12_001, '13s'],
    [60_000, '1m 00s'],
    [245_000, '4m 05s'],
    [3_600_000, '1h 00m'],
    [3_720_000 + 59_000, '1h 02m'],
  ])('%d ms left reads "%s"', (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });
});

describe('timestamps and hex', () => {
  test('a local date and time is zero-padded and sortable', () => {
    expect(formatDateTime(new Date(2025, 0, 2, 3, 4, 5).getTime())).toBe('2025-01-02 03:04:05');
  });

  test('long hex is shortened with an ellipsis; short hex is kept', () => {
    expect(shortHex('0123456789abcdef0123')).toBe('01234567…0123');
    expect(shortHex('abcdef')).toBe('abcdef');
  });
});

describe('form input', () => {
  test('cards pasted one per line drop blanks, comments and duplicates, in order', () => {
    expect(parseCardLines('  rampart1.a \r\n\n# bob\nrampart1.b\nrampart1.a\n')).toEqual(['rampart1.a', 'rampart1.b']);
    expect(parseCardLines('')).toEqual([]);
  });

  test('a message is hex in whole bytes; 0x, spaces and upper case are accepted', () => {
    expect(parseMessageHex('0xDE AD\nbeef')).toEqual({ hex: 'deadbeef' });
    expect(parseMessageHex('')).toEqual({ hex: '' });
    expect(parseMessageHex('abc')).toHaveProperty('error');
    expect(parseMessageHex('hello')).toHaveProperty('error');
    expect(parseMessageHex('00'.repeat(5), 4)).toHaveProperty('error');
  });

  test('a threshold is a whole number from 2 to the member count', () => {
    expect(parseThreshold('3', 4)).toEqual({ threshold: 3 });
    expect(parseThreshold('1', 4)).toHaveProperty('error');
    expect(parseThreshold('5', 4)).toHaveProperty('error');
    expect(parseThreshold('2.5', 4)).toHaveProperty('error');
    expect(parseThreshold(' ', 4)).toHaveProperty('error');
  });

  test('a backup file name carries the quorum and the epoch', () => {
    expect(backupFileName('Treasury (EU) #1', 3)).toBe('treasury-eu-1-epoch-3.rampart-backup');
    expect(backupFileName('ß', 0)).toBe('quorum-epoch-0.rampart-backup');
  });
});
