/**
 * Backup passphrases (DESIGN §6): zxcvbn (@zxcvbn-ts) judges them; below
 * score 3 a backup is refused with PASSPHRASE_WEAK and zxcvbn's advice.
 */
import { describe, expect, test } from 'vitest';
import { assertStrongPassphrase, createBackup, MIN_PASSPHRASE_SCORE, passphraseStrength } from '../../shared/backup/index.js';
import { PASSPHRASE, contentsAt, expectCode, genesisHistory } from '../helpers/backup-fixtures.js';

describe('passphrase strength', () => {
  test('common passwords score low and come with a warning; a long random phrase scores 4', () => {
    const weak = passphraseStrength('password1');
    expect(weak.score).toBeLessThan(MIN_PASSPHRASE_SCORE);
    expect(weak.warning).not.toBe('');
    expect(passphraseStrength(PASSPHRASE).score).toBe(4);
  });

  test('assertStrongPassphrase throws PASSPHRASE_WEAK with the reason, and passes a strong phrase', async () => {
    const e = await expectCode(() => assertStrongPassphrase('qwerty123'), 'PASSPHRASE_WEAK');
    expect(e.message).toMatch(/^backup passphrase is too weak \(strength [0-2] of 4; at least 3 is required\): \S/);
    expect(e.message).not.toContain('qwerty123');
    expect(() => assertStrongPassphrase(PASSPHRASE)).not.toThrow();
  });

  test('user inputs (device or quorum names) lower the score', () => {
    const phrase = 'alicephone7treasury';
    expect(passphraseStrength(phrase, ['treasury', 'alicephone']).score).toBeLessThan(passphraseStrength(phrase).score);
  });

  test('createBackup refuses a weak passphrase before doing any work', async () => {
    const h = genesisHistory('ed25519', 2, 2);
    let drawn = 0;
    const rng = (n: number) => {
      drawn += n;
      return new Uint8Array(n);
    };
    await expectCode(() => createBackup(contentsAt(h, 0, h.worlds[0]!.epoch.roster[0]!.deviceId), 'letmein', { rng }), 'PASSPHRASE_WEAK');
    expect(drawn).toBe(0); // no salt or nonce was drawn: nothing was encrypted
  });
});
