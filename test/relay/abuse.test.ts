/**
 * Bad input and limits (DESIGN §8: "Limits: frame size, mailbox quota,
 * per-connection rate, auth timeout. Bad input gets an error frame or a
 * close, never a crash"), and what a device may not do to another.
 */
import { afterEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { encodeEnvelope } from '../../shared/wire/envelope.js';
import type { RelayHandle } from '../../relay/server.js';
import { envelope, newDevice, RawClient, roundTrip, sendEnvelope, sleep, testRelay, type Device } from './helpers.js';

let relay: RelayHandle | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await relay?.close();
  relay = undefined;
});

async function connect(d: Device): Promise<RawClient> {
  const c = await RawClient.authed(relay!.url, d);
  clients.push(c);
  return c;
}

/** The relay still works: a fresh pair of devices exchanges an envelope. */
async function exchangeWorks(): Promise<void> {
  const [x, y] = [newDevice(), newDevice()];
  const cx = await connect(x);
  const cy = await connect(y);
  const msgId = await sendEnvelope(cx, envelope(x, [y]));
  expect((await cy.next('deliver')).msgId).toBe(msgId);
}

const GARBAGE: (string | Buffer)[] = [
  'not json',
  '{',
  'null',
  '42',
  '[]',
  '{}',
  '{"type":"send"}',
  '{"type":"send","ref":"r","envelope":"{}","extra":1}',
  '{"type":"ack","msgId":"0"}',
  '{"type":"ack","msgId":"99999999999999999999"}',
  '{"type":"get-certificate","ref":"r","quorumId":"zz"}',
  '{"type":"publish-certificate","ref":"r","certificate":{"v":2}}',
  '{"type":"send","ref":"r","envelope":"{\\"v\\":1}"}',
  '{"type":"send","ref":"r","envelope":"' + '['.repeat(5000) + '"}',
  '{"__proto__":{"type":"ack"},"msgId":"1"}',
  '"\\ud800"',
  Buffer.from([0, 1, 2, 255]),
];

