/**
 * Browser mode's entry point: imported first by renderer/src/main.tsx.
 *
 * In Electron the preload has already defined `window.rampart`: nothing
 * happens. In a browser opened at the address `rampart device run --ui`
 * printed (`http://127.0.0.1:PORT/#token=<hex>`), the token is taken from the
 * fragment (which a browser never sends to the server), removed from the
 * address bar at once (`history.replaceState`, so it stays out of history,
 * bookmarks and screen shares), kept in sessionStorage for reloads of this tab
 * only, and the browser bridge over the local RPC becomes `window.rampart`
 * (read-only), announced with the `rampart-ready` event on window. Without a
 * token `window.rampart` stays undefined and the app shows "not connected".
 */
import { createBrowserBridge, type BrowserBridge } from './browser-bridge.js';

/** Where this tab keeps the token across reloads (cleared when the tab closes). */
const STORAGE_KEY = 'rampart.rpc-token';
/** The event renderer/src/bridge.ts waits for. */
const READY_EVENT = 'rampart-ready';
const TOKEN = /^[0-9a-f]{64}$/;

/** Takes `token=…` out of the fragment (other fragment content is kept); the token, if one was there. */
function takeTokenFromFragment(): string | undefined {
  const m = /^#(?:(.*?)&)?token=([^&]*)(?:&(.*))?$/.exec(location.hash);
  if (m === null) return undefined;
  const rest = [m[1], m[3]].filter((s) => s !== undefined && s !== '').join('&');
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest === '' ? '' : `#${rest}`}`);
  return m[2];
}

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined; // storage disabled: the token lasts until a reload
  }
}

/** The token of this tab: from the address the page was opened with, else from an earlier load of the tab. */
function token(): string | undefined {
  const fromFragment = takeTokenFromFragment();
  const store = storage();
  if (fromFragment !== undefined && TOKEN.test(fromFragment)) {
    try {
      store?.setItem(STORAGE_KEY, fromFragment);
    } catch {
      // quota or policy: the token still works for this load
    }
    return fromFragment;
  }
  const stored = store?.getItem(STORAGE_KEY) ?? undefined;
  return stored !== undefined && TOKEN.test(stored) ? stored : undefined;
}

/** A new address pasted into this tab (same page, new token after a daemon restart): reload under it. */
function watchForNewToken(current: string): void {
  window.addEventListener('hashchange', () => {
    if (!/(?:^#|&)token=/.test(location.hash)) return;
    const t = token();
    if (t !== undefined && t !== current) location.reload();
  });
}

/** Installs the browser bridge unless window.rampart exists; returns it when installed. */
export function installBrowserBridge(): BrowserBridge | undefined {
  const w = window as unknown as { rampart?: unknown };
  if (w.rampart !== undefined) return undefined;
  const t = token();
  if (t === undefined) return undefined;
  const bridge = createBrowserBridge({ url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`, token: t });
  Object.defineProperty(window, 'rampart', { value: bridge, writable: false, configurable: false, enumerable: true });
  watchForNewToken(t);
  window.dispatchEvent(new Event(READY_EVENT));
  return bridge;
}

installBrowserBridge();
