/**
 * `window.rampart` as the preload builds it (shared/bridge.ts `RampartBridge`):
 * one method per command name, each an invoke of `rampart:<command>`; `on` for
 * the events of `rampart:event`; the two native file dialogs; `platform`.
 * Nothing else — the IPC object itself, its events and their `sender` never
 * reach the page (Electron checklist #20).
 *
 * Only type imports besides channels.ts: this file is bundled into the
 * sandboxed preload, which must stay small and free of zod and Node.
 */
import type { CommandName, EventName, EventPayload } from '../../shared/api.js';
import type { BridgeListener, RampartBridge } from '../../shared/bridge.js';
import { commandChannel, EVENT_CHANNEL, OPEN_BACKUP_CHANNEL, SAVE_BACKUP_CHANNEL, type IpcReply } from './channels.js';

/** The part of Electron's `ipcRenderer` the bridge uses (wrapped: the real object is never handed out). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
}

/**
 * What a failed call rejects with: a plain object, because contextBridge keeps
 * only the message of a thrown Error. `isRampartError` (shared/errors.ts)
 * accepts it, and it carries `code`, `message` and `culprit` like a RampartError.
 */
export interface BridgeError {
  name: 'RampartError';
  code: string;
  message: string;
  culprit?: string;
}

function bridgeError(code: string, message: string, culprit?: unknown): BridgeError {
  const e: BridgeError = { name: 'RampartError', code, message };
  if (typeof culprit === 'string') e.culprit = culprit;
  return e;
}

async function call(ipc: IpcRendererLike, channel: string, args: unknown[]): Promise<unknown> {
  let reply: IpcReply;
  try {
    reply = (await ipc.invoke(channel, ...args)) as IpcReply;
  } catch {
    // Arguments that cannot be cloned, or a channel without a handler.
    throw bridgeError('INTERNAL', 'the call could not reach the device');
  }
  if (typeof reply !== 'object' || reply === null) throw bridgeError('INTERNAL', 'malformed reply');
  if (reply.ok === true) return reply.result;
  const err = reply.error as Partial<BridgeError> | undefined;
  throw bridgeError(typeof err?.code === 'string' ? err.code : 'INTERNAL', typeof err?.message === 'string' ? err.message : 'internal error', err?.culprit);
}

/** The bridge over `ipc` for the given command names. */
export function createBridge(ipc: IpcRendererLike, commandNames: readonly CommandName[]): RampartBridge {
  const bridge: Record<string, unknown> = {
    platform: 'electron',
    on(listener: BridgeListener): () => void {
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      const h = (_event: unknown, message: unknown): void => {
        if (typeof message !== 'object' || message === null) return;
        const { event, payload } = message as { event?: unknown; payload?: unknown };
        if (typeof event !== 'string') return;
        listener(event as EventName, payload as EventPayload<EventName>);
      };
      ipc.on(EVENT_CHANNEL, h);
      return () => ipc.removeListener(EVENT_CHANNEL, h);
    },
    saveBackupFile: (suggestedName: string, text: string) => call(ipc, SAVE_BACKUP_CHANNEL, [suggestedName, text]),
    openBackupFile: () => call(ipc, OPEN_BACKUP_CHANNEL, []),
  };
  for (const name of commandNames) {
    bridge[name] = (params?: unknown) => call(ipc, commandChannel(name), [params ?? {}]);
  }
  return bridge as unknown as RampartBridge;
}
