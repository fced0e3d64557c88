/** The approval prompt's content (renderer/src/lib/request-view.ts, DESIGN §4 step 2). */
import { describe, expect, test } from 'vitest';
import type { RequestView } from '../../shared/api.js';
import { describeRequest } from '../../renderer/src/lib/request-view.js';

const m = (n: number, name: string) => ({ deviceId: String(n).repeat(32), name, fingerprint: `${n}${n}${n}${n} 0000 0000 0000 0000 0000` });
const alice = m(1, 'alice');
const bob = m(2, 'bob');
const carol = m(3, 'carol');
const dave = m(4, 'dave');

function request(over: Partial<RequestView>): RequestView {
  return {
    id: 'a'.repeat(64),
    kind: 'reshare',
    quorumId: 'b'.repeat(32),
    sessionId: 'c'.repeat(32),
    summary: 'summary',
    initiator: alice,
    sessionCode: '1234 5678',
    expiresAt: 1_000,
    approvals: { have: 1, need: 2 },
    ...over,
  };
}

describe('describeRequest', () => {
  test('a refresh shows epoch N → N+1 and an unchanged t-of-n', () => {
    const d = describeRequest(
      request({ change: { operation: 'refresh', fromEpoch: 3, before: { threshold: 2, members: [alice, bob, carol] }, after: { threshold: 2, members: [alice, bob, carol] }, added: [], removed: [] } }),
    );
    expect(d).toMatchObject({ operation: 'refresh', title: 'Reshare: refresh shares', epochLine: 'Epoch 3 → 4', structureLine: '2-of-3 → 2-of-3 (unchanged)', added: [], removed: [], approvalsLine: '1 of 2 approvals' });
  });

  test('a restructure shows before → after and who joins and leaves, with fingerprints', () => {
    const d = describeRequest(
      request({
        change: { operation: 'restructure', fromEpoch: 0, before: { threshold: 2, members: [alice, bob, carol] }, after: { threshold: 3, members: [alice, bob, dave] }, added: [dave], removed: [carol] },
        approvals: { have: 0, need: 1 },
      }),
    );
    expect(d.operation).toBe('restructure');
    expect(d.epochLine).toBe('Epoch 0 → 1');
    expect(d.structureLine).toBe('2-of-3 → 3-of-3');
    expect(d.added).toEqual([dave]);
    expect(d.removed).toEqual([carol]);
    expect(d.approvalsLine).toBe('0 of 1 approval');
  });

  test('a new quorum (DKG) lists its roster and t-of-n, without epochs', () => {
    const d = describeRequest(
      request({ kind: 'dkg', change: { operation: 'restructure', fromEpoch: 0, before: { threshold: 0, members: [] }, after: { threshold: 2, members: [alice, bob] }, added: [alice, bob], removed: [] } }),
    );
    expect(d).toMatchObject({ operation: 'dkg', epochLine: null, structureLine: '2-of-2', afterMembers: [alice, bob], added: [], removed: [] });
  });

  test('a signing request has no structure lines', () => {
    const d = describeRequest(request({ kind: 'sign', message: { hex: '00', description: 'pay' } }));
    expect(d).toMatchObject({ operation: 'sign', title: 'Signature request', epochLine: null, structureLine: null });
  });
});
