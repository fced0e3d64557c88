/**
 * The preload (DESIGN §9): exposes `window.rampart` and nothing else. It runs
 * sandboxed, where only `require('electron')` works, so scripts/build-electron.mjs
 * bundles it to one CommonJS file and fills in `__RAMPART_COMMANDS__` with the
 * command names of shared/api.ts at build time (no zod in the preload).
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { CommandName } from '../../shared/api.js';
import { createBridge } from './preload-bridge.js';

declare const __RAMPART_COMMANDS__: readonly CommandName[];

contextBridge.exposeInMainWorld(
  'rampart',
  createBridge(
    {
      invoke: (channel, ...args) => ipcRenderer.invoke(channel, ...args),
      on: (channel, listener) => void ipcRenderer.on(channel, listener),
      removeListener: (channel, listener) => void ipcRenderer.removeListener(channel, listener),
    },
    __RAMPART_COMMANDS__,
  ),
);
