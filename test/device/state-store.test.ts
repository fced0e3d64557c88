/** The device state file (DESIGN §2): atomic updates, dedup, hash-chained log, survives reopening. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { StateStore } from '../../main/device/state-store.js';

const dirs: string[] = [];
function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'rampart-state-'));
  dirs.push(d);
  return join(d, 'state.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('device state store', () => {
  test('quorums, chains and sessions survive closing and reopening the file', () => {
    const path = tempFile();
    const a = new StateStore(path);
    a.putQuorum('aa'.repeat(16), 'Treasury', 1, { threshold: 2 });
    a.putCertificate('aa'.repeat(16), 0, 'h0', { epoch: 0 });
    a.putCertificate('aa'.repeat(16), 1, 'h1', { epoch: 1 });
    a.putSession({ sessionId: 'bb'.repeat(16), quorumId: 'aa'.repeat(16), kind: 'reshare', status: 'acked', state: { H: 'x' } });
    a.close();
    const b = new StateStore(path);
    expect(b.getQuorum('aa'.repeat(16))).toMatchObject({ name: 'Treasury', epoch: 1, publicState: { threshold: 2 } });
    expect(b.getChain('aa'.repeat(16))).toEqual([{ epoch: 0 }, { epoch: 1 }]);
    expect(b.listSessions({ status: 'acked' }).map((s) => s.state)).toEqual([{ H: 'x' }]);
    b.close();
  });

  test('a transaction that throws leaves nothing behind', () => {
    const s = new StateStore(':memory:');
    expect(() =>
      s.atomically(() => {
        s.putQuorum('aa'.repeat(16), 'Treasury', 0, {});
        throw new Error('crash between two writes');
      }),
    ).toThrow('crash');
    expect(s.getQuorum('aa'.repeat(16))).toBeUndefined();
  });

  test('a message digest is accepted once; replays are reported', () => {
    const s = new StateStore(':memory:');
    expect(s.markSeen('d1')).toBe(true);
    expect(s.markSeen('d1')).toBe(false);
    expect(s.markSeen('d2')).toBe(true);
  });

  test('the event log is hash-chained and tampering is detected at the altered entry', () => {
    const path = tempFile();
    const s = new StateStore(path);
    s.appendLog('quorum-created', 'Treasury 2-of-3', 'aa'.repeat(16));
    s.appendLog('reshare-committed', 'epoch 0 → 1', 'aa'.repeat(16), 'bb'.repeat(16));
    s.appendLog('share-deleted', 'epoch 0 share', 'aa'.repeat(16));
    expect(s.readLog().map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(s.verifyLog()).toBeUndefined();
    s.close();
    const raw = new Database(path);
    raw.prepare("UPDATE log SET detail = 'epoch 0 → 7' WHERE seq = 1").run();
    raw.close();
    const again = new StateStore(path);
    expect(again.verifyLog()).toBe(1);
    again.close();
  });
});
