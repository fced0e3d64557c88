/**
 * The main process's wiring (main/electron/main.ts) against a stand-in for the
 * `electron` module — the binary is not installed here, and the policies it
 * wires are tested on their own: this checks that each one is actually
 * installed. A real device home (file keystore) sits behind it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { initHome } from '../../main/device/home.js';
import { CSP } from '../../main/electron/csp.js';
import { APP_URL } from '../../main/electron/policy.js';
import { commands } from '../../shared/api.js';

type Fn = (...args: never[]) => unknown;

const fake = vi.hoisted(() => {
  const on = new Map<string, Fn[]>();
  const f = {
    appOn: on,
    schemes: [] as unknown[],
    sandboxEnabled: false,
    quit: 0,
    exit: [] as number[],
    errorBoxes: [] as string[][],
    windows: [] as { options: Record<string, unknown>; url?: string; sent: unknown[][] }[],
    protocolHandlers: new Map<string, (r: Request) => Promise<Response>>(),
    ipc: new Map<string, Fn>(),
    session: {} as Record<string, Fn>,
    external: [] as string[],
    ready: undefined as unknown as () => void,
  };
  return f;
});

vi.mock('electron', () => {
  const readyPromise = new Promise<void>((r) => (fake.ready = r));
  class BrowserWindow {
    static all: BrowserWindow[] = [];
    static getAllWindows = (): BrowserWindow[] => BrowserWindow.all;
    readonly rec: { options: Record<string, unknown>; url?: string; sent: unknown[][] };
    readonly webContents: { send: (...a: unknown[]) => void };
    constructor(options: Record<string, unknown>) {
      this.rec = { options, sent: [] };
      this.webContents = { send: (...a) => void this.rec.sent.push(a) };
      fake.windows.push(this.rec);
      BrowserWindow.all.push(this);
    }
    once(): void {}
    on(): void {}
    isDestroyed = (): boolean => false;
    isMinimized = (): boolean => false;
    async loadURL(url: string): Promise<void> {
      this.rec.url = url;
    }
  }
  return {
    app: {
      isPackaged: true,
      whenReady: () => readyPromise,
      enableSandbox: () => void (fake.sandboxEnabled = true),
      setAppUserModelId: () => undefined,
      requestSingleInstanceLock: () => true,
      on: (event: string, fn: Fn) => void fake.appOn.set(event, [...(fake.appOn.get(event) ?? []), fn]),
      quit: () => void fake.quit++,
      exit: (code: number) => void fake.exit.push(code),
      getPath: () => tmpdir(),
    },
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => void fake.schemes.push(...s),
      handle: (scheme: string, h: (r: Request) => Promise<Response>) => void fake.protocolHandlers.set(scheme, h),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Fn) => void (fake.session.request = h),
        setPermissionCheckHandler: (h: Fn) => void (fake.session.check = h),
        setDevicePermissionHandler: (h: Fn) => void (fake.session.device = h),
        webRequest: {
          onBeforeRequest: (h: Fn) => void (fake.session.beforeRequest = h),
          onHeadersReceived: (h: Fn) => void (fake.session.headers = h),
        },
        on: (event: string, h: Fn) => void (fake.session[event] = h),
      },
    },
    ipcMain: { handle: (c: string, h: Fn) => void fake.ipc.set(c, h), removeHandler: (c: string) => void fake.ipc.delete(c) },
    dialog: { showErrorBox: (...a: string[]) => void fake.errorBoxes.push(a), showSaveDialog: vi.fn(), showOpenDialog: vi.fn() },
    Notification: class {
      static isSupported = (): boolean => false;
    },
    shell: { openExternal: async (url: string) => void fake.external.push(url) },
  };
});

const PASSPHRASE = 'wiring test passphrase, long enough';
let home: string;
const argv = process.argv.slice();

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'rampart-wiring-'));
  await initHome(home, { name: 'wired', relay: 'ws://127.0.0.1:9', keystore: 'file', passphrase: PASSPHRASE, scryptN: 2 ** 10 });
  process.argv.push(`--home=${home}`);
  process.env.RAMPART_PASSPHRASE = PASSPHRASE;
  await import('../../main/electron/main.js');
});

afterAll(async () => {
  // Quit: the app stops the device before it exits.
  const quitting = { prevented: false, preventDefault() {
    this.prevented = true;
  } };
  for (const h of fake.appOn.get('before-quit') ?? []) (h as (e: unknown) => void)(quitting);
  await vi.waitFor(() => expect(fake.quit).toBe(1), { timeout: 10_000 });
  expect(quitting.prevented).toBe(true);
  process.argv.splice(0, process.argv.length, ...argv);
  delete process.env.RAMPART_PASSPHRASE;
  rmSync(home, { recursive: true, force: true });
});

describe('main process wiring', () => {
  test('before ready: app:// is a standard, secure scheme; every renderer is sandboxed', () => {
    expect(fake.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
    expect(fake.sandboxEnabled).toBe(true);
    expect(fake.windows).toHaveLength(0);
  });

  test('when ready: opens the device, registers the IPC, shows one hardened window on the app page', async () => {
    fake.ready();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1), { timeout: 30_000 });
    expect(fake.exit).toEqual([]);
    const w = fake.windows[0]!;
    expect(w.url).toBe(APP_URL);
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, devTools: false });
    expect(String((w.options.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);
    expect([...fake.ipc.keys()].sort()).toEqual([...Object.keys(commands).map((c) => `rampart:${c}`), 'rampart-file:open', 'rampart-file:save'].sort());
    const reply = (await (fake.ipc.get('rampart:status') as (e: unknown, p: unknown) => Promise<{ ok: boolean; result: { device: { name: string } } }>)(
      { senderFrame: { url: APP_URL, parent: null } },
      {},
    )) as { ok: boolean; result: { device: { name: string } } };
    expect(reply.ok).toBe(true);
    expect(reply.result.device.name).toBe('wired');
  });

  test('the session denies permissions except notifications, blocks remote requests and downloads, and sets the CSP', () => {
    const decide = (permission: string, url: string): boolean => {
      let answer: boolean | undefined;
      (fake.session.request as (wc: unknown, p: string, cb: (b: boolean) => void, d: { requestingUrl: string }) => void)(null, permission, (b) => (answer = b), { requestingUrl: url });
      return answer!;
    };
    expect(decide('media', APP_URL)).toBe(false);
    expect(decide('notifications', APP_URL)).toBe(true);
    expect(decide('notifications', 'https://example.com/')).toBe(false);
    expect((fake.session.check as (wc: unknown, p: string, o: string) => boolean)(null, 'geolocation', 'app://rampart')).toBe(false);
    expect((fake.session.device as () => boolean)()).toBe(false);
    const cancel = (url: string): boolean => {
      let r: { cancel: boolean } | undefined;
      (fake.session.beforeRequest as (d: { url: string }, cb: (x: { cancel: boolean }) => void) => void)({ url }, (x) => (r = x));
      return r!.cancel;
    };
    expect(cancel('https://example.com/x.js')).toBe(true);
    expect(cancel('app://rampart/assets/x.js')).toBe(false);
    let headers: Record<string, string[]> | undefined;
    (fake.session.headers as (d: unknown, cb: (x: { responseHeaders: Record<string, string[]> }) => void) => void)({ responseHeaders: {} }, (x) => (headers = x.responseHeaders));
    expect(headers).toEqual({ 'Content-Security-Policy': [CSP] });
    let prevented = false;
    (fake.session['will-download'] as (e: { preventDefault(): void }) => void)({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });

  test('every webContents: navigation away, redirects and webviews prevented; new windows denied, https links opened outside', () => {
    const handlers = new Map<string, Fn>();
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const contents = { on: (e: string, h: Fn) => void handlers.set(e, h), setWindowOpenHandler: (h: typeof openHandler) => void (openHandler = h) };
    for (const h of fake.appOn.get('web-contents-created') ?? []) (h as (e: unknown, c: unknown) => void)({}, contents);
    const prevented = (event: string, url: string): boolean => {
      let p = false;
      (handlers.get(event) as (e: unknown) => void)({ url, preventDefault: () => (p = true) });
      return p;
    };
    expect(prevented('will-navigate', 'https://example.com/')).toBe(true);
    expect(prevented('will-navigate', 'app://rampart/index.html#/x')).toBe(false);
    expect(prevented('will-redirect', 'https://example.com/')).toBe(true);
    expect(prevented('will-attach-webview', APP_URL)).toBe(true);
    expect(openHandler!({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(fake.external).toEqual(['https://example.com/docs']);
  });

  test('app:// answers with the CSP and nosniff, and refuses paths outside the renderer build', async () => {
    const serve = fake.protocolHandlers.get('app')!;
    const missing = await serve(new Request('app://rampart/no-such-file.js'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CSP);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await serve(new Request('app://other/index.html'))).status).toBe(404);
    expect((await serve(new Request('app://rampart/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});
