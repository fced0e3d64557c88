/**
 * The relay's durable state (DESIGN §8) in SQLite (better-sqlite3): the
 * mailbox of undelivered envelopes, one row per recipient until that
 * recipient acks it or its TTL passes, and every valid certificate it was given.
 * Writes that answer a device (store an envelope, take an ack) go through a
 * group commit (`later`): every such write queued during one event-loop turn
 * runs in ONE transaction with synchronous=FULL, and the device hears
 * "accepted" only after that commit — what was accepted survives a restart,
 * at one fsync per batch instead of one per message.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { withoutOwnFsync } from '../main/sqlite/relaxed-sync.js';
import { cacheStatements } from '../main/sqlite/statement-cache.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per accepted envelope. body is NULL once every recipient acked; the row (and its
-- dedup key) stays until expires_at so a resend of an already delivered envelope is not stored again.
CREATE TABLE IF NOT EXISTS envelopes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  env_key TEXT NOT NULL UNIQUE,
  sender TEXT NOT NULL,
  body TEXT,
  bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS envelopes_expiry ON envelopes (expires_at);
CREATE TABLE IF NOT EXISTS mailbox (
  recipient TEXT NOT NULL,
  envelope_id INTEGER NOT NULL REFERENCES envelopes (id) ON DELETE CASCADE,
  bytes INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (recipient, envelope_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mailbox_envelope ON mailbox (envelope_id);
CREATE TABLE IF NOT EXISTS certificates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  hash TEXT NOT NULL UNIQUE,
  quorum_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  prev_hash TEXT,
  members TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS certificates_quorum ON certificates (quorum_id, epoch);
`;

/** An envelope to store: its dedup key, sender, recipients and canonical text. */
export interface NewEnvelope {
  envKey: string;
  sender: string;
  recipients: readonly string[];
  text: string;
  bytes: number;
}

/** Outcome of storing an envelope. */
export type PutResult =
  | { status: 'stored'; msgId: string }
  | { status: 'duplicate'; msgId: string }
  | { status: 'over-quota'; recipient: string };

/** A pending delivery. */
export interface Pending {
  msgId: string;
}

/** A stored certificate's chain position and roster (not its body). */
export interface CertRow {
  seq: number;
  hash: string;
  epoch: number;
  prevHash: string | null;
  members: string[];
}

/** Mailbox quota of one recipient. */
export interface Quota {
  maxMessages: number;
  maxBytes: number;
}

/** The relay's SQLite store; ':memory:' keeps nothing across restarts (tests only). */
export class RelayStore {
  private readonly db: Database.Database;
  /** This relay's id (16 bytes hex), created once and kept in the database: auth answers are bound to it. */
  readonly relayId: string;

  /** Opens (creating if needed) the database at `path`. */
  constructor(path: string) {
    this.db = cacheStatements(new Database(path));
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    const row = this.db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'relayId'").get();
    this.relayId = row?.value ?? randomBytes(16).toString('hex');
    if (row === undefined) this.db.prepare("INSERT INTO meta (key, value) VALUES ('relayId', ?)").run(this.relayId);
  }

