/**
 * The renderer's build (DESIGN §2): `npx vite build` → dist/renderer/.
 * `base: './'` because the same files are served from app://rampart/
 * (Electron) and http://127.0.0.1:PORT/ (browser mode). The output must
 * satisfy the CSP in renderer/index.html: scripts and styles as files,
 * nothing inline — `cspGuard` fails the build otherwise.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** Fails the build if an emitted HTML page has an inline script, a <style> element or a style attribute. */
const cspGuard: Plugin = {
  name: 'rampart-csp-guard',
  apply: 'build',
  // After vite:build-html has emitted the pages.
  enforce: 'post',
  generateBundle(_options, bundle) {
    for (const file of Object.values(bundle)) {
      if (file.type !== 'asset' || !file.fileName.endsWith('.html')) continue;
      const html = String(file.source);
      const inlineScript = /<script\b(?![^>]*\bsrc=)[^>]*>/i.test(html);
      if (inlineScript || /<style\b/i.test(html) || /\sstyle=/i.test(html)) {
        this.error(`${file.fileName} has inline script or style, which the CSP (script-src/style-src 'self') blocks`);
      }
    }
  },
};

/**
 * Dev server only (`npx vite`): Vite injects the React Refresh preamble as an
 * inline script and CSS as <style> elements, so the dev page relaxes those two
 * directives. Never applies to `vite build`; the built app has neither.
 */
const devCsp: Plugin = {
  name: 'rampart-dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
};

export default defineConfig({
  root: here('./renderer'),
  base: './',
  plugins: [react(), cspGuard, devCsp],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    // Every asset a file: nothing becomes an inline data: URL.
    assetsInlineLimit: 0,
    // The zxcvbn dictionaries are one large chunk, loaded lazily by the Backups screen only.
    chunkSizeWarningLimit: 2000,
    target: 'es2022',
  },
  server: { host: '127.0.0.1', fs: { allow: [here('.')] } },
});
