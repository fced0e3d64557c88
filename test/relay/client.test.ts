/**
 * The device-side relay client (DESIGN §8, §2 "reconnect, at-least-once,
 * dedup") against a real relay: sends survive outages, deliveries are acked
 * only after they were handled, and nothing is handed to the handler twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isRampartError } from '../../shared/errors.js';
import type { Envelope } from '../../shared/wire/envelope.js';
import { backoffDelay } from '../../main/relay/backoff.js';
import { RelayClient, type ConnectionEvent } from '../../main/relay/client.js';
import type { RelayHandle, RelayOptions } from '../../relay/server.js';
import { certify } from '../helpers/certify.js';
import { genesisWorld, identityOf } from '../helpers/reshare-harness.js';
import { envelope, newDevice, sleep, testRelay, type Device } from './helpers.js';

let dir: string;
const relays: RelayHandle[] = [];
const clients: RelayClient[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-client-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await Promise.all(relays.splice(0).map((r) => r.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function relayOn(opts: RelayOptions = {}): Promise<RelayHandle> {
  const r = await testRelay(opts);
  relays.push(r);
  return r;
}

/** A started client whose handler records what it got (or runs `handler`). */
function client(url: string, d: Device, handler?: (env: Envelope) => Promise<void> | void) {
  const got: Envelope[] = [];
  const events: ConnectionEvent[] = [];
  const errors: unknown[] = [];
  const c = new RelayClient({
    url,
    identity: d.keys,
    onEnvelope: async (env) => {
      await handler?.(env);
      got.push(env);
    },
    backoff: { initialMs: 20, maxMs: 200 },
    onConnectionChange: (e) => events.push(e),
    onError: (e) => errors.push(e),
  });
  clients.push(c);
  c.start();
  return { c, got, events, errors };
}

