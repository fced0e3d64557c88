/** The session progress model (renderer/src/lib/sessions.ts): log entries and progress events folded per session. */
import { describe, expect, test } from 'vitest';
import type { LogEntry } from '../../shared/api.js';
import { applyLogEntry, applyProgress, endStateLine, phaseOfLogType, type SessionRecord } from '../../renderer/src/lib/sessions.js';

const Q = 'q'.repeat(0) + 'a'.repeat(32);
const S = 'b'.repeat(32);
let seq = 0;
const entry = (type: string, detail: string, sessionId: string | null = S): LogEntry => ({ seq: seq++, at: 1_000 + seq, type, quorumId: Q, sessionId, detail });
const fold = (entries: LogEntry[], start: readonly SessionRecord[] = []): readonly SessionRecord[] => entries.reduce<readonly SessionRecord[]>((acc, e) => applyLogEntry(acc, e), start);

describe('session progress', () => {
  test('a reshare runs proposed → approving → dealing → acking → committed, ending "Committed: epoch 4"', () => {
    const phases: string[] = [];
    let s: readonly SessionRecord[] = [];
    for (const e of [
      entry('reshare-proposed', 'epoch 3 → 4: 2-of-3 → 2-of-3'),
      entry('reshare-approved', 'epoch 3 → 4'),
      entry('reshare-dealt', 'dealt to 3 new members'),
      entry('reshare-share-pending', 'epoch 4 share stored as pending'),
      entry('share-deleted', 'epoch 3 share deleted after the epoch 4 certificate'),
      entry('reshare-committed', 'epoch 3 → 4: 2-of-3'),
    ]) {
      s = applyLogEntry(s, e);
      phases.push(s[0]!.phase);
    }
    expect(phases).toEqual(['proposed', 'approving', 'dealing', 'acking', 'acking', 'committed']);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ kind: 'reshare', epoch: 4, quorumId: Q });
    expect(s[0]!.entries).toHaveLength(6);
    expect(endStateLine(s[0]!)).toBe('Committed: epoch 4');
  });

  test('an abort ends with its reason; a late non-terminal entry does not revive it', () => {
    const s = fold([entry('reshare-proposed', 'p'), entry('reshare-aborted', 'carol rejected: not today'), entry('reshare-rejection-received', 'late')]);
    expect(s[0]!.phase).toBe('aborted');
    expect(endStateLine(s[0]!)).toBe('Aborted: carol rejected: not today');
  });

  test('an expired reshare can still commit later (certificate adopted)', () => {
    const s = fold([entry('reshare-share-pending', 'x'), entry('reshare-expired', 'expired after this device acked'), entry('reshare-committed', 'epoch 0 → 1: 2-of-2 (adopted after the fact)')]);
    expect(endStateLine(s[0]!)).toBe('Committed: epoch 1');
  });

  test('DKG commits at epoch 0; signing ends "Signed at epoch N"', () => {
    const dkg = fold([entry('dkg-proposed', 'T: 2-of-2 ed25519', 'd'.repeat(32)), entry('quorum-created', 'T: 2-of-2, epoch 0', 'd'.repeat(32))]);
    expect(endStateLine(dkg[0]!)).toBe('Committed: epoch 0');
    const sign = fold([entry('sign-proposed', 'signing "pay" at epoch 2', 'e'.repeat(32)), entry('sign-completed', 'signature abcd…', 'e'.repeat(32))]);
    expect(sign[0]!.kind).toBe('sign');
    expect(endStateLine(sign[0]!)).toBe('Signed at epoch 2');
  });

  test('entries without a session, and repeated entries, change nothing', () => {
    const e = entry('reshare-proposed', 'p');
    const s = fold([e]);
    expect(applyLogEntry(s, e)).toBe(s);
    expect(applyLogEntry(s, entry('backup-exported', 'x', null))).toBe(s);
  });

  test('progress events set acked and missing; phases never move backwards', () => {
    let s = fold([entry('reshare-share-pending', 'x')]);
    s = applyProgress(s, { sessionId: S, quorumId: Q, kind: 'reshare', phase: 'approving', acked: ['1'.repeat(32)], missing: ['2'.repeat(32)] }, 5_000);
    expect(s[0]).toMatchObject({ phase: 'acking', acked: ['1'.repeat(32)], missing: ['2'.repeat(32)], updatedAt: 5_000 });
    s = applyProgress(s, { sessionId: S, quorumId: Q, kind: 'reshare', phase: 'expired', acked: [], missing: ['2'.repeat(32)], reason: 'bob never acked' }, 6_000);
    expect(endStateLine(s[0]!)).toBe('Expired: bob never acked');
  });

  test('keeps the most recently active sessions, newest first', () => {
    let s: readonly SessionRecord[] = [];
    for (let i = 0; i < 5; i++) s = applyLogEntry(s, { ...entry('sign-proposed', 'x'), sessionId: String(i).repeat(32) }, 3);
    expect(s.map((r) => r.sessionId[0])).toEqual(['4', '3', '2']);
  });

  test('log types map to phases', () => {
    expect(phaseOfLogType('dkg-share-pending')).toBe('acking');
    expect(phaseOfLogType('sign-failed')).toBe('aborted');
    expect(phaseOfLogType('backup-exported')).toBeNull();
  });
});
