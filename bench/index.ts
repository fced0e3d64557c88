/**
 * `npm run bench`: prints measured numbers, never asserts timing.
 * Two sections: the in-process reshare (no network), then the end-to-end
 * reshare through a relay process (bench/reshare-relay.ts).
 * `npm run bench -- --quick` skips the two largest quorums of the first
 * section and 15-of-20 and 67-of-100 of the second.
 * `--relay-only` / `--inprocess-only` run one section.
 */
import { cpus, loadavg } from 'node:os';
import { SUITE_NAMES } from '../shared/suites.js';
import { benchInProcess, type InProcessResult } from './reshare-inprocess.js';
import { benchRelayRow, median, relayRows, runsFor, type RelayResult } from './reshare-relay.js';

const SIZES: [number, number][] = [
  [2, 3],
  [3, 5],
  [7, 10],
  [15, 20],
  [34, 50],
  [67, 100],
];

const quick = process.argv.includes('--quick');
const sizes = quick ? SIZES.slice(0, 4) : SIZES;

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const pad = (s: string, w: number) => s.padStart(w);

console.log(`Rampart bench — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
if (!process.argv.includes('--relay-only')) inProcessSection();
if (!process.argv.includes('--inprocess-only')) await relaySection();
// Every child is killed by the exit handler of reshare-relay.ts; end even if a stopped client left a timer behind.
process.exit(process.exitCode ?? 0);

function inProcessSection(): void {
  console.log('In-process reshare (refresh t-of-n → t-of-n, |D| = t dealers, every member receives; no network)\n');
  const header = ['suite', 't-of-n', 'total', 'per dealer', 'per receiver', 'verify batched', 'verify naive', 'batched ÷ naive'];
  const widths = [13, 8, 10, 11, 13, 15, 13, 16];
  console.log(header.map((h, i) => pad(h, widths[i]!)).join(' '));
  const rows: InProcessResult[] = [];
  for (const suite of SUITE_NAMES) {
    for (const [t, n] of sizes) {
      const r = benchInProcess(suite, t, n);
      rows.push(r);
      const cells = [
        suite,
        `${t}-of-${n}`,
        fmt(r.totalMs),
        fmt(r.dealMs),
        fmt(r.receiveMs),
        fmt(r.batchedVerifyMs),
        fmt(r.naiveVerifyMs),
        (r.batchedVerifyMs / r.naiveVerifyMs).toFixed(3),
      ];
      console.log(cells.map((c, i) => pad(c, widths[i]!)).join(' '));
    }
  }
  console.log('\nverify = the deal checks of one receiver (Feldman + constant terms), given decoded deals;');
  console.log('batched = one Feldman check over the summed commitments and C\'_0 = stored PK; naive = both checks per dealer.');
}

async function relaySection(): Promise<void> {
  const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
  const kib = (k: number) => `${(k / 1024).toFixed(1)} MiB`;
  const bytes = (b: number) => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(2)} MB` : b >= 1024 ? `${(b / 1024).toFixed(1)} kB` : `${b.toFixed(0)} B`);
  console.log('\nEnd-to-end reshare through the relay on loopback (refresh t-of-n → t-of-n, epoch 1 → 2, |D| = t;');
  console.log(`relay = \`rampart relay\` in its own process on a SQLite file; approvals automatic) — load average at start: ${load()}\n`);
  const header = ['suite', 't-of-n', 'devices', 'runs', 'to certificate', 'all committed', 'CPU total', 'msgs sent/dev', 'bytes sent/dev', 'max', 'msgs recv/dev', 'bytes recv/dev', 'relay RSS idle', 'relay RSS peak'];
  const widths = [13, 9, 13, 4, 15, 14, 10, 13, 14, 10, 13, 14, 14, 14];
  console.log(header.map((h, i) => pad(h, widths[i]!)).join(' '));
  const done: RelayResult[] = [];
  for (const spec of relayRows(quick)) {
    try {
      const r = await benchRelayRow(spec);
      done.push(r);
      const cells = [
        r.suite ?? 'ed25519',
        `${r.t}-of-${r.n}`,
        r.mode === 'processes' ? `${r.n} processes` : r.mode === 'hosted' ? '2 hosts' : 'in-process',
        `${r.toCertificateMs.length}`,
        fmt(median(r.toCertificateMs)),
        fmt(median(r.allCommittedMs)),
        fmt(r.cpuMs),
        r.sentAvg.toFixed(1),
        bytes(r.sentBytesAvg),
        bytes(r.sentBytesMax),
        r.receivedAvg.toFixed(1),
        bytes(r.receivedBytesAvg),
        kib(r.relayIdleRssKiB),
        kib(r.relayPeakRssKiB) + (r.peakSinceStart ? '*' : ''),
      ];
      console.log(cells.map((c, i) => pad(c, widths[i]!)).join(' '));
    } catch (e) {
      process.exitCode = 1;
      console.log(`${pad(spec.suite ?? 'ed25519', widths[0]!)} ${pad(`${spec.t}-of-${spec.n}`, widths[1]!)} ${pad(spec.mode === 'processes' ? `${spec.n} processes` : spec.mode === 'hosted' ? '2 hosts' : 'in-process', widths[2]!)}  failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  console.log(`\nload average at end: ${load()} (other work on this machine inflates wall times)`);
  console.log('to certificate = median over runs of the proposer\'s service.reshare() call until it resolves with the certificate;');
  console.log('all committed = until the last member logged the commit. Each run refreshes its own quorum, set up over the relay by');
  console.log('a DKG 2-of-3 and a reshare to t-of-n that adds the other devices (not timed: "setup" below), so the refresh is epoch 1 → 2.');
  console.log(`Runs per row: ${[3, 10, 20, 100].map((n) => `n=${n}: ${runsFor(n)}`).join(', ')}.`);
  console.log('Approvals are automatic (autoApproveForDemo): "after approvals" means no human wait; the approval messages still travel');
  console.log('and are part of the time and the counts. devices: one child process per device, or in-process clients spread over');
  console.log('2 host processes (one per core; "2 hosts") or all in the bench process (the relay is always its own process). msgs/bytes sent = envelopes a device hands to the relay');
  console.log('(one envelope may name many recipients; bytes = canonical envelope text); recv = envelopes delivered to it; averages');
  console.log('and max are over devices and runs. CPU total = user + system time of every device and the relay during a run (median;');
  console.log('on 2 cores the wall time cannot drop below half of it). relay RSS idle = after setup (includes the tsx loader the relay');
  console.log('runs under); peak = VmHWM, reset just before the reshares (* = could not reset: peak since the relay started).');
  for (const r of done) {
    const p = r.phases;
    console.log(
      `  ${(r.suite ?? 'ed25519').padEnd(12)} ${`${r.t}-of-${r.n}`.padEnd(9)} ${r.mode.padEnd(10)} phases (median ms after the call): proposal sent ${p.proposed.toFixed(0)}, t approvals ${p.approved.toFixed(0)}, ` +
        `last deal ${p.dealt.toFixed(0)}, last ack ${p.acked.toFixed(0)}, certificate ${median(r.toCertificateMs).toFixed(0)}; relay CPU ${fmt(r.relayCpuMs)}; runs ${r.toCertificateMs.map((x) => x.toFixed(0)).join(', ')} ms; setup ${fmt(r.setupMs)}`,
    );
  }
  const target = (t: number, n: number, limitMs: number) =>
    done
      .filter((r) => r.t === t && r.n === n)
      .map((r) => {
        const x = median(r.toCertificateMs);
        return `${r.suite ?? 'ed25519'} ${t}-of-${n} (${r.mode}) < ${fmt(limitMs)}: ${fmt(x)} — ${x < limitMs ? 'met' : 'missed'}`;
      })
      .join('; ') || `${t}-of-${n}: not measured`;
  console.log(`targets (informational, to certificate): ${target(2, 3, 150)}; ${target(67, 100, 15_000)}`);
}
