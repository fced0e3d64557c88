/**
 * `npm run bench`: prints measured numbers, never asserts timing.
 * `npm run bench -- --quick` skips the two largest quorums.
 */
import { cpus } from 'node:os';
import { SUITE_NAMES } from '../shared/suites.js';
import { benchInProcess, type InProcessResult } from './reshare-inprocess.js';

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
