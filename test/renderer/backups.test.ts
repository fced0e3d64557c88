/** Backup screen logic: the strength gate (DESIGN §6) and which quorums need a fresh backup after a reshare. */
import { describe, expect, test } from 'vitest';
import type { BackupView, QuorumView } from '../../shared/api.js';
import { MIN_PASSPHRASE_SCORE, passphraseStrength } from '../../shared/backup/passphrase.js';
import { quorumsNeedingFreshBackup } from '../../renderer/src/lib/backups.js';
import { exportBlocker, MIN_SCORE } from '../../renderer/src/lib/strength.js';

const backup = (epoch: number, obsolete: boolean): BackupView => ({
  quorumId: 'a'.repeat(32),
  epoch,
  path: null,
  fingerprint: String(epoch).repeat(64).slice(0, 64),
  certificateHash: 'c'.repeat(64),
  createdAt: 1,
  obsolete,
});
const quorum = (epoch: number, backups: BackupView[], share: QuorumView['share'] = 'active'): QuorumView => ({
  quorumId: 'a'.repeat(32),
  name: 'Treasury',
  suite: 'ed25519',
  threshold: 2,
  members: [],
  epoch,
  groupPublicKey: 'd'.repeat(64),
  share,
  lastReshareAt: null,
  backups,
});

describe('export gate', () => {
  test('the renderer’s minimum matches the device’s', () => {
    expect(MIN_SCORE).toBe(MIN_PASSPHRASE_SCORE);
  });

  test('export is blocked below score 3 and when the passphrases differ', () => {
    expect(exportBlocker(null, true, false)).toMatch(/Choose/);
    expect(exportBlocker({ score: 2, warning: '', suggestions: [] }, false, true)).toMatch(/too weak \(2 of 4/);
    expect(exportBlocker({ score: 3, warning: '', suggestions: [] }, false, false)).toMatch(/do not match/);
    expect(exportBlocker({ score: 3, warning: '', suggestions: [] }, false, true)).toBeNull();
    expect(exportBlocker({ score: 4, warning: '', suggestions: [] }, false, true)).toBeNull();
  });

  test('zxcvbn’s verdict feeds the gate: a common word is blocked, a long random phrase is not', () => {
    const weak = passphraseStrength('password1');
    expect(weak.score).toBeLessThan(3);
    expect(exportBlocker(weak, false, true)).not.toBeNull();
    expect(exportBlocker(passphraseStrength('correct horse battery staple orbit 1987 gizmo'), false, true)).toBeNull();
  });
});

describe('quorumsNeedingFreshBackup', () => {
  test('a quorum whose every export is obsolete needs one; a current export or no export at all does not', () => {
    expect(quorumsNeedingFreshBackup([quorum(2, [backup(0, true), backup(1, true)])])).toEqual([{ quorumId: 'a'.repeat(32), name: 'Treasury', epoch: 2, lastBackupEpoch: 1 }]);
    expect(quorumsNeedingFreshBackup([quorum(2, [backup(1, true), backup(2, false)])])).toEqual([]);
    expect(quorumsNeedingFreshBackup([quorum(2, [])])).toEqual([]);
    expect(quorumsNeedingFreshBackup([quorum(2, [backup(1, true)], 'none')])).toEqual([]);
  });
});
