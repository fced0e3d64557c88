/** What every relay connection shares (DESIGN §8): the store, limits, clock, logger, counters, delivery frames and the device registry. */
import type { Connection } from './connection.js';
import type { DeliveryFrames } from './delivery-frames.js';
import type { RelayLimits } from './limits.js';
import type { RelayLogger } from './log.js';
import type { RelayStore } from './store.js';

/** Running totals since the relay started. */
export interface RelayCounters {
  framesIn: number;
  garbageFrames: number;
  rateLimited: number;
  authFailures: number;
  connectionsRefused: number;
}

/** The relay's shared state, handed to each connection. */
export interface RelayContext {
  readonly store: RelayStore;
  readonly limits: RelayLimits;
  /** Wall clock (ms) for timestamps and TTL; injectable for tests. */
  readonly now: () => number;
  readonly log: RelayLogger;
  readonly counters: RelayCounters;
  /** Encoded `deliver` frames of recent envelopes, shared by their recipients. */
  readonly frames: DeliveryFrames;
  /** Binds an authenticated connection to its deviceId, closing an older connection of the same device. */
  bind(conn: Connection): void;
  /** Forgets a connection if it is the one bound to its device. */
  unbind(conn: Connection): void;
  /** The connection bound to a device, if it is online. */
  connectionOf(deviceId: string): Connection | undefined;
}
