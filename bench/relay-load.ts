/**
 * Relay load (DESIGN §8): `npx tsx bench/relay-load.ts [--devices N] [--messages M]`.
 * Starts a relay on a temporary SQLite file, connects N RelayClients, has each
 * send M signed envelopes to another device, and prints how long it took until
 * every envelope was handled and acked. Prints measured numbers, never asserts timing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { RelayClient } from '../main/relay/client.js';
import { silentLogger } from '../relay/log.js';
import { startRelay } from '../relay/server.js';
import { deviceIdOf, devicePublicKeys, generateDeviceKeys } from '../shared/identity.js';
import { signEnvelope, type Envelope } from '../shared/wire/envelope.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

const N = arg('devices', 20);
const M = arg('messages', 200);
const dir = mkdtempSync(join(tmpdir(), 'rampart-relay-bench-'));
const relay = await startRelay({ dbPath: join(dir, 'relay.db'), logger: silentLogger, limits: { rateFramesPerSec: 10_000, rateBurst: 20_000 } });
const devices = Array.from({ length: N }, () => {
  const keys = generateDeviceKeys();
  return { keys, deviceId: deviceIdOf(devicePublicKeys(keys).identityKey) };
});

let received = 0;
const total = N * M;
let allIn!: () => void;
const done = new Promise<void>((r) => (allIn = r));
const clients = devices.map(
  (d) =>
    new RelayClient({
      url: relay.url,
      identity: d.keys,
      onEnvelope: () => {
        if (++received === total) allIn();
      },
    }),
);
for (const c of clients) c.start();
await Promise.all(clients.map((c) => c.waitConnected({ timeoutMs: 10_000 })));

const tSign = performance.now();
const outgoing: Envelope[][] = devices.map((d, i) =>
  Array.from({ length: M }, (_, seq) =>
    signEnvelope(
      {
        v: 1,
        kind: 'reshare/withdraw',
        quorumId: bytesToHex(randomBytes(16)),
        sessionId: bytesToHex(randomBytes(16)),
        epoch: 0,
        from: d.deviceId,
        to: [devices[(i + 1) % N]!.deviceId],
        seq,
        body: { proposalHash: bytesToHex(randomBytes(32)) },
      },
      d.keys.signingKey,
    ),
  ),
);
const signMs = performance.now() - tSign;

const t0 = performance.now();
await Promise.all(clients.map((c, i) => Promise.all(outgoing[i]!.map((e) => c.send(e)))));
const acceptedMs = performance.now() - t0;
await done;
while (relay.stats().pendingDeliveries > 0) await new Promise((r) => setTimeout(r, 5));
const ms = performance.now() - t0;

console.log(`Relay load — Node ${process.version}: ${N} devices × ${M} envelopes = ${total} envelopes (SQLite file, synchronous=FULL)`);
console.log(`  signing (not timed below)  ${signMs.toFixed(0)} ms`);
console.log(`  all accepted               ${acceptedMs.toFixed(0)} ms`);
console.log(`  all delivered and acked    ${ms.toFixed(0)} ms  (${((total / ms) * 1000).toFixed(0)} envelopes/s)`);
await Promise.all(clients.map((c) => c.stop()));
await relay.close();
rmSync(dir, { recursive: true, force: true });
