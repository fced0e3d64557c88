/**
 * The relay's limits (DESIGN §8: frame size, mailbox quota, per-connection
 * rate, auth timeout) with their defaults, and the token bucket behind the rate limit.
 */
import { performance } from 'node:perf_hooks';
import { MAX_ENVELOPE_BYTES } from '../shared/wire/envelope.js';

/** Every configurable limit of the relay. */
export interface RelayLimits {
  /** Largest WebSocket frame (ws maxPayload); larger closes with 1009. Envelopes themselves stay ≤ 1 MiB. */
  maxFrameBytes: number;
  /** Time a new connection has to answer the challenge. */
  authTimeoutMs: number;
  /** How long an undelivered (unacked) envelope is kept. */
  ttlMs: number;
  /** Pending envelopes per recipient. */
  mailboxMaxMessages: number;
  /** Pending envelope bytes per recipient. */
  mailboxMaxBytes: number;
  /** Sustained frames per second per connection (token refill rate). */
  rateFramesPerSec: number;
  /** Burst of frames per connection (bucket size). */
  rateBurst: number;
  /** Frames refused for rate before the connection is closed (sustained abuse). */
  rateStrikesBeforeClose: number;
  /** Invalid frames (non-JSON, wrong schema) after authentication before the connection is closed. */
  maxGarbageFrames: number;
  /** Simultaneous connections (authenticated or not). */
  maxConnections: number;
  /** Stored certificates per quorum (all forks and epochs). */
  maxCertificatesPerQuorum: number;
  /** Deliveries in flight (sent, not yet acked) per connection; more follow as acks arrive. */
  deliveryWindow: number;
  /** Interval of WebSocket pings; a connection that misses one pong is terminated. */
  heartbeatMs: number;
  /** Interval of the sweep that deletes expired envelopes. */
  sweepMs: number;
}

/** The defaults: generous for a fleet of signers, tight enough that one device cannot exhaust the relay. */
export const DEFAULT_LIMITS: Readonly<RelayLimits> = Object.freeze({
  // An envelope (≤ 1 MiB) travels JSON-escaped inside a frame; escaping can add a few hundred KiB.
  maxFrameBytes: 2 * MAX_ENVELOPE_BYTES,
  authTimeoutMs: 5_000,
  ttlMs: 7 * 24 * 3600 * 1000,
  mailboxMaxMessages: 10_000,
  mailboxMaxBytes: 256 * 1024 * 1024,
  rateFramesPerSec: 200,
  rateBurst: 400,
  rateStrikesBeforeClose: 100,
  maxGarbageFrames: 32,
  maxConnections: 10_000,
  maxCertificatesPerQuorum: 1_024,
  deliveryWindow: 64,
  heartbeatMs: 30_000,
  sweepMs: 60_000,
});

/** Defaults overridden by `partial`; throws on a non-positive or non-finite value. */
export function resolveLimits(partial: Partial<RelayLimits> = {}): RelayLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [k, v] of Object.entries(limits)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`relay limit ${k} must be a positive number`);
  }
  return limits;
}

/** A token bucket on the monotonic clock (never the injected wall clock, which tests may freeze). */
export class TokenBucket {
  private tokens: number;
  private last: number;

  /** A full bucket of `burst` tokens refilled at `perSec`. */
  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const t = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSec);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
