/**
 * The import policy (DESIGN §6): stale backups are blocked with when the
 * reshare happened, the current epoch restores, an unknown current epoch
 * needs explicit confirmation, and nothing overwrites a share at least as new.
 */
import { describe, expect, test } from 'vitest';
import { decideImport, throwIfNotRestorable, type BackupSubject, type ImportInput, type KnownCertificate } from '../../shared/backup/index.js';
import { expectCode } from '../helpers/backup-fixtures.js';

const Q = 'ab'.repeat(16);
const H = (e: number) => e.toString(16).padStart(2, '0').repeat(32);
/** A backup of epoch `e` whose chain has the canonical hashes H(0)..H(e). */
const backupAt = (e: number): BackupSubject => ({ quorumId: Q, epoch: e, certificateHash: H(e), chainHashes: Array.from({ length: e + 1 }, (_, i) => H(i)) });
const known = (e: number, extra: Partial<KnownCertificate> = {}): ImportInput['current'] => ({
  kind: 'known',
  certificate: { quorumId: Q, epoch: e, hash: H(e), source: 'relay', ...extra },
});

describe('decideImport', () => {
  test('backup epoch < current → blocked BACKUP_STALE; the message names both epochs, when, and what to do', async () => {
    const d = decideImport({ backup: backupAt(2), current: known(3, { committedAt: '2025-02-03T04:05:06.000Z' }), acceptUnverified: true });
    expect(d).toMatchObject({ action: 'blocked', code: 'BACKUP_STALE', backupEpoch: 2, currentEpoch: 3 });
    expect(d.message).toBe(
      'this backup is from epoch 2; the quorum is at epoch 3 since 2025-02-03T04:05:06.000Z, per the relay; ' +
        'a share from epoch 2 can never sign again — use a backup made at epoch 3, or ask the quorum to add this device back with a reshare',
    );
    const e = await expectCode(() => throwIfNotRestorable(d), 'BACKUP_STALE');
    expect(e.message).toBe(d.message);
    // Without a commit time the message says so; acceptUnverified never overrides a known newer epoch.
    expect(decideImport({ backup: backupAt(0), current: known(5, { source: 'local' }), acceptUnverified: true }).message).toMatch(
      /epoch 0; the quorum is at epoch 5 \(when the reshare happened is not known\), per this device/,
    );
  });

  test('backup epoch = current → restore', () => {
    const d = decideImport({ backup: backupAt(3), current: known(3), acceptUnverified: false });
    expect(d).toMatchObject({ action: 'restore', basis: 'current', epoch: 3 });
    expect(() => throwIfNotRestorable(d)).not.toThrow();
    // A device holding only a dead older share may replace it.
    expect(decideImport({ backup: backupAt(3), current: known(3), local: { holdsShareAt: 2 }, acceptUnverified: false }).action).toBe('restore');
  });

  test('current epoch unknown → needs-confirmation BACKUP_UNVERIFIED; restore only with acceptUnverified', async () => {
    const d = decideImport({ backup: backupAt(1), current: { kind: 'unknown' }, acceptUnverified: false });
    expect(d).toMatchObject({ action: 'needs-confirmation', code: 'BACKUP_UNVERIFIED' });
    expect(d.message).toMatch(/--accept-unverified/);
    await expectCode(() => throwIfNotRestorable(d), 'BACKUP_UNVERIFIED');
    expect(decideImport({ backup: backupAt(1), current: { kind: 'unknown' }, acceptUnverified: true })).toMatchObject({ action: 'restore', basis: 'unverified' });
  });

  test('the device already holds a share at the current epoch → refused BACKUP_WOULD_OVERWRITE', async () => {
    const d = decideImport({ backup: backupAt(3), current: known(3), local: { holdsShareAt: 3 }, acceptUnverified: false });
    expect(d).toMatchObject({ action: 'refused', code: 'BACKUP_WOULD_OVERWRITE' });
    await expectCode(() => throwIfNotRestorable(d), 'BACKUP_WOULD_OVERWRITE');
    expect(decideImport({ backup: backupAt(1), current: { kind: 'unknown' }, local: { holdsShareAt: 1 }, acceptUnverified: true }).action).toBe('refused');
  });

  test('another quorum → refused BACKUP_OTHER_QUORUM, by name or by the certificate compared with', () => {
    expect(decideImport({ backup: backupAt(1), current: known(1), acceptUnverified: false, expectedQuorumId: 'cd'.repeat(16) })).toMatchObject({ code: 'BACKUP_OTHER_QUORUM' });
    const foreign = known(1);
    if (foreign.kind === 'known') foreign.certificate.quorumId = 'cd'.repeat(16);
    expect(decideImport({ backup: backupAt(1), current: foreign, acceptUnverified: false })).toMatchObject({ code: 'BACKUP_OTHER_QUORUM' });
  });

  test('another certificate for the same epoch → refused CERT_CHAIN_BROKEN (a fork or a forgery)', () => {
    const d = decideImport({ backup: { ...backupAt(2), certificateHash: 'ee'.repeat(32) }, current: known(2), acceptUnverified: true });
    expect(d).toMatchObject({ action: 'refused', code: 'CERT_CHAIN_BROKEN' });
  });

  test('backup newer than the known certificate: restore iff its verified chain extends that certificate', () => {
    expect(decideImport({ backup: backupAt(4), current: known(2), acceptUnverified: false })).toMatchObject({ action: 'restore', basis: 'backup-chain', epoch: 4 });
    const forked = { ...backupAt(4), chainHashes: [H(0), H(1), 'ee'.repeat(32), H(3), H(4)] };
    expect(decideImport({ backup: forked, current: known(2), acceptUnverified: true })).toMatchObject({ action: 'refused', code: 'CERT_CHAIN_BROKEN' });
    const { chainHashes: _omitted, ...noChain } = backupAt(4);
    expect(decideImport({ backup: noChain, current: known(2), acceptUnverified: true })).toMatchObject({ action: 'refused', code: 'CERT_CHAIN_BROKEN' });
  });
});
