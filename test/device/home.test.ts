/** Device homes (DESIGN §7): init stores the identity in the keystore; open finds the same device. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { initHome, openHome } from '../../main/device/home.js';
import { isRampartError } from '../../shared/errors.js';
import { deviceIdOf, devicePublicKeys } from '../../shared/identity.js';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'rampart-home-'));
  dirs.push(d);
  return join(d, 'home');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const opts = { name: 'server-1', relay: 'ws://127.0.0.1:8787', keystore: 'file' as const, passphrase: 'correct horse battery staple', scryptN: 1024 };

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => (isRampartError(e) ? e.code : 'not a RampartError'),
  );
}

describe('device home', () => {
  test('init then open yields the same device; device.json is 0600 and holds no secret', async () => {
    const home = temp();
    const created = await initHome(home, opts);
    const opened = await openHome(home, { passphrase: opts.passphrase });
    expect(opened.config).toEqual(created.config);
    expect(deviceIdOf(devicePublicKeys(opened.identity).identityKey)).toBe(created.config.deviceId);
    expect(statSync(join(home, 'device.json')).mode & 0o777).toBe(0o600);
    const text = readFileSync(join(home, 'device.json'), 'utf8');
    expect(text).not.toContain(Buffer.from(created.identity.signingKey.expose()).toString('hex'));
  });

  test('a second init on the same home is refused and changes nothing', async () => {
    const home = temp();
    const created = await initHome(home, opts);
    expect(await codeOf(initHome(home, { ...opts, name: 'other' }))).toBe('PLAN_INVALID');
    expect((await openHome(home, { passphrase: opts.passphrase })).config).toEqual(created.config);
  });

  test('a missing home, a malformed device.json and a wrong passphrase each give a clear error', async () => {
    expect(await codeOf(openHome(temp()))).toBe('PLAN_INVALID');
    const home = temp();
    await initHome(home, opts);
    expect(await codeOf(openHome(home, { passphrase: 'wrong passphrase entirely' }))).toBe('PASSPHRASE_WRONG');
    writeFileSync(join(home, 'device.json'), '{"v":1}');
    expect(await codeOf(openHome(home, { passphrase: opts.passphrase }))).toBe('ENCODING_INVALID');
  });
});
