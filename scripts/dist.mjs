#!/usr/bin/env node
/**
 * `npm run dist`: the desktop packages for testers (build/electron-builder.yml).
 * Needs the Electron binary, which npm's postinstall would download and which
 * this repository's install denies (package.json `allowScripts`); without it,
 * says so in one line and exits 1 before building anything. Otherwise: the
 * renderer (vite), the shell (scripts/build-electron.mjs), then electron-builder
 * with any extra arguments (e.g. `npm run dist -- --dir`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined; // "Electron failed to install correctly": no path.txt, the binary was never downloaded
  }
}

if (electronBinary() === undefined) {
  process.stderr.write(
    'npm run dist needs the Electron binary, which is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD / denied postinstall); ' +
      'run `node node_modules/electron/install.js` where Electron\'s download host is reachable, or use the desktop workflow\n',
  );
  process.exitCode = 1; // not process.exit(): let stderr flush where pipes are asynchronous (Windows)
} else {
  build();
}

function step(what, args) {
  process.stdout.write(`dist: ${what}\n`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`dist: ${what} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
}

function build() {
  step('renderer (vite build)', [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build']);
  step('shell (main.js, preload.cjs)', [join(root, 'scripts', 'build-electron.mjs')]);
  const builder = join(root, 'node_modules', 'electron-builder', 'cli.js');
  step('packages (electron-builder)', [builder, '--config', join(root, 'build', 'electron-builder.yml'), '--publish', 'never', ...process.argv.slice(2)]);
}
