/**
 * Commits that need no fsync of their own (better-sqlite3, WAL mode): writes
 * whose loss in a power cut is harmless, such as the device's seen-message
 * digests or the relay's acks, where the loss means only one more delivery
 * that is dropped as a duplicate. With synchronous=NORMAL, WAL commits are
 * still atomic and survive a process crash; the next FULL commit fsyncs them.
 */
import type Database from 'better-sqlite3';

/** Runs `fn` (which commits) under synchronous=NORMAL, then puts synchronous back to FULL. */
export function withoutOwnFsync<T>(db: Database.Database, fn: () => T): T {
  // Through db.prepare, not db.pragma: both stores cache prepared statements (statement-cache.ts),
  // and these two run once per incoming message or ack batch.
  db.prepare('PRAGMA synchronous = NORMAL').run();
  try {
    return fn();
  } finally {
    db.prepare('PRAGMA synchronous = FULL').run();
  }
}
