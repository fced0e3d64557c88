/**
 * The desktop shell's security policy (DESIGN §9, Electron security checklist),
 * checked without Electron: the BrowserWindow options, the renderer's CSP, the
 * IPC sender check, navigation, requests, permissions, external links and the
 * app:// file mapping.
 */
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CSP, CSP_META, SECURITY_HEADERS, withCsp } from '../../main/electron/csp.js';
import {
  APP_URL,
  contentTypeOf,
  isAllowedNavigation,
  isAllowedRequest,
  isPermissionAllowed,
  isSafeExternalUrl,
  isTrustedSender,
  resolveAppFile,
} from '../../main/electron/policy.js';
import { MIN_HEIGHT, MIN_WIDTH, windowOptions } from '../../main/electron/window-options.js';

describe('BrowserWindow options', () => {
  const o = windowOptions({ preload: '/app/dist/electron/preload.cjs', devTools: false });
  const web = o.webPreferences!;

  test('isolate and sandbox the renderer, with no Node in any frame or worker', () => {
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
  });

  test('keep web security on; insecure content, webviews, spell-check, middle-click and drag-and-drop navigation off', () => {
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.spellcheck).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
    expect(web.disableBlinkFeatures).toBe('Auxclick');
    expect(web).not.toHaveProperty('enableBlinkFeatures');
    expect(web).not.toHaveProperty('additionalArguments');
  });

  test('load the given preload; DevTools follow the flag', () => {
    expect(web.preload).toBe('/app/dist/electron/preload.cjs');
    expect(web.devTools).toBe(false);
    expect(windowOptions({ preload: '/p.cjs', devTools: true }).webPreferences!.devTools).toBe(true);
  });

  test('open at least 1024×700, hidden until ready', () => {
    expect(o.minWidth).toBe(MIN_WIDTH);
    expect(o.minHeight).toBe(MIN_HEIGHT);
    expect(MIN_WIDTH).toBeGreaterThanOrEqual(1024);
    expect(MIN_HEIGHT).toBeGreaterThanOrEqual(700);
    expect(o.width!).toBeGreaterThanOrEqual(MIN_WIDTH);
    expect(o.height!).toBeGreaterThanOrEqual(MIN_HEIGHT);
    expect(o.show).toBe(false);
  });
});