/** Polls `cond` until true or 10 s pass. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(10);
  }
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const r = await testRelay();
  const port = r.port;
  await r.close();
  return port;
}

describe('relay client', () => {
  test('two clients exchange envelopes, and each delivery is acked once handled', async () => {
    const relay = await relayOn();
    const [alice, bob] = [newDevice(), newDevice()];
    const a = client(relay.url, alice);
    const b = client(relay.url, bob);
    await Promise.all([a.c.waitConnected({ timeoutMs: 5_000 }), b.c.waitConnected({ timeoutMs: 5_000 })]);
    const env = envelope(alice, [bob]);
    await a.c.send(env);
    await until(() => b.got.length === 1, 'bob receives');
    expect(b.got[0]).toEqual(env);
    await b.c.send(envelope(bob, [alice]));
    await until(() => a.got.length === 1, 'alice receives');
    await until(() => relay.stats().pendingDeliveries === 0, 'both acked');
  });

  test('a send made while the relay is unreachable is delivered once it is up', async () => {
    const port = await freePort();
    const [alice, bob] = [newDevice(), newDevice()];
    const a = client(`ws://127.0.0.1:${port}`, alice);
    const env = envelope(alice, [bob]);
    const sent = a.c.send(env);
    await sleep(100);
    expect(a.c.connected).toBe(false);
    const relay = await relayOn({ port });
    await sent;
    const b = client(relay.url, bob);
    await until(() => b.got.length === 1, 'bob receives');
    expect(b.got[0]).toEqual(env);
  });

  test('after the relay restarts, clients reconnect, resend what was not accepted, and receive what is pending', async () => {
    const dbPath = join(dir, 'relay.db');
    const r1 = await relayOn({ dbPath });
    const port = r1.port;
    const [alice, bob] = [newDevice(), newDevice()];
    const a = client(r1.url, alice);
    const b = client(r1.url, bob);
    await Promise.all([a.c.waitConnected({ timeoutMs: 5_000 }), b.c.waitConnected({ timeoutMs: 5_000 })]);
    await b.c.stop(); // bob goes offline; a message waits for him in the mailbox
    const before = envelope(alice, [bob], 0);
    await a.c.send(before);
    await r1.close();
    await until(() => !a.c.connected, 'alice notices');
    const during = envelope(alice, [bob], 1);
    const sent = a.c.send(during); // not accepted by anyone yet
    await relayOn({ dbPath, port });
    await sent;
    expect(a.events.map((e) => e.connected)).toEqual([true, false, true]);
    const b2 = client(`ws://127.0.0.1:${port}`, bob);
    await until(() => b2.got.length === 2, 'bob receives both');
    expect(b2.got).toEqual([before, during]);
  });

  test('a delivery whose handler failed comes back on the next connection; a handled one does not', async () => {
    const relay = await relayOn();
    const [alice, bob] = [newDevice(), newDevice()];
    let failures = 1;
    const calls: number[] = [];
    const b = client(relay.url, bob, (env) => {
      calls.push(env.seq);
      if (env.seq === 0 && failures-- > 0) throw new Error('disk full');
    });
    const a = client(relay.url, alice);
    await a.c.send(envelope(alice, [bob], 0));
    await a.c.send(envelope(alice, [bob], 1));
    await until(() => calls.length === 2, 'both handled once');
    expect(b.got.map((e) => e.seq)).toEqual([1]);
    expect(b.errors).toHaveLength(1);
    expect(relay.stats().pendingDeliveries).toBe(1);
    await b.c.stop();
    b.c.start();
    await until(() => b.got.length === 2, 'the failed one comes back');
    expect(calls).toEqual([0, 1, 0]);
    await until(() => relay.stats().pendingDeliveries === 0, 'acked');
  });

  test('an envelope handled while the connection was down is acked on redelivery without a second handler call', async () => {
    const dbPath = join(dir, 'relay.db');
    const r1 = await relayOn({ dbPath });
    const port = r1.port;
    const [alice, bob] = [newDevice(), newDevice()];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const b = client(r1.url, bob, async () => {
      calls++;
      await gate;
    });
    const a = client(r1.url, alice);
    await a.c.send(envelope(alice, [bob]));
    await until(() => calls === 1, 'handler started');
    await r1.close();
    await until(() => !b.c.connected, 'bob disconnected');
    release(); // handled, but the ack cannot reach the relay
    await until(() => b.got.length === 1, 'handled');
    const r2 = await relayOn({ dbPath, port });
    await until(() => r2.stats().pendingDeliveries === 0, 'acked after redelivery');
    expect(calls).toBe(1);
    expect(b.got).toHaveLength(1);
  });

  test('certificates are published and fetched through the client; a non-member gets none', async () => {
    const relay = await relayOn();
    const w0 = genesisWorld('ed25519', 2, 2);
    const { certificate } = certify(w0, null);
    const [m0, m1] = w0.epoch.roster.map((m) => identityOf(m.deviceId));
    const c0 = new RelayClient({ url: relay.url, identity: m0!, onEnvelope: () => undefined });
    const c1 = new RelayClient({ url: relay.url, identity: m1!, onEnvelope: () => undefined });
    const outsider = client(relay.url, newDevice());
    clients.push(c0, c1);
    c0.start();
    c1.start();
    await c0.publishCertificate(certificate);
    expect(await c1.getCertificate(certificate.quorumId)).toEqual(certificate);
    expect(await outsider.c.getCertificate(certificate.quorumId)).toBeNull();
    const bad = { ...structuredClone(certificate), threshold: 3 };
    const err = await c1.publishCertificate(bad).catch((e: unknown) => e);
    expect(isRampartError(err) && err.code.startsWith('CERT_')).toBe(true);
  });

  test('every wait ends: a timeout, an abort, or stop()', async () => {
    const port = await freePort();
    const alice = newDevice();
    const a = client(`ws://127.0.0.1:${port}`, alice);
    const timedOut = await a.c.getCertificate('00'.repeat(16), { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(isRampartError(timedOut) && timedOut.code).toBe('RELAY_UNAVAILABLE');
    await expect(a.c.waitConnected({ timeoutMs: 100 })).rejects.toThrow(/not connected/);
    const ctl = new AbortController();
    const aborted = a.c.send(envelope(alice, [newDevice()]), { signal: ctl.signal });
    ctl.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    const pending = a.c.send(envelope(alice, [newDevice()]));
    await a.c.stop();
    const stopped = await pending.catch((e: unknown) => e);
    expect(isRampartError(stopped) && stopped.code).toBe('RELAY_UNAVAILABLE');
  });

  test('reconnect delays grow exponentially with jitter up to the cap', () => {
    const lo = (n: number) => backoffDelay(n, { initialMs: 100, maxMs: 5_000, random: () => 0 });
    const hi = (n: number) => backoffDelay(n, { initialMs: 100, maxMs: 5_000, random: () => 1 });
    expect([0, 1, 2, 3].map(hi)).toEqual([100, 200, 400, 800]);
    expect([0, 1, 2, 3].map(lo)).toEqual([50, 100, 200, 400]);
    expect(hi(50)).toBe(5_000);
    expect(lo(50)).toBe(2_500);
  });
});
