/**
 * Store-and-forward through the relay (DESIGN §8): routing by to[], the durable
 * mailbox, at-least-once delivery with acks, dedup and TTL — over real
 * WebSockets and a real SQLite database.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../../shared/wire/envelope.js';
import type { RelayHandle } from '../../relay/server.js';
import { envelope, newDevice, RawClient, roundTrip, sendEnvelope, sleep, testRelay } from './helpers.js';

let relay: RelayHandle | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await relay?.close();
  relay = undefined;
});

async function connect(url: string, d: ReturnType<typeof newDevice>): Promise<RawClient> {
  const c = await RawClient.authed(url, d);
  clients.push(c);
  return c;
}

describe('relay store-and-forward', () => {
  test('two devices exchange envelopes through the relay', async () => {
    relay = await testRelay();
    const [alice, bob] = [newDevice(), newDevice()];
    const a = await connect(relay.url, alice);
    const b = await connect(relay.url, bob);
    const toBob = envelope(alice, [bob]);
    const msgId = await sendEnvelope(a, toBob);
    const got = await b.next('deliver', (f) => f.msgId === msgId);
    expect(got.envelope).toBe(encodeEnvelope(toBob));
    expect(decodeEnvelope(got.envelope)).toEqual(toBob);
    const toAlice = envelope(bob, [alice]);
    await sendEnvelope(b, toAlice);
    expect(decodeEnvelope((await a.next('deliver')).envelope)).toEqual(toAlice);
    expect(a.deliveries()).toHaveLength(1); // alice never receives her own envelope to bob
  });

  test('an envelope for an offline device is kept and delivered when it connects', async () => {
    relay = await testRelay();
    const [alice, bob] = [newDevice(), newDevice()];
    const a = await connect(relay.url, alice);
    const env = envelope(alice, [bob]);
    const msgId = await sendEnvelope(a, env);
    expect(relay.stats().pendingDeliveries).toBe(1);
    const b = await connect(relay.url, bob);
    const got = await b.next('deliver');
    expect(got.msgId).toBe(msgId);
    expect(decodeEnvelope(got.envelope)).toEqual(env);
  });

  test('pending envelopes arrive in the order the relay accepted them', async () => {
    relay = await testRelay();
    const [alice, bob] = [newDevice(), newDevice()];
    const a = await connect(relay.url, alice);
    const sent = Array.from({ length: 5 }, (_, i) => envelope(alice, [bob], i));
    const ids: string[] = [];
    for (const e of sent) ids.push(await sendEnvelope(a, e));
    const b = await connect(relay.url, bob);
    await b.next('deliver', (f) => f.msgId === ids[4]);
    expect(b.deliveries().map((f) => f.msgId)).toEqual(ids);
    expect(b.deliveries().map((f) => decodeEnvelope(f.envelope).seq)).toEqual([0, 1, 2, 3, 4]);
  });

  test('an acked envelope is deleted, and an unacked one is delivered again after reconnect', async () => {
    relay = await testRelay();
    const [alice, bob] = [newDevice(), newDevice()];
    const a = await connect(relay.url, alice);
    const first = await sendEnvelope(a, envelope(alice, [bob], 0));
    const second = await sendEnvelope(a, envelope(alice, [bob], 1));
    const b1 = await connect(relay.url, bob);
    await b1.next('deliver', (f) => f.msgId === second);
    b1.send({ type: 'ack', msgId: first });
    await roundTrip(b1);
    expect(relay.stats().pendingDeliveries).toBe(1);
    await b1.close();
    const b2 = await connect(relay.url, bob);
    await b2.next('deliver', (f) => f.msgId === second);
    await sleep(100);
    expect(b2.deliveries().map((f) => f.msgId)).toEqual([second]);
  });

  test('the same envelope sent twice is stored and delivered once, even after it was acked', async () => {
    relay = await testRelay();
    const [alice, bob] = [newDevice(), newDevice()];
    const a = await connect(relay.url, alice);
    const b = await connect(relay.url, bob);
    const env = envelope(alice, [bob]);
    const id1 = await sendEnvelope(a, env);
    const id2 = await sendEnvelope(a, env);
    expect(id2).toBe(id1);
    await b.next('deliver');
    b.send({ type: 'ack', msgId: id1 });
    await roundTrip(b);
    expect(await sendEnvelope(a, env)).toBe(id1);
    await sleep(100);
    expect(b.deliveries()).toHaveLength(1);
    expect(relay.stats().pendingDeliveries).toBe(0);
  });

  test('one envelope to several recipients reaches each, and one ack leaves the others their copy', async () => {
    relay = await testRelay();
    const [alice, bob, carol] = [newDevice(), newDevice(), newDevice()];
    const a = await connect(relay.url, alice);
    const msgId = await sendEnvelope(a, envelope(alice, [bob, carol]));
    const b = await connect(relay.url, bob);
    await b.next('deliver');
    b.send({ type: 'ack', msgId });
    await roundTrip(b);
    const c = await connect(relay.url, carol);
    expect((await c.next('deliver')).msgId).toBe(msgId);
  });

  test('an envelope whose TTL passed is never delivered', async () => {
    let clock = 1_700_000_000_000;
    relay = await testRelay({ now: () => clock, limits: { ttlMs: 60_000, sweepMs: 50 } });
    const [alice, bob] = [newDevice(), newDevice()];
    const a = await connect(relay.url, alice);
    await sendEnvelope(a, envelope(alice, [bob], 0));
    clock += 30_000;
    const young = await sendEnvelope(a, envelope(alice, [bob], 1));
    clock += 30_001; // the first is now 60.001 s old, the second 30.001 s
    const b = await connect(relay.url, bob);
    await b.next('deliver');
    await sleep(150);
    expect(b.deliveries().map((f) => f.msgId)).toEqual([young]);
    expect(relay.stats().envelopes).toBe(1);
  });

  test('a newer connection of a device replaces the older one, which is closed', async () => {
    relay = await testRelay();
    const [alice, bob] = [newDevice(), newDevice()];
    const b1 = await connect(relay.url, bob);
    const b2 = await connect(relay.url, bob);
    expect((await b1.closed).code).toBe(4000);
    const a = await connect(relay.url, alice);
    const msgId = await sendEnvelope(a, envelope(alice, [bob]));
    expect((await b2.next('deliver')).msgId).toBe(msgId);
    expect(relay.stats().devices).toBe(2);
  });
});
