/**
 * A reshare across real devices through a real relay PROCESS that is killed
 * (SIGKILL) in the middle of the ceremony and restarted on the same port and
 * database: the reshare completes, the key is unchanged, and each device —
 * one of them on the OS keychain (a real gnome-keyring under test) — ends
 * holding only the new epoch's share, checked in the keychain itself.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { runDevice, type RunningDevice } from '../../main/daemon.js';
import { initHome } from '../../main/device/home.js';
import { homeSuffix, OsKeystore } from '../../main/keystore/os.js';
import { approveNext, until } from '../helpers/device-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'rampart-relay-restart-'));
const children: ChildProcess[] = [];
const devices: RunningDevice[] = [];
const PASS = 'relay restart test passphrase';

afterAll(async () => {
  for (const d of devices) await d.stop().catch(() => undefined);
  for (const c of children) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `rampart relay` as a child process and resolves once it listens. */
function relayProcess(port: number, db: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/bin.ts', 'relay', '--port', String(port), '--db', db], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    const t = setTimeout(() => reject(new Error(`relay did not start: ${err}`)), 20_000);
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
      if (err.includes('relay listening')) {
        clearTimeout(t);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}: ${err}`)));
  });
}

async function approve(d: RunningDevice, kind: 'dkg' | 'reshare'): Promise<void> {
  await approveNext(d.service, kind);
}

describe('relay killed mid-reshare', () => {
  test('the reshare completes after the relay restarts; only the new shares remain, also in the OS keychain', async () => {
    const port = await freePort();
    const db = join(root, 'relay.db');
    let relay = await relayProcess(port, db);
    const url = `ws://127.0.0.1:${port}`;
    const homes = ['alice', 'bob', 'carol'].map((n) => join(root, n));
    const backends = ['file', 'os', 'file'] as const;
    const cards: string[] = [];
    for (const [i, home] of homes.entries()) {
      await initHome(home, { name: ['alice', 'bob', 'carol'][i]!, relay: url, keystore: backends[i]!, passphrase: PASS, scryptN: 1 << 12 });
      devices.push(await runDevice(home, { passphrase: PASS, rpc: false }));
      cards.push((await devices[i]!.service.card()).card);
    }
    const [alice, bob, carol] = devices as [RunningDevice, RunningDevice, RunningDevice];
    const created = alice.service.createQuorum({ name: 'Treasury', suite: 'ed25519', threshold: 2, members: [cards[1]!, cards[2]!] });
    await approve(bob, 'dkg');
    await approve(carol, 'dkg');
    const q = await created;

    const refresh = alice.service.reshare({ quorumId: q.quorumId });
    let finished = false;
    void refresh.then(() => (finished = true));
    await approve(bob, 'reshare');
    // Kill the relay the moment the ceremony is under way, then bring it back on the same port and database.
    relay.kill('SIGKILL');
    await new Promise((r) => relay.once('exit', r));
    expect(finished).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    relay = await relayProcess(port, db);

    expect(await refresh).toMatchObject({ epoch: 1, threshold: 2, groupPublicKey: q.groupPublicKey });
    for (const d of devices) {
      await until('epoch 1 everywhere', async () => (await d.service.status()).quorums.find((x) => x.epoch === 1 && x.share === 'active'));
    }
    // Bob's keychain, read by an independent client of the Secret Service: identity + the epoch-1 share only.
    const keychain = await OsKeystore.open({ suffix: homeSuffix(homes[1]!) });
    expect(await keychain.list()).toEqual(['device/identity', `quorum/${q.quorumId}/epoch/1/share`]);
    const { stdout } = await promisify(execFile)('secret-tool', ['search', '--all', 'service', `rampart-${homeSuffix(homes[1]!)}`]);
    expect(stdout).toContain(`quorum/${q.quorumId}/epoch/1/share`);
    expect(stdout).not.toContain(`quorum/${q.quorumId}/epoch/0/share`);
    expect(stdout).not.toContain('/pending');
  }, 120_000);
});
