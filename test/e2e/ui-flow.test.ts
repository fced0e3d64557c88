/**
 * The full UI flow in a real browser (DESIGN §9): three devices in browser
 * mode (`runDevice` with `ui`, serving the built renderer from dist/renderer)
 * over a real relay, one Chromium page per device opened at the address the
 * device gives out. Everything a holder does goes through the pages: create a
 * 2-of-3 quorum, refresh it (approval prompt, progress, commit), export a
 * backup (a browser download), refresh again, see the backup blocked as
 * stale on import, and see a rejected proposal abort.
 *
 * Screenshots of every screen go to test/e2e/screenshots/ (gitignored) on each run.
 * Needs `npm run build` (or `npm run build:renderer`) and Debian's Chromium at /usr/bin/chromium.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runDevice, type RunningDevice } from '../../main/daemon.js';
import { initHome } from '../../main/device/home.js';
import { silentLogger } from '../../relay/log.js';
import { startRelay, type RelayHandle } from '../../relay/server.js';
import { REPO } from '../e2e-cli/helpers.js';
import { cleanHomes, tempHome } from '../rpc/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const RENDERER = join(REPO, 'dist', 'renderer');
const SHOTS = join(REPO, 'test', 'e2e', 'screenshots');
const PASS = 'ui flow test keystore passphrase';
const BACKUP_PASS = 'correct horse battery staple rampart 2026';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** How long one protocol step (a DKG, a reshare) may take to show up on a page. */
const STEP_MS = 60_000;

type Screen = 'device' | 'quorums' | 'requests' | 'sessions' | 'backups' | 'log' | 'settings';

interface Member {
  name: string;
  device: RunningDevice;
  page: Page;
  /** Uncaught page errors: a working UI has none. */
  problems: string[];
}

let relay: RelayHandle | undefined;
let browser: Browser | undefined;
const members: Member[] = [];
const by = (name: string): Member => {
  const m = members.find((x) => x.name === name);
  if (m === undefined) throw new Error(`no device ${name} (did beforeAll fail?)`);
  return m;
};

/** State the steps hand on. */
let quorumId = '';
let groupKey = '';
let backupPath = '';

/** Opens a screen through the navigation and waits for it. */
async function go(p: Page, screen: Screen): Promise<void> {
  await p.getByTestId(`nav-${screen}`).click();
  await p.getByTestId(`screen-${screen}`).waitFor();
}

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const textOf = async (l: Locator): Promise<string> => ((await l.textContent()) ?? '').trim();

/** The quorum panel on `p` once it shows `epoch`; returns its group key. */
async function quorumAt(p: Page, epoch: number): Promise<string> {
  await go(p, 'quorums');
  const q = p.locator(`[data-testid="quorum"][data-quorum-id="${quorumId}"][data-epoch="${epoch}"]`);
  await q.waitFor({ timeout: STEP_MS });
  await q.locator('[data-testid="share-state"][data-share="active"]').waitFor({ timeout: STEP_MS });
  return textOf(q.getByTestId('group-key'));
}

/** Alice presses "Refresh shares" on the quorum. */
async function proposeRefresh(): Promise<void> {
  const p = by('alice').page;
  await go(p, 'quorums');
  await p.locator(`[data-testid="quorum"][data-quorum-id="${quorumId}"]`).getByRole('button', { name: 'Refresh shares' }).click();
  await p.locator('[data-testid="operation"][data-state="pending"]').first().waitFor();
}

/** The refresh request from `fromEpoch` on `p`'s Requests screen. */
async function refreshRequest(p: Page, fromEpoch: number): Promise<Locator> {
  await go(p, 'requests');
  const r = p.locator('[data-testid="request"][data-kind="reshare"][data-operation="refresh"]').filter({ has: p.getByTestId('request-epoch').getByText(`Epoch ${fromEpoch} → ${fromEpoch + 1}`, { exact: true }) });
  await r.waitFor({ timeout: STEP_MS });
  return r;
}

