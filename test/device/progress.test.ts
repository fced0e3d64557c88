/**
 * The progress feed of a reshare (DESIGN §4 steps 3–6; the desktop app's
 * progress view): every device reports approving → dealing → acking →
 * committed; the coordinator, which receives every ack, reports who acked
 * and who is missing as acks arrive, then certifying; a rejected reshare
 * ends in `aborted` with the reason.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { EventPayload } from '../../shared/api.js';
import { approveNext, until } from '../helpers/device-fixtures.js';
import { MemoryNetwork } from '../helpers/memory-network.js';
import { cleanDirs, trio, type TestDevice } from '../backup-device/fixtures.js';

afterEach(() => cleanDirs());

type Progress = EventPayload<'sessionProgress'>;

function record(d: TestDevice): Progress[] {
  const seen: Progress[] = [];
  d.svc.on((event, payload) => {
    if (event === 'sessionProgress') seen.push(payload as Progress);
  });
  return seen;
}

describe('reshare progress events', () => {
  test('phases in order on every device; the coordinator names who acked and who is missing', async () => {
    const net = new MemoryNetwork();
    const { a, b, c, q } = await trio(net);
    const [pa, pb, pc] = [a, b, c].map(record) as [Progress[], Progress[], Progress[]];
    const r = a.svc.reshare({ quorumId: q.quorumId });
    await approveNext(b.svc, 'reshare', 'bob');
    await r;
    for (const p of [pb, pc]) await until('committed reported', () => p.some((e) => e.phase === 'committed') || undefined);

    const phases = (p: Progress[]) => [...new Set(p.map((e) => e.phase))];
    expect(phases(pa)).toEqual(['approving', 'dealing', 'acking', 'certifying', 'committed']);
    for (const p of [pb, pc]) expect(phases(p)).toEqual(['approving', 'dealing', 'acking', 'committed']);

    // alice coordinates (she proposed and stays): her acking events grow to all three, then none is missing.
    const acking = pa.filter((e) => e.phase === 'acking');
    expect(acking.length).toBeGreaterThanOrEqual(2);
    expect(acking[0]!.missing.length).toBeGreaterThan(0);
    expect(new Set(acking[acking.length - 1]!.acked)).toEqual(new Set([a.svc.deviceId, b.svc.deviceId, c.svc.deviceId]));
    expect(acking[acking.length - 1]!.missing).toEqual([]);
    // bob knows his own ack; every device ends with the certificate's full list.
    expect(pb.find((e) => e.phase === 'acking')!.acked).toContain(b.svc.deviceId);
    for (const p of [pa, pb, pc]) {
      const end = p.find((e) => e.phase === 'committed')!;
      expect(new Set(end.acked)).toEqual(new Set([a.svc.deviceId, b.svc.deviceId, c.svc.deviceId]));
      expect(end.missing).toEqual([]);
    }
  });

  test('a rejected reshare ends in aborted, with the reason', async () => {
    const net = new MemoryNetwork();
    const { a, b, c, q } = await trio(net);
    const pa = record(a);
    const r = a.svc.reshare({ quorumId: q.quorumId }).catch((e: unknown) => e);
    for (const d of [b, c]) {
      const req = await until(`${d.name} sees the reshare`, async () => (await d.svc.requests()).find((x) => x.kind === 'reshare'));
      await d.svc.reject({ id: req.id, reason: 'not today' });
    }
    await r;
    const end = await until('aborted reported', () => pa.find((e) => e.phase === 'aborted'));
    expect(end.reason).toContain('not today');
  });
});
