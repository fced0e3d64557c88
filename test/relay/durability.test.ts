/**
 * The relay's mailbox is durable (DESIGN §8: "keeps undelivered ones in a
 * durable mailbox (SQLite by default)"): what it accepted survives a restart
 * and a crash; acks, TTL sweeps and msgIds behave across restarts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { certificateHash } from '../../shared/certificate/payloads.js';
import { devicePublicKeys, deviceIdOf } from '../../shared/identity.js';
import { decodeEnvelope } from '../../shared/wire/envelope.js';
import { RelayStore } from '../../relay/store.js';
import { certify } from '../helpers/certify.js';
import { genesisWorld, identityOf } from '../helpers/reshare-harness.js';
import { envelope, newDevice, RawClient, roundTrip, sendEnvelope, testRelay, type Device } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-relay-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('relay durability', () => {
  test('a restarted relay with the same database delivers what it accepted, and keeps its id and certificates', async () => {
    const dbPath = join(dir, 'relay.db');
    const [alice, bob, carol] = [newDevice(), newDevice(), newDevice()];
    const w0 = genesisWorld('ed25519', 2, 2);
    const cert = certify(w0, null).certificate;
    const keys = identityOf(w0.epoch.roster[0]!.deviceId);
    const member: Device = { keys, identityKey: devicePublicKeys(keys).identityKey, deviceId: deviceIdOf(devicePublicKeys(keys).identityKey) };

    const r1 = await testRelay({ dbPath });
    const a = await RawClient.authed(r1.url, alice);
    const toBob = [envelope(alice, [bob], 0), envelope(alice, [bob], 1)];
    const ids = [await sendEnvelope(a, toBob[0]!), await sendEnvelope(a, toBob[1]!)];
    const forCarol = await sendEnvelope(a, envelope(alice, [carol]));
    const c = await RawClient.authed(r1.url, carol);
    await c.next('deliver');
    c.send({ type: 'ack', msgId: forCarol });
    const m = await RawClient.authed(r1.url, member);
    m.send({ type: 'publish-certificate', ref: 'pub', certificate: cert });
    expect((await m.answerTo('pub')).type).toBe('certificate');
    await roundTrip(c);
    await Promise.all([a.close(), c.close(), m.close()]);
    const relayId = r1.relayId;
    await r1.close();

    const r2 = await testRelay({ dbPath });
    try {
      expect(r2.relayId).toBe(relayId);
      const b = await RawClient.authed(r2.url, bob);
      await b.next('deliver', (f) => f.msgId === ids[1]);
      expect(b.deliveries().map((f) => f.msgId)).toEqual(ids);
      expect(b.deliveries().map((f) => decodeEnvelope(f.envelope))).toEqual(toBob);
      const c2 = await RawClient.authed(r2.url, carol);
      const m2 = await RawClient.authed(r2.url, member);
      m2.send({ type: 'get-certificate', ref: 'get', quorumId: cert.quorumId });
      const got = await m2.answerTo('get');
      expect(got.type === 'certificate' && certificateHash(got.certificate as typeof cert)).toBe(certificateHash(cert));
      expect(c2.deliveries()).toHaveLength(0); // acked before the restart: gone for good
      await Promise.all([b.close(), c2.close(), m2.close()]);
    } finally {
      await r2.close();
    }
  });

  test('an envelope accepted just before the relay process is killed is delivered after it restarts', async () => {
    const dbPath = join(dir, 'crash.db');
    const [alice, bob] = [newDevice(), newDevice()];
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'relay-process.ts'), dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const a = await RawClient.authed(line.toString().trim(), alice);
      const env = envelope(alice, [bob]);
      const msgId = await sendEnvelope(a, env);
      child.kill('SIGKILL');
      await a.closed;
      const r = await testRelay({ dbPath });
      try {
        const b = await RawClient.authed(r.url, bob);
        const got = await b.next('deliver');
        expect(got.msgId).toBe(msgId);
        expect(decodeEnvelope(got.envelope)).toEqual(env);
        await b.close();
      } finally {
        await r.close();
      }
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('msgIds are never reused, even after everything was acked and the relay restarted', async () => {
    const dbPath = join(dir, 'ids.db');
    const [alice, bob] = [newDevice(), newDevice()];
    const r1 = await testRelay({ dbPath });
    const a = await RawClient.authed(r1.url, alice);
    const b = await RawClient.authed(r1.url, bob);
    const first = await sendEnvelope(a, envelope(alice, [bob]));
    await b.next('deliver');
    b.send({ type: 'ack', msgId: first });
    await roundTrip(b);
    await Promise.all([a.close(), b.close()]);
    await r1.close();
    const r2 = await testRelay({ dbPath });
    const a2 = await RawClient.authed(r2.url, alice);
    const second = await sendEnvelope(a2, envelope(alice, [bob]));
    expect(Number(second)).toBeGreaterThan(Number(first));
    await a2.close();
    await r2.close();
  });
});

describe('relay store', () => {
  const quota = { maxMessages: 100, maxBytes: 1 << 20 };
  const put = (s: RelayStore, key: string, to: string[], now: number) =>
    s.putEnvelope({ envKey: key, sender: 'a', recipients: to, text: '{}', bytes: 2 }, now, 1_000, quota);

  test('the sweep deletes expired envelopes and their mailbox rows', () => {
    const s = new RelayStore(':memory:');
    put(s, 'k1', ['bob', 'carol'], 0);
    put(s, 'k2', ['bob'], 500);
    expect(s.sweep(1_000)).toBe(1);
    expect(s.counts(0).pendingDeliveries).toBe(1); // counted as of t=0: only k2's row is left
    expect(s.pendingAfter('bob', 0, 0, 10)).toHaveLength(1);
    s.close();
  });

  test('an expired dedup key no longer blocks the same envelope', () => {
    const s = new RelayStore(':memory:');
    const first = put(s, 'k', ['bob'], 0);
    expect(put(s, 'k', ['bob'], 999)).toEqual({ status: 'duplicate', msgId: (first as { msgId: string }).msgId });
    expect(put(s, 'k', ['bob'], 1_000).status).toBe('stored');
    s.close();
  });

  test('a batch of only acks commits without its own fsync; any other write in the batch makes it a full commit', async () => {
    const s = new RelayStore(join(dir, 'relay.db'));
    const ids = ['k1', 'k2', 'k3'].map((k) => (put(s, k, ['bob'], 0) as { msgId: string }).msgId);
    const [relaxed] = await Promise.all([s.later(() => [s.syncLevel(), s.ack('bob', ids[0]!)], { durable: false })]);
    expect(relaxed).toEqual([1, true]);
    expect(s.syncLevel()).toBe(2);
    const mixed = await Promise.all([s.later(() => s.syncLevel(), { durable: false }), s.later(() => s.syncLevel())]);
    expect(mixed).toEqual([2, 2]);
    await s.later(() => s.ack('bob', ids[1]!), { durable: false });
    s.close();
    // Committed, so kept across a restart: only k3 is still pending.
    const again = new RelayStore(join(dir, 'relay.db'));
    expect(again.pendingAfter('bob', 0, 0, 10).map((p) => p.msgId)).toEqual([ids[2]]);
    expect(again.syncLevel()).toBe(2);
    again.close();
  });

  test('an ack by a device that is not the recipient deletes nothing', () => {
    const s = new RelayStore(':memory:');
    const r = put(s, 'k', ['bob'], 0) as { msgId: string };
    expect(s.ack('mallory', r.msgId)).toBe(false);
    expect(s.pendingAfter('bob', 0, 0, 10)).toHaveLength(1);
    expect(s.ack('bob', r.msgId)).toBe(true);
    expect(s.pendingAfter('bob', 0, 0, 10)).toHaveLength(0);
    s.close();
  });
});
