/**
 * Relay authentication (DESIGN §8): a device signs the relay's challenge
 * (relayId ‖ nonce, DOMAIN.relayAuth) with its identity key; anything else
 * before that, or a forged answer, gets an error frame and a close.
 */
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { afterEach, describe, expect, test } from 'vitest';
import { DOMAIN } from '../../shared/hash.js';
import { signDomain } from '../../shared/identity.js';
import { answerChallenge, relayAuthMessage } from '../../shared/relay-protocol.js';
import type { RelayHandle } from '../../relay/server.js';
import { envelope, newDevice, RawClient, sendEnvelope, testRelay } from './helpers.js';

let relay: RelayHandle | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await relay?.close();
  relay = undefined;
});

async function open(): Promise<RawClient> {
  relay ??= await testRelay();
  const c = await RawClient.open(relay.url);
  clients.push(c);
  return c;
}

/** Expects an auth error frame followed by a policy close. */
async function expectRefused(c: RawClient): Promise<void> {
  const err = await c.next('error');
  expect(err.code).toBe('RELAY_AUTH_FAILED');
  expect((await c.closed).code).toBe(1008);
  expect(c.frames.some((f) => f.type === 'ready')).toBe(false);
}

describe('relay authentication', () => {
  test('the challenge names this relay and a fresh 32-byte nonce on every connection', async () => {
    const [c1, c2] = [await open(), await open()];
    expect(c1.challenge().relayId).toBe(relay!.relayId);
    expect(c1.challenge().nonce).toMatch(/^[0-9a-f]{64}$/);
    expect(c1.challenge().nonce).not.toBe(c2.challenge().nonce);
  });

  test('a correct answer binds the connection to the device', async () => {
    const alice = newDevice();
    const c = await open();
    c.send(answerChallenge(c.challenge(), alice.keys.signingKey));
    expect((await c.next('ready')).deviceId).toBe(alice.deviceId);
  });

  test('a frame before authentication is refused and the connection closed', async () => {
    const alice = newDevice();
    const c = await open();
    c.send({ type: 'send', ref: 'r1', envelope: JSON.stringify(envelope(alice, [newDevice()])) });
    await expectRefused(c);
    expect(relay!.stats().pendingDeliveries).toBe(0);
  });

  test('garbage before authentication is refused and the connection closed', async () => {
    const c = await open();
    c.send('{"type":"auth"');
    await expectRefused(c);
  });

  test('an answer signed with another key is refused', async () => {
    const [alice, mallory] = [newDevice(), newDevice()];
    const c = await open();
    const forged = answerChallenge(c.challenge(), mallory.keys.signingKey);
    c.send({ ...forged, deviceId: alice.deviceId, identityKey: alice.identityKey });
    await expectRefused(c);
  });

  test('an answer to another nonce is refused', async () => {
    const alice = newDevice();
    const c = await open();
    c.send(answerChallenge({ ...c.challenge(), nonce: bytesToHex(randomBytes(32)) }, alice.keys.signingKey));
    await expectRefused(c);
  });

  test('an answer for another relay is refused', async () => {
    const alice = newDevice();
    const c = await open();
    c.send(answerChallenge({ ...c.challenge(), relayId: bytesToHex(randomBytes(16)) }, alice.keys.signingKey));
    await expectRefused(c);
  });

  test('an answer whose deviceId is not its key’s is refused', async () => {
    const [alice, mallory] = [newDevice(), newDevice()];
    const c = await open();
    const ch = c.challenge();
    const signature = signDomain(DOMAIN.relayAuth, relayAuthMessage(ch.relayId, ch.nonce), mallory.keys.signingKey);
    c.send({ type: 'auth', deviceId: alice.deviceId, identityKey: mallory.identityKey, signature });
    await expectRefused(c);
  });

  test('an answer replayed on a later connection is refused', async () => {
    const alice = newDevice();
    const c1 = await open();
    const answer = answerChallenge(c1.challenge(), alice.keys.signingKey);
    c1.send(answer);
    await c1.next('ready');
    const c2 = await open();
    c2.send(answer);
    await expectRefused(c2);
  });

  test('a connection that never answers is closed after the auth timeout', async () => {
    relay = await testRelay({ limits: { authTimeoutMs: 150 } });
    const c = await open();
    const t0 = Date.now();
    await expectRefused(c);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
  });

  test('a second auth on an authenticated connection is refused without closing it', async () => {
    const [alice, bob] = [newDevice(), newDevice()];
    relay = await testRelay();
    const c = await RawClient.authed(relay.url, alice);
    clients.push(c);
    c.send(answerChallenge(c.challenge(), bob.keys.signingKey));
    expect((await c.next('error')).code).toBe('RELAY_FRAME_INVALID');
    await sendEnvelope(c, envelope(alice, [bob])); // still bound to alice
  });
});