  private queued: { run: () => unknown; durable: boolean; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  private flushScheduled = false;

  /**
   * Runs `fn` in the next group commit and resolves with its result once that
   * commit is durable. `fn` throwing rejects only its own promise (its writes
   * roll back to a savepoint); a failing commit rejects the whole batch.
   *
   * `durable: false` is for writes whose loss in a power cut is harmless
   * (an ack: the envelope is delivered again, and devices drop duplicates).
   * A batch of only those commits with synchronous=NORMAL: atomic, and kept
   * across a relay crash (WAL), but without an fsync of its own; the next
   * FULL commit makes it durable. Acks were most of the commits, and each
   * fsync held up the relay's event loop.
   */
  later<T>(fn: () => T, opts: { durable?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ run: fn, durable: opts.durable !== false, resolve: resolve as (v: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every queued write in one transaction, then settles their promises in order. */
  flush(): void {
    this.flushScheduled = false;
    const batch = this.queued;
    this.queued = [];
    if (batch.length === 0) return;
    if (!this.db.open) {
      for (const op of batch) op.reject(new Error('relay store closed'));
      return;
    }
    const results: { ok: boolean; value: unknown }[] = [];
    const commit = this.db.transaction(() => {
      for (const op of batch) {
        try {
          results.push({ ok: true, value: this.db.transaction(op.run)() });
        } catch (e) {
          results.push({ ok: false, value: e });
        }
      }
    });
    try {
      if (batch.every((op) => !op.durable)) withoutOwnFsync(this.db, commit);
      else commit();
    } catch (e) {
      for (const op of batch) op.reject(e);
      return;
    }
    batch.forEach((op, i) => {
      const r = results[i]!;
      if (r.ok) op.resolve(r.value);
      else op.reject(r.value);
    });
  }

  /** Stores an envelope once, with one mailbox row per recipient, unless a recipient is over quota. */
  putEnvelope(env: NewEnvelope, now: number, ttlMs: number, quota: Quota): PutResult {
    return this.db.transaction((): PutResult => {
      this.db.prepare('DELETE FROM envelopes WHERE env_key = ? AND expires_at <= ?').run(env.envKey, now);
      const dup = this.db.prepare<[string], { id: number }>('SELECT id FROM envelopes WHERE env_key = ?').get(env.envKey);
      if (dup !== undefined) return { status: 'duplicate', msgId: String(dup.id) };
      const usage = this.db.prepare<[string, number], { n: number; b: number }>(
        'SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM mailbox WHERE recipient = ? AND expires_at > ?',
      );
      for (const r of env.recipients) {
        const u = usage.get(r, now)!;
        if (u.n + 1 > quota.maxMessages || u.b + env.bytes > quota.maxBytes) return { status: 'over-quota', recipient: r };
      }
      const expires = now + ttlMs;
      const id = this.db
        .prepare('INSERT INTO envelopes (env_key, sender, body, bytes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(env.envKey, env.sender, env.text, env.bytes, now, expires).lastInsertRowid;
      const box = this.db.prepare('INSERT INTO mailbox (recipient, envelope_id, bytes, expires_at) VALUES (?, ?, ?, ?)');
      for (const r of env.recipients) box.run(r, id, env.bytes, expires);
      return { status: 'stored', msgId: String(id) };
    })();
  }

  /**
   * Up to `limit` unexpired envelopes pending for `recipient` with msgId after `afterId`, in acceptance
   * order; their text comes from `envelopeText` (the relay keeps recent frames in memory: delivery-frames.ts).
   */
  pendingAfter(recipient: string, afterId: number, now: number, limit: number): Pending[] {
    return this.db
      .prepare<[string, number, number, number], { id: number }>(
        `SELECT m.envelope_id AS id FROM mailbox m JOIN envelopes e ON e.id = m.envelope_id
         WHERE m.recipient = ? AND m.envelope_id > ? AND m.expires_at > ? AND e.body IS NOT NULL
         ORDER BY m.envelope_id LIMIT ?`,
      )
      .all(recipient, afterId, now, limit)
      .map((r) => ({ msgId: String(r.id) }));
  }

  /** The stored text of envelope msgId, unless it is gone (acked by every recipient, or swept). */
  envelopeText(msgId: string): string | undefined {
    const row = this.db.prepare<[number], { body: string | null }>('SELECT body FROM envelopes WHERE id = ?').get(Number(msgId));
    return row?.body ?? undefined;
  }

  /** Deletes `recipient`'s mailbox row for msgId (nobody else's); true if there was one. */
  ack(recipient: string, msgId: string): boolean {
    const id = Number(msgId);
    return this.db.transaction(() => {
      if (this.db.prepare('DELETE FROM mailbox WHERE recipient = ? AND envelope_id = ?').run(recipient, id).changes === 0) return false;
      const left = this.db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM mailbox WHERE envelope_id = ?').get(id)!;
      if (left.n === 0) this.db.prepare('UPDATE envelopes SET body = NULL WHERE id = ?').run(id);
      return true;
    })();
  }

  /** Deletes expired envelopes and their mailbox rows; returns how many envelopes went. */
  sweep(now: number): number {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM mailbox WHERE expires_at <= ?').run(now);
      return this.db.prepare('DELETE FROM envelopes WHERE expires_at <= ?').run(now).changes;
    })();
  }

  /** Stores a certificate (already verified) unless its hash is known; false when it was already stored. */
  putCertificate(c: { hash: string; quorumId: string; epoch: number; prevHash: string | null; members: string[]; body: string }, now: number): boolean {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO certificates (hash, quorum_id, epoch, prev_hash, members, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(c.hash, c.quorumId, c.epoch, c.prevHash, JSON.stringify(c.members), c.body, now).changes === 1
    );
  }

  /** Every stored certificate of a quorum (chain position and roster), oldest epoch first, then first stored first. */
  certificatesOf(quorumId: string): CertRow[] {
    return this.db
      .prepare<[string], { seq: number; hash: string; epoch: number; prev_hash: string | null; members: string }>(
        'SELECT seq, hash, epoch, prev_hash, members FROM certificates WHERE quorum_id = ? ORDER BY epoch, seq',
      )
      .all(quorumId)
      .map((r) => ({ seq: r.seq, hash: r.hash, epoch: r.epoch, prevHash: r.prev_hash, members: JSON.parse(r.members) as string[] }));
  }

  /** The JSON body of a stored certificate. */
  certificateBody(hash: string): string | undefined {
    return this.db.prepare<[string], { body: string }>('SELECT body FROM certificates WHERE hash = ?').get(hash)?.body;
  }

  /** Row counts, for stats(). */
  counts(now: number): { pendingDeliveries: number; envelopes: number; certificates: number } {
    const one = (sql: string, ...args: number[]) => (this.db.prepare<number[], { n: number }>(sql).get(...args)?.n ?? 0);
    return {
      pendingDeliveries: one('SELECT count(*) AS n FROM mailbox WHERE expires_at > ?', now),
      envelopes: one('SELECT count(*) AS n FROM envelopes WHERE body IS NOT NULL AND expires_at > ?', now),
      certificates: one('SELECT count(*) AS n FROM certificates'),
    };
  }

  /** SQLite's current `synchronous` level (2 = FULL, 1 = NORMAL): what a commit now would fsync. */
  syncLevel(): number {
    return this.db.pragma('synchronous', { simple: true }) as number;
  }

  /** Closes the database. */
  close(): void {
    this.flush();
    if (this.db.open) this.db.close();
  }
}
