/**
 * scripts/electronegativity.mjs: the desktop shell passes Doyensec's scanner
 * with no HIGH finding, and a shell with Node in an unisolated renderer fails it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

function scan(...args: string[]) {
  return spawnSync(process.execPath, ['scripts/electronegativity.mjs', ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('electronegativity', () => {
  test('main/electron has no HIGH finding', () => {
    const r = scan();
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/\d+ findings, 0 HIGH, 0 unparsed files\n$/);
    expect(r.status).toBe(0);
  });

  test('an unisolated window with Node integration fails the scan (exit 1), naming the check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-eng-'));
    try {
      writeFileSync(
        join(dir, 'main.ts'),
        "import { BrowserWindow } from 'electron';\nnew BrowserWindow({ webPreferences: { contextIsolation: false, nodeIntegration: true } });\n",
      );
      const r = scan('--input', dir);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^HIGH .* CONTEXT_ISOLATION_JS_CHECK {2}main\.ts:2/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
