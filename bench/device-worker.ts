/**
 * One benchmark device (bench/reshare-relay.ts): a real device home (file
 * keystore, low scrypt N) run by `runDevice` with auto-approval (demo only)
 * and no local RPC, plus counters of what it sends and receives through the
 * relay while counting is on.
 *
 * Used two ways: in-process (`BenchDevice.create`, many devices in one
 * process), or forked as a child process (`fork('bench/device-worker.ts')`),
 * one device per process, driven by the IPC requests of `WorkerRequest`.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { CommandParams, CommandResult, EventPayload } from '../shared/api.js';
import { encodeEnvelope, type Envelope } from '../shared/wire/envelope.js';
import { runDevice, type RunningDevice } from '../main/daemon.js';
import { initHome } from '../main/device/home.js';

/** Wall clock in ms with sub-ms resolution, comparable across processes of this machine. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/** `RAMPART_BENCH_TRACE=FILE`: every device appends "wallNow device event kind from" lines to FILE (bench/trace.ts reads them). */
const TRACE = process.env.RAMPART_BENCH_TRACE;
function trace(deviceId: string, what: string, env?: Envelope): void {
  if (TRACE === undefined) return;
  appendFileSync(TRACE, `${wallNow().toFixed(2)} ${deviceId.slice(0, 6)} ${what}${env === undefined ? '' : ` ${env.kind} ${env.from.slice(0, 6)}→${env.to.length}`}\n`);
}

/** How a device is created. */
export interface DeviceInit {
  home: string;
  name: string;
  relayUrl: string;
  passphrase: string;
  scryptN: number;
  /** Bound on connecting to the relay. */
  timeoutMs: number;
}

/** What one device sent and received while counting was on. */
export interface DeviceCounters {
  sent: number;
  sentBytes: number;
  received: number;
  receivedBytes: number;
  /** wallNow() when this device logged the commit of the epoch it was told to wait for (NaN if not yet). */
  committedAt: number;
  /** CPU time (user + system) of this process while counting, in ms (the whole process: every device in it). */
  processCpuMs: number;
}

/** The result of a timed reshare on the proposer. */
export interface TimedReshare {
  /** wallNow() when service.reshare was called. */
  startedAt: number;
  /** From the call to its resolution (the certificate). */
  ms: number;
  result: CommandResult<'reshare'>;
}

/** A device under benchmark. */
export class BenchDevice {
  private counting = false;
  private sentEnvs: Envelope[] = [];
  private received = 0;
  private receivedBytes = 0;
  private cpuAtStart: NodeJS.CpuUsage = process.cpuUsage();
  /** Per log type, the wallNow() of each entry, with its quorum. */
  private readonly logs: { type: string; quorumId: string | null; at: number; detail: string }[] = [];
  private readonly logWaiters = new Set<() => void>();

  private constructor(
    readonly running: RunningDevice,
    readonly card: string,
    readonly deviceId: string,
  ) {
    const relay = running.relay;
    // Count what leaves: keep the envelopes, encode them only when asked (not inside the timed run).
    const send = relay.send.bind(relay);
    relay.send = (env, opts) => {
      if (this.counting) this.sentEnvs.push(env);
      trace(deviceId, 'send', env);
      return send(env, opts);
    };
    // Count what arrives: the relay client hands over the canonical text it received.
    const service = running.service;
    relay.setHandler((env, raw) => {
      if (this.counting) {
        this.received++;
        this.receivedBytes += Buffer.byteLength(raw);
      }
      trace(deviceId, 'recv', env);
      const done = service.receive(env);
      return TRACE === undefined ? done : Promise.resolve(done).finally(() => trace(deviceId, 'done', env));
    });
    service.on((event, payload) => {
      if (event === 'logAppended') trace(deviceId, `log ${(payload as EventPayload<'logAppended'>).type}`);
    });
    service.on((event, payload) => {
      if (event !== 'logAppended') return;
      const p = payload as EventPayload<'logAppended'>;
      this.logs.push({ type: p.type, quorumId: p.quorumId, at: wallNow(), detail: p.detail });
      for (const w of [...this.logWaiters]) w();
    });
  }

  /** Creates the home, starts the device and waits until it is connected to the relay. */
  static async create(o: DeviceInit): Promise<BenchDevice> {
    await initHome(o.home, { name: o.name, relay: o.relayUrl, keystore: 'file', passphrase: o.passphrase, scryptN: o.scryptN });
    const running = await runDevice(o.home, { passphrase: o.passphrase, rpc: false, autoApproveForDemo: true });
    try {
      await running.relay.waitConnected({ timeoutMs: o.timeoutMs });
      const { card } = await running.service.card();
      return new BenchDevice(running, card, running.service.deviceId);
    } catch (e) {
      await running.stop();
      throw e;
    }
  }

  createQuorum(p: CommandParams<'createQuorum'>): Promise<CommandResult<'createQuorum'>> {
    return this.running.service.createQuorum(p);
  }

