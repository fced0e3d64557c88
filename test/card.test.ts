/** Device cards and fingerprints (DESIGN §3, §7): what holders paste and compare. */
import { describe, expect, test } from 'vitest';
import { decodeCard, encodeCard } from '../shared/card.js';
import { isRampartError } from '../shared/errors.js';
import { deviceFingerprint, rosterFingerprint, sessionCode } from '../shared/fingerprint.js';
import { deviceIdOf, devicePublicKeys, generateDeviceKeys } from '../shared/identity.js';

const keys = devicePublicKeys(generateDeviceKeys());

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isRampartError(e) ? e.code : 'not a RampartError';
  }
  return undefined;
}

describe('device cards', () => {
  test('a card round-trips and yields the deviceId of its identity key', () => {
    const card = encodeCard({ name: "Alice's laptop (Zürich)", ...keys });
    expect(card.startsWith('rampart1.')).toBe(true);
    expect(decodeCard(`  ${card}\n`)).toEqual({ deviceId: deviceIdOf(keys.identityKey), name: "Alice's laptop (Zürich)", ...keys });
  });

  test('a truncated or mistyped card is refused by its checksum', () => {
    const card = encodeCard({ name: 'bob', ...keys });
    expect(codeOf(() => decodeCard(card.slice(0, -1)))).toBe('ENCODING_INVALID');
    const typo = card.replace(keys.identityKey.slice(0, 4), keys.identityKey.slice(0, 3) + (keys.identityKey[3] === '0' ? '1' : '0'));
    expect(codeOf(() => decodeCard(typo))).toBe('ENCODING_INVALID');
    expect(codeOf(() => decodeCard('rampart1.zz'))).toBe('ENCODING_INVALID');
  });

  test('names with control or bidi characters are refused', () => {
    expect(codeOf(() => encodeCard({ name: 'evil\u202eexe', ...keys }))).toBe('ENCODING_INVALID');
    expect(codeOf(() => encodeCard({ name: '', ...keys }))).toBe('ENCODING_INVALID');
  });
});

describe('fingerprints', () => {
  test('a device fingerprint is six groups of four digits, stable, and differs between devices', () => {
    const fp = deviceFingerprint(keys.identityKey);
    expect(fp).toMatch(/^\d{4}( \d{4}){5}$/);
    expect(deviceFingerprint(keys.identityKey)).toBe(fp);
    expect(deviceFingerprint(devicePublicKeys(generateDeviceKeys()).identityKey)).not.toBe(fp);
  });

  test('a roster fingerprint ignores member order but not the threshold or membership', () => {
    const a = { deviceId: 'aa'.repeat(16), identityKey: 'bb'.repeat(32) };
    const b = { deviceId: 'cc'.repeat(16), identityKey: 'dd'.repeat(32) };
    const c = { deviceId: 'ee'.repeat(16), identityKey: 'ff'.repeat(32) };
    expect(rosterFingerprint(2, [a, b])).toBe(rosterFingerprint(2, [b, a]));
    expect(rosterFingerprint(2, [a, b])).not.toBe(rosterFingerprint(3, [a, b]));
    expect(rosterFingerprint(2, [a, b])).not.toBe(rosterFingerprint(2, [a, c]));
  });

  test('a session code is two groups of four digits', () => {
    expect(sessionCode('ab'.repeat(32))).toMatch(/^\d{4} \d{4}$/);
  });
});
