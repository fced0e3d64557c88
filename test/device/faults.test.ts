/**
 * Faults during a reshare (DESIGN §4 step 7, I2, I6), over the simulated
 * network with a controlled clock: a silent dealer, a new member that never
 * acks, a second proposal during an undecided session, and a device that
 * crashes after storing its pending share.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { DeviceService } from '../../main/device/service.js';
import { StateStore } from '../../main/device/state-store.js';
import { isRampartError } from '../../shared/errors.js';
import { deviceIdOf, devicePublicKeys, generateDeviceKeys, type DeviceSecretKeys } from '../../shared/identity.js';
import { approveNext, memorySecrets, until } from '../helpers/device-fixtures.js';
import { MemoryNetwork } from '../helpers/memory-network.js';

const clock = { t: Date.now(), now() { return this.t; } };
const HOUR = 3_600_000;

interface Dev {
  name: string;
  id: string;
  identity: DeviceSecretKeys;
  secrets: ReturnType<typeof memorySecrets>;
  state: StateStore;
  svc: DeviceService;
}

function boot(net: MemoryNetwork, name: string, identity = generateDeviceKeys(), secrets = memorySecrets(), state = new StateStore(':memory:')): Dev {
  const id = deviceIdOf(devicePublicKeys(identity).identityKey);
  const svc = new DeviceService({ name, relayUrl: 'memory://', keystoreBackend: 'file', identity, secrets, state, transport: net.transport(id), clock });
  return { name, id, identity, secrets, state, svc };
}

async function approve(d: Dev, kind: 'dkg' | 'sign' | 'reshare'): Promise<void> {
  await approveNext(d.svc, kind, d.name);
}

async function quorum(net: MemoryNetwork, names: string[], t: number) {
  const devs = names.map((n) => boot(net, n));
  const [first, ...rest] = devs as [Dev, ...Dev[]];
  const created = first.svc.createQuorum({ name: 'Treasury', suite: 'ed25519', threshold: t, members: await Promise.all(rest.map(async (d) => (await d.svc.card()).card)) });
  for (const d of rest) await approve(d, 'dkg');
  return { devs, q: await created };
}

async function signs(proposer: Dev, approver: Dev, quorumId: string, key: string): Promise<boolean> {
  const s = proposer.svc.sign({ quorumId, message: 'abcd', description: 'check' });
  await approve(approver, 'sign');
  const r = await s;
  return ed25519.verify(hexToBytes(r.signature), hexToBytes('abcd'), hexToBytes(key));
}

const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('reshare faults', () => {
  test('a dealer that goes silent before dealing: the session aborts on expiry and epoch e still signs', async () => {
    const net = new MemoryNetwork();
    const { devs, q } = await quorum(net, ['alice', 'bob', 'carol'], 2);
    const [alice, bob, carol] = devs as [Dev, Dev, Dev];
    const reshare = rejection(alice.svc.reshare({ quorumId: q.quorumId }));
    await approve(bob, 'reshare');
    net.offline.add(bob.id); // bob approved (so he is in D) and is gone before the start reaches him
    await until('alice started', async () => (await alice.svc.log({})).some((e) => e.type === 'reshare-dealt'));
    clock.t += HOUR;
    for (const d of [alice, carol]) await d.svc.tick();
    expect(isRampartError(await reshare)).toBe(true);
    for (const d of [alice, carol]) {
      expect(d.secrets.names()).toEqual([`quorum/${q.quorumId}/epoch/0/share`]);
      expect((await d.svc.log({})).some((e) => e.type === 'reshare-aborted')).toBe(true);
    }
    net.reconnect(bob.id);
    expect(await signs(alice, carol, q.quorumId, q.groupPublicKey)).toBe(true);
  });

  test('a new member that never acks: both shares kept past expiry, epoch e signs, n′−t′+1 withdrawals abort, a second reshare then succeeds', async () => {
    const net = new MemoryNetwork();
    const { devs, q } = await quorum(net, ['alice', 'bob', 'carol'], 2);
    const [alice, bob, carol] = devs as [Dev, Dev, Dev];
    const dave = boot(net, 'dave');
    const restructure = rejection(alice.svc.reshare({ quorumId: q.quorumId, threshold: 3, add: [(await dave.svc.card()).card] }));
    await approve(dave, 'reshare');
    net.offline.add(dave.id); // accepted, then never seen again
    await approve(bob, 'reshare');
    for (const d of [alice, bob, carol]) {
      await until(`${d.name} acked`, async () => (await d.svc.log({})).some((e) => e.type === 'reshare-share-pending'));
    }
    clock.t += HOUR;
    for (const d of [alice, bob, carol]) await d.svc.tick();
    const expired = await restructure;
    expect(isRampartError(expired) && /expired/.test(expired.message)).toBe(true);
    for (const d of [alice, bob, carol]) {
      // After acking, expiry alone never discards: both shares are kept.
      expect(d.secrets.names()).toEqual([`quorum/${q.quorumId}/epoch/0/share`, `quorum/${q.quorumId}/epoch/1/pending`]);
    }
    expect(await signs(alice, bob, q.quorumId, q.groupPublicKey)).toBe(true);

    // One session per epoch: a member that acked the first refuses a second proposal.
    const second = rejection(carol.svc.reshare({ quorumId: q.quorumId }));
    for (const d of [alice, bob]) {
      const req = await until(`${d.name} sees the second proposal`, async () => (await d.svc.requests()).find((x) => x.kind === 'reshare'));
      const refused = await rejection(d.svc.approve({ id: req.id }));
      expect(isRampartError(refused) && /already took part/.test(refused.message)).toBe(true);
    }
    // Two refusals of three old holders leave fewer than t = 2 possible approvers: the second session aborts.
    const secondOutcome = await second;
    expect(isRampartError(secondOutcome) && /aborted/.test(secondOutcome.message)).toBe(true);

    // n' − t' + 1 = 4 − 3 + 1 = 2 withdrawals are abort evidence: pending shares go everywhere.
    const session = (await alice.svc.log({})).find((e) => e.type === 'reshare-proposed' && e.detail.includes('3-of-4'))!.sessionId!;
    await alice.svc.withdraw({ sessionId: session });
    await bob.svc.withdraw({ sessionId: session });
    for (const d of [alice, bob, carol]) {
      await until(`${d.name} discarded the pending share`, () => d.secrets.names().length === 1);
      expect(d.secrets.names()).toEqual([`quorum/${q.quorumId}/epoch/0/share`]);
    }

    // The epoch is free again: a refresh among the three succeeds.
    clock.t += 1;
    const refresh = alice.svc.reshare({ quorumId: q.quorumId });
    await approve(carol, 'reshare');
    expect(await refresh).toMatchObject({ epoch: 1, threshold: 2, groupPublicKey: q.groupPublicKey });
  });

  test.each(['redelivered commit', 'relay certificate at start-up'])(
    'a device killed after storing its pending share ends, on restart, in the committed epoch with exactly one share (%s)',
    async (path) => {
      const net = new MemoryNetwork();
      const { devs, q } = await quorum(net, ['alice', 'bob', 'carol'], 2);
      const [alice, bob, carol] = devs as [Dev, Dev, Dev];
      // Carol "crashes" the moment her pending share is durable: she acks, then hears nothing more.
      carol.secrets.onSet = (name) => {
        if (name.endsWith('/pending')) net.offline.add(carol.id);
      };
      const refresh = alice.svc.reshare({ quorumId: q.quorumId });
      await approve(bob, 'reshare');
      expect((await refresh).epoch).toBe(1);
      expect(carol.secrets.names()).toEqual([`quorum/${q.quorumId}/epoch/0/share`, `quorum/${q.quorumId}/epoch/1/pending`]);

      // Restart: a new service on the same identity, keystore and state file; sessions in memory are gone.
      carol.svc.stop();
      carol.secrets.onSet = undefined;
      if (path === 'relay certificate at start-up') net.dropMail(carol.id);
      const again = boot(net, 'carol', carol.identity, carol.secrets, carol.state);
      net.reconnect(carol.id);
      if (path === 'relay certificate at start-up') await again.svc.reconcile();
      await until('carol at epoch 1', async () => (await again.svc.status()).quorums.find((x) => x.epoch === 1 && x.share === 'active'));
      expect(carol.secrets.names()).toEqual([`quorum/${q.quorumId}/epoch/1/share`]);
      expect(await signs(again, alice, q.quorumId, q.groupPublicKey)).toBe(true);
    },
  );
});
