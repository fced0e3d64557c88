/**
 * End-to-end reshare through the relay on loopback (the second section of
 * `npm run bench`; also runnable alone: `npx tsx bench/reshare-relay.ts
 * [--quick] [--rows 2-of-3:processes,67-of-100:in-process] [--runs K] [--sequential]`).
 *
 * The relay is its own process (`rampart relay` on a temporary SQLite file),
 * so its peak RSS can be read from /proc (VmHWM, reset through clear_refs
 * once the devices are connected and the quorum exists). Devices are real
 * device homes (file keystore, low scrypt N) run by `runDevice` with
 * auto-approval (demo only): one child process per device, or all of them
 * as in-process clients of one process. One quorum per run is set up over
 * the relay (a DKG 2-of-3 among the first three devices, then a reshare to
 * t-of-n adding the others); then the first member refreshes each (t-of-n →
 * t-of-n, epoch 1 → 2; `--sequential` refreshes one quorum again and again
 * instead, which shows how the cost grows with the chain). Each run is timed from the
 * call to `service.reshare` on the proposer to its resolution (the
 * certificate), and until every member logged the commit. Every device
 * counts the envelopes it sends and receives during the reshare.
 * Prints measured numbers, never asserts timing. `RAMPART_BENCH_TRACE=FILE`
 * appends a per-message timeline; `RAMPART_BENCH_CPU_PROFILE=DIR` writes a V8
 * CPU profile of the measured window per device process (worker-<pid>) and
 * one of the relay's whole life (DIR/relay/). A step that runs far over its
 * usual time gets each process's JavaScript stack printed (bench/stall-report.ts).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { reportArgs, watchStall } from './stall-report.js';
import type { CommandParams, CommandResult } from '../shared/api.js';
import type { SuiteName } from '../shared/suites.js';
import { BenchDevice, type DeviceCounters, type DeviceInit, type TimedReshare, type WorkerRequest, type WorkerResponse } from './device-worker.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORKER = join(ROOT, 'bench', 'device-worker.ts');
const SCRYPT_N = 1 << 10;

/**
 * How the devices of a row run: one child process each; all in the bench process; or 'hosted':
 * in-process clients spread over HOSTS child processes (one per core), so a quorum too large for
 * a process per device still uses both cores.
 */
export type DeviceMode = 'processes' | 'in-process' | 'hosted';
const HOSTS = 2;

/** One row to measure. */
export interface RelayRowSpec {
  t: number;
  n: number;
  mode: DeviceMode;
  /** The quorum's suite (default ed25519). */
  suite?: SuiteName;
}

/** One measured row. */
export interface RelayResult extends RelayRowSpec {
  /** Proposer: service.reshare → certificate, one entry per run (ms). */
  toCertificateMs: number[];
  /** service.reshare → the last member logged the commit, per run (ms). */
  allCommittedMs: number[];
  /** Median ms after the call: proposal sent, t approvals in, last deal sent, last member acked (share pending). */
  phases: { proposed: number; approved: number; dealt: number; acked: number };
  /** Median time to set a quorum up over the relay (DKG 2-of-3, then a reshare to t-of-n; not part of the measurement). */
  setupMs: number;
  /** Per device and run: envelopes and bytes sent, envelopes and bytes received. */
  sentAvg: number;
  sentMax: number;
  sentBytesAvg: number;
  sentBytesMax: number;
  receivedAvg: number;
  receivedBytesAvg: number;
  receivedBytesMax: number;
  /** Median CPU time (user + system) per run, all devices and the relay together, and the relay's part (ms). */
  cpuMs: number;
  relayCpuMs: number;
  /** Relay RSS (KiB) once everything was set up, and its peak over the reshares (undefined: peak since start). */
  relayIdleRssKiB: number;
  relayPeakRssKiB: number;
  peakSinceStart: boolean;
}

/** The rows of the relay section (the largest two are skipped with --quick). */
export function relayRows(quick: boolean): RelayRowSpec[] {
  const rows: RelayRowSpec[] = [
    { t: 2, n: 3, mode: 'processes' },
    { t: 3, n: 5, mode: 'processes' },
    { t: 7, n: 10, mode: 'processes' },
    { t: 15, n: 20, mode: 'processes' },
    { t: 15, n: 20, mode: 'hosted' },
    { t: 67, n: 100, mode: 'hosted' },
    { t: 67, n: 100, mode: 'hosted', suite: 'secp256k1-tr' },
  ];
  return quick ? rows.filter((r) => r.n <= 10) : rows;
}

