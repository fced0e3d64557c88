/**
 * The desktop app's end-to-end test (app.e2e.ts): the built Electron app driven
 * by Playwright. Needs the Electron binary and a packaged build, so it runs in
 * the desktop workflow (.github/workflows/desktop.yml), never in `npm test`
 * (whose include is test/**\/*.test.ts).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/electron-app/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
