/**
 * The bundled preload (scripts/build-electron.mjs → preload.cjs), run in a
 * plain VM context with a stand-in for the one module a sandboxed preload may
 * require: it exposes `window.rampart` and nothing else, generated from the
 * command names of shared/api.ts, and the IPC object never reaches the page.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commandChannel, EVENT_CHANNEL, OPEN_BACKUP_CHANNEL, SAVE_BACKUP_CHANNEL } from '../../main/electron/channels.js';
import { commands } from '../../shared/api.js';
import { isRampartError } from '../../shared/errors.js';

let out: string;
let source: string;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'rampart-preload-'));
  execFileSync(process.execPath, ['scripts/build-electron.mjs', '--out', out], { stdio: 'pipe' });
  source = readFileSync(join(out, 'preload.cjs'), 'utf8');
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

type Listener = (event: unknown, ...args: unknown[]) => void;

/** Loads the preload with a fake `electron` module; returns what it exposed and the fake IPC's record. */
function load(reply: (channel: string, args: unknown[]) => unknown = () => ({ ok: true, result: {} })) {
  const exposed = new Map<string, unknown>();
  const invoked: [string, unknown[]][] = [];
  const listeners = new Map<string, Set<Listener>>();
  const required: string[] = [];
  const ipcRenderer = {
    invoke: async (channel: string, ...args: unknown[]) => {
      invoked.push([channel, args]);
      return reply(channel, args);
    },
    on: (channel: string, l: Listener) => void (listeners.get(channel) ?? listeners.set(channel, new Set()).get(channel)!).add(l),
    removeListener: (channel: string, l: Listener) => void listeners.get(channel)?.delete(l),
    send: () => {
      throw new Error('the preload must not send');
    },
  };
  const electron = { contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) }, ipcRenderer };
  const require = (id: string): unknown => {
    required.push(id);
    if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
    return electron;
  };
  const module = { exports: {} };
  runInNewContext(source, { require, module, exports: module.exports }, { filename: 'preload.cjs' });
  const emit = (message: unknown) => {
    for (const l of listeners.get(EVENT_CHANNEL) ?? []) l({ sender: ipcRenderer, senderId: 0 }, message);
  };
  return { exposed, invoked, listeners, required, emit, bridge: exposed.get('rampart') as Record<string, unknown> };
}

describe('bundled preload', () => {
  test('is one small CommonJS file that requires only electron, with no zod or Node built-ins', () => {
    const requires = [...source.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(source).not.toMatch(/\bzod\b|node:|from\s+["']/);
    expect(source.length).toBeLessThan(10_000);
    expect(load().required).toEqual(['electron']);
  });

  test('exposes only window.rampart: the commands of shared/api.ts, on, platform and the two file dialogs', () => {
    const { exposed, bridge } = load();
    expect([...exposed.keys()]).toEqual(['rampart']);
    expect(Object.keys(bridge).sort()).toEqual([...Object.keys(commands), 'on', 'platform', 'saveBackupFile', 'openBackupFile'].sort());
    expect(bridge.platform).toBe('electron');
    for (const [key, value] of Object.entries(bridge)) {
      if (key !== 'platform') expect(typeof value, key).toBe('function');
    }
  });

  test('a command invokes rampart:<command> with its params and resolves the result', async () => {
    const { bridge, invoked } = load((channel) => ({ ok: true, result: { from: channel } }));
    const status = bridge.status as (p?: unknown) => Promise<unknown>;
    await expect(status()).resolves.toEqual({ from: 'rampart:status' });
    const approve = bridge.approve as (p: unknown) => Promise<unknown>;
    await approve({ id: 'ab' });
    expect(invoked).toEqual([
      [commandChannel('status'), [{}]],
      [commandChannel('approve'), [{ id: 'ab' }]],
    ]);
  });

  test('a failed call rejects with a plain {name, code, message, culprit} that isRampartError accepts', async () => {
    const { bridge } = load(() => ({ ok: false, error: { code: 'SHARE_STALE', message: 'old', culprit: 'cd' } }));
    const err: unknown = await (bridge.sign as (p: unknown) => Promise<unknown>)({}).catch((e: unknown) => e);
    expect(err).toEqual({ name: 'RampartError', code: 'SHARE_STALE', message: 'old', culprit: 'cd' });
    expect(isRampartError(err)).toBe(true);
  });

  test('a call that cannot reach the main process rejects with INTERNAL', async () => {
    const { bridge } = load(() => {
      throw new Error("No handler registered for 'rampart:x' at /internal/path.js:1");
    });
    await expect((bridge.card as () => Promise<unknown>)()).rejects.toEqual({ name: 'RampartError', code: 'INTERNAL', message: 'the call could not reach the device' });
  });

  test('events reach the listener as (event, payload) without the IPC event or its sender; unsubscribe stops them', () => {
    const { bridge, emit, listeners } = load();
    const got: unknown[][] = [];
    const off = (bridge.on as (l: (...a: unknown[]) => void) => () => void)((...args) => got.push(args));
    emit({ event: 'connectionChanged', payload: { connected: true } });
    emit('garbage');
    emit({ payload: 1 });
    expect(got).toEqual([['connectionChanged', { connected: true }]]);
    off();
    expect(listeners.get(EVENT_CHANNEL)?.size).toBe(0);
  });

  test('the file dialogs go to their own channels', async () => {
    const { bridge, invoked } = load((channel) => ({ ok: true, result: channel === SAVE_BACKUP_CHANNEL ? '/home/u/x.rampart-backup' : null }));
    await expect((bridge.saveBackupFile as (n: string, t: string) => Promise<unknown>)('x', 'text')).resolves.toBe('/home/u/x.rampart-backup');
    await expect((bridge.openBackupFile as () => Promise<unknown>)()).resolves.toBeNull();
    expect(invoked).toEqual([
      [SAVE_BACKUP_CHANNEL, ['x', 'text']],
      [OPEN_BACKUP_CHANNEL, []],
    ]);
  });
});
