/**
 * Backup files in the desktop app (RampartBridge.saveBackupFile /
 * openBackupFile): the main process shows the native dialog, so the renderer
 * never names a path. Saved files are written atomically with mode 0600
 * (DESIGN §6); opened files are size-checked before they are read.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { RampartError } from '../../shared/errors.js';
import { writeFileAtomic } from '../keystore/atomic.js';
import { OPEN_BACKUP_CHANNEL, SAVE_BACKUP_CHANNEL } from './channels.js';
import { guarded, type IpcHandler, type IpcOptions } from './ipc.js';

/** The backup file extension (without the dot). */
export const BACKUP_EXTENSION = 'rampart-backup';
/** Largest backup file accepted (the schema's limit on `importBackup.text`). */
export const MAX_BACKUP_BYTES = 160 * 1024 * 1024;

/** The native dialogs, as the main process provides them (absolute path, or null when cancelled). */
export interface FileDialogs {
  chooseSavePath(defaultName: string): Promise<string | null>;
  chooseOpenPath(): Promise<string | null>;
}

/** A plain file name for the save dialog's default: no directories, no control characters, our extension. */
export function safeFileName(name: unknown): string {
  const raw = typeof name === 'string' ? name : '';
  let base = raw.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_').replace(/^\.+/, '').trim().slice(0, 120);
  if (base === '') base = 'rampart';
  return base.endsWith(`.${BACKUP_EXTENSION}`) ? base : `${base}.${BACKUP_EXTENSION}`;
}

/** Asks where to save, then writes `text` there (mode 0600, atomic); the path, or null if cancelled. */
export async function saveBackupFile(dialogs: FileDialogs, suggestedName: unknown, text: unknown): Promise<string | null> {
  if (typeof text !== 'string' || text.length === 0 || Buffer.byteLength(text) > MAX_BACKUP_BYTES) {
    throw new RampartError('ENCODING_INVALID', 'text: a backup file text is expected');
  }
  const path = await dialogs.chooseSavePath(safeFileName(suggestedName));
  if (path === null) return null;
  await writeFileAtomic(dirname(path), basename(path), new TextEncoder().encode(text));
  return path;
}

/** Asks for a backup file and reads it; its name and text, or null if cancelled. */
export async function openBackupFile(dialogs: FileDialogs): Promise<{ name: string; text: string } | null> {
  const path = await dialogs.chooseOpenPath();
  if (path === null) return null;
  const s = await stat(path);
  if (!s.isFile()) throw new RampartError('BACKUP_MALFORMED', `${basename(path)} is not a file`);
  if (s.size > MAX_BACKUP_BYTES) throw new RampartError('BACKUP_MALFORMED', `${basename(path)} is too large to be a backup`);
  return { name: basename(path), text: await readFile(path, 'utf8') };
}

/** The IPC handlers of the two dialogs, sender-checked like the commands. */
export function fileHandlers(dialogs: FileDialogs, o: IpcOptions = {}): Map<string, IpcHandler> {
  return new Map([
    [SAVE_BACKUP_CHANNEL, guarded(SAVE_BACKUP_CHANNEL, o, (args) => saveBackupFile(dialogs, args[0], args[1]))],
    [OPEN_BACKUP_CHANNEL, guarded(OPEN_BACKUP_CHANNEL, o, () => openBackupFile(dialogs))],
  ]);
}
