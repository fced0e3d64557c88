/**
 * The renderer's Content Security Policy (Electron checklist #7, DESIGN §9):
 * only the app's own scripts and styles, no inline code, no eval, no plugins,
 * no frames, no forms, and no network beyond the app's own origin (the
 * device talks to the relay from the main process, never from the page).
 *
 * It is sent as a response header on every app file (protocol handler) and
 * on anything else the session receives (`onHeadersReceived`); the
 * renderer's index.html carries the same policy in a meta tag, minus
 * `frame-ancestors`, which browsers ignore in meta tags.
 */

/** Each directive, in order. */
export const CSP_DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data:"],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['frame-src', "'none'"],
  ['worker-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

/** The policy as one header value. */
export const CSP = CSP_DIRECTIVES.map(([k, v]) => `${k} ${v}`).join('; ');

/** The same policy for an HTML `<meta http-equiv="Content-Security-Policy">` (no frame-ancestors there). */
export const CSP_META = CSP_DIRECTIVES.filter(([k]) => k !== 'frame-ancestors')
  .map(([k, v]) => `${k} ${v}`)
  .join('; ');

/** Headers sent with every app file. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

/**
 * `responseHeaders` with our policy replacing any policy the response carried
 * (header names compared case-insensitively), for `session.webRequest.onHeadersReceived`.
 */
export function withCsp(responseHeaders: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(responseHeaders ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'content-security-policy' || lower === 'content-security-policy-report-only') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [CSP];
  return out;
}