/** Waits until `p`'s Sessions screen shows a session that ended with `end` (a prefix). */
async function sessionEnd(p: Page, end: string): Promise<Locator> {
  await go(p, 'sessions');
  const s = p.getByTestId('session-end').filter({ hasText: end });
  await s.first().waitFor({ timeout: STEP_MS });
  return s.first();
}

describe.skipIf(!existsSync(CHROMIUM))('the renderer in Chromium, three devices in browser mode over a real relay', () => {
  beforeAll(async () => {
    if (!existsSync(join(RENDERER, 'index.html'))) {
      throw new Error(`${join(RENDERER, 'index.html')} is missing: build the renderer first with \`npm run build\` (or \`npm run build:renderer\`)`);
    }
    mkdirSync(SHOTS, { recursive: true });
    relay = await startRelay({ logger: silentLogger });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    for (const name of ['alice', 'bob', 'carol']) {
      const home = tempHome();
      await initHome(home, { name, relay: relay.url, keystore: 'file', passphrase: PASS, scryptN: 1 << 12 });
      const device = await runDevice(home, { passphrase: PASS, ui: { root: RENDERER } });
      const page = await browser.newPage({ viewport: { width: 1024, height: 700 }, acceptDownloads: true });
      const m: Member = { name, device, page, problems: [] };
      page.on('pageerror', (e) => m.problems.push(e.message));
      members.push(m);
      const url = device.rpc?.uiUrl;
      if (url === undefined) throw new Error(`${name}: runDevice gave no UI address`);
      await page.goto(url);
      await page.getByTestId('app').waitFor();
      await page.locator('[data-testid="connection-indicator"][data-connected="true"]').waitFor({ timeout: STEP_MS });
      expect(page.url()).not.toContain('token=');
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const m of members.splice(0)) await m.device.stop();
    await relay?.close();
    cleanHomes();
  });

  test('alice creates a 2-of-3 quorum from bob’s and carol’s cards; both approve the key generation', async () => {
    const alice = by('alice').page;
    const cards: string[] = [];
    for (const name of ['bob', 'carol']) {
      const p = by(name).page;
      await go(p, 'device');
      const card = p.getByTestId('device-card');
      await card.waitFor();
      cards.push(await card.inputValue());
    }
    expect(cards).toEqual([expect.stringMatching(/^rampart1\./), expect.stringMatching(/^rampart1\./)]);
    await go(alice, 'device');
    await alice.getByTestId('device-card').waitFor();
    await shot(alice, 'device');

    await go(alice, 'quorums');
    await alice.getByRole('button', { name: 'New quorum' }).click();
    await alice.getByLabel('Quorum name').fill('Treasury');
    await alice.getByLabel('Suite', { exact: true }).selectOption('ed25519');
    await alice.getByLabel('Threshold (signers needed)').fill('2');
    await alice.getByLabel('Member cards (one per line)').fill(cards.join('\n'));
    await shot(alice, 'quorums-new');
    await alice.getByRole('button', { name: 'Create quorum' }).click();

    for (const name of ['bob', 'carol']) {
      const p = by(name).page;
      await go(p, 'requests');
      const r = p.locator('[data-testid="request"][data-kind="dkg"]');
      await r.waitFor({ timeout: STEP_MS });
      expect(await textOf(r.getByTestId('request-initiator'))).toContain('alice');
      expect(await textOf(r.getByTestId('request-change'))).toBe('2-of-3');
      if (name === 'bob') await shot(p, 'requests-dkg');
      await r.getByRole('button', { name: 'Approve' }).click();
    }

    await alice.locator('[data-testid="quorum"][data-epoch="0"]').waitFor({ timeout: STEP_MS });
    quorumId = (await alice.getByTestId('quorum').getAttribute('data-quorum-id')) ?? '';
    expect(quorumId).toMatch(/^[0-9a-f]+$/);
    const keys = await Promise.all(members.map((m) => quorumAt(m.page, 0)));
    groupKey = keys[0]!;
    expect(groupKey).toMatch(/^[0-9a-f]{64}$/);
    expect(keys).toEqual([groupKey, groupKey, groupKey]);
    await alice.locator('[data-testid="operation"][data-state="done"]').waitFor();
    await shot(alice, 'quorums');
  }, 180_000);

  test('alice refreshes: bob and carol see the approval prompt, bob approves, epoch 1 everywhere under the same group key', async () => {
    const [alice, bob, carol] = [by('alice').page, by('bob').page, by('carol').page];
    await proposeRefresh();

    const codes: string[] = [];
    for (const p of [bob, carol]) {
      const r = await refreshRequest(p, 0);
      expect(await textOf(r.getByTestId('request-epoch'))).toBe('Epoch 0 → 1');
      expect(await textOf(r.getByTestId('request-change'))).toContain('2-of-3 → 2-of-3');
      expect(await textOf(r.getByTestId('request-initiator'))).toContain('alice');
      expect(await textOf(r.getByTestId('request-approvals'))).toMatch(/^\d+ of 2 approvals$/);
      expect(await textOf(r.getByTestId('request-countdown'))).not.toBe('');
      expect(await r.getByTestId('request-countdown').getAttribute('data-expired')).toBe('false');
      const code = await textOf(r.getByTestId('session-code'));
      expect(code).not.toBe('');
      codes.push(code);
    }
    expect(codes[1]).toBe(codes[0]);

    const prompt = await refreshRequest(bob, 0);
    await shot(bob, 'approval-prompt');
    await prompt.getByRole('button', { name: 'Approve' }).click();
    await bob.locator('[data-testid="request-decided"][data-decision="approved"]').or(bob.getByTestId('no-requests')).first().waitFor({ timeout: STEP_MS });

    // Alice's approval and bob's make t = 2: the session starts and carol acks on her own.
    await sessionEnd(alice, 'Committed: epoch 1');
    await shot(alice, 'sessions');
    const keys = await Promise.all(members.map((m) => quorumAt(m.page, 1)));
    expect(keys).toEqual([groupKey, groupKey, groupKey]);
    // The request left carol's inbox once the session started without her approval.
    await go(carol, 'requests');
    await carol.getByTestId('no-requests').waitFor({ timeout: STEP_MS });
    await go(alice, 'quorums');
    await alice.locator('[data-testid="operation"][data-state="done"]').getByTestId('operation-result').filter({ hasText: 'Committed: epoch 1' }).waitFor();
  }, 180_000);

  test('carol exports a backup at epoch 1; the browser downloads it', async () => {
    const carol = by('carol').page;
    await go(carol, 'backups');
    await carol.getByLabel('Quorum', { exact: true }).selectOption(quorumId);
    await carol.getByLabel('Passphrase', { exact: true }).fill(BACKUP_PASS);
    await carol.getByLabel('Repeat passphrase').fill(BACKUP_PASS);
    await carol.locator('[data-testid="strength-score"][data-score="4"]').or(carol.locator('[data-testid="strength-score"][data-score="3"]')).first().waitFor();
    const button = carol.getByRole('button', { name: 'Export backup' });
    await expect.poll(() => button.isEnabled()).toBe(true);

    const download = carol.waitForEvent('download', { timeout: STEP_MS });
    await button.click();
    const d = await download;
    expect(d.suggestedFilename()).toBe('treasury-epoch-1.rampart-backup');
    backupPath = join(tempHome(), d.suggestedFilename());
    await d.saveAs(backupPath);
    const header = JSON.parse(readFileSync(backupPath, 'utf8')) as { header?: { epoch?: number } };
    expect(header.header?.epoch).toBe(1);

    await carol.getByTestId('export-result').waitFor();
    expect(await textOf(carol.getByTestId('export-result'))).toContain('epoch 1');
    await carol.locator('[data-testid="backup-row"][data-epoch="1"][data-obsolete="false"]').waitFor();
    await shot(carol, 'backups-export');
  }, 120_000);

  test('a second refresh (bob approves) moves everyone to epoch 2; carol is told her epoch-1 backup is obsolete', async () => {
    const [bob, carol] = [by('bob').page, by('carol').page];
    await proposeRefresh();
    const r = await refreshRequest(bob, 1);
    await r.getByRole('button', { name: 'Approve' }).click();
    await sessionEnd(by('alice').page, 'Committed: epoch 2');
    const keys = await Promise.all(members.map((m) => quorumAt(m.page, 2)));
    expect(keys).toEqual([groupKey, groupKey, groupKey]);

    await carol.locator('[data-testid="quorum-backup"][data-obsolete="true"]').waitFor({ timeout: STEP_MS });
    await carol.getByTestId('fresh-backup-banner').waitFor();
    await go(carol, 'backups');
    await carol.locator(`[data-testid="fresh-backup-cta"][data-quorum-id="${quorumId}"]`).waitFor({ timeout: STEP_MS });
    await carol.locator('[data-testid="backup-row"][data-epoch="1"][data-obsolete="true"]').waitFor({ timeout: STEP_MS });
    await shot(carol, 'backups-obsolete');
  }, 180_000);

  test('carol imports the epoch-1 backup and is blocked: stale, nothing changed', async () => {
    const carol = by('carol').page;
    await go(carol, 'backups');
    await carol.getByLabel('Backup file').setInputFiles(backupPath);
    await carol.getByLabel('Backup passphrase').fill(BACKUP_PASS);
    await carol.getByRole('button', { name: 'Import backup' }).click();

    const outcome = carol.getByTestId('import-outcome');
    await outcome.waitFor({ timeout: STEP_MS });
    expect(await outcome.getAttribute('data-severity')).toBe('blocked');
    const message = await textOf(outcome.getByTestId('import-message'));
    expect(message).toMatch(/epoch 1\b/);
    expect(message).toMatch(/epoch 2\b/);
    expect(await carol.getByTestId('import-result').count()).toBe(0);
    await shot(carol, 'backups-import-blocked');

    expect(await quorumAt(carol, 2)).toBe(groupKey);
    const status = await by('carol').device.service.status();
    expect(status.quorums.map((q) => ({ epoch: q.epoch, share: q.share }))).toEqual([{ epoch: 2, share: 'active' }]);
  }, 120_000);

  test('bob and carol reject alice’s third refresh: it aborts, the quorum stays at epoch 2', async () => {
    const alice = by('alice').page;
    await proposeRefresh();
    for (const [i, name] of ['bob', 'carol'].entries()) {
      const p = by(name).page;
      const r = await refreshRequest(p, 2);
      await r.getByRole('button', { name: 'Reject' }).click();
      await r.getByLabel('Reason (optional)').fill(`${name} did not ask for this`);
      if (i === 0) await shot(p, 'requests-reject');
      await r.getByRole('button', { name: 'Confirm rejection' }).click();
      await p.locator('[data-testid="request-decided"][data-decision="rejected"]').or(p.getByTestId('no-requests')).first().waitFor({ timeout: STEP_MS });
    }

    const end = await sessionEnd(alice, 'Aborted:');
    expect(await textOf(end)).toMatch(/rejected/);
    await shot(alice, 'sessions-aborted');
    await go(alice, 'quorums');
    const failed = alice.locator('[data-testid="operation"][data-state="failed"]');
    await failed.waitFor({ timeout: STEP_MS });
    await failed.getByTestId('error').waitFor();
    for (const m of members) expect(await quorumAt(m.page, 2)).toBe(groupKey);
    await shot(alice, 'quorums-after-abort');
  }, 180_000);

  test('the log verifies and the settings show the relay; no page threw', async () => {
    const alice = by('alice').page;
    await go(alice, 'log');
    await alice.locator('[data-testid="log-entry"][data-type="reshare-committed"]').first().waitFor();
    await alice.getByRole('button', { name: 'Verify log' }).click();
    await alice.locator('[data-testid="verify-result"][data-ok="true"]').waitFor({ timeout: STEP_MS });
    await shot(alice, 'log');
    await go(alice, 'settings');
    expect(await textOf(alice.getByTestId('settings-relay-url'))).toBe(relay!.url);
    await shot(alice, 'settings');
    for (const m of members) expect({ device: m.name, problems: m.problems }).toEqual({ device: m.name, problems: [] });
  }, 60_000);
});
