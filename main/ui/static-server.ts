/**
 * Browser mode's static files (DESIGN §2, §9; `rampart device run --ui`): the
 * built renderer (`dist/renderer/`, from `npm run build:renderer`) served by
 * the daemon on the RPC's own port, 127.0.0.1 only.
 *
 * The files hold no data and need no token: every data access goes through
 * the token-guarded WebSocket (main/rpc/guard.ts), whose token the page gets
 * in the URL fragment, which never reaches this server. What is served:
 * GET/HEAD of regular files under the root, `/` being `index.html`; no
 * directory listing, no dotfiles, no `..` (raw or percent-encoded), no
 * backslash, NUL or drive letter, and no symlink leading outside the root.
 * The Host must be exactly `127.0.0.1:port` (DNS rebinding). Every response,
 * refusals included, carries the security headers and `Cache-Control: no-store`.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostAllowed } from '../rpc/guard.js';

/** Content types by extension; anything else is served as opaque bytes (never sniffed: nosniff). */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** The content type of a file name. */
export function contentType(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** The headers on every response of the UI server (DESIGN §9 "strict CSP"). */
export function securityHeaders(port: number): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}

/**
 * The file a request path names, relative to the root as path segments; undefined when the
 * path is malformed or tries to leave the root. Checked after percent-decoding, so `%2e%2e`
 * and `%2f` are caught like their plain forms.
 */
export function requestSegments(rawUrl: string | undefined): string[] | undefined {
  // Origin-form only ("/path?query"); absolute-form ("http://…") and "//…" are refused.
  if (rawUrl === undefined || !rawUrl.startsWith('/') || rawUrl.startsWith('//')) return undefined;
  const pathname = rawUrl.split(/[?#]/, 1)[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded === '/') return ['index.html'];
  const segments = decoded.slice(1).split('/');
  // Empty segments ("a//b", trailing "/": no directory listings), dot segments and dotfiles,
  // backslashes (Windows separators), drive letters and control characters are all refused.
  const bad = (s: string) => s === '' || s.startsWith('.') || /[\\:\x00-\x1f\x7f]/.test(s);
  return segments.some(bad) ? undefined : segments;
}

/** Whether `path` is `root` or inside it (both absolute, normalised). */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The repository's default renderer build: `<package root>/dist/renderer`, from source or from the build. */
export function defaultRendererRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'rampart') return join(dir, 'dist', 'renderer');
    } catch {
      // no package.json here: keep climbing
    }
    const up = dirname(dir);
    if (up === dir) return resolve('dist', 'renderer');
    dir = up;
  }
}

/** Resolves the renderer root (symlinks included) and checks that it holds a built `index.html`. */
export async function openRendererRoot(root: string): Promise<string> {
  const missing = () =>
    new Error(`the browser UI is not built: ${join(resolve(root), 'index.html')} is missing; run \`npm run build:renderer\` first`);
  let real: string;
  try {
    real = await realpath(root);
  } catch {
    throw missing();
  }
  const index = await stat(join(real, 'index.html')).catch(() => undefined);
  if (index?.isFile() !== true) throw missing();
  return real;
}

/** A request handler serving the files under `root` (already resolved by openRendererRoot) for the UI on `port`. */
export function staticHandler(root: string, port: number): (req: IncomingMessage, res: ServerResponse) => void {
  const headers = securityHeaders(port);
  const plain = (res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { ...headers, ...extra, 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text) + 1) });
    res.end(`${text}\n`);
  };
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req, port, true)) return plain(res, 403, 'host not allowed');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed', { allow: 'GET, HEAD' });
    const segments = requestSegments(req.url);
    if (segments === undefined) return plain(res, 400, 'bad path');
    const candidate = resolve(root, ...segments);
    if (!inside(root, candidate)) return plain(res, 400, 'bad path');
    // A symlink may point anywhere: what counts is where it leads.
    const real = await realpath(candidate).catch(() => undefined);
    const info = real !== undefined && inside(root, real) ? await stat(real).catch(() => undefined) : undefined;
    if (real === undefined || info?.isFile() !== true) return plain(res, 404, 'not found');
    res.writeHead(200, { ...headers, 'content-type': contentType(real), 'content-length': String(info.size) });
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(real);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };
  return (req, res) =>
    void serve(req, res).catch(() => {
      if (!res.headersSent) plain(res, 500, 'internal error');
      else res.destroy();
    });
}
