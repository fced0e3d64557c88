/**
 * Helpers for the end-to-end CLI tests: the real `rampart` command as child
 * processes over loopback (a relay process, one `device run` daemon per
 * device, one short-lived process per command). The CLI runs from source
 * (`node --import tsx main/cli/bin.ts`) so the tests never depend on a stale
 * build. Every child is tracked and stopped by `Cluster.close()` (SIGTERM,
 * then SIGKILL after a grace period); failures quote the child's stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (cwd of every child, so `--import tsx` resolves from node_modules). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(REPO, 'main', 'cli', 'bin.ts');

/** The passphrase of every test device's file keystore. */
export const PASSPHRASE = 'e2e-cli correct horse battery staple';

/** How much of a child's output is kept (the tail) for failure messages. */
const KEEP_CHARS = 64 * 1024;

/** The environment of every child: the file-keystore passphrase, no colours. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RAMPART_PASSPHRASE: PASSPHRASE, NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** A spawned `rampart` process with its captured output. */
export class Proc {
  readonly child: ChildProcess;
  private out = '';
  private err = '';
  /** How the process ended (a null code with the signal when it was killed); undefined while it runs. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly stderrWatchers = new Set<() => void>();

  constructor(
    readonly label: string,
    readonly args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (s: string) => (this.out = (this.out + s).slice(-KEEP_CHARS)));
    this.child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      this.err = (this.err + s).slice(-KEEP_CHARS);
      for (const w of this.stderrWatchers) w();
    });
    this.exited = new Promise((resolveExit) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exit !== undefined) return;
        this.exit = { code, signal };
        resolveExit(this.exit);
      };
      // 'close' fires after the output streams are drained, so stdout is complete.
      this.child.once('close', done);
      this.child.once('error', (e) => {
        this.err += `\n[spawn error] ${e.message}`;
        done(null, null);
      });
    });
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** A description for failure messages: command, exit status and output tails. */
  describe(): string {
    const status = this.exit === undefined ? 'still running' : `exit code ${String(this.exit.code)}${this.exit.signal === null ? '' : ` (signal ${this.exit.signal})`}`;
    const tail = (s: string) => (s.length > 4000 ? '…' + s.slice(-4000) : s);
    return `[${this.label}] rampart ${this.args.join(' ')} — ${status}\n--- stderr ---\n${tail(this.err)}\n--- stdout ---\n${tail(this.out)}`;
  }

