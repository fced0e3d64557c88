/**
 * Backup files in the desktop app: the main process asks the native dialog for
 * a path (faked here), writes atomically with mode 0600, reads size-checked
 * files, and serves the dialogs only to the app page's main frame.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { fileHandlers, MAX_BACKUP_BYTES, safeFileName, type FileDialogs } from '../../main/electron/backup-files.js';
import { OPEN_BACKUP_CHANNEL, SAVE_BACKUP_CHANNEL } from '../../main/electron/channels.js';
import { registerHandlers } from '../../main/electron/ipc.js';
import { FakeIpcMain, from, fromApp } from './fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'rampart-files-'));
  dirs.push(d);
  return d;
}

function setup(savePath: string | null, openPath: string | null) {
  const asked: string[] = [];
  const dialogs: FileDialogs = {
    chooseSavePath: async (name) => {
      asked.push(name);
      return savePath;
    },
    chooseOpenPath: async () => openPath,
  };
  const ipcMain = new FakeIpcMain();
  registerHandlers(ipcMain, fileHandlers(dialogs));
  return { ipcMain, asked };
}

describe('backup file dialogs', () => {
  test('save writes the text where the holder chose, mode 0600, and returns the path', async () => {
    const path = join(tempDir(), 'treasury.rampart-backup');
    writeFileSync(path, 'older backup', { mode: 0o644 });
    const { ipcMain, asked } = setup(path, null);
    expect(await ipcMain.invoke(SAVE_BACKUP_CHANNEL, fromApp, 'treasury-epoch-3', '{"backup":1}')).toEqual({ ok: true, result: path });
    expect(asked).toEqual(['treasury-epoch-3.rampart-backup']);
    expect(readFileSync(path, 'utf8')).toBe('{"backup":1}');
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(path, '..'))).toEqual(['treasury.rampart-backup']);
  });

  test('a cancelled dialog resolves null and writes nothing', async () => {
    const { ipcMain } = setup(null, null);
    expect(await ipcMain.invoke(SAVE_BACKUP_CHANNEL, fromApp, 'x', 'text')).toEqual({ ok: true, result: null });
    expect(await ipcMain.invoke(OPEN_BACKUP_CHANNEL, fromApp)).toEqual({ ok: true, result: null });
  });

  test('save refuses anything but backup text before asking', async () => {
    const { ipcMain, asked } = setup('/tmp/never', null);
    for (const text of [undefined, 42, '', { a: 1 }]) {
      expect(await ipcMain.invoke(SAVE_BACKUP_CHANNEL, fromApp, 'x', text)).toMatchObject({ ok: false, error: { code: 'ENCODING_INVALID' } });
    }
    expect(asked).toEqual([]);
  });

  test('the suggested name is a plain file name with the backup extension', () => {
    expect(safeFileName('../../etc/passwd')).toBe('_.._etc_passwd.rampart-backup');
    expect(safeFileName('a\u0000b\\c:d')).toBe('a_b_c_d.rampart-backup');
    expect(safeFileName('.hidden')).toBe('hidden.rampart-backup');
    expect(safeFileName(undefined)).toBe('rampart.rampart-backup');
    expect(safeFileName('x.rampart-backup')).toBe('x.rampart-backup');
  });

  test('open returns the chosen file’s name and text', async () => {
    const path = join(tempDir(), 'mine.rampart-backup');
    writeFileSync(path, '{"v":1}');
    const { ipcMain } = setup(null, path);
    expect(await ipcMain.invoke(OPEN_BACKUP_CHANNEL, fromApp)).toEqual({ ok: true, result: { name: 'mine.rampart-backup', text: '{"v":1}' } });
  });

  test('open refuses a file larger than any backup, and a directory', async () => {
    const big = join(tempDir(), 'big.rampart-backup');
    writeFileSync(big, '');
    truncateSync(big, MAX_BACKUP_BYTES + 1);
    expect(await setup(null, big).ipcMain.invoke(OPEN_BACKUP_CHANNEL, fromApp)).toMatchObject({ ok: false, error: { code: 'BACKUP_MALFORMED' } });
    expect(await setup(null, tempDir()).ipcMain.invoke(OPEN_BACKUP_CHANNEL, fromApp)).toMatchObject({ ok: false, error: { code: 'BACKUP_MALFORMED' } });
  });

  test('other frames cannot open the dialogs', async () => {
    const { ipcMain, asked } = setup('/tmp/never', '/etc/passwd');
    expect(await ipcMain.invoke(SAVE_BACKUP_CHANNEL, from('https://example.com/'), 'x', 'text')).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(await ipcMain.invoke(OPEN_BACKUP_CHANNEL, from('app://rampart/index.html', {}))).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(asked).toEqual([]);
  });
});
