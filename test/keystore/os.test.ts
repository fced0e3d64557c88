/**
 * The OS keychain keystore against a REAL Secret Service (gnome-keyring under
 * `scripts/with-keyring.mjs`): the shared contract, then keychain-specific behaviour.
 * Every run uses fresh service names and deletes what it wrote.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AsyncEntry, findCredentialsAsync } from '@napi-rs/keyring';
import { afterAll, describe, expect, it } from 'vitest';
import { OS_VALUE_PREFIX, OsKeystore, homeSuffix } from '../../main/keystore/os.js';
import { codeOf, encodings, keystoreContract } from './contract.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OS_MODULE = new URL('../../main/keystore/os.ts', import.meta.url).href;
const RUN_ID = `t${process.pid}-${randomBytes(4).toString('hex')}`;
const LINUX = process.platform === 'linux';
const opened: OsKeystore[] = [];
let counter = 0;

function fresh(): OsKeystore {
  const ks = new OsKeystore({ suffix: `test-${RUN_ID}-${counter++}` });
  opened.push(ks);
  return ks;
}

afterAll(async () => {
  for (const ks of opened) {
    for (const name of await ks.list()) await ks.delete(name);
    expect(await findCredentialsAsync(ks.service)).toEqual([]);
  }
});

keystoreContract('os', { backend: 'os', open: async () => fresh() });

/** Runs `code` (ESM, with `OsKeystore` in scope) in a child node; returns its JSON output. */
async function inChild(code: string, env: NodeJS.ProcessEnv, wrap: (argv: string[]) => string[] = (a) => a): Promise<unknown> {
  const script = `const { OsKeystore } = await import(${JSON.stringify(OS_MODULE)});\n${code}`;
  const argv = wrap([process.execPath, '--import', 'tsx', '--input-type=module', '-e', script]);
  const { stdout } = await run(argv[0]!, argv.slice(1), { cwd: REPO, env, timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

/** Child code: tries every operation, prints {op: {code, text}} (text = every printable form). */
const TRY_ALL = `
  const secret = new TextEncoder().encode(process.env.KS_SECRET);
  const ks = new OsKeystore({ suffix: process.env.KS_SUFFIX });
  const ops = {
    open: () => OsKeystore.open({ suffix: process.env.KS_SUFFIX }),
    set: () => ks.set('device/identity', secret),
    get: () => ks.get('device/identity'),
    list: () => ks.list(),
    delete: () => ks.delete('device/identity'),
  };
  const out = {};
  for (const [op, f] of Object.entries(ops)) {
    try { await f(); out[op] = { code: 'OK' }; }
    catch (e) { out[op] = { code: e.code, text: [e.message, e.stack, JSON.stringify(e)].join('\\n') }; }
  }
  console.log(JSON.stringify(out));`;

type TryAll = Record<string, { code: string; text?: string }>;

describe('os keystore', () => {
  it('stores one keychain item per secret that other Secret Service clients can see', async () => {
    const ks = fresh();
    const value = new Uint8Array(randomBytes(24));
    await ks.set('quorum/q1/epoch/0/share', value);
    const b64 = Buffer.from(value).toString('base64');
    // A second, independent client of the same keychain sees the item.
    const raw = new AsyncEntry(ks.service, 'quorum/q1/epoch/0/share', { linux: { store: 'secret-service' } });
    expect(await raw.getPassword()).toBe(OS_VALUE_PREFIX + b64);
    if (LINUX) {
      const { stdout } = await run('secret-tool', ['search', '--all', 'service', ks.service]);
      expect(stdout).toContain('quorum/q1/epoch/0/share');
      expect(stdout).toContain(`secret = ${OS_VALUE_PREFIX}${b64}`);
    }
    await ks.delete('quorum/q1/epoch/0/share');
    expect(await raw.getPassword()).toBeNull();
  });

  it('reads an item Rampart did not write as KEYSTORE_CORRUPT', async () => {
    const ks = fresh();
    await new AsyncEntry(ks.service, 'foreign/item', { linux: { store: 'secret-service' } }).setPassword('hunter2');
    expect(await codeOf(ks.get('foreign/item'))).toBe('KEYSTORE_CORRUPT');
    expect(await ks.list()).toEqual(['foreign/item']);
  });

  it('derives the service from the device home and validates the suffix', () => {
    expect(homeSuffix('/srv/rampart/a')).toMatch(/^[0-9a-f]{16}$/);
    expect(homeSuffix('/srv/rampart/a/')).toBe(homeSuffix('/srv/rampart/a'));
    expect(homeSuffix('/srv/rampart/b')).not.toBe(homeSuffix('/srv/rampart/a'));
    expect(new OsKeystore({ suffix: homeSuffix('/x') }).service).toBe(`rampart-${homeSuffix('/x')}`);
    for (const suffix of ['', 'A', 'a b', '-a', 'x'.repeat(65)]) {
      expect(() => new OsKeystore({ suffix })).toThrow(expect.objectContaining({ code: 'KEYSTORE_NAME_INVALID' }));
    }
  });

  it.runIf(LINUX)('reports KEYSTORE_UNAVAILABLE, naming what to install, when no Secret Service is reachable', async () => {
    const secret = `TOPSECRET-${randomBytes(12).toString('hex')}`;
    const bus = `unix:path=${join(tmpdir(), `no-such-bus-${RUN_ID}`)}`;
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus, KS_SECRET: secret, KS_SUFFIX: `test-${RUN_ID}-nobus` };
    const out = (await inChild(TRY_ALL, env)) as TryAll;
    expect(Object.keys(out).sort()).toEqual(['delete', 'get', 'list', 'open', 'set']);
    for (const [op, r] of Object.entries(out)) {
      expect(r.code, op).toBe('KEYSTORE_UNAVAILABLE');
      expect(r.text, op).toMatch(/gnome-keyring/);
      expect(r.text, op).toMatch(/RAMPART_PASSPHRASE/);
      for (const s of [secret, ...encodings(new TextEncoder().encode(secret))]) expect(r.text, op).not.toContain(s);
    }
  });

  it.runIf(LINUX)('reports KEYSTORE_LOCKED, not "absent", when the login keyring is locked', async () => {
    // A private bus and a private keyring: created unlocked with one secret, then started locked.
    const dir = await mkdtemp(join(tmpdir(), 'rampart-locked-'));
    try {
      await mkdir(join(dir, 'data'), { mode: 0o700 });
      await mkdir(join(dir, 'run'), { mode: 0o700 });
      const env = {
        ...process.env,
        XDG_DATA_HOME: join(dir, 'data'),
        XDG_RUNTIME_DIR: join(dir, 'run'),
        DISPLAY: '', // the unlock prompt must fail at once, not pop up
        WAYLAND_DISPLAY: '',
        KS_SECRET: `locked-${randomBytes(8).toString('hex')}`,
        KS_SUFFIX: `test-${RUN_ID}-locked`,
      };
      const session = (daemon: string) => (argv: string[]) => [
        'dbus-run-session', '--', 'sh', '-c',
        `${daemon} --foreground --components=secrets >/dev/null 2>&1 & k=$!; ` +
          'i=0; while [ ! -f "$XDG_DATA_HOME/keyrings/login.keyring" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; ' +
          'sleep 0.2; "$@"; r=$?; kill $k; exit $r',
        'sh', ...argv,
      ];
      const setOne = `const ks = new OsKeystore({ suffix: process.env.KS_SUFFIX });
        await ks.set('device/identity', new TextEncoder().encode(process.env.KS_SECRET));
        console.log(JSON.stringify(await ks.list()));`;
      expect(await inChild(setOne, env, session('printf pw | gnome-keyring-daemon --unlock'))).toEqual(['device/identity']);
      const out = (await inChild(TRY_ALL, env, session('gnome-keyring-daemon'))) as TryAll;
      for (const op of ['open', 'set', 'get', 'list', 'delete']) {
        expect(out[op]!.code, op).toBe('KEYSTORE_LOCKED');
        expect(out[op]!.text, op).toMatch(/unlock the login keyring/);
        expect(out[op]!.text, op).not.toContain(env.KS_SECRET);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
