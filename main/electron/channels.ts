/**
 * The IPC channel names between the main process and the preload. No imports:
 * the sandboxed preload bundles this file, and nothing else from main/.
 */

/** Prefix of every command channel: `rampart:<command>` (one per command of shared/api.ts). */
export const COMMAND_CHANNEL_PREFIX = 'rampart:';
/** The one channel every device event reaches the window on, as `{event, payload}`. */
export const EVENT_CHANNEL = 'rampart:event';
/** Native save dialog for a backup file (RampartBridge.saveBackupFile). */
export const SAVE_BACKUP_CHANNEL = 'rampart-file:save';
/** Native open dialog for a backup file (RampartBridge.openBackupFile). */
export const OPEN_BACKUP_CHANNEL = 'rampart-file:open';

/** The channel of one command. */
export const commandChannel = (command: string): string => `${COMMAND_CHANNEL_PREFIX}${command}`;

/** What every invoke answers: a result, or an error as `{code, message, culprit?}` (never a raw Error). */
export type IpcReply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; culprit?: string } };