  /** Resolves with the wallNow() of the `count`-th log entry of `type` for `quorumId`; rejects after timeoutMs. */
  waitLog(type: string, quorumId: string, count: number, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const aborted = this.logs.find((l) => l.quorumId === quorumId && /-aborted$/.test(l.type));
        const hits = this.logs.filter((l) => l.type === type && l.quorumId === quorumId);
        if (hits.length >= count) return finish(undefined, hits[count - 1]!.at);
        if (aborted !== undefined) return finish(new Error(`${this.deviceId.slice(0, 8)}: ${aborted.type}: ${aborted.detail}`));
      };
      const finish = (err: Error | undefined, at?: number) => {
        clearTimeout(timer);
        this.logWaiters.delete(check);
        if (err) reject(err);
        else resolve(at!);
      };
      const timer = setTimeout(() => finish(new Error(`${this.deviceId.slice(0, 8)}: no ${type} #${count} within ${timeoutMs} ms`)), timeoutMs);
      this.logWaiters.add(check);
      check();
    });
  }

  /** Zeroes the counters and starts counting. */
  startCounting(): void {
    this.sentEnvs = [];
    this.received = 0;
    this.receivedBytes = 0;
    this.cpuAtStart = process.cpuUsage();
    this.counting = true;
  }

  /** Stops counting and returns the counters; `committedAt` is the `count`-th reshare commit of `quorumId`. */
  report(quorumId: string, count: number): DeviceCounters {
    this.counting = false;
    const cpu = process.cpuUsage(this.cpuAtStart);
    const commits = this.logs.filter((l) => l.type === 'reshare-committed' && l.quorumId === quorumId);
    return {
      sent: this.sentEnvs.length,
      sentBytes: this.sentEnvs.reduce((s, e) => s + Buffer.byteLength(encodeEnvelope(e)), 0),
      received: this.received,
      receivedBytes: this.receivedBytes,
      committedAt: commits[count - 1]?.at ?? Number.NaN,
      processCpuMs: (cpu.user + cpu.system) / 1000,
    };
  }

  /** The log entries of `quorumId` this device appended at or after `since` (wallNow()), oldest first. */
  logsSince(quorumId: string, since: number): { type: string; at: number }[] {
    return this.logs.filter((l) => l.quorumId === quorumId && l.at >= since).map(({ type, at }) => ({ type, at }));
  }

  /** Proposer: a reshare (a refresh with only `quorumId`), timed from the call to the certificate. */
  async reshare(p: CommandParams<'reshare'>): Promise<TimedReshare> {
    const startedAt = wallNow();
    const t0 = performance.now();
    const result = await this.running.service.reshare(p);
    return { startedAt, ms: performance.now() - t0, result };
  }

  stop(): Promise<void> {
    return this.running.stop();
  }
}

/** IPC requests of a forked device worker: one device per process, or several ('hosted'), picked by `device`. */
export type WorkerRequest = WorkerOp & { device?: number };
type WorkerOp =
  | { id: number; op: 'init'; init: DeviceInit }
  | { id: number; op: 'createQuorum'; params: CommandParams<'createQuorum'> }
  | { id: number; op: 'waitLog'; type: string; quorumId: string; count: number; timeoutMs: number }
  | { id: number; op: 'startCounting' }
  | { id: number; op: 'report'; quorumId: string; count: number }
  | { id: number; op: 'reshare'; params: CommandParams<'reshare'> }
  | { id: number; op: 'logs'; quorumId: string; since: number }
  | { id: number; op: 'stop' };

/** IPC answers: `ok` with the result of the request, or its error message. */
export type WorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/**
 * `RAMPART_BENCH_CPU_PROFILE=DIR`: each worker process writes one V8 CPU profile of the measured
 * window (first `startCounting` to first `report`) to DIR/worker-<pid>.cpuprofile.
 */
function measuredWindowProfiler(): { start(): void; stop(): Promise<void> } {
  const dir = process.env.RAMPART_BENCH_CPU_PROFILE;
  if (dir === undefined || dir === '') return { start() {}, stop: async () => {} };
  const session = new Session();
  session.connect();
  let state: 'idle' | 'running' | 'done' = 'idle';
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) => session.post(method, (err, res) => (err ? reject(err) : resolve(res))));
  return {
    start() {
      if (state !== 'idle') return;
      state = 'running';
      void post('Profiler.enable').then(() => post('Profiler.start'));
    },
    async stop() {
      if (state !== 'running') return;
      state = 'done';
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(join(dir, `worker-${process.pid}.cpuprofile`), JSON.stringify(profile));
    },
  };
}

async function serve(): Promise<void> {
  const devices: (BenchDevice | undefined)[] = [];
  const profiler = measuredWindowProfiler();
  const answer = (r: WorkerResponse) => process.send?.(r);
  const handle = async (m: WorkerRequest): Promise<unknown> => {
    if (m.op === 'init') {
      const d = await BenchDevice.create(m.init);
      devices.push(d);
      return { card: d.card, deviceId: d.deviceId, index: devices.length - 1 };
    }
    const i = m.device ?? 0;
    if (m.op === 'stop') {
      await devices[i]?.stop();
      devices[i] = undefined;
      // The process ends with its last device.
      if (devices.every((d) => d === undefined)) setImmediate(() => process.exit(0));
      return {};
    }
    const device = devices[i];
    if (device === undefined) throw new Error('device not initialised');
    switch (m.op) {
      case 'createQuorum':
        return device.createQuorum(m.params);
      case 'waitLog':
        return device.waitLog(m.type, m.quorumId, m.count, m.timeoutMs);
      case 'startCounting':
        profiler.start();
        return device.startCounting();
      case 'report':
        await profiler.stop();
        return device.report(m.quorumId, m.count);
      case 'reshare':
        return device.reshare(m.params);
      case 'logs':
        return device.logsSince(m.quorumId, m.since);
    }
  };
  process.on('message', (m: WorkerRequest) => {
    handle(m).then(
      (result) => answer({ id: m.id, ok: true, result: result ?? null }),
      (e: unknown) => answer({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
  });
  // The parent went away (finished, crashed or killed): never linger.
  process.on('disconnect', () => process.exit(0));
}

if (process.send !== undefined && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) void serve();
