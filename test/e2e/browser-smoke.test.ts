/**
 * Browser mode smoke test (DESIGN §9): a real Chromium (Debian's, through
 * playwright-core; never downloaded) opens the address a device daemon with
 * `ui` gives out and talks to the device through `window.rampart`. The page
 * is a minimal renderer: the real renderer/src/platform/install.ts bundled by
 * Vite, as `npm run build:renderer` bundles it into the app.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runDevice, type RunningDevice } from '../../main/daemon.js';
import { initHome } from '../../main/device/home.js';
import { silentLogger } from '../../relay/log.js';
import { startRelay, type RelayHandle } from '../../relay/server.js';
import type { BrowserBridge } from '../../renderer/src/platform/browser-bridge.js';
import { REPO } from '../e2e-cli/helpers.js';
import { cleanHomes, tempHome } from '../rpc/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const PASS = 'browser smoke test passphrase';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** What the page sees as window.rampart. */
type PageWindow = { rampart?: BrowserBridge };

/** A minimal renderer build: index.html and the platform entry bundled by Vite. */
async function fixtureRenderer(dir: string): Promise<void> {
  await build({
    configFile: false,
    root: dir,
    logLevel: 'warn',
    build: {
      outDir: dir,
      emptyOutDir: false,
      minify: false,
      modulePreload: false,
      rollupOptions: { input: join(REPO, 'renderer', 'src', 'platform', 'install.ts'), output: { entryFileNames: 'assets/app.js', format: 'es' } },
    },
  });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>Rampart</title><link rel="icon" href="data:,"><script type="module" src="/assets/app.js"></script>\n');
}

let relay: RelayHandle;
let d: RunningDevice;
let browser: Browser;

describe.skipIf(!existsSync(CHROMIUM))('browser mode in Chromium', () => {
  beforeAll(async () => {
    relay = await startRelay({ logger: silentLogger });
    const home = tempHome();
    await initHome(home, { name: 'alice', relay: relay.url, keystore: 'file', passphrase: PASS, scryptN: 1 << 12 });
    const root = join(tempHome(), 'renderer');
    mkdirSync(root);
    await fixtureRenderer(root);
    d = await runDevice(home, { passphrase: PASS, ui: { root } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await d?.stop();
    await relay?.close();
    cleanHomes();
  });

  test('the UI address gives the page window.rampart: status works, errors keep their code, the token leaves the address bar', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const url = d.rpc!.uiUrl!;
    const token = url.split('#token=')[1]!;

    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as PageWindow).rampart?.rpc.state === 'open');
    const status = await page.evaluate(() => (globalThis as unknown as PageWindow).rampart!.status({}));
    expect(status.device).toMatchObject({ name: 'alice', deviceId: d.service.deviceId });
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).rampart!.platform)).toBe('browser');
    expect(page.url()).toBe(`http://127.0.0.1:${d.rpc!.port}/`);
    expect(page.url()).not.toContain(token);

    const err = await page.evaluate(() =>
      (globalThis as unknown as PageWindow).rampart!.approve({ id: 'ab'.repeat(32) }).then(
        () => null,
        (e: { name: string; code: string; message: string }) => ({ name: e.name, code: e.code, message: e.message }),
      ),
    );
    expect(err).toMatchObject({ name: 'RampartError', code: expect.any(String), message: expect.any(String) });

    // A reload of the tab keeps working (the token stays in this tab's sessionStorage).
    await page.reload();
    await page.waitForFunction(() => (globalThis as unknown as PageWindow).rampart?.rpc.state === 'open');
    expect((await page.evaluate(() => (globalThis as unknown as PageWindow).rampart!.card({}))).card).toMatch(/^rampart1\./);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('without the token the page gets no window.rampart', async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${d.rpc!.port}/`);
    await page.waitForLoadState('load');
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).rampart === undefined)).toBe(true);
    await page.close();
  });
});
