/**
 * The Electron IPC adapter of the device API (DESIGN §2, §9), generated from
 * the `commands` table of shared/api.ts: one `ipcMain.handle('rampart:<command>')`
 * per command. Each handler refuses any sender but the app page's main frame,
 * validates the params with the command's schema, calls the device, validates
 * the result, and answers `{ok, result}` or `{ok: false, error: {code, message,
 * culprit?}}` — anything that is not a RampartError becomes INTERNAL without
 * detail, so no stack or secret reaches the renderer. Device events reach the
 * window on the one `rampart:event` channel.
 *
 * The renderer handles backup files through the native dialogs of the main
 * process; a `path` param (read or write any file the app can) is refused here.
 */
import type { CommandName, DeviceApi, EventName, EventPayload } from '../../shared/api.js';
import { commands } from '../../shared/api.js';
import { RampartError } from '../../shared/errors.js';
import { makeHandlers, toErrorInfo, type Handler } from '../rpc/handlers.js';
import { commandChannel, EVENT_CHANNEL, type IpcReply } from './channels.js';
import { APP_URL, isTrustedSender, type SenderFrame } from './policy.js';

/** The part of an `IpcMainInvokeEvent` the handlers read. */
export interface InvokeEvent {
  readonly senderFrame: SenderFrame | null;
}

/** An IPC handler as registered: the invoke event, then the renderer's arguments. */
export type IpcHandler = (event: InvokeEvent, ...args: unknown[]) => Promise<IpcReply>;

/** The part of Electron's `ipcMain` used here. */
export interface IpcMainLike {
  handle(channel: string, listener: IpcHandler): void;
  removeHandler(channel: string): void;
}

/** Params the renderer may not send (the file dialogs replace them). */
const RENDERER_FORBIDDEN: Partial<Record<CommandName, readonly string[]>> = {
  exportBackup: ['path'],
  importBackup: ['path'],
};

/** Options of the handlers. */
export interface IpcOptions {
  /** The app page: only its main frame is served. */
  appUrl?: string;
  /** Told of each refused sender (for the log; the renderer only sees a refusal). */
  onRefused?: (channel: string, url: string | null) => void;
}

/** The sender frame's URL and parent, read once; null when the frame is gone (Electron may throw on a disposed frame). */
function senderOf(event: InvokeEvent | undefined): SenderFrame | null {
  try {
    const f = event?.senderFrame;
    return f === null || f === undefined ? null : { url: String(f.url), parent: f.parent };
  } catch {
    return null;
  }
}

const refusal = (message: string): IpcReply => ({ ok: false, error: { code: 'INTERNAL', message } });

/** Wraps `fn` with the sender check and the `{ok, …}` reply; never throws. */
export function guarded(channel: string, o: IpcOptions, fn: (args: unknown[]) => Promise<unknown>): IpcHandler {
  const appUrl = o.appUrl ?? APP_URL;
  return async (event, ...args) => {
    const frame = senderOf(event);
    if (!isTrustedSender(frame, appUrl)) {
      o.onRefused?.(channel, frame?.url ?? null);
      return refusal('refused: this frame may not use the device API');
    }
    try {
      return { ok: true, result: await fn(args) };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  };
}

/** One handler per command of the table, keyed by channel (`rampart:<command>`). */
export function commandHandlers(api: DeviceApi, o: IpcOptions = {}): Map<string, IpcHandler> {
  const handlers: Record<CommandName, Handler> = makeHandlers(api);
  const out = new Map<string, IpcHandler>();
  for (const command of Object.keys(commands) as CommandName[]) {
    const channel = commandChannel(command);
    out.set(
      channel,
      guarded(channel, o, async (args) => {
        if (args.length > 1) throw new RampartError('ENCODING_INVALID', 'params: one argument expected');
        const params = args[0];
        for (const key of RENDERER_FORBIDDEN[command] ?? []) {
          if (typeof params === 'object' && params !== null && Object.hasOwn(params, key)) {
            throw new RampartError('ENCODING_INVALID', `params.${key}: not accepted from the app window; use the file dialogs`);
          }
        }
        return handlers[command](params);
      }),
    );
  }
  return out;
}

/** Registers `handlers` on `ipcMain`; returns the function that removes them. */
export function registerHandlers(ipcMain: IpcMainLike, handlers: Map<string, IpcHandler>): () => void {
  for (const [channel, h] of handlers) ipcMain.handle(channel, h);
  return () => {
    for (const channel of handlers.keys()) ipcMain.removeHandler(channel);
  };
}

/** What `rampart:event` carries. */
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}

/** Forwards every device event to `send` (the window's webContents) on `rampart:event`; returns the unsubscribe. */
export function forwardEvents(
  source: { on(listener: <E extends EventName>(event: E, payload: EventPayload<E>) => void): () => void },
  send: (channel: string, message: EventMessage) => void,
): () => void {
  return source.on((event, payload) => send(EVENT_CHANNEL, { event, payload } as EventMessage));
}