describe('relay limits and bad input', () => {
  test('a frame over the size limit closes the connection with 1009 and the relay stays up', async () => {
    relay = await testRelay({ limits: { maxFrameBytes: 64 * 1024 } });
    const alice = newDevice();
    const c = await connect(alice);
    c.send({ type: 'send', ref: 'big', envelope: 'x'.repeat(100 * 1024) });
    expect((await c.closed).code).toBe(1009);
    await exchangeWorks();
  });

  test('10,000 garbage frames each get an error frame, the relay stays up, and a normal exchange right after succeeds', async () => {
    relay = await testRelay({ limits: { maxGarbageFrames: 1_000_000, rateFramesPerSec: 1_000_000, rateBurst: 1_000_000 } });
    const c = await connect(newDevice());
    for (let i = 0; i < 10_000; i++) c.send(GARBAGE[i % GARBAGE.length]!);
    const deadline = Date.now() + 30_000;
    while (c.frames.length < 10_001 && Date.now() < deadline) await sleep(20);
    const errors = c.frames.filter((f) => f.type === 'error');
    expect(errors).toHaveLength(10_000); // one answer per frame; never an internal error
    expect(errors.filter((f) => f.code === 'RELAY_UNAVAILABLE')).toHaveLength(0);
    expect(relay.stats().framesIn).toBe(10_000 + 1); // + the auth frame
    expect(relay.stats().garbageFrames).toBeGreaterThan(8_000); // the rest are well-formed frames with a bad envelope or certificate
    await exchangeWorks();
  });

  test('with default limits, repeated garbage closes the connection and the relay stays up', async () => {
    relay = await testRelay();
    const conns = await Promise.all(Array.from({ length: 10 }, () => connect(newDevice())));
    for (const c of conns) for (let i = 0; i < 1_000; i++) c.send(GARBAGE[i % GARBAGE.length]!);
    for (const c of conns) expect((await c.closed).code).toBe(1008);
    await exchangeWorks();
  });

  test('a flood over the rate limit is refused, then the connection is closed, and the relay stays up', async () => {
    relay = await testRelay({ limits: { rateFramesPerSec: 50, rateBurst: 100, rateStrikesBeforeClose: 20 } });
    const c = await connect(newDevice());
    for (let i = 0; i < 1_000; i++) c.send({ type: 'get-certificate', ref: `r${i}`, quorumId: '00'.repeat(16) });
    expect((await c.closed).code).toBe(1008);
    const limited = c.frames.filter((f) => f.type === 'error' && f.code === 'RELAY_LIMIT');
    expect(limited.length).toBeGreaterThanOrEqual(20);
    expect(c.frames.filter((f) => f.type === 'certificate').length).toBeLessThan(500);
    expect(relay.stats().rateLimited).toBeGreaterThanOrEqual(20);
    await exchangeWorks();
  });

  test('a device cannot send an envelope as another device', async () => {
    relay = await testRelay();
    const [alice, bob, mallory] = [newDevice(), newDevice(), newDevice()];
    const m = await connect(mallory);
    const b = await connect(bob);
    await expect(sendEnvelope(m, envelope(alice, [bob]))).rejects.toThrow(/RELAY_FORBIDDEN/);
    // From itself, but not signed by its key: refused too.
    const forged = { ...envelope(mallory, [bob]), sig: envelope(alice, [bob]).sig };
    await expect(sendEnvelope(m, forged)).rejects.toThrow(/ENVELOPE_SIGNATURE_INVALID/);
    await sleep(100);
    expect(b.deliveries()).toHaveLength(0);
    expect(relay.stats().pendingDeliveries).toBe(0);
  });

  test('an envelope that does not decode is refused with its ref, and the connection stays usable', async () => {
    relay = await testRelay();
    const [alice, bob] = [newDevice(), newDevice()];
    const a = await connect(alice);
    a.send({ type: 'send', ref: 'bad-1', envelope: '{"v":1,"kind":"nope"}' });
    const err = await a.next('error', (f) => f.ref === 'bad-1');
    expect(err.code).toBe('ENCODING_INVALID');
    await sendEnvelope(a, envelope(alice, [bob]));
  });

  test('a device cannot ack another device’s envelope', async () => {
    relay = await testRelay();
    const [alice, bob, mallory] = [newDevice(), newDevice(), newDevice()];
    const a = await connect(alice);
    const msgId = await sendEnvelope(a, envelope(alice, [bob]));
    const m = await connect(mallory);
    m.send({ type: 'ack', msgId });
    a.send({ type: 'ack', msgId }); // the sender is no recipient either
    await Promise.all([roundTrip(m), roundTrip(a)]);
    expect(relay.stats().pendingDeliveries).toBe(1);
    const b = await connect(bob);
    expect((await b.next('deliver')).msgId).toBe(msgId);
    expect(m.deliveries()).toHaveLength(0);
  });

  test('a full mailbox refuses further envelopes with RELAY_LIMIT until its owner acks', async () => {
    relay = await testRelay({ limits: { mailboxMaxMessages: 3 } });
    const [alice, bob, carol] = [newDevice(), newDevice(), newDevice()];
    const a = await connect(alice);
    const ids = [await sendEnvelope(a, envelope(alice, [bob], 0)), await sendEnvelope(a, envelope(alice, [bob], 1)), await sendEnvelope(a, envelope(alice, [bob], 2))];
    await expect(sendEnvelope(a, envelope(alice, [bob, carol], 3))).rejects.toThrow(/RELAY_LIMIT/);
    expect(relay.stats().pendingDeliveries).toBe(3); // all or nothing: carol got no copy either
    const b = await connect(bob);
    await b.next('deliver', (f) => f.msgId === ids[2]);
    b.send({ type: 'ack', msgId: ids[0]! });
    await roundTrip(b);
    await sendEnvelope(a, envelope(alice, [bob], 4));
  });

  test('the mailbox byte quota refuses an envelope that would exceed it', async () => {
    const [alice, bob] = [newDevice(), newDevice()];
    const size = Buffer.byteLength(encodeEnvelope(envelope(alice, [bob])));
    relay = await testRelay({ limits: { mailboxMaxBytes: size * 2 + 10 } });
    const a = await connect(alice);
    await sendEnvelope(a, envelope(alice, [bob], 0));
    await sendEnvelope(a, envelope(alice, [bob], 1));
    await expect(sendEnvelope(a, envelope(alice, [bob], 2))).rejects.toThrow(/RELAY_LIMIT/);
  });

  test('connections beyond the limit are closed with 1013', async () => {
    relay = await testRelay({ limits: { maxConnections: 2 } });
    await connect(newDevice());
    await connect(newDevice());
    const third = new RawClientProbe(relay.url);
    expect((await third.closed).code).toBe(1013);
  });
});

/** A bare WebSocket that only records how it was closed. */
class RawClientProbe {
  readonly closed: Promise<{ code: number }>;
  constructor(url: string) {
    const ws = new WebSocket(url);
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve({ code })));
  }
}
