/**
 * The local RPC server's gate and frames (DESIGN §9): loopback only, token in
 * rpc.json (0600), Origin checked, refusals happen at the HTTP upgrade, and
 * bad frames get error frames without taking the server down.
 */
import { statSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type WebSocket from 'ws';
import { startRpcServer, type RpcServerHandle } from '../../main/rpc/server.js';
import { RPC_MAX_FRAME_BYTES, RPC_SUBPROTOCOL, RPC_TOKEN_PREFIX } from '../../shared/rpc-protocol.js';
import { MemoryNetwork } from '../helpers/memory-network.js';
import { apiOf, cleanHomes, device, protocolsFor, rawOpen, roundTrip, tempHome } from './fixtures.js';

const servers: RpcServerHandle[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const s of servers.splice(0)) await s.close();
  cleanHomes();
});

async function serve(allowedOrigins?: string[]): Promise<{ server: RpcServerHandle; home: string }> {
  const home = tempHome();
  const server = await startRpcServer({ api: apiOf(device(new MemoryNetwork(), 'alice')), home, allowedOrigins });
  servers.push(server);
  return { server, home };
}

async function connected(server: RpcServerHandle, headers: Record<string, string> = {}): Promise<WebSocket> {
  const r = await rawOpen(server.url, protocolsFor(server.token), headers);
  if (!('ws' in r)) throw new Error(`refused with HTTP ${r.status}`);
  sockets.push(r.ws);
  return r.ws;
}

describe('local RPC server', () => {
  test('binds 127.0.0.1 only, on an ephemeral port', async () => {
    const { server } = await serve();
    expect(server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4', port: server.port });
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}`);
  });

  test('writes rpc.json with mode 0600 holding port, token and pid, and removes it on close', async () => {
    const { server, home } = await serve();
    const file = join(home, 'rpc.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ port: server.port, token: server.token, pid: process.pid });
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    await server.close();
    expect(existsSync(file)).toBe(false);
  });

  test('closing a server leaves a newer server’s rpc.json in place', async () => {
    const { server: older, home } = await serve();
    const newer = await startRpcServer({ api: apiOf(device(new MemoryNetwork(), 'alice')), home });
    servers.push(newer);
    await older.close();
    expect(JSON.parse(readFileSync(join(home, 'rpc.json'), 'utf8'))).toMatchObject({ port: newer.port, token: newer.token });
  });

  test('a connection without a token is refused with 401 before any WebSocket exists', async () => {
    const { server } = await serve();
    expect(await rawOpen(server.url, [RPC_SUBPROTOCOL])).toEqual({ status: 401 });
    expect(await rawOpen(server.url, [])).toEqual({ status: 401 });
  });

  test('a connection with a wrong token is refused with 401', async () => {
    const { server } = await serve();
    const wrong = server.token.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(await rawOpen(server.url, protocolsFor(wrong))).toEqual({ status: 401 });
    expect(await rawOpen(server.url, protocolsFor(server.token.slice(0, 32)))).toEqual({ status: 401 });
    expect(await rawOpen(`${server.url}/?token=${server.token}`, [RPC_SUBPROTOCOL])).toEqual({ status: 401 });
  });

  test('a connection from another Origin is refused with 403 even with the right token', async () => {
    const { server } = await serve(['http://127.0.0.1:4444']);
    expect(await rawOpen(server.url, protocolsFor(server.token), { origin: 'http://evil.example' })).toEqual({ status: 403 });
    expect(await rawOpen(server.url, protocolsFor(server.token), { origin: 'null' })).toEqual({ status: 403 });
    const ok = await connected(server, { origin: 'http://127.0.0.1:4444' });
    expect(ok.protocol).toBe(RPC_SUBPROTOCOL);
  });

  test('a connection naming another host (DNS rebinding) is refused with 403', async () => {
    const { server } = await serve();
    expect(await rawOpen(server.url, protocolsFor(server.token), { host: `rebind.example:${server.port}` })).toEqual({ status: 403 });
  });

  test('the server selects rampart.v1 and never echoes the token', async () => {
    const { server } = await serve();
    const ws = await connected(server);
    expect(ws.protocol).toBe(RPC_SUBPROTOCOL);
    expect(ws.protocol).not.toContain(RPC_TOKEN_PREFIX);
  });

  test('an unknown method is refused with an error frame, even one named like an Object property', async () => {
    const { server } = await serve();
    const ws = await connected(server);
    for (const [id, method] of [[1, 'deleteEverything'], [2, 'constructor'], [3, '__proto__'], [4, 'toString']] as const) {
      expect(await roundTrip(ws, JSON.stringify({ id, method, params: {} }))).toEqual({
        id,
        error: { code: 'VERSION_UNSUPPORTED', message: `unknown method "${method}"` },
      });
    }
  });

  test('bad params are refused with ENCODING_INVALID naming the field', async () => {
    const { server } = await serve();
    const ws = await connected(server);
    const r = await roundTrip(ws, JSON.stringify({ id: 7, method: 'approve', params: { id: 'not-a-hash' } }));
    expect(r).toMatchObject({ id: 7, error: { code: 'ENCODING_INVALID' } });
    expect((r.error as { message: string }).message).toMatch(/^params\.id: /);
    const extra = await roundTrip(ws, JSON.stringify({ id: 8, method: 'status', params: { verbose: true } }));
    expect(extra).toMatchObject({ id: 8, error: { code: 'ENCODING_INVALID' } });
    expect((extra.error as { message: string }).message).toContain('verbose');
  });

  test('garbage frames get an error frame and the connection keeps working', async () => {
    const { server } = await serve();
    const ws = await connected(server);
    expect(await roundTrip(ws, '{not json')).toEqual({ id: null, error: { code: 'ENCODING_INVALID', message: 'frame is not valid JSON' } });
    expect(await roundTrip(ws, JSON.stringify({ id: 5, params: {} }))).toMatchObject({ id: 5, error: { code: 'ENCODING_INVALID' } });
    expect(await roundTrip(ws, JSON.stringify({ id: 6, method: 'card', params: {} }))).toMatchObject({ id: 6, result: { card: expect.any(String) } });
  });

  test('an oversized frame closes that connection with 1009 and the server keeps serving', async () => {
    const { server } = await serve();
    const ws = await connected(server);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ id: 1, method: 'status', params: { pad: 'x'.repeat(RPC_MAX_FRAME_BYTES) } }));
    expect(await closed).toBe(1009);
    const again = await connected(server);
    expect(await roundTrip(again, JSON.stringify({ id: 2, method: 'status' }))).toMatchObject({ id: 2, result: { device: { name: 'alice' } } });
  });

  test('plain HTTP requests get 404 and no API', async () => {
    const { server } = await serve();
    const res = await fetch(`http://127.0.0.1:${server.port}/status`);
    expect(res.status).toBe(404);
  });
});
