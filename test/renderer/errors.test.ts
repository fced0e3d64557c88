/** Errors as the UI shows them, and the backup import outcomes in words (DESIGN §6). */
import { describe, expect, test } from 'vitest';
import { RampartError } from '../../shared/errors.js';
import { explainImportError, toUiError } from '../../renderer/src/lib/errors.js';

describe('toUiError', () => {
  test('keeps code, message and culprit of a RampartError or its JSON', () => {
    expect(toUiError(new RampartError('SHARE_STALE', 'old share', 'ab'.repeat(16)))).toEqual({ code: 'SHARE_STALE', message: `old share (device ${'ab'.repeat(16)})`, culprit: 'ab'.repeat(16) });
    expect(toUiError({ code: 'PASSPHRASE_WEAK', message: 'too weak' })).toEqual({ code: 'PASSPHRASE_WEAK', message: 'too weak' });
  });

  test('reads the CLI form "CODE: message"; anything else is UNKNOWN with its message', () => {
    expect(toUiError(new Error('BACKUP_STALE: epoch 1 < 2'))).toEqual({ code: 'BACKUP_STALE', message: 'epoch 1 < 2' });
    expect(toUiError(new Error('socket hang up'))).toEqual({ code: 'UNKNOWN', message: 'socket hang up' });
    expect(toUiError({ code: 'NOT_A_CODE', message: 'x' })).toEqual({ code: 'UNKNOWN', message: 'x' });
    expect(toUiError('boom')).toEqual({ code: 'UNKNOWN', message: 'boom' });
    expect(toUiError(undefined)).toEqual({ code: 'UNKNOWN', message: 'unknown error' });
  });
});

describe('explainImportError', () => {
  test('BACKUP_STALE is blocked, keeps the device’s message and says why', () => {
    const msg = 'this backup is of epoch 1, but the quorum is at epoch 2 since a reshare committed at 2025-01-02T03:04:05Z';
    const o = explainImportError({ code: 'BACKUP_STALE', message: msg });
    expect(o.severity).toBe('blocked');
    expect(o.message).toBe(msg);
    expect(o.explanation).toMatch(/can never sign again/);
    expect(o.explanation).toMatch(/break/);
    expect(o.canAcceptUnverified).toBe(false);
  });

  test('BACKUP_UNVERIFIED is a warning the holder may override', () => {
    const o = explainImportError({ code: 'BACKUP_UNVERIFIED', message: 'offline' });
    expect(o).toMatchObject({ severity: 'warning', message: 'offline', canAcceptUnverified: true });
  });

  test('other codes are errors with their message and an explanation', () => {
    expect(explainImportError({ code: 'PASSPHRASE_WRONG', message: 'wrong' })).toMatchObject({ severity: 'error', message: 'wrong', canAcceptUnverified: false, explanation: expect.stringMatching(/passphrase/) });
    expect(explainImportError({ code: 'UNKNOWN', message: 'x' }).explanation).toBe('Nothing was changed on this device.');
  });
});
