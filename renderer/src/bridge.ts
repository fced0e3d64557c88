/**
 * `window.rampart` (shared/bridge.ts): the renderer's only way to the device.
 * Electron's preload defines it before any script runs; browser mode's
 * platform code may define it a moment later, and then dispatches
 * `rampart-ready` on window. If it never appears, App shows "not connected".
 */
import type { RampartBridge } from '../../shared/bridge.js';

declare global {
  interface Window {
    /** Provided by the Electron preload or by browser mode's platform code. */
    rampart?: RampartBridge;
  }
}

/** The event browser mode's platform code dispatches on window once `window.rampart` is set. */
export const READY_EVENT = 'rampart-ready';

/** `window.rampart`, if present now. */
export function currentBridge(): RampartBridge | null {
  return window.rampart ?? null;
}

/** Resolves `window.rampart` once it is present, or null after `timeoutMs`. */
export function waitForBridge(timeoutMs = 1500): Promise<RampartBridge | null> {
  const now = currentBridge();
  if (now !== null) return Promise.resolve(now);
  return new Promise((resolve) => {
    const done = (): void => {
      window.removeEventListener(READY_EVENT, onReady);
      clearInterval(poll);
      clearTimeout(timer);
      resolve(currentBridge());
    };
    const onReady = (): void => done();
    const poll = setInterval(() => {
      if (currentBridge() !== null) done();
    }, 100);
    const timer = setTimeout(done, timeoutMs);
    window.addEventListener(READY_EVENT, onReady);
  });
}
