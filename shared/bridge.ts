/**
 * `window.rampart` (DESIGN §2, §9): what the renderer talks to, and the only
 * thing it talks to. Electron's preload provides it over IPC; browser mode
 * (`rampart device run --ui`) provides it over the token-guarded local RPC.
 * Both are generated from the command and event tables of shared/api.ts, so
 * the renderer cannot tell them apart — except for files, which Electron
 * handles with native dialogs and a browser with a download and a file input.
 * The renderer never sees a share: no command returns one.
 */
import type { DeviceApi, EventName, EventPayload } from './api.js';

/** Receives every device event. */
export type BridgeListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** The device API as the renderer sees it. */
export interface RampartBridge extends DeviceApi {
  /** Subscribes to every device event; returns the unsubscribe function. */
  on(listener: BridgeListener): () => void;
  /** Where the renderer runs. */
  readonly platform: 'electron' | 'browser';
  /** Electron only: a native save dialog; writes `text` (mode 0600) and resolves the path, or null if cancelled. */
  saveBackupFile?(suggestedName: string, text: string): Promise<string | null>;
  /** Electron only: a native open dialog; resolves the file's name and text, or null if cancelled. */
  openBackupFile?(): Promise<{ name: string; text: string } | null>;
}
