/**
 * The packaged desktop app, launched by Playwright (`_electron.launch`) on a
 * fresh device home: the window shows the renderer from app://rampart/, the
 * page sees `window.rampart` with the device API and nothing else, has no
 * `require` or `process`, cannot navigate away or open windows, and its calls
 * reach the device with errors as `{code, message}` (DESIGN §9).
 *
 * The app under test: `RAMPART_E2E_EXECUTABLE`, else the unpacked build in
 * dist/e2e/ (`npm run dist -- --dir -c.directories.output=dist/e2e
 * -c.electronFuses.enableNodeCliInspectArguments=true`: Playwright attaches
 * through the inspector, which the release fuses turn off).
 * Run: `npx vitest run --config test/electron-app/vitest.config.ts` (Linux: under xvfb-run).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initHome } from '../../main/device/home.js';
import { commands } from '../../shared/api.js';

const PASSPHRASE = 'e2e passphrase for a throwaway device home';
const APP_URL = 'app://rampart/index.html';

/** The packaged app's executable. */
function executable(): string {
  const fromEnv = process.env.RAMPART_E2E_EXECUTABLE;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const out = resolve('dist', 'e2e');
  const candidates: string[] = [join(out, 'linux-unpacked', 'rampart'), join(out, 'win-unpacked', 'Rampart.exe')];
  if (existsSync(out)) {
    for (const d of readdirSync(out).filter((n) => n.startsWith('mac'))) candidates.push(join(out, d, 'Rampart.app', 'Contents', 'MacOS', 'Rampart'));
  }
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) throw new Error(`no packaged app in ${out}; build it first or set RAMPART_E2E_EXECUTABLE`);
  return found;
}

/** Evaluates `expr` in the page (the test's tsconfig has no DOM types, so the page is reached as globalThis). */
type PageGlobal = Record<string, unknown> & { rampart: Record<string, (...a: unknown[]) => Promise<unknown>> };

let home: string;
let app: ElectronApplication;
let page: Page;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'rampart-e2e-'));
  await initHome(home, { name: 'e2e', relay: 'ws://127.0.0.1:9', keystore: 'file', passphrase: PASSPHRASE });
  app = await _electron.launch({
    executablePath: executable(),
    args: [`--home=${home}`],
    env: { ...process.env, RAMPART_PASSPHRASE: PASSPHRASE } as Record<string, string>,
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

afterAll(async () => {
  await app?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('desktop app', () => {
  test('the window shows the renderer from app://rampart/', async () => {
    expect(page.url()).toBe(APP_URL);
    expect(await page.title()).toBe('Rampart');
    const main = await app.evaluate(({ app: electronApp, BrowserWindow }) => ({
      packaged: electronApp.isPackaged,
      windows: BrowserWindow.getAllWindows().map((w) => w.webContents.getURL()),
    }));
    expect(main).toEqual({ packaged: true, windows: [APP_URL] });
  });

  test('window.rampart exposes the device API and nothing else', async () => {
    const keys = await page.evaluate(() => Object.keys((globalThis as unknown as PageGlobal).rampart).sort());
    expect(keys).toEqual([...Object.keys(commands), 'on', 'platform', 'saveBackupFile', 'openBackupFile'].sort());
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobal).rampart.platform)).toBe('electron');
  });

  test('the page has no Node: require, process, module and Buffer are undefined', async () => {
    const types = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobal;
      return [typeof g.require, typeof g.process, typeof g.module, typeof g.Buffer, typeof g.ipcRenderer, typeof g.electron];
    });
    expect(types).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
  });

  test('the CSP forbids eval', async () => {
    const r = await page.evaluate(() => {
      try {
        return String((0, eval)('1 + 1'));
      } catch (e) {
        return (e as Error).name;
      }
    });
    expect(r).toBe('EvalError');
  });

  test('a command reaches the device; a bad one fails with {code, message}', async () => {
    const card = (await page.evaluate(() => (globalThis as unknown as PageGlobal).rampart.card!({}))) as { card: string };
    expect(card.card).toMatch(/^rampart1\./);
    const err = await page.evaluate(() => (globalThis as unknown as PageGlobal).rampart.approve!({ id: 'nope' }).catch((e: unknown) => e));
    expect(err).toMatchObject({ name: 'RampartError', code: 'ENCODING_INVALID' });
  });

  test('navigation to https://example.com is blocked and no window opens', async () => {
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    const opened = await page.evaluate(() => (globalThis as unknown as { open(u: string): unknown }).open('https://example.com/') === null);
    await new Promise((r) => setTimeout(r, 1000));
    expect(page.url()).toBe(APP_URL);
    expect(opened).toBe(true);
    expect(app.windows()).toHaveLength(1);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });
});