describe('Content Security Policy', () => {
  const directives = new Map(CSP.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1).join(' ')]));

  test('allows only the app’s own scripts, styles and connections, and data: images', () => {
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('img-src')).toBe("'self' data:");
  });

  test('forbids plugins, base changes, framing, forms, and every inline or eval source', () => {
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'none'");
    expect(directives.get('frame-src')).toBe("'none'");
    expect(CSP).not.toMatch(/unsafe-|\*|https?:|ws:|blob:/);
  });

  test('the meta-tag form is the same policy without frame-ancestors', () => {
    expect(CSP_META).not.toContain('frame-ancestors');
    expect(CSP.startsWith(CSP_META)).toBe(true);
  });

  test('onHeadersReceived replaces any policy a response carried, keeping its other headers', () => {
    const out = withCsp({ 'content-security-policy': ["default-src *"], 'Content-Security-Policy-Report-Only': 'x', 'Content-Type': ['text/html'] });
    expect(out).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CSP] });
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [CSP] });
  });

  test('every app file is served with the policy and nosniff', () => {
    expect(SECURITY_HEADERS['Content-Security-Policy']).toBe(CSP);
    expect(SECURITY_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('IPC sender check', () => {
  const main = (url: string) => ({ url, parent: null });

  test('accepts the app page in the main frame (also after an in-page # route)', () => {
    expect(APP_URL).toBe('app://rampart/index.html');
    expect(isTrustedSender(main('app://rampart/index.html'), APP_URL)).toBe(true);
    expect(isTrustedSender(main('app://rampart/index.html#/backups'), APP_URL)).toBe(true);
  });

  test.each([
    ['https://example.com/index.html'],
    ['http://rampart/index.html'],
    ['http://127.0.0.1:8787/'],
    ['file:///work/main/dist/renderer/index.html'],
    ['file:///etc/passwd'],
    ['app://rampart/other.html'],
    ['app://rampart/index.html?x=1'],
    ['app://evil/index.html'],
    ['app://user:pw@rampart/index.html'],
    ['data:text/html,<script>1</script>'],
    ['about:blank'],
    [''],
    ['not a url'],
  ])('refuses %s', (url) => {
    expect(isTrustedSender(main(url), APP_URL)).toBe(false);
  });

  test('refuses a subframe, even one showing the app page', () => {
    expect(isTrustedSender({ url: APP_URL, parent: { url: APP_URL, parent: null } }, APP_URL)).toBe(false);
  });

  test('refuses a destroyed or navigated frame (null)', () => {
    expect(isTrustedSender(null, APP_URL)).toBe(false);
    expect(isTrustedSender(undefined, APP_URL)).toBe(false);
  });

  test('works for a file:// app URL too: only that file', () => {
    const appUrl = 'file:///opt/rampart/resources/app.asar/dist/renderer/index.html';
    expect(isTrustedSender(main(appUrl), appUrl)).toBe(true);
    expect(isTrustedSender(main('file:///tmp/index.html'), appUrl)).toBe(false);
  });
});

describe('navigation, requests, permissions, external links', () => {
  test('the window may only show the app page', () => {
    expect(isAllowedNavigation('app://rampart/index.html#/x')).toBe(true);
    for (const url of ['https://example.com', 'app://rampart/evil.html', 'file:///etc/passwd', 'about:blank', 'javascript:alert(1)']) {
      expect(isAllowedNavigation(url)).toBe(false);
    }
  });

  test('the session loads only app files, data: images and DevTools — no remote content', () => {
    expect(isAllowedRequest('app://rampart/assets/index-abc.js')).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html')).toBe(true);
    for (const url of ['https://example.com/x.js', 'http://127.0.0.1:8787/', 'ws://127.0.0.1:8787', 'wss://relay.example', 'file:///etc/passwd', 'app://other/x.js', 'ftp://x/']) {
      expect(isAllowedRequest(url)).toBe(false);
    }
  });

  test('every permission is denied except notifications for the app itself', () => {
    expect(isPermissionAllowed('notifications', 'app://rampart/index.html')).toBe(true);
    expect(isPermissionAllowed('notifications', 'app://rampart')).toBe(true);
    expect(isPermissionAllowed('notifications', 'https://example.com')).toBe(false);
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb', 'pointerLock']) {
      expect(isPermissionAllowed(p, 'app://rampart/index.html')).toBe(false);
    }
  });

  test('only plain https links open in the system browser', () => {
    expect(isSafeExternalUrl('https://github.com/rampart')).toBe(true);
    for (const url of ['http://example.com', 'file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'https://user:pw@example.com', 'ms-msdt:x', 'not a url']) {
      expect(isSafeExternalUrl(url)).toBe(false);
    }
  });
});

describe('app:// file mapping', () => {
  const root = resolve('/opt/rampart/dist/renderer');

  test('maps the app host’s paths to files under the renderer build', () => {
    expect(resolveAppFile('app://rampart/index.html', root)).toBe(join(root, 'index.html'));
    expect(resolveAppFile('app://rampart/', root)).toBe(join(root, 'index.html'));
    expect(resolveAppFile('app://rampart/assets/index-abc.js?v=1#x', root)).toBe(join(root, 'assets', 'index-abc.js'));
  });

  test('never leaves the renderer build: dot segments are clamped by the URL parser, encoded ones refused', () => {
    // The WHATWG parser resolves literal and %2e dot segments against the root: they stay inside.
    expect(resolveAppFile('app://rampart/../../etc/passwd', root)).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppFile('app://rampart/%2e%2e/%2e%2e/etc/passwd', root)).toBe(join(root, 'etc', 'passwd'));
  });

  test.each([
    ['app://rampart/assets/..%2f..%2f..%2fetc/passwd'],
    ['app://rampart/a%5c..%5c..%5csecret'],
    ['app://rampart/x%00.js'],
    ['app://rampart/%E0%A4%A'],
    ['app://other/index.html'],
    ['app://user:pw@rampart/index.html'],
    ['https://rampart/index.html'],
    ['file:///etc/passwd'],
  ])('refuses %s', (url) => {
    expect(resolveAppFile(url, root)).toBeNull();
  });

  test('serves scripts, styles and pages with exact content types', () => {
    expect(contentTypeOf('/x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('/x/a.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('/x/a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('/x/a.unknown')).toBe('application/octet-stream');
  });
});
