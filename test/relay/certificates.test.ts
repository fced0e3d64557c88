/**
 * Certificates at the relay (DESIGN §8: "keeps the newest certificate per
 * quorum so a fresh device can learn the current epoch"; policy in
 * relay/certificates.ts): only valid chains from genesis are stored, only
 * members may publish, only members (past or present) are served.
 */
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { certificateHash } from '../../shared/certificate/payloads.js';
import type { Certificate } from '../../shared/certificate/schema.js';
import { deviceIdOf, devicePublicKeys } from '../../shared/identity.js';
import { getSuite } from '../../shared/suites.js';
import type { RelayHandle } from '../../relay/server.js';
import { certify } from '../helpers/certify.js';
import { genesisWorld, identityOf, makePlan, nextRoster, reshareWorld } from '../helpers/reshare-harness.js';
import { newDevice, RawClient, testRelay, type Device } from './helpers.js';

/** A harness device as a relay test device. */
function asDevice(deviceId: string): Device {
  const keys = identityOf(deviceId);
  const { identityKey } = devicePublicKeys(keys);
  expect(deviceIdOf(identityKey)).toBe(deviceId);
  return { keys, identityKey, deviceId };
}

let c0: Certificate, c1: Certificate, squat: Certificate;
let kept: Device, removed: Device, joined: Device, squatter: Device;
beforeAll(() => {
  // Genesis 2-of-3, then a restructure that removes the third member and adds a new one.
  const w0 = genesisWorld('ed25519', 2, 3);
  c0 = certify(w0, null).certificate;
  const roster = nextRoster(getSuite('ed25519'), w0.epoch, w0.epoch.roster.slice(0, 2), 1);
  const w1 = reshareWorld(w0, makePlan(w0.epoch, roster, 2));
  c1 = certify(w1, c0, w1.transcriptHash).certificate;
  kept = asDevice(w0.epoch.roster[0]!.deviceId);
  removed = asDevice(w0.epoch.roster[2]!.deviceId);
  joined = asDevice(roster[2]!.deviceId);
  // Someone else's valid genesis under the same quorumId.
  const other = genesisWorld('ed25519', 2, 2);
  other.epoch.quorumId = c0.quorumId;
  squat = certify(other, null).certificate;
  squatter = asDevice(other.epoch.roster[0]!.deviceId);
});

let relay: RelayHandle | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await relay?.close();
  relay = undefined;
});

let refs = 0;
async function connect(d: Device): Promise<RawClient> {
  relay ??= await testRelay();
  const c = await RawClient.authed(relay.url, d);
  clients.push(c);
  return c;
}

/** Publishes and returns the answer frame (certificate or error). */
async function publish(c: RawClient, cert: unknown) {
  const ref = `p${++refs}`;
  c.send({ type: 'publish-certificate', ref, certificate: cert });
  return c.answerTo(ref);
}

/** The certificate the relay serves this device for a quorum (null: none). */
async function get(c: RawClient, quorumId: string): Promise<Certificate | null> {
  const ref = `g${++refs}`;
  c.send({ type: 'get-certificate', ref, quorumId });
  return (await c.next('certificate', (f) => f.ref === ref)).certificate as Certificate | null;
}

const hashOf = (c: Certificate | null) => (c === null ? null : certificateHash(c));

describe('certificates at the relay', () => {
  test('members publish the chain, and every member, past or present, gets the newest certificate', async () => {
    const k = await connect(kept);
    expect((await publish(k, c0)).type).toBe('certificate');
    expect(hashOf(await get(k, c0.quorumId))).toBe(certificateHash(c0));
    const j = await connect(joined);
    const answer = await publish(j, c1);
    expect(answer.type === 'certificate' && hashOf(answer.certificate as Certificate)).toBe(certificateHash(c1));
    const r = await connect(removed);
    for (const c of [k, j, r]) expect(hashOf(await get(c, c0.quorumId))).toBe(certificateHash(c1));
    expect(relay!.stats().certificates).toBe(2);
  });

  test('a device in no roster of the quorum is refused the certificate', async () => {
    const k = await connect(kept);
    await publish(k, c0);
    const outsider = await connect(newDevice());
    expect(await get(outsider, c0.quorumId)).toBeNull();
    expect(await get(k, '00'.repeat(16))).toBeNull(); // same answer as for an unknown quorum
  });

  test('an invalid certificate is refused and changes nothing', async () => {
    const k = await connect(kept);
    await publish(k, c0);
    const tampered = structuredClone(c1);
    tampered.threshold = 3;
    const forgedAck = structuredClone(c1);
    forgedAck.acks[1]!.signature = forgedAck.acks[0]!.signature;
    for (const [bad, code] of [
      [tampered, 'CERT_UNAUTHORIZED'],
      [forgedAck, 'CERT_ACK_INVALID'],
      [{ ...c1, v: 2 }, 'CERT_INVALID'],
    ] as const) {
      const answer = await publish(k, bad);
      expect(answer.type === 'error' && answer.code).toBe(code);
    }
    expect(hashOf(await get(k, c0.quorumId))).toBe(certificateHash(c0));
    expect(relay!.stats().certificates).toBe(1);
  });

  test('a certificate whose predecessor the relay lacks is refused', async () => {
    const j = await connect(joined);
    const answer = await publish(j, c1);
    expect(answer.type === 'error' && answer.code).toBe('CERT_CHAIN_BROKEN');
    expect(await get(j, c0.quorumId)).toBeNull();
  });

  test('a device in no roster cannot publish a certificate', async () => {
    const outsider = await connect(newDevice());
    const answer = await publish(outsider, c0);
    expect(answer.type === 'error' && answer.code).toBe('RELAY_FORBIDDEN');
    expect(relay!.stats().certificates).toBe(0);
  });

  test('publishing the same certificate twice stores it once', async () => {
    const k = await connect(kept);
    expect((await publish(k, c0)).type).toBe('certificate');
    expect((await publish(k, c0)).type).toBe('certificate');
    expect(relay!.stats().certificates).toBe(1);
  });

  test('a self-made genesis for the same quorumId does not hide the real chain', async () => {
    const s = await connect(squatter);
    expect((await publish(s, squat)).type).toBe('certificate'); // first, even
    const k = await connect(kept);
    await publish(k, c0);
    await publish(k, c1);
    expect(hashOf(await get(k, c0.quorumId))).toBe(certificateHash(c1));
    expect(hashOf(await get(s, c0.quorumId))).toBe(certificateHash(squat));
  });
});
