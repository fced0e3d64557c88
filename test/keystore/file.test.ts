/**
 * The encrypted file keystore: the shared contract, then what only a file store can get
 * wrong (modes, passphrases, tampering, swapped files, crashes).
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FileKeystore, type FileKeystoreOptions } from '../../main/keystore/file.js';
import { HEADER_FILE } from '../../main/keystore/file-format.js';
import { codeOf, encodings, errorText, keystoreContract } from './contract.js';

// Fault injection for the crash tests: a rename that fails as if the machine died first.
const faults = vi.hoisted(() => ({ failRename: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    rename: async (from: string, to: string) => {
      if (faults.failRename) throw Object.assign(new Error('EIO: simulated power loss'), { code: 'EIO' });
      return real.rename(from, to);
    },
  };
});

const N = 2 ** 10; // cheap scrypt for tests; one test checks the 2^17 default
const homes: string[] = [];
afterAll(async () => {
  await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
});

async function newHome(): Promise<string> {
  const h = await mkdtemp(join(tmpdir(), 'rampart-ks-'));
  homes.push(h);
  return h;
}

function open(home: string, opts: Partial<FileKeystoreOptions> = {}): Promise<FileKeystore> {
  return FileKeystore.open({ home, passphrase: 'correct horse battery staple', scryptN: N, ...opts });
}

/** Every file in the keystore dir with its bytes, to prove a failure changed nothing. */
async function snapshot(ks: { dir: string } | string): Promise<Record<string, string>> {
  const dir = typeof ks === 'string' ? ks : ks.dir;
  const out: Record<string, string> = {};
  for (const f of (await readdir(dir)).sort()) out[f] = (await readFile(join(dir, f))).toString('hex');
  return out;
}

/** Sets `name` in a keystore and returns the path of the entry file it created or replaced. */
async function setAndFind(ks: FileKeystore, name: string, value: Uint8Array): Promise<string> {
  const before = new Set(await readdir(ks.dir));
  await ks.set(name, value);
  const added = (await readdir(ks.dir)).filter((f) => !before.has(f) && f.endsWith('.sec'));
  expect(added).toHaveLength(1);
  return join(ks.dir, added[0]!);
}

keystoreContract('file', { backend: 'file', open: async () => open(await newHome()) });