  /** Resolves with the first match of `re` in stderr; rejects when the process exits first or the deadline passes. */
  waitForStderr(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolveMatch, reject) => {
      const finish = (f: () => void) => {
        clearTimeout(timer);
        this.stderrWatchers.delete(check);
        f();
      };
      const check = () => {
        const m = re.exec(this.err);
        if (m !== null) finish(() => resolveMatch(m));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${String(re)} on stderr\n${this.describe()}`))), timeoutMs);
      this.stderrWatchers.add(check);
      void this.exited.then(() => {
        const m = re.exec(this.err);
        finish(() => (m !== null ? resolveMatch(m) : reject(new Error(`exited before printing ${String(re)}\n${this.describe()}`))));
      });
      check();
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.running) this.child.kill('SIGKILL');
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The outcome of one finished command. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  proc: Proc;
}

/** Polls `probe` until it returns a value other than `undefined`; throws with `what` (and the last error) at the deadline. */
export async function waitFor<T>(what: string | (() => string), probe: () => Promise<T | undefined> | T | undefined, o: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const desc = typeof what === 'string' ? what : what();
      const cause = last === undefined ? '' : `\nlast error: ${last instanceof Error ? last.message : String(last)}`;
      throw new Error(`timed out after ${o.timeoutMs ?? 30_000} ms waiting for ${desc}${cause}`);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 250));
  }
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** One device created by `device init`. */
export interface Device {
  name: string;
  home: string;
  deviceId: string;
  card: string;
  daemon?: Proc;
}

/** `status --json` (DESIGN §7). */
export interface StatusJson {
  device: { deviceId: string; name: string; relay: string; connected: boolean };
  quorums: { quorumId: string; name: string; suite: string; threshold: number; members: { deviceId: string; name: string }[]; epoch: number; groupPublicKey: string; share: 'active' | 'pending' | 'none' }[];
}

/** One entry of `requests --json`. */
export interface RequestJson {
  id: string;
  kind: 'dkg' | 'reshare' | 'sign';
  quorumId: string;
  sessionId: string;
  summary: string;
  change?: { operation: 'refresh' | 'restructure'; fromEpoch: number; added: { deviceId: string }[] };
  message?: { hex: string; description: string };
}

/** One entry of `log --json`. */
export interface LogJson {
  seq: number;
  at: number;
  type: string;
  quorumId: string | null;
  sessionId: string | null;
  detail: string;
}

/**
 * A temp directory, a relay process and device daemons. Every process it
 * starts is stopped by `close()`, which also removes the directory.
 */
export class Cluster {
  readonly procs: Proc[] = [];
  readonly devices = new Map<string, Device>();
  relay: Proc | undefined;
  relayUrl = '';

  private constructor(readonly root: string) {}

  static async create(prefix = 'rampart-e2e-cli-'): Promise<Cluster> {
    return new Cluster(await mkdtemp(join(tmpdir(), prefix)));
  }

  /** A cluster with its relay and three running devices: alice, bob and carol. */
  static async trio(prefix: string): Promise<{ cluster: Cluster; devices: [Device, Device, Device] }> {
    const cluster = await Cluster.create(prefix);
    await cluster.startRelay();
    const devices = (await Promise.all(['alice', 'bob', 'carol'].map((n) => cluster.initDevice(n)))) as [Device, Device, Device];
    await Promise.all(devices.map((d) => cluster.startDevice(d)));
    return { cluster, devices };
  }

  /** Starts a child `rampart` process (tracked for cleanup). */
  spawn(label: string, args: string[], env: Record<string, string | undefined> = {}): Proc {
    const p = new Proc(label, args, childEnv(env));
    this.procs.push(p);
    return p;
  }

  /** Runs a command to completion (killed after `timeoutMs`). */
  async run(args: string[], o: { timeoutMs?: number; env?: Record<string, string | undefined>; label?: string } = {}): Promise<CliResult> {
    const p = this.spawn(o.label ?? args[0] ?? 'rampart', args, o.env);
    const timeoutMs = o.timeoutMs ?? 60_000;
    const timer = setTimeout(() => void p.stop(2_000), timeoutMs);
    const { code } = await p.exited;
    clearTimeout(timer);
    return { code, stdout: p.stdout, stderr: p.stderr, proc: p };
  }

  /** Runs a command that must exit 0 and print JSON; returns the parsed JSON. */
  async json<T>(args: string[], o: { timeoutMs?: number; label?: string } = {}): Promise<T> {
    return parseJsonResult<T>(await this.run(args, o));
  }

  /** Starts a long command (quorum create, reshare, sign) in the background; the promise is its parsed JSON. */
  background<T>(args: string[], o: { timeoutMs?: number; label?: string } = {}): { proc: Proc; result: Promise<T> } {
    const p = this.spawn(o.label ?? args[0] ?? 'rampart', args);
    const timeoutMs = o.timeoutMs ?? 120_000;
    const timer = setTimeout(() => void p.stop(2_000), timeoutMs);
    const result = p.exited.then(({ code }) => {
      clearTimeout(timer);
      return parseJsonResult<T>({ code, stdout: p.stdout, stderr: p.stderr, proc: p });
    });
    // Rejections surface where the caller awaits; keep an unawaited failure from crashing the worker.
    result.catch(() => undefined);
    return { proc: p, result };
  }

  /** Spawns `rampart relay` on a free port with a SQLite store; retries if the port was taken meanwhile. */
  async startRelay(): Promise<string> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const p = this.spawn('relay', ['relay', '--host', '127.0.0.1', '--port', String(port), '--db', join(this.root, 'relay.db')]);
      try {
        const m = await p.waitForStderr(/relay listening on (ws:\/\/\S+)/, 30_000);
        this.relay = p;
        this.relayUrl = m[1] as string;
        return this.relayUrl;
      } catch (e) {
        lastError = e;
        await p.stop(1_000);
      }
    }
    throw new Error(`could not start the relay: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }

  /** `device init --keystore file --json`; the device is remembered under `name`. */
  async initDevice(name: string): Promise<Device> {
    const home = join(this.root, name);
    const out = await this.json<{ deviceId: string; name: string; card: string }>(['device', 'init', '--home', home, '--name', name, '--relay', this.relayUrl, '--keystore', 'file', '--json'], { label: `init ${name}` });
    const d: Device = { name, home, deviceId: out.deviceId, card: out.card };
    if (out.name !== name) throw new Error(`device init printed name ${out.name}, expected ${name}`);
    this.devices.set(name, d);
    return d;
  }

  /** Spawns `device run` and waits until its rpc.json exists and it reports a relay connection. */
  async startDevice(d: Device): Promise<void> {
    const p = this.spawn(`device ${d.name}`, ['device', 'run', '--home', d.home]);
    d.daemon = p;
    await waitFor(
      () => `${d.name}'s rpc.json\n${p.describe()}`,
      () => {
        if (!p.running) throw new Error('the daemon exited');
        return existsSync(join(d.home, 'rpc.json')) ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    await waitFor(
      () => `${d.name} to connect to the relay\n${p.describe()}`,
      async () => ((await this.status(d)).device.connected ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }

  /** `status --json` of a device. */
  status(d: Device): Promise<StatusJson> {
    return this.json<StatusJson>(['status', '--home', d.home, '--json'], { label: `status ${d.name}` });
  }

  /** `requests --json` of a device. */
  requests(d: Device): Promise<RequestJson[]> {
    return this.json<RequestJson[]>(['requests', '--home', d.home, '--json'], { label: `requests ${d.name}` });
  }

  /** `log --json` of a device. */
  log(d: Device): Promise<LogJson[]> {
    return this.json<LogJson[]>(['log', '--home', d.home, '--json'], { label: `log ${d.name}` });
  }

  /**
   * Polls `d`'s requests until one matches, approves it with `rampart approve`,
   * and returns it. `pending` (a background command) is checked on every poll
   * so that a proposer that already failed ends the wait with its stderr.
   */
  async approveWhenAsked(d: Device, match: (r: RequestJson) => boolean, what: string, pending?: Proc): Promise<RequestJson> {
    const req = await waitFor(
      () => `${what} at ${d.name}${pending === undefined ? '' : `\n${pending.describe()}`}\n${d.daemon?.describe() ?? ''}`,
      async () => {
        if (pending !== undefined && !pending.running) throw new Error(`the proposer ended first: ${pending.describe()}`);
        return (await this.requests(d)).find(match);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const r = await this.run(['approve', req.id, '--home', d.home], { label: `approve ${d.name}` });
    if (r.code !== 0) throw new Error(`approve failed\n${r.proc.describe()}`);
    if (r.stdout.trim() !== '') throw new Error(`approve printed something unexpected on stdout: ${r.stdout}`);
    return req;
  }

  /** Polls `d`'s requests until none matches (a decided or finished request leaves the inbox). */
  async waitForNoRequest(d: Device, match: (r: RequestJson) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    let left: RequestJson[] = [];
    await waitFor(
      () => `${what} to leave ${d.name}'s requests; still listed: ${JSON.stringify(left.map((r) => ({ kind: r.kind, summary: r.summary })))}`,
      async () => {
        left = (await this.requests(d)).filter(match);
        return left.length === 0 ? true : undefined;
      },
      { timeoutMs, intervalMs: 1_000 },
    );
  }

  /** Polls every device's status until `check` passes for each (another device may commit a moment after the proposer). */
  async waitForStatus(devices: Device[], what: string, check: (s: StatusJson) => boolean, timeoutMs = 60_000): Promise<StatusJson[]> {
    return Promise.all(
      devices.map(async (d) => {
        let last: StatusJson | undefined;
        return waitFor(
          () => `${what} at ${d.name}; last status: ${JSON.stringify(last)}\n${d.daemon?.describe() ?? ''}`,
          async () => {
            last = await this.status(d);
            return check(last) ? last : undefined;
          },
          { timeoutMs, intervalMs: 500 },
        );
      }),
    );
  }

  /** Stops every child (SIGTERM, SIGKILL after a grace period) and removes the temp directory. */
  async close(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop(5_000)));
    await rm(this.root, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Parses a command's JSON result; a non-zero exit or invalid JSON throws with its stderr. */
export function parseJsonResult<T>(r: CliResult): T {
  if (r.code !== 0) throw new Error(`command failed\n${r.proc.describe()}`);
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`command printed no valid JSON\n${r.proc.describe()}`);
  }
}

/** Bytes of a hex string. */
export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'hex'));
}
