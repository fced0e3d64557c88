/**
 * Browser mode (`rampart device run --ui`; DESIGN §9): a real device daemon
 * (runDevice with `ui`) on a real relay serves a fixture renderer and its
 * token-guarded RPC on one 127.0.0.1 port. Plain Node HTTP and `ws` requests
 * check what a browser and an attacker's page can and cannot do; the browser
 * bridge itself (renderer/src/platform/browser-bridge.ts) runs over `ws`
 * with the UI's Origin, as a page would.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { runDevice, type RunningDevice } from '../../main/daemon.js';
import { initHome } from '../../main/device/home.js';
import { startRelay, type RelayHandle } from '../../relay/server.js';
import { silentLogger } from '../../relay/log.js';
import { createBrowserBridge, type BrowserBridge, type RpcState, type SocketLike } from '../../renderer/src/platform/browser-bridge.js';
import { isRampartError } from '../../shared/errors.js';
import { RPC_SUBPROTOCOL } from '../../shared/rpc-protocol.js';
import { REPO } from '../e2e-cli/helpers.js';
import { cleanHomes, protocolsFor, rawOpen, roundTrip, tempHome } from './fixtures.js';

const PASS = 'browser mode test passphrase';
const SECRET = 'outside-the-root: must never be served';
const INDEX = '<!doctype html><title>Rampart</title><script type="module" src="/assets/app.js"></script>\n';

let relay: RelayHandle;
let home: string;
let root: string;
let outside: string;
let d: RunningDevice;
let port: number;
let token: string;
let origin: string;

/** A fixture renderer build, a secret file beside it, and a symlink leading out to that file. */
function fixtureRenderer(): { root: string; outside: string } {
  const base = tempHome();
  const r = join(base, 'renderer');
  mkdirSync(join(r, 'assets'), { recursive: true });
  writeFileSync(join(r, 'index.html'), INDEX);
  writeFileSync(join(r, 'assets', 'app.js'), 'console.log("app");\n');
  writeFileSync(join(r, 'assets', 'app.css'), 'body { margin: 0 }\n');
  writeFileSync(join(r, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  writeFileSync(join(r, '.env'), SECRET);
  const o = join(base, 'secret.txt');
  writeFileSync(o, SECRET);
  symlinkSync(o, join(r, 'escape.txt'));
  symlinkSync(join(r, 'assets', 'app.js'), join(r, 'alias.js')); // a symlink inside the root is fine
  return { root: r, outside: o };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request: the path goes on the wire exactly as given (fetch would normalise `..`). */
function get(path: string, o: { host?: string; method?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: { host: o.host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function expectSecurityHeaders(r: Reply): void {
  expect(r.headers['content-security-policy']).toBe(
    `default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws://127.0.0.1:${port}; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`,
  );
  expect(r.headers['x-content-type-options']).toBe('nosniff');
  expect(r.headers['referrer-policy']).toBe('no-referrer');
  expect(r.headers['x-frame-options']).toBe('DENY');
  expect(r.headers['cache-control']).toBe('no-store');
}

/** The bridge as a page at the UI origin runs it, over `ws` (which lets us set the Origin a browser would send). */
function bridgeFrom(pageOrigin: string, o: { connectWaitMs?: number; sockets?: WebSocket[] } = {}): BrowserBridge {
  return createBrowserBridge({
    url: `ws://127.0.0.1:${port}/`,
    token,
    connectWaitMs: o.connectWaitMs ?? 5_000,
    backoff: { initialMs: 20, maxMs: 200 },
    createSocket: (url, protocols) => {
      const ws = new WebSocket(url, protocols, { headers: { origin: pageOrigin } });
      o.sockets?.push(ws);
      return ws as unknown as SocketLike;
    },
  });
}

function waitState(b: BrowserBridge, want: RpcState, ms = 5_000): Promise<void> {
  if (b.rpc.state === want) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bridge still ${b.rpc.state}, wanted ${want}`)), ms);
    const off = b.rpc.subscribe((s) => {
      if (s !== want) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

beforeAll(async () => {
  relay = await startRelay({ logger: silentLogger });
  home = tempHome();
  await initHome(home, { name: 'alice', relay: relay.url, keystore: 'file', passphrase: PASS, scryptN: 1 << 12 });
  ({ root, outside } = fixtureRenderer());
  d = await runDevice(home, { passphrase: PASS, ui: { root } });
  port = d.rpc!.port;
  token = (JSON.parse(readFileSync(join(home, 'rpc.json'), 'utf8')) as { token: string }).token;
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await d?.stop();
  await relay?.close();
  cleanHomes();
});

describe('browser mode: the address', () => {
  test('ui-url (mode 0600) holds http://127.0.0.1:PORT/#token=… with the RPC token in the fragment, and only there', () => {
    const url = readFileSync(join(home, 'ui-url'), 'utf8');
    expect(url).toBe(`http://127.0.0.1:${port}/#token=${token}\n`);
    expect(d.rpc!.uiUrl).toBe(url.trim());
    if (process.platform !== 'win32') expect(statSync(join(home, 'ui-url')).mode & 0o777).toBe(0o600);
    const parsed = new URL(url.trim());
    expect(parsed.search).toBe('');
    expect(parsed.pathname).toBe('/');
    expect(parsed.hash).toBe(`#token=${token}`);
  });
});

describe('browser mode: static files', () => {
  test('the page and its assets load with the security headers, no-store and their content types', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toBe(INDEX);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expectSecurityHeaders(page);
    expect((await get('/index.html')).body).toBe(INDEX);
    const types: [string, string][] = [
      ['/assets/app.js', 'text/javascript; charset=utf-8'],
      ['/assets/app.css', 'text/css; charset=utf-8'],
      ['/assets/logo.svg', 'image/svg+xml'],
      ['/alias.js', 'text/javascript; charset=utf-8'],
      ['/assets/app.js?v=1', 'text/javascript; charset=utf-8'],
    ];
    for (const [path, type] of types) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toBe(type);
      expectSecurityHeaders(r);
    }
    const head = await get('/assets/app.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength('console.log("app");\n')));
    expect(head.body).toBe('');
  });

  test('missing files, directories and other methods are refused, with the same headers', async () => {
    for (const path of ['/nope.js', '/assets', '/assets/']) {
      const r = await get(path);
      expect([400, 404], path).toContain(r.status);
      expectSecurityHeaders(r);
    }
    const post = await get('/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expectSecurityHeaders(post);
  });

  test('`..`, encoded traversal, backslashes, NUL, dotfiles, absolute paths and a symlink out of the root are refused', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/%252e%252e/secret.txt',
      '/..\\secret.txt',
      '/%5c..%5csecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/secret.txt%00.js',
      '/.env',
      '/%2eenv',
      '/escape.txt',
      `/${outside}`,
      `/${encodeURIComponent(outside)}`,
      '//etc/passwd',
      '/etc/passwd',
      '/C:/Windows/win.ini',
      `http://127.0.0.1:${port}/../secret.txt`,
      '*',
    ];
    for (const path of attempts) {
      const r = await get(path);
      expect([400, 404], path).toContain(r.status);
      expect(r.body, path).not.toContain(SECRET);
      expect(r.body, path).not.toContain('root:');
      expectSecurityHeaders(r);
    }
  });

  test('a request naming another Host is refused (DNS rebinding), localhost included', async () => {
    for (const host of [`evil.example:${port}`, 'evil.example', `localhost:${port}`, `127.0.0.1:${port + 1}`, `127.0.0.1`]) {
      const r = await get('/', { host });
      expect(r.status, host).toBe(403);
      expect(r.body).not.toContain('Rampart');
      expectSecurityHeaders(r);
    }
  });
});

describe('browser mode: the WebSocket RPC', () => {
  test('without the token it is refused, even from the UI origin', async () => {
    expect(await rawOpen(`ws://127.0.0.1:${port}`, [RPC_SUBPROTOCOL], { origin })).toEqual({ status: 401 });
    expect(await rawOpen(`ws://127.0.0.1:${port}`, [], { origin })).toEqual({ status: 401 });
    expect(await rawOpen(`ws://127.0.0.1:${port}/?token=${token}`, [RPC_SUBPROTOCOL], { origin })).toEqual({ status: 401 });
  });

  test('with the token but from another Origin it is refused', async () => {
    for (const other of ['http://evil.example', 'null', `http://localhost:${port}`, `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`]) {
      expect(await rawOpen(`ws://127.0.0.1:${port}`, protocolsFor(token), { origin: other }), other).toEqual({ status: 403 });
    }
  });

  test('with the token but another Host it is refused', async () => {
    expect(await rawOpen(`ws://127.0.0.1:${port}`, protocolsFor(token), { origin, host: `evil.example:${port}` })).toEqual({ status: 403 });
  });

  test('with the token and the UI origin it works (status), and the CLI (no Origin) still does', async () => {
    for (const headers of [{ origin }, {}] as Record<string, string>[]) {
      const r = await rawOpen(`ws://127.0.0.1:${port}`, protocolsFor(token), headers);
      if (!('ws' in r)) throw new Error(`refused with HTTP ${r.status}`);
      expect(r.ws.protocol).toBe(RPC_SUBPROTOCOL);
      const reply = await roundTrip(r.ws, JSON.stringify({ id: 1, method: 'status', params: {} }));
      expect(reply).toMatchObject({ id: 1, result: { device: { name: 'alice', deviceId: d.service.deviceId } } });
      r.ws.terminate();
    }
  });
});

describe('browser mode: the browser bridge', () => {
  test('generated commands, validated results, pushed events, and errors carrying code, message and culprit', async () => {
    const b = bridgeFrom(origin);
    try {
      expect(b.platform).toBe('browser');
      expect(b.saveBackupFile).toBeUndefined();
      expect(b.openBackupFile).toBeUndefined();
      const status = await b.status({});
      expect(status.device).toMatchObject({ name: 'alice', deviceId: d.service.deviceId, relay: relay.url });
      expect(b.rpc.state).toBe('open');
      expect((await b.card({})).card).toMatch(/^rampart1\./);

      const seen: string[] = [];
      const off = b.on((event, payload) => {
        if (event === 'logAppended') seen.push((payload as { type: string }).type);
      });
      await b.updateSettings({ relay: 'ws://127.0.0.1:1' });
      await expect.poll(() => seen).toContain('settings-changed');
      off();

      const unknown = await b.approve({ id: 'ab'.repeat(32) }).catch((e: unknown) => e);
      expect(isRampartError(unknown)).toBe(true);
      expect(unknown).toBeInstanceOf(Error);
      expect(unknown).toMatchObject({ name: 'RampartError', code: expect.any(String), message: expect.any(String) });
      // Bad params never leave the page.
      const bad = await b.sign({ quorumId: 'zz', message: '00' }).catch((e: unknown) => e);
      expect(bad).toMatchObject({ code: 'ENCODING_INVALID', message: expect.stringMatching(/quorumId/) });
    } finally {
      b.close();
      await d.service.updateSettings({ relay: relay.url });
    }
    expect(b.rpc.state).toBe('closed');
    await expect(b.status({})).rejects.toMatchObject({ code: 'DEVICE_UNAVAILABLE' });
  });

  test('a dropped connection fails the call in flight, shows "disconnected", and comes back by itself', async () => {
    const sockets: WebSocket[] = [];
    const b = bridgeFrom(origin, { sockets });
    const states: RpcState[] = [];
    b.rpc.subscribe((s) => states.push(s));
    try {
      await b.status({});
      const inFlight = b.status({});
      sockets.at(-1)!.terminate(); // before the answer can arrive
      await expect(inFlight).rejects.toMatchObject({ code: 'DEVICE_UNAVAILABLE', message: expect.stringMatching(/lost the connection/) });
      await waitState(b, 'open');
      expect(states).toContain('disconnected');
      expect(states.at(-1)).toBe('open');
      expect((await b.status({})).device.name).toBe('alice');
      expect(sockets.length).toBeGreaterThanOrEqual(2);
    } finally {
      b.close();
    }
  });

  test('from a foreign origin the bridge never connects: calls fail with DEVICE_UNAVAILABLE', async () => {
    const b = bridgeFrom('http://evil.example', { connectWaitMs: 300 });
    try {
      await expect(b.status({})).rejects.toMatchObject({ code: 'DEVICE_UNAVAILABLE', message: expect.stringMatching(/cannot reach the device/) });
      expect(b.rpc.state).not.toBe('open');
    } finally {
      b.close();
    }
  });

  test('a malformed token is refused before any connection', () => {
    expect(() => createBrowserBridge({ url: `ws://127.0.0.1:${port}/`, token: 'x'.repeat(64), createSocket: () => { throw new Error('no socket expected'); } })).toThrow(/token/);
  });
});

describe('browser mode: settings', () => {
  test('notifications persist in the state store; a new relay goes to device.json and applies at the next start', async () => {
    const b = bridgeFrom(origin);
    try {
      expect(await b.settings({})).toEqual({ relay: relay.url, notifications: false, restartRequired: false });
      expect(await b.updateSettings({ notifications: true })).toEqual({ relay: relay.url, notifications: true, restartRequired: false });
      await expect(b.updateSettings({ relay: 'http://relay.example' })).rejects.toMatchObject({ code: 'ENCODING_INVALID' });
      await expect(b.updateSettings({ relay: 'ws://user:pw@relay.example' })).rejects.toMatchObject({ code: 'ENCODING_INVALID' });
      const next = 'ws://127.0.0.1:1/relay';
      expect(await b.updateSettings({ relay: next })).toEqual({ relay: next, notifications: true, restartRequired: true });
      expect(JSON.parse(readFileSync(join(home, 'device.json'), 'utf8'))).toMatchObject({ relay: next, name: 'alice' });
      expect((await b.status({})).device.relay).toBe(relay.url); // still the running relay
      // Back to the real relay: nothing to restart for.
      expect(await b.updateSettings({ relay: relay.url })).toEqual({ relay: relay.url, notifications: true, restartRequired: false });
    } finally {
      b.close();
    }
  });

  test('after a restart the device runs on the stored relay and keeps its notifications setting', async () => {
    const h = tempHome();
    await initHome(h, { name: 'bob', relay: relay.url, keystore: 'file', passphrase: PASS, scryptN: 1 << 12 });
    const first = await runDevice(h, { passphrase: PASS, rpc: false });
    const next = 'ws://127.0.0.1:1';
    try {
      await first.service.updateSettings({ relay: next, notifications: true });
    } finally {
      await first.stop();
    }
    const second = await runDevice(h, { passphrase: PASS, rpc: false });
    try {
      expect(await second.service.settings()).toEqual({ relay: next, notifications: true, restartRequired: false });
      expect((await second.service.status()).device.relay).toBe(next);
    } finally {
      await second.stop();
    }
  });
});

describe('browser mode: start and stop', () => {
  test('without a built renderer the device does not start and says to run npm run build:renderer', async () => {
    const h = tempHome();
    await initHome(h, { name: 'carol', relay: relay.url, keystore: 'file', passphrase: PASS, scryptN: 1 << 12 });
    await expect(runDevice(h, { passphrase: PASS, ui: { root: join(h, 'no-such-build') } })).rejects.toThrow(/index\.html is missing; run `npm run build:renderer`/);
    expect(existsSync(join(h, 'rpc.json'))).toBe(false);
    expect(existsSync(join(h, 'ui-url'))).toBe(false);
  });

  test('stopping removes ui-url and rpc.json', async () => {
    const h = tempHome();
    await initHome(h, { name: 'dave', relay: relay.url, keystore: 'file', passphrase: PASS, scryptN: 1 << 12 });
    const dev = await runDevice(h, { passphrase: PASS, ui: { root } });
    expect(existsSync(join(h, 'ui-url'))).toBe(true);
    await dev.stop();
    expect(existsSync(join(h, 'ui-url'))).toBe(false);
    expect(existsSync(join(h, 'rpc.json'))).toBe(false);
  });

  test('`rampart device run --ui` prints one stdout line, the address in ui-url; without a build it exits 1 naming the fix', async () => {
    const h = tempHome();
    await initHome(h, { name: 'erin', relay: relay.url, keystore: 'file', passphrase: PASS, scryptN: 1 << 12 });
    const env = { ...process.env, RAMPART_PASSPHRASE: PASS, NO_COLOR: '1' };
    const cli = (args: string[]) => spawn(process.execPath, ['--import', 'tsx', join(REPO, 'main', 'cli', 'bin.ts'), 'device', 'run', '--home', h, ...args], { cwd: REPO, env });

    const proc = cli(['--ui', '--ui-dir', root]);
    let out = '';
    let log = '';
    proc.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    proc.stderr.setEncoding('utf8').on('data', (s: string) => (log += s));
    const missing = cli(['--ui', '--ui-dir', join(h, 'nothing')]);
    let err = '';
    missing.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const code = await new Promise<number | null>((resolve) => missing.on('exit', resolve));
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/npm run build:renderer/);

    try {
      await expect.poll(() => out, { timeout: 20_000, interval: 100 }).toMatch(/\n$/);
      const line = out.trim();
      expect(out.split('\n')).toEqual([line, '']);
      expect(line).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/);
      expect(readFileSync(join(h, 'ui-url'), 'utf8').trim()).toBe(line);
      // stderr (the log) names the page but never carries the token.
      await expect.poll(() => log, { timeout: 5_000 }).toMatch(/browser UI on http:\/\/127\.0\.0\.1:\d+\//);
      expect(log).not.toContain(line.split('#token=')[1]!);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((resolve) => proc.on('exit', resolve));
    }
    expect(existsSync(join(h, 'ui-url'))).toBe(false);
  });
});
