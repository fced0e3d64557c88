/**
 * `npm run dist` on a machine without the Electron binary (this one: the
 * postinstall that downloads it is denied) fails at once with one clear line
 * — what is missing and what to do — and no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';

function electronInstalled(): boolean {
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path);
  } catch {
    return false;
  }
}

describe('npm run dist', () => {
  test.skipIf(electronInstalled())('without the Electron binary: exit 1, one line naming the remedy, no stack trace', () => {
    const env = { ...process.env };
    delete env.ELECTRON_OVERRIDE_DIST_PATH;
    const r = spawnSync(process.execPath, ['scripts/dist.mjs'], { encoding: 'utf8', env, timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm run dist needs the Electron binary, which is not installed here/);
    expect(lines[0]).toContain('node node_modules/electron/install.js');
    expect(lines[0]).toContain('desktop workflow');
    expect(r.stderr).not.toMatch(/\n\s+at |Error:|failed to install correctly/);
  });
});
