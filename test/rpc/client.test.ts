/**
 * The local RPC client against a real server and a real DeviceService:
 * calls round-trip, errors come back as RampartError with code and culprit
 * (and nothing else), events are pushed, and a missing daemon, a timeout or a
 * dropped connection each give one clear error.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { connectRpc, type RpcClient } from '../../main/rpc/client.js';
import { startRpcServer, type RpcApi, type RpcServerHandle } from '../../main/rpc/server.js';
import type { EventName, EventPayload } from '../../shared/api.js';
import { RampartError, isRampartError } from '../../shared/errors.js';
import { MemoryNetwork } from '../helpers/memory-network.js';
import { apiOf, cleanHomes, device, tempHome } from './fixtures.js';

const servers: RpcServerHandle[] = [];
const clients: RpcClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of servers.splice(0)) await s.close();
  cleanHomes();
});

async function serve(api: RpcApi): Promise<{ server: RpcServerHandle; home: string }> {
  const home = tempHome();
  const server = await startRpcServer({ api, home });
  servers.push(server);
  return { server, home };
}

async function client(target: Parameters<typeof connectRpc>[0], opts?: Parameters<typeof connectRpc>[1]): Promise<RpcClient> {
  const c = await connectRpc(target, opts);
  clients.push(c);
  return c;
}

/** The rejection of `p` (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<RampartError> {
  const e = await p.then(
    () => new Error('expected a rejection'),
    (x: unknown) => x,
  );
  if (!isRampartError(e)) throw e;
  return e;
}

/** Resolves with the first `event` the client receives that satisfies `pred`. */
function nextEvent<E extends EventName>(c: RpcClient, event: E, pred: (p: EventPayload<E>) => boolean = () => true): Promise<EventPayload<E>> {
  return new Promise((resolve) => {
    const off = c.on(event, (p) => {
      if (!pred(p)) return;
      off();
      resolve(p);
    });
  });
}

describe('local RPC client', () => {
  test('status and card round-trip through the home rpc.json and equal the device’s own answers', async () => {
    const svc = device(new MemoryNetwork(), 'alice');
    const { home } = await serve(apiOf(svc));
    const c = await client(home);
    expect(await c.status({})).toEqual(await svc.status());
    expect(await c.card({})).toEqual(await svc.card());
    expect(await c.log({})).toEqual(await svc.log({}));
  });

  test('bad params are refused before they leave, naming the field', async () => {
    const { home } = await serve(apiOf(device(new MemoryNetwork(), 'alice')));
    const c = await client(home);
    const e = await rejection(c.approve({ id: 'XYZ' }));
    expect(e.code).toBe('ENCODING_INVALID');
    expect(e.message).toMatch(/^params\.id: /);
  });

  test('a RampartError thrown by the device arrives with its code, message and culprit', async () => {
    const culprit = 'ab'.repeat(16);
    const svc = device(new MemoryNetwork(), 'alice');
    const api = apiOf(svc, { sign: async () => Promise.reject(new RampartError('SIGNERS_INSUFFICIENT', 'too many holders rejected', culprit)) });
    const { home } = await serve(api);
    const c = await client(home);
    const e = await rejection(c.sign({ quorumId: '00'.repeat(16), message: '00' }));
    expect(e).toBeInstanceOf(RampartError);
    expect({ code: e.code, culprit: e.culprit, message: e.message }).toEqual({
      code: 'SIGNERS_INSUFFICIENT',
      culprit,
      message: `too many holders rejected (device ${culprit})`,
    });
    // The device's own RampartError (no culprit) crosses too.
    expect((await rejection(c.withdraw({ sessionId: '11'.repeat(16) }))).code).toBe('PLAN_INVALID');
  });

  test('any other error crosses as a generic internal error, without its message or stack', async () => {
    const svc = device(new MemoryNetwork(), 'alice');
    const { home } = await serve(apiOf(svc, { requests: async () => Promise.reject(new Error('share 0xdeadbeef leaked at /secret/path')) }));
    const c = await client(home);
    const e = await rejection(c.requests({}));
    expect({ code: e.code, message: e.message, culprit: e.culprit }).toEqual({ code: 'INTERNAL', message: 'internal error', culprit: undefined });
  });

  test('a result that breaks the contract is not sent', async () => {
    const svc = device(new MemoryNetwork(), 'alice');
    const { home } = await serve(apiOf(svc, { card: async () => ({ card: 'short', secret: 'never' }) }));
    const c = await client(home);
    expect((await rejection(c.card({}))).message).toBe('internal error');
  });

  test('events are pushed: a DKG request arrives, is approved over RPC, and the quorum appears', async () => {
    const net = new MemoryNetwork();
    const alice = device(net, 'alice');
    const bob = device(net, 'bob');
    const { home } = await serve(apiOf(alice));
    const c = await client(home);
    const added = nextEvent(c, 'requestAdded');
    const created = bob.createQuorum({ name: 'Treasury', suite: 'ed25519', threshold: 2, members: [(await c.card({})).card] });
    const req = await added;
    expect(req).toMatchObject({ kind: 'dkg', initiator: { name: 'bob' } });
    const removed = nextEvent(c, 'requestRemoved', (p) => p.id === req.id);
    const committed = nextEvent(c, 'logAppended', (p) => p.type === 'quorum-created');
    await c.approve({ id: req.id });
    expect(await removed).toEqual({ id: req.id });
    const q = await created;
    expect((await committed).quorumId).toBe(q.quorumId);
    expect((await c.status({})).quorums.map((x) => x.quorumId)).toContain(q.quorumId);
  });

  test('without a running daemon the client says so and how to start it', async () => {
    const home = join(tempHome(), 'nowhere');
    mkdirSync(home);
    const e = await rejection(connectRpc(home));
    expect(e.message).toBe(`no running device at ${home}; start it with \`rampart device run --home ${home}\``);
  });

  test('a stale rpc.json left by a stopped daemon gives the same clear error', async () => {
    const { server, home } = await serve(apiOf(device(new MemoryNetwork(), 'alice')));
    copyFileSync(join(home, 'rpc.json'), join(home, 'saved.json'));
    await server.close();
    copyFileSync(join(home, 'saved.json'), join(home, 'rpc.json'));
    expect((await rejection(connectRpc(home))).message).toContain(`no running device at ${home}`);
  });

  test('a wrong token is refused with a clear error', async () => {
    const { server } = await serve(apiOf(device(new MemoryNetwork(), 'alice')));
    const e = await rejection(connectRpc({ url: server.url, token: 'f'.repeat(64) }));
    expect(e.message).toContain('refused the RPC token');
  });

  test('a call with no answer times out with a clear error', async () => {
    const svc = device(new MemoryNetwork(), 'alice');
    const { home } = await serve(apiOf(svc, { status: () => new Promise(() => undefined) }));
    const c = await client(home, { timeoutMs: 100 });
    expect((await rejection(c.status({}))).message).toMatch(/^status got no answer from the device at .* within 100 ms; it may still complete$/);
    expect((await c.card({})).card.length).toBeGreaterThan(10);
  });

  test('calls still waiting when the daemon stops fail with a clear error', async () => {
    const svc = device(new MemoryNetwork(), 'alice');
    const { server, home } = await serve(apiOf(svc, { sign: () => new Promise(() => undefined) }));
    const c = await client(home);
    const waiting = rejection(c.sign({ quorumId: '00'.repeat(16), message: '00' }));
    await c.card({}); // the sign request has reached the server
    await server.close();
    expect((await waiting).message).toContain('lost the connection to the device');
    expect((await rejection(c.status({}))).message).toContain('is closed');
  });
});
