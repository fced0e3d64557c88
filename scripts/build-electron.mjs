#!/usr/bin/env node
/**
 * Builds the desktop shell into dist/electron/ (or `--out DIR`) with esbuild:
 * - preload.cjs: main/electron/preload.ts as ONE CommonJS file — a sandboxed
 *   preload can only `require('electron')` — built for the browser platform
 *   so a Node built-in cannot slip in; `__RAMPART_COMMANDS__` becomes the
 *   command names of shared/api.ts, read here at build time (no zod inside);
 * - main.js: main/electron/main.ts and the device code it runs, as an ES
 *   module; packages (electron, better-sqlite3, zod, …) stay in node_modules,
 *   where electron-builder packs them and rebuilds the native ones.
 */
import { build } from 'esbuild';
import { tsImport } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const outDir = outIndex === -1 ? join(root, 'dist', 'electron') : resolve(process.argv[outIndex + 1]);

const { commands } = await tsImport(join(root, 'shared', 'api.ts'), import.meta.url);
const names = Object.keys(commands);

await build({
  entryPoints: [join(root, 'main', 'electron', 'preload.ts')],
  outfile: join(outDir, 'preload.cjs'),
  bundle: true,
  platform: 'browser',
  format: 'cjs',
  target: 'chrome130',
  external: ['electron'],
  define: { __RAMPART_COMMANDS__: JSON.stringify(names) },
  legalComments: 'none',
  logLevel: 'warning',
});

await build({
  entryPoints: [join(root, 'main', 'electron', 'main.ts')],
  outfile: join(outDir, 'main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

process.stdout.write(`built ${join(outDir, 'preload.cjs')} and ${join(outDir, 'main.js')} (${names.length} commands)\n`);