/** Runs per row: more for the small, fast quorums (the median is reported). */
export const runsFor = (n: number): number => (n <= 10 ? 5 : n <= 20 ? 2 : 1);

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`bench: ${what} took longer than ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every child process still running: killed when this process exits, however it exits. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});
function track(c: ChildProcess): ChildProcess {
  live.add(c);
  c.once('exit', () => live.delete(c));
  return c;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A device, wherever it runs. */
interface DeviceHandle {
  card: string;
  deviceId: string;
  createQuorum(p: CommandParams<'createQuorum'>, timeoutMs: number): Promise<CommandResult<'createQuorum'>>;
  waitLog(type: string, quorumId: string, count: number, timeoutMs: number): Promise<number>;
  startCounting(): Promise<void>;
  report(quorumId: string, count: number): Promise<DeviceCounters>;
  reshare(p: CommandParams<'reshare'>, timeoutMs: number): Promise<TimedReshare>;
  logs(quorumId: string, since: number): Promise<{ type: string; at: number }[]>;
  /** Stops gracefully, bounded (a process that does not exit in time is killed). */
  stop(): Promise<void>;
}

function inProcess(d: BenchDevice): DeviceHandle {
  return {
    card: d.card,
    deviceId: d.deviceId,
    createQuorum: (p, ms) => withTimeout(d.createQuorum(p), ms, 'createQuorum'),
    waitLog: (type, q, count, ms) => d.waitLog(type, q, count, ms),
    startCounting: async () => d.startCounting(),
    report: async (q, count) => d.report(q, count),
    reshare: (p, ms) => withTimeout(d.reshare(p), ms, 'reshare'),
    logs: async (q, since) => d.logsSince(q, since),
    stop: () => withTimeout(d.stop(), 5_000, 'device stop').catch(() => undefined),
  };
}

/** Request ids, unique across every child device (hosted devices share a process and its IPC channel). */
let nextRequestId = 1;

/** A device in its own process (bench/device-worker.ts), driven over IPC. */
class ChildDevice implements DeviceHandle {
  card = '';
  deviceId = '';
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    /** This device's index inside its process (hosted mode); 0 when it has the process alone. */
    private index = 0,
  ) {
    child.on('message', (m: WorkerResponse) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`device process exited (${signal ?? code})`));
      }
      this.pending.clear();
    });
  }

  static spawn(): ChildDevice {
    const child = track(fork(WORKER, [], { cwd: ROOT, execArgv: ['--import', 'tsx', ...reportArgs()], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    child.setMaxListeners(0); // hosted mode: every device of the process listens on it
    return new ChildDevice(child);
  }

  /** Another device in the same process as `host` (hosted mode). */
  static alongside(host: ChildDevice): ChildDevice {
    const d = new ChildDevice(host.child);
    d.shared = true;
    host.shared = true;
    return d;
  }

  /** Shares its process with other devices: stopping it does not end the process. */
  private shared = false;

  async init(init: DeviceInit, timeoutMs: number): Promise<void> {
    const r = (await this.request({ op: 'init', init }, timeoutMs)) as { card: string; deviceId: string; index: number };
    this.card = r.card;
    this.deviceId = r.deviceId;
    this.index = r.index;
  }

  private request(req: WithoutId<WorkerRequest>, timeoutMs: number): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error('device process has exited'));
    const id = nextRequestId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`bench: device ${req.op} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child.send({ ...req, id, device: this.index } as WorkerRequest);
    });
  }

  createQuorum(params: CommandParams<'createQuorum'>, timeoutMs: number) {
    return this.request({ op: 'createQuorum', params }, timeoutMs) as Promise<CommandResult<'createQuorum'>>;
  }

  waitLog(type: string, quorumId: string, count: number, timeoutMs: number) {
    return this.request({ op: 'waitLog', type, quorumId, count, timeoutMs }, timeoutMs + 1_000) as Promise<number>;
  }

  async startCounting() {
    await this.request({ op: 'startCounting' }, 10_000);
  }

  report(quorumId: string, count: number) {
    return this.request({ op: 'report', quorumId, count }, 10_000) as Promise<DeviceCounters>;
  }

  reshare(params: CommandParams<'reshare'>, timeoutMs: number) {
    return this.request({ op: 'reshare', params }, timeoutMs) as Promise<TimedReshare>;
  }

  logs(quorumId: string, since: number) {
    return this.request({ op: 'logs', quorumId, since }, 10_000) as Promise<{ type: string; at: number }[]>;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    if (this.shared) {
      await this.request({ op: 'stop' }, 5_000).catch(() => undefined);
      return;
    }
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    await this.request({ op: 'stop' }, 5_000).catch(() => undefined);
    await withTimeout(exited, 3_000, 'device exit').catch(() => this.kill());
  }

  /** The device's process id. */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Ends the process at once. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** /proc/<pid>/status fields in KiB. */
function procStatusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`bench: no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
}

/** CPU time (user + system) a process of ours has used so far, in ms (clock ticks of 10 ms). */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime (fields 14, 15) in USER_HZ = 100
}

/** Resets the peak RSS (VmHWM) of a process of ours to its current RSS; false where Linux does not allow it. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** With RAMPART_BENCH_CPU_PROFILE=DIR the relay writes a V8 CPU profile of its whole life to DIR/relay/ (on exit). */
function relayProfileArgs(): string[] {
  const dir = process.env.RAMPART_BENCH_CPU_PROFILE;
  return dir === undefined || dir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}/relay`];
}

/** `rampart relay` in its own process, on a free port and a temporary SQLite file. */
async function startRelayProcess(dbPath: string): Promise<{ url: string; pid: number; stop(): Promise<void>; kill(): void }> {
  const child = track(
    spawn(process.execPath, [...relayProfileArgs(), ...reportArgs(), '--import', 'tsx', join(ROOT, 'main', 'cli', 'bin.ts'), 'relay', '--port', '0', '--db', dbPath], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  let exited = false;
  const exit = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  const kill = () => void (exited || child.kill('SIGKILL'));
  let tail = '';
  try {
    const url = await withTimeout(
      new Promise<string>((resolve, reject) => {
        child.stderr!.setEncoding('utf8');
        child.stderr!.on('data', (chunk: string) => {
          tail = (tail + chunk).slice(-4_000); // keep draining; keep only the end for error messages
          const m = /relay listening on (ws:\/\/\S+)/.exec(tail);
          if (m) resolve(m[1]!);
        });
        void exit.then(() => reject(new Error(`relay process exited: ${tail}`)));
      }),
      30_000,
      'relay start',
    );
    return {
      url,
      pid: child.pid!,
      kill,
      async stop() {
        if (exited) return;
        child.kill('SIGTERM');
        await withTimeout(exit, 5_000, 'relay exit').catch(kill);
      },
    };
  } catch (e) {
    kill();
    throw e;
  }
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Median of a list (the lower middle for an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** Sets up one quorum over a relay process and times `runs` refreshes of it. */
export async function benchRelayRow(spec: RelayRowSpec, o: { runs?: number; chain?: 'fresh' | 'sequential'; log?: (line: string) => void } = {}): Promise<RelayResult> {
  const { t, n, mode } = spec;
  const { runs = runsFor(n), chain = 'fresh', log = () => undefined } = o;
  const root = await mkdtemp(join(tmpdir(), 'rampart-bench-relay-'));
  const passphrase = randomBytes(16).toString('hex');
  const devices: DeviceHandle[] = [];
  const children: ChildDevice[] = [];
  let relay: Awaited<ReturnType<typeof startRelayProcess>> | undefined;
  try {
    relay = await startRelayProcess(join(root, 'relay.db'));
    const init = (i: number): DeviceInit => ({ home: join(root, `d${i}`), name: `bench-${i}`, relayUrl: relay!.url, passphrase, scryptN: SCRYPT_N, timeoutMs: 30_000 });
    // Bounds on every wait (generous: the work grows about as n²).
    const setupMs = 60_000 + n * n * 60;
    if (mode === 'processes') {
      for (let i = 0; i < n; i++) children.push(ChildDevice.spawn());
      await withTimeout(Promise.all(children.map((c, i) => c.init(init(i), setupMs))), setupMs, `starting ${n} device processes`);
      devices.push(...children);
    } else if (mode === 'hosted') {
      const hosts = Array.from({ length: Math.min(HOSTS, n) }, () => ChildDevice.spawn());
      children.push(...hosts);
      const all = Array.from({ length: n }, (_, i) => (i < hosts.length ? hosts[i]! : ChildDevice.alongside(hosts[i % hosts.length]!)));
      // One at a time per host (each init is a device start inside that process).
      for (let i = 0; i < n; i++) await all[i]!.init(init(i), 30_000);
      devices.push(...all);
    } else {
      for (let i = 0; i < n; i++) devices.push(inProcess(await withTimeout(BenchDevice.create(init(i)), 30_000, 'device start')));
    }
    log(`  ${t}-of-${n}: ${n} devices up (${mode}); setting up the quorum…`);

    const proposer = devices[0]!;
    // Setting up a t-of-n quorum: a DKG over the relay among the first three devices (2-of-3), then a
    // reshare to t-of-n that adds the others (a DKG of 67-of-100 would take far longer than the reshare
    // measured here). The measured refresh is then epoch 1 → 2. 'fresh': one quorum per run;
    // 'sequential': one quorum refreshed again and again (epochs 2, 3, ...: the chain grows).
    const quorums: CommandResult<'createQuorum'>[] = [];
    const setupTimes: number[] = [];
    // A step far over its usual time gets every process's stack printed (bench/stall-report.ts).
    const stallMs = 30_000 + n * n * 6;
    const pids = () => [...new Set(children.map((c) => c.pid)), relay!.pid];
    for (let k = 0; k < (chain === 'fresh' ? runs : 1); k++) {
      const endWatch = watchStall(`${t}-of-${n} setup ${k + 1}`, stallMs, pids, log);
      const t0 = performance.now();
      const q = await proposer.createQuorum({ name: `Bench ${k}`, suite: spec.suite ?? 'ed25519', threshold: 2, members: devices.slice(1, 3).map((d) => d.card) }, setupMs);
      await Promise.all(devices.slice(0, 3).map((d) => d.waitLog('quorum-created', q.quorumId, 1, setupMs)));
      const grow = t === 2 && n === 3 ? {} : { threshold: t, add: devices.slice(3).map((d) => d.card) };
      const r = await proposer.reshare({ quorumId: q.quorumId, ...grow }, setupMs);
      if (r.result.epoch !== 1 || r.result.threshold !== t) throw new Error(`bench: unexpected setup result ${JSON.stringify(r.result)}`);
      await Promise.all(devices.map((d) => d.waitLog('reshare-committed', q.quorumId, 1, setupMs)));
      setupTimes.push(performance.now() - t0);
      endWatch();
      quorums.push(q);
    }
    await sleep(100); // let the last acks reach the relay

    const resetOk = resetPeakRss(relay.pid);
    const relayIdleRssKiB = procStatusKiB(relay.pid, 'VmRSS');
    const toCertificateMs: number[] = [];
    const allCommittedMs: number[] = [];
    const samples: DeviceCounters[] = [];
    const phases: RelayResult['phases'][] = [];
    const cpu: { total: number; relay: number }[] = [];
    const runMs = 60_000 + n * n * 50;
    for (let k = 1; k <= runs; k++) {
      const q = chain === 'fresh' ? quorums[k - 1]! : quorums[0]!;
      const epoch = chain === 'fresh' ? 2 : k + 1;
      await Promise.all(devices.map((d) => d.startCounting()));
      const relayCpu0 = procCpuMs(relay.pid);
      const endWatch = watchStall(`${t}-of-${n} run ${k}`, stallMs, pids, log);
      const r = await proposer.reshare({ quorumId: q.quorumId }, runMs);
      if (r.result.epoch !== epoch || r.result.groupPublicKey !== q.groupPublicKey) throw new Error(`bench: unexpected reshare result ${JSON.stringify(r.result)}`);
      const committed = await Promise.all(devices.map((d) => d.waitLog('reshare-committed', q.quorumId, epoch, runMs)));
      endWatch();
      await sleep(50); // acks of the last deliveries
      const reports = await Promise.all(devices.map((d) => d.report(q.quorumId, epoch)));
      const relayCpuMs = procCpuMs(relay.pid) - relayCpu0;
      // Processes: each report is its own process; in-process: every report is this same process.
      // processCpuMs is per process: add up distinct processes (hosted devices report their host's).
      const deviceCpuMs =
        mode === 'processes'
          ? reports.reduce((x, c) => x + c.processCpuMs, 0)
          : mode === 'hosted'
            ? Array.from({ length: Math.min(HOSTS, n) }, (_, h) => Math.max(...reports.filter((_, i) => i % Math.min(HOSTS, n) === h).map((c) => c.processCpuMs))).reduce((x, y) => x + y, 0)
            : Math.max(...reports.map((c) => c.processCpuMs));
      cpu.push({ total: deviceCpuMs + relayCpuMs, relay: relayCpuMs });
      toCertificateMs.push(r.ms);
      const logs = (await Promise.all(devices.map((d) => d.logs(q.quorumId, r.startedAt)))).flat();
      const at = (type: string) => logs.filter((l) => l.type === type).map((l) => l.at - r.startedAt).sort((a, b) => a - b);
      phases.push({
        proposed: at('reshare-proposed')[0] ?? Number.NaN,
        approved: at('reshare-approved')[t - 2] ?? Number.NaN, // the proposer's own approval is its proposal
        dealt: Math.max(...at('reshare-dealt')),
        acked: Math.max(...at('reshare-share-pending')),
      });
      allCommittedMs.push(Math.max(...committed) - r.startedAt);
      samples.push(...reports);
      log(`  ${t}-of-${n} run ${k} (epoch ${epoch - 1} → ${epoch}): certificate ${r.ms.toFixed(1)} ms, all committed ${(Math.max(...committed) - r.startedAt).toFixed(1)} ms, CPU ${cpu.at(-1)!.total.toFixed(0)} ms`);
    }
    const relayPeakRssKiB = procStatusKiB(relay.pid, 'VmHWM');
    const col = (f: (c: DeviceCounters) => number) => samples.map(f);
    return {
      ...spec,
      toCertificateMs,
      allCommittedMs,
      setupMs: median(setupTimes),
      cpuMs: median(cpu.map((c) => c.total)),
      relayCpuMs: median(cpu.map((c) => c.relay)),
      phases: {
        proposed: median(phases.map((p) => p.proposed)),
        approved: median(phases.map((p) => p.approved)),
        dealt: median(phases.map((p) => p.dealt)),
        acked: median(phases.map((p) => p.acked)),
      },
      sentAvg: mean(col((c) => c.sent)),
      sentMax: Math.max(...col((c) => c.sent)),
      sentBytesAvg: mean(col((c) => c.sentBytes)),
      sentBytesMax: Math.max(...col((c) => c.sentBytes)),
      receivedAvg: mean(col((c) => c.received)),
      receivedBytesAvg: mean(col((c) => c.receivedBytes)),
      receivedBytesMax: Math.max(...col((c) => c.receivedBytes)),
      relayIdleRssKiB,
      relayPeakRssKiB,
      peakSinceStart: !resetOk,
    };
  } finally {
    await Promise.all(devices.map((d) => d.stop()));
    for (const c of children) c.kill(); // those that failed before joining `devices`, and any straggler
    await relay?.stop();
    await rm(root, { recursive: true, force: true });
  }
}

// ---- standalone: npx tsx bench/reshare-relay.ts [--quick] [--rows 2-of-3:processes,67-of-100:in-process] [--runs K] [--sequential]

function parseRows(s: string): RelayRowSpec[] {
  return s.split(',').map((part) => {
    const m = /^(\d+)-of-(\d+)(?::(processes|in-process|hosted))?(?::(ed25519|secp256k1-tr))?$/.exec(part.trim());
    if (m === null) throw new Error(`bad row ${part}: use t-of-n[:processes|:in-process|:hosted][:ed25519|:secp256k1-tr]`);
    return { t: Number(m[1]), n: Number(m[2]), mode: (m[3] as DeviceMode | undefined) ?? 'processes', suite: (m[4] as SuiteName | undefined) ?? 'ed25519' };
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--rows');
  const rows = i >= 0 ? parseRows(process.argv[i + 1] ?? '') : relayRows(process.argv.includes('--quick'));
  const j = process.argv.indexOf('--runs');
  const runs = j >= 0 ? Number(process.argv[j + 1]) : undefined;
  const chain = process.argv.includes('--sequential') ? 'sequential' : 'fresh';
  for (const row of rows) {
    const r = await benchRelayRow(row, { ...(runs === undefined ? {} : { runs }), chain, log: (l) => console.log(l) });
    console.log(JSON.stringify(r));
  }
}