describe('file keystore', () => {
  it.skipIf(process.platform === 'win32')('creates the directory 0700 and every file 0600', async () => {
    const ks = await open(await newHome());
    const entry = await setAndFind(ks, 'device/identity', new Uint8Array(32));
    expect((await stat(ks.dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(ks.dir, HEADER_FILE))).mode & 0o777).toBe(0o600);
    expect((await stat(entry)).mode & 0o777).toBe(0o600);
    await ks.set('device/identity', new Uint8Array(33)); // a replaced file keeps the mode
    expect((await stat(entry)).mode & 0o777).toBe(0o600);
  });

  it('keeps secret names and values out of file names and file bytes', async () => {
    const ks = await open(await newHome());
    const value = new Uint8Array(randomBytes(40));
    await ks.set('quorum/acme-treasury/epoch/3/share', value);
    const files = await readdir(ks.dir);
    expect(files.join(' ')).not.toMatch(/quorum|acme|share/);
    const all = Buffer.concat(await Promise.all(files.map((f) => readFile(join(ks.dir, f)))));
    expect(all.includes(Buffer.from('acme-treasury'))).toBe(false);
    expect(all.includes(Buffer.from(value))).toBe(false);
  });

  it('reopens with the same passphrase and reads what an earlier instance wrote', async () => {
    const home = await newHome();
    await (await open(home)).set('device/identity', Uint8Array.of(4, 5));
    const again = await open(home, { scryptN: 2 ** 12 }); // N of an existing keystore comes from its header
    expect(Array.from((await again.get('device/identity'))!)).toEqual([4, 5]);
    expect(JSON.parse(await readFile(join(again.dir, HEADER_FILE), 'utf8')).kdf.N).toBe(N);
  });

  it('uses scrypt N = 2^17, r = 8, p = 1 and a random 32-byte salt by default', async () => {
    const [a, b] = [await newHome(), await newHome()];
    await FileKeystore.open({ home: a, passphrase: 'pw' });
    await open(b, { passphrase: 'pw' });
    const ha = JSON.parse(await readFile(join(a, 'keystore', HEADER_FILE), 'utf8'));
    const hb = JSON.parse(await readFile(join(b, 'keystore', HEADER_FILE), 'utf8'));
    expect(ha.kdf).toMatchObject({ name: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
    expect(ha.kdf.salt).toMatch(/^[0-9a-f]{64}$/);
    expect(ha.kdf.salt).not.toBe(hb.kdf.salt);
    expect(ha.cipher).toBe('xchacha20poly1305');
  });

  it('two processes creating the same keystore at once end up with one header', async () => {
    const home = await newHome();
    const [a, b] = await Promise.all([open(home), open(home)]);
    await a.set('x/y', Uint8Array.of(1));
    expect(Array.from((await b.get('x/y'))!)).toEqual([1]);
  });

  it('rejects a wrong passphrase with PASSPHRASE_WRONG and changes nothing', async () => {
    const ks = await open(await newHome());
    await ks.set('device/identity', Uint8Array.of(1));
    const before = await snapshot(ks);
    const err = await open(join(ks.dir, '..'), { passphrase: 'Tr0ub4dor&3' }).catch((e: unknown) => e);
    expect((err as { code: string }).code).toBe('PASSPHRASE_WRONG');
    expect(errorText(err)).not.toContain('Tr0ub4dor');
    expect(await snapshot(ks)).toEqual(before);
  });

  it('needs a passphrase: PASSPHRASE_MISSING without one, RAMPART_PASSPHRASE otherwise', async () => {
    const home = await newHome();
    const saved = process.env.RAMPART_PASSPHRASE;
    try {
      delete process.env.RAMPART_PASSPHRASE;
      expect(await codeOf(FileKeystore.open({ home, scryptN: N }))).toBe('PASSPHRASE_MISSING');
      expect(await codeOf(FileKeystore.open({ home, scryptN: N, passphrase: '' }))).toBe('PASSPHRASE_MISSING');
      expect(await readdir(home)).toEqual([]); // nothing created
      process.env.RAMPART_PASSPHRASE = 'from-env';
      await (await FileKeystore.open({ home, scryptN: N })).set('e/v', Uint8Array.of(3));
      expect(Array.from((await open(home, { passphrase: 'from-env' }).then((k) => k.get('e/v')))!)).toEqual([3]);
    } finally {
      if (saved === undefined) delete process.env.RAMPART_PASSPHRASE;
      else process.env.RAMPART_PASSPHRASE = saved;
    }
  });

  it('reports tampered, truncated or foreign entry files as KEYSTORE_CORRUPT, per file', async () => {
    const ks = await open(await newHome());
    const secret = new Uint8Array(randomBytes(32));
    const file = await setAndFind(ks, 'device/identity', secret);
    await ks.set('other/secret', Uint8Array.of(8));
    const good = await readFile(file);
    // version byte, nonce, ciphertext, last tag byte
    for (const i of [0, 5, 1 + 24 + 3, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[i]! ^= 0x01;
      await writeFile(file, bad);
      const err = await ks.get('device/identity').catch((e: unknown) => e);
      expect((err as { code: string }).code, `byte ${i}`).toBe('KEYSTORE_CORRUPT');
      for (const s of encodings(secret)) expect(errorText(err)).not.toContain(s);
      expect(await codeOf(ks.list())).toBe('KEYSTORE_CORRUPT');
      expect(Array.from((await ks.get('other/secret'))!)).toEqual([8]);
    }
    await writeFile(file, good.subarray(0, 30));
    expect(await codeOf(ks.get('device/identity'))).toBe('KEYSTORE_CORRUPT');
    // An entry from another keystore (other salt, other keys) under this name's file id.
    const foreign = await open(await newHome());
    const foreignFile = await setAndFind(foreign, 'device/identity', Uint8Array.of(6));
    await copyFile(foreignFile, file);
    expect(await codeOf(ks.get('device/identity'))).toBe('KEYSTORE_CORRUPT');
    await writeFile(file, good);
    expect(Buffer.from((await ks.get('device/identity'))!).equals(Buffer.from(secret))).toBe(true);
  });

  it('detects swapped files: one secret copied over another reads as KEYSTORE_CORRUPT', async () => {
    const ks = await open(await newHome());
    const fa = await setAndFind(ks, 'quorum/q/epoch/1/share', Uint8Array.of(1));
    const fb = await setAndFind(ks, 'quorum/q/epoch/2/share', Uint8Array.of(2));
    await copyFile(fa, fb);
    expect(await codeOf(ks.get('quorum/q/epoch/2/share'))).toBe('KEYSTORE_CORRUPT');
    expect(await codeOf(ks.list())).toBe('KEYSTORE_CORRUPT');
    expect(Array.from((await ks.get('quorum/q/epoch/1/share'))!)).toEqual([1]);
  });

  it('keeps the old value after a crash that left a temp file behind', async () => {
    const ks = await open(await newHome());
    const file = await setAndFind(ks, 'device/identity', Uint8Array.of(1, 1));
    // What an interrupted set leaves: a half-written temp file next to the entry.
    const sealedNew = await readFile(file);
    const tmp = join(ks.dir, `.${file.split('/').pop()}.0123456789abcdef.tmp`);
    await writeFile(tmp, sealedNew.subarray(0, 20), { mode: 0o600 });
    await writeFile(join(ks.dir, `.${HEADER_FILE}.fedcba9876543210.tmp`), '{"trunc', { mode: 0o600 });
    const again = await open(join(ks.dir, '..'));
    expect(Array.from((await again.get('device/identity'))!)).toEqual([1, 1]);
    expect(await again.list()).toEqual(['device/identity']);
    await again.set('device/identity', Uint8Array.of(2));
    expect(Array.from((await again.get('device/identity'))!)).toEqual([2]);
  });

  it('leaves the old value and no temp file when a write fails before the rename', async () => {
    const ks = await open(await newHome());
    await ks.set('device/identity', Uint8Array.of(1));
    const before = await snapshot(ks);
    faults.failRename = true;
    try {
      expect(await codeOf(ks.set('device/identity', Uint8Array.of(2)))).toBe('KEYSTORE_UNAVAILABLE');
      expect(await codeOf(ks.set('new/name', Uint8Array.of(3)))).toBe('KEYSTORE_UNAVAILABLE');
    } finally {
      faults.failRename = false;
    }
    expect(await snapshot(ks)).toEqual(before);
    expect(Array.from((await ks.get('device/identity'))!)).toEqual([1]);
    expect(await ks.list()).toEqual(['device/identity']);
  });

  it('refuses to open a damaged header, or secrets without a header', async () => {
    const ks = await open(await newHome());
    await ks.set('device/identity', Uint8Array.of(1));
    const home = join(ks.dir, '..');
    const headerPath = join(ks.dir, HEADER_FILE);
    const header = await readFile(headerPath, 'utf8');
    await writeFile(headerPath, '{ not json');
    expect(await codeOf(open(home))).toBe('KEYSTORE_CORRUPT');
    const h = JSON.parse(header);
    await writeFile(headerPath, JSON.stringify({ ...h, kdf: { ...h.kdf, N: 2 ** 11 } }));
    expect(await codeOf(open(home))).toBe('PASSPHRASE_WRONG'); // the verifier covers the parameters
    await writeFile(headerPath, JSON.stringify({ ...h, kdf: { ...h.kdf, N: 2 ** 30 } }));
    expect(await codeOf(open(home))).toBe('KEYSTORE_CORRUPT'); // out of range: no 1 TiB scrypt
    await writeFile(headerPath, JSON.stringify({ ...h, version: 2 }));
    expect(await codeOf(open(home))).toBe('VERSION_UNSUPPORTED');
    await unlink(headerPath);
    const before = await snapshot(ks);
    expect(await codeOf(open(home))).toBe('KEYSTORE_CORRUPT');
    expect(await snapshot(ks)).toEqual(before);
    await writeFile(headerPath, header);
    expect(Array.from((await (await open(home)).get('device/identity'))!)).toEqual([1]);
  });

  it('does not print its passphrase or keys', async () => {
    const passphrase = `pp-${randomBytes(8).toString('hex')}`;
    const ks = await open(await newHome(), { passphrase });
    const printed = [inspect(ks, { depth: 10, showHidden: true }), JSON.stringify(ks), String(ks)].join('\n');
    expect(printed).not.toContain(passphrase);
    expect(printed).not.toMatch(/[0-9a-f]{64}|Uint8Array/);
  });

  it('tolerates a home directory that does not exist yet', async () => {
    const home = join(await newHome(), 'nested', 'device');
    await mkdir(join(home, '..'), { recursive: true });
    const ks = await open(home);
    await ks.set('a/b', Uint8Array.of(1));
    expect(ks.describe()).toEqual({ backend: 'file', location: join(home, 'keystore') });
  });
});
