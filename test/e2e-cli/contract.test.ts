/**
 * The `rampart` CLI contract of DESIGN §7 as seen from a shell: exit codes
 * (0 ok, 1 error, 2 usage) and errors as one clear line on stderr. Real
 * processes, run from source.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, waitFor, type CliResult } from './helpers.js';

const T = { timeout: 60_000 };

/** The non-empty lines of a text. */
const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

/** A failed command: exit 1, exactly one line on stderr (returned), nothing on stdout. */
function oneLineError(r: CliResult): string {
  expect(r.code, r.proc.describe()).toBe(1);
  expect(lines(r.stderr), r.proc.describe()).toHaveLength(1);
  expect(r.stdout).toBe('');
  const line = lines(r.stderr)[0] as string;
  expect(line).toMatch(/^rampart: /);
  expect(line).not.toMatch(/\bat .*\.(ts|js):\d+/); // never a stack frame
  return line;
}

describe('rampart CLI contract (exit codes, one-line errors)', () => {
  let c: Cluster;
  const relay = 'ws://127.0.0.1:9'; // never contacted by the commands below except `device run`, which retries quietly

  beforeAll(async () => {
    c = await Cluster.create('rampart-e2e-contract-');
  });
  afterAll(async () => {
    await c?.close();
  }, 30_000);

  it('--help exits 0 and lists the commands', T, async () => {
    const r = await c.run(['--help']);
    expect(r.code, r.proc.describe()).toBe(0);
    expect(r.stdout).toMatch(/Usage: rampart/);
    for (const cmd of ['relay', 'device', 'status', 'requests', 'approve', 'reject', 'quorum', 'reshare', 'sign', 'log', 'demo']) expect(r.stdout).toContain(cmd);
  });

  it('usage errors exit 2: an unknown command, a missing --home, an unknown option or choice, --ui-port without --ui', T, async () => {
    const x = join(c.root, 'x');
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['status', '--json'], /--home/],
      [['status', '--home', x, '--frobnicate'], /unknown option '--frobnicate'/],
      [['quorum', 'create', '--home', x, '--name', 'Q', '--suite', 'rsa', '--threshold', '2', '--member', 'x'.repeat(20)], /rsa/],
      [['device', 'run', '--home', x, '--ui-port', '9999'], /--ui/],
    ];
    const results = await Promise.all(cases.map(([args]) => c.run(args)));
    results.forEach((r, i) => {
      expect(r.code, r.proc.describe()).toBe(2);
      // The error comes first (commander may add the usage text after it).
      expect(lines(r.stderr)[0], r.proc.describe()).toMatch(cases[i]![1]);
      expect(r.stdout).toBe('');
    });
    expect(lines(results[4]!.stderr)).toHaveLength(1);
  });

  it('a command against a home whose daemon is not running exits 1 with one line naming the problem', T, async () => {
    const home = join(c.root, 'idle');
    const init = await c.run(['device', 'init', '--home', home, '--name', 'idle', '--relay', relay, '--keystore', 'file', '--json']);
    expect(init.code, init.proc.describe()).toBe(0);
    const missing = join(c.root, 'nowhere');
    const results = await Promise.all(
      [
        ['status', '--home', home, '--json'],
        ['requests', '--home', home, '--json'],
        ['log', '--home', home, '--json'],
        ['approve', 'ab'.repeat(32), '--home', home],
        ['sign', '--home', home, '--quorum', 'cd'.repeat(16), '--message', '00', '--json'],
        // No home at all: the same clear line.
        ['status', '--home', missing, '--json'],
      ].map((args) => c.run(args)),
    );
    results.forEach((r, i) => {
      const line = oneLineError(r);
      expect(line).toContain(`no running device at ${i === 5 ? missing : home}`);
      expect(line).toContain('rampart device run');
    });
  });

  it('a daemon killed with SIGKILL leaves a stale rpc.json: commands still exit 1 with one clear line', T, async () => {
    const home = join(c.root, 'crashed');
    expect((await c.run(['device', 'init', '--home', home, '--name', 'crashed', '--relay', relay, '--keystore', 'file'])).code).toBe(0);
    const daemon = c.spawn('device crashed', ['device', 'run', '--home', home]);
    await waitFor(() => `rpc.json of the daemon\n${daemon.describe()}`, () => {
      if (!daemon.running) throw new Error('the daemon exited');
      return existsSync(join(home, 'rpc.json')) ? true : undefined;
    });
    daemon.child.kill('SIGKILL');
    await daemon.exited;
    expect(existsSync(join(home, 'rpc.json'))).toBe(true);
    expect(oneLineError(await c.run(['status', '--home', home, '--json']))).toContain(`no running device at ${home}`);
  });

  it('device run stops cleanly on SIGTERM: exit 0, rpc.json removed', T, async () => {
    const home = join(c.root, 'graceful');
    expect((await c.run(['device', 'init', '--home', home, '--name', 'graceful', '--relay', relay, '--keystore', 'file'])).code).toBe(0);
    const daemon = c.spawn('device graceful', ['device', 'run', '--home', home]);
    await daemon.waitForStderr(/running; local RPC on/, 30_000);
    const status = await c.run(['status', '--home', home, '--json']);
    expect(status.code, status.proc.describe()).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ device: { name: 'graceful', relay, connected: false }, quorums: [] });
    daemon.child.kill('SIGTERM');
    const exit = await daemon.exited;
    expect(exit.code, daemon.describe()).toBe(0);
    expect(existsSync(join(home, 'rpc.json'))).toBe(false);
  });

  it('device init twice on the same home exits 1 with one line; without a passphrase it exits 1 too', T, async () => {
    const home = join(c.root, 'twice');
    const first = await c.run(['device', 'init', '--home', home, '--name', 'twice', '--relay', relay, '--keystore', 'file', '--json']);
    expect(first.code, first.proc.describe()).toBe(0);
    const out = JSON.parse(first.stdout) as { deviceId: string; name: string; card: string };
    expect(out).toEqual({ deviceId: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'twice', card: expect.stringMatching(/^rampart1\./) });

    const [second, noPass] = await Promise.all([
      c.run(['device', 'init', '--home', home, '--name', 'again', '--relay', relay, '--keystore', 'file', '--json']),
      // File keystore, no RAMPART_PASSPHRASE and no terminal: a clear error, not a hang.
      c.run(['device', 'init', '--home', join(c.root, 'nopass'), '--name', 'np', '--relay', relay, '--keystore', 'file'], { env: { RAMPART_PASSPHRASE: undefined } }),
    ]);
    expect(oneLineError(second)).toMatch(/already holds a device/);
    expect(oneLineError(noPass)).toMatch(/PASSPHRASE_MISSING/);
    // The first device is untouched.
    expect(JSON.parse(readFileSync(join(home, 'device.json'), 'utf8'))).toMatchObject({ name: 'twice', deviceId: out.deviceId });
    expect(existsSync(join(c.root, 'nopass', 'device.json'))).toBe(false);
  });
});
