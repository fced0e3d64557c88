/**
 * The desktop shell's security decisions as pure functions (DESIGN §9), so
 * they are unit-tested without Electron: which frame may call the device API,
 * where the window may navigate, which requests and permissions pass, which
 * links open outside, and how an `app://` URL maps to a file of the built
 * renderer.
 *
 * The renderer is served from a custom `app://rampart/` scheme registered as
 * standard and secure (Electron security checklist #18: prefer a custom
 * protocol to file://), so the page has a real origin and file:// keeps no
 * special privileges (the grantFileProtocolExtraPrivileges fuse is off).
 */
import { extname, isAbsolute, join, normalize, relative, sep } from 'node:path';

/** The renderer's scheme (registered privileged before `app.ready`). */
export const APP_SCHEME = 'app';
/** The renderer's host: `app://rampart/…`. */
export const APP_HOST = 'rampart';
/** The one page the window shows. */
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The part of an Electron `WebFrameMain` the sender check reads. */
export interface SenderFrame {
  readonly url: string;
  /** null for a top-level (main) frame. */
  readonly parent: unknown;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Whether `url` is the app page `appUrl` (any fragment: the renderer may route with `#…`). */
export function isAppPage(url: string, appUrl: string = APP_URL): boolean {
  const u = parse(url);
  const app = parse(appUrl);
  if (u === null || app === null) return false;
  return (
    u.protocol === app.protocol &&
    u.host === app.host &&
    u.username === '' &&
    u.password === '' &&
    u.pathname === app.pathname &&
    u.search === app.search
  );
}

/**
 * Electron checklist #17: an IPC message is served only when it comes from the
 * app's own page in a top-level frame — never a subframe, another origin,
 * another file, `data:` or `about:blank`. A null frame (navigated or destroyed) is refused.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, appUrl: string = APP_URL): boolean {
  if (frame === null || frame === undefined) return false;
  if (frame.parent !== null) return false;
  return isAppPage(frame.url, appUrl);
}

/** Checklist #13: the window never leaves the app page (an in-page `#` change is not a navigation). */
export function isAllowedNavigation(url: string, appUrl: string = APP_URL): boolean {
  return isAppPage(url, appUrl);
}

/**
 * Remote content is off: the renderer's session may only load the app's own
 * files (and `data:` images, as the CSP allows); DevTools keeps its scheme.
 * The relay connection lives in the main process and is not affected.
 */
export function isAllowedRequest(url: string): boolean {
  const u = parse(url);
  if (u === null) return false;
  if (u.protocol === `${APP_SCHEME}:`) return u.host === APP_HOST && u.username === '' && u.password === '';
  return u.protocol === 'data:' || u.protocol === 'devtools:';
}

/** Checklist #15: only plain https links leave the app (in the system browser), never with credentials. */
export function isSafeExternalUrl(url: string): boolean {
  const u = parse(url);
  return u !== null && u.protocol === 'https:' && u.username === '' && u.password === '' && u.hostname !== '';
}

/** Checklist #5: every permission is denied, except notifications for the app's own origin. */
export function isPermissionAllowed(permission: string, requestingUrl: string, appUrl: string = APP_URL): boolean {
  if (permission !== 'notifications') return false;
  const u = parse(requestingUrl);
  const app = parse(appUrl);
  return u !== null && app !== null && u.protocol === app.protocol && u.host === app.host;
}

/**
 * The file under `root` (the built renderer) that an `app://rampart/…` URL names, or null:
 * another host, a path that is not a plain file name, or one that escapes `root`.
 */
export function resolveAppFile(requestUrl: string, root: string): string | null {
  const u = parse(requestUrl);
  if (u === null || u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username !== '' || u.password !== '') return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const file = normalize(join(root, path));
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  return file;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type an app file is served with (nosniff is set too, so this must be right). */
export function contentTypeOf(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}
