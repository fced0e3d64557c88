/**
 * The Electron IPC adapter (DESIGN §2, §9) driven through a fake ipcMain: the
 * handlers generated from shared/api.ts serve only the app page's main frame,
 * validate params and results with the table's schemas, and answer errors as
 * `{code, message, culprit?}` only. A real DeviceService sits behind them.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { commandChannel, EVENT_CHANNEL } from '../../main/electron/channels.js';
import { commandHandlers, forwardEvents, registerHandlers } from '../../main/electron/ipc.js';
import { commands, statusSchema } from '../../shared/api.js';
import { RampartError } from '../../shared/errors.js';
import { countingApi, device, FakeIpcMain, from, fromApp } from './fixtures.js';

const services: { stop(): void }[] = [];
afterEach(() => {
  for (const s of services.splice(0)) s.stop();
});

function setup(overrides: Parameters<typeof countingApi>[1] = {}) {
  const svc = device();
  services.push(svc);
  const { api, calls } = countingApi(svc, overrides);
  const refused: (string | null)[] = [];
  const ipcMain = new FakeIpcMain();
  const unregister = registerHandlers(ipcMain, commandHandlers(api, { onRefused: (_c, url) => refused.push(url) }));
  return { svc, ipcMain, calls, refused, unregister };
}

describe('Electron IPC handlers', () => {
  test('one handler per command of shared/api.ts, on rampart:<command>; unregistering removes them all', () => {
    const { ipcMain, unregister } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.keys(commands).map(commandChannel).sort());
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
  });

  test('a call from the app page returns the validated result', async () => {
    const { svc, ipcMain } = setup();
    const reply = (await ipcMain.invoke('rampart:card', fromApp, {})) as { ok: true; result: { card: string } };
    expect(reply).toEqual({ ok: true, result: await svc.card() });
    expect(reply.result.card).toMatch(/^rampart1\./);
    const status = (await ipcMain.invoke('rampart:status', fromApp)) as { ok: true; result: unknown };
    expect(status.ok).toBe(true);
    expect(statusSchema.safeParse(status.result).success).toBe(true);
  });

  test.each([
    ['a remote page', from('https://example.com/')],
    ['a file:// page', from('file:///tmp/index.html')],
    ['about:blank', from('about:blank')],
    ['a data: page', from('data:text/html,<script></script>')],
    ['a subframe of the app', from('app://rampart/index.html', { url: 'app://rampart/index.html', parent: null })],
    ['a destroyed frame', { senderFrame: null }],
  ])('a call from %s is refused before the device sees it', async (_what, event) => {
    const { ipcMain, calls, refused } = setup();
    const reply = await ipcMain.invoke('rampart:card', event, {});
    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'refused: this frame may not use the device API' } });
    expect(calls).toEqual([]);
    expect(refused).toEqual([event.senderFrame?.url ?? null]);
  });

  test('a frame Electron reports as disposed (its getter throws) is refused', async () => {
    const { ipcMain, calls, refused } = setup();
    const disposed = {
      get senderFrame(): never {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    expect(await ipcMain.invoke('rampart:card', disposed, {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(calls).toEqual([]);
    expect(refused).toEqual([null]);
  });

  test('bad params are refused with ENCODING_INVALID naming the field, and the device is not called', async () => {
    const { ipcMain, calls } = setup();
    expect(await ipcMain.invoke('rampart:approve', fromApp, { id: 'not-a-hash' })).toMatchObject({
      ok: false,
      error: { code: 'ENCODING_INVALID', message: expect.stringMatching(/^params\.id: /) },
    });
    expect(await ipcMain.invoke('rampart:status', fromApp, { extra: 1 })).toMatchObject({ ok: false, error: { code: 'ENCODING_INVALID' } });
    expect(await ipcMain.invoke('rampart:sign', fromApp, 'text')).toMatchObject({ ok: false, error: { code: 'ENCODING_INVALID' } });
    expect(await ipcMain.invoke('rampart:status', fromApp, {}, {})).toMatchObject({ ok: false, error: { code: 'ENCODING_INVALID', message: 'params: one argument expected' } });
    expect(calls).toEqual([]);
  });

  test('the app window cannot make the device read or write a path: backups go through the dialogs', async () => {
    const { ipcMain, calls } = setup();
    const quorumId = '00'.repeat(16);
    expect(await ipcMain.invoke('rampart:exportBackup', fromApp, { quorumId, passphrase: 'x', path: '/tmp/evil' })).toMatchObject({
      ok: false,
      error: { code: 'ENCODING_INVALID', message: expect.stringContaining('params.path') },
    });
    expect(await ipcMain.invoke('rampart:importBackup', fromApp, { path: '/etc/passwd', passphrase: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'ENCODING_INVALID', message: expect.stringContaining('params.path') },
    });
    expect(calls).toEqual([]);
  });

  test('an unexpected error becomes INTERNAL without its message or stack', async () => {
    const { ipcMain } = setup({
      status: async () => {
        throw new TypeError('secret share 0xdeadbeef leaked in a message');
      },
    });
    const reply = await ipcMain.invoke('rampart:status', fromApp, {});
    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    expect(JSON.stringify(reply)).not.toMatch(/deadbeef|TypeError|at |stack/);
  });

  test('a RampartError crosses as {code, message, culprit} only', async () => {
    const culprit = 'ab'.repeat(16);
    const { ipcMain } = setup({
      requests: async () => {
        throw new RampartError('SHARE_STALE', 'old share', culprit);
      },
    });
    const reply = (await ipcMain.invoke('rampart:requests', fromApp, {})) as { ok: false; error: Record<string, unknown> };
    expect(reply).toEqual({ ok: false, error: { code: 'SHARE_STALE', message: `old share (device ${culprit})`, culprit } });
  });

  test('a result that does not match the table is not sent (INTERNAL)', async () => {
    const { ipcMain } = setup({ card: async () => ({ card: 'x', secretShare: 'ff'.repeat(32) }) });
    const reply = await ipcMain.invoke('rampart:card', fromApp, {});
    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    expect(JSON.stringify(reply)).not.toContain('ff'.repeat(32));
  });

  test('a real device error keeps its code (approve an unknown request)', async () => {
    const { ipcMain } = setup();
    const reply = (await ipcMain.invoke('rampart:approve', fromApp, { id: '11'.repeat(32) })) as { ok: false; error: { code: string } };
    expect(reply.ok).toBe(false);
    expect(reply.error.code).not.toBe('INTERNAL');
    expect(Object.keys(reply.error).every((k) => ['code', 'message', 'culprit'].includes(k))).toBe(true);
  });

  test('prototype names are not channels', () => {
    const { ipcMain } = setup();
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(ipcMain.handlers.has(commandChannel(name))).toBe(false);
  });
});

describe('Electron IPC events', () => {
  test('device events reach the window on rampart:event as {event, payload}; unsubscribing stops them', async () => {
    const svc = device();
    services.push(svc);
    const sent: [string, unknown][] = [];
    const stop = forwardEvents(svc, (channel, message) => sent.push([channel, structuredClone(message)]));
    svc.connectionChanged(false);
    expect(sent).toEqual([[EVENT_CHANNEL, { event: 'connectionChanged', payload: { connected: false } }]]);
    stop();
    svc.connectionChanged(true);
    expect(sent).toHaveLength(1);
  });
});
