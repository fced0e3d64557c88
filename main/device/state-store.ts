/**
 * The device's local state (DESIGN §2 "state"): quorums, certificate chains,
 * sessions, seen messages and the event log, in one SQLite file. Every
 * multi-row change runs in one transaction (WAL, synchronous=FULL), so a crash
 * leaves either the old or the new state — the basis of I6. Secrets never
 * live here: shares are in the keystore; this holds only public data and
 * session bookkeeping.
 */
import Database from 'better-sqlite3';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '../../shared/bytes.js';
import { cacheStatements } from '../sqlite/statement-cache.js';
import { withoutOwnFsync } from '../sqlite/relaxed-sync.js';

/** One row of the hash-chained event log. */
export interface LogRow {
  seq: number;
  at: number;
  type: string;
  quorumId: string | null;
  sessionId: string | null;
  detail: string;
  /** SHA-256 of the previous entry's hash and this entry's fields (genesis: of the fields alone). */
  hash: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS quorums (quorum_id TEXT PRIMARY KEY, name TEXT NOT NULL, epoch INTEGER NOT NULL, public_json TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS certificates (quorum_id TEXT NOT NULL, epoch INTEGER NOT NULL, hash TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (quorum_id, epoch));
CREATE TABLE IF NOT EXISTS sessions (session_id TEXT PRIMARY KEY, quorum_id TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, state_json TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS seen (digest TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, quorum_id TEXT, session_id TEXT, detail TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS backup_exports (id INTEGER PRIMARY KEY AUTOINCREMENT, quorum_id TEXT NOT NULL, epoch INTEGER NOT NULL, certificate_hash TEXT NOT NULL, fingerprint TEXT NOT NULL, path TEXT, created_at INTEGER NOT NULL, obsolete_announced_at INTEGER);
CREATE INDEX IF NOT EXISTS backup_exports_quorum ON backup_exports (quorum_id, epoch);
`;

function entryHash(prev: string, e: Omit<LogRow, 'hash'>): string {
  const fields = JSON.stringify([prev, e.seq, e.at, e.type, e.quorumId, e.sessionId, e.detail]);
  return bytesToHex(sha256(utf8ToBytes(fields)));
}

/** One recorded backup export (DESIGN §6): public facts about the file, never its contents. */
export interface BackupExportRow {
  id: number;
  quorumId: string;
  epoch: number;
  certificateHash: string;
  fingerprint: string;
  /** Absolute path written, or null when the caller saved the text itself. */
  path: string | null;
  createdAt: number;
  /** When the holder was told it became obsolete (a `backups-obsolete` entry), if yet. */
  obsoleteAnnouncedAt: number | null;
}

/** A session's stored bookkeeping (its `state` is the session machine's own JSON). */
export interface SessionRow {
  sessionId: string;
  quorumId: string;
  kind: string;
  status: string;
  state: unknown;
  updatedAt: number;
}

/** The device's state file. */
export class StateStore {
  private readonly db: Database.Database;
  private seenInsert: Database.Statement<[string, number]> | undefined;

  /** Opens (or creates) the state at `path` (':memory:' for tests). */
  constructor(path: string, private readonly now: () => number = Date.now) {
    this.db = cacheStatements(new Database(path));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  /** Runs `fn` in one transaction: all of its writes land, or none. */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  getValue(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setValue(key: string, value: string): void {
    this.db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Stores a quorum's current public epoch state (JSON-encodable; bytes as hex by the caller). */
  putQuorum(quorumId: string, name: string, epoch: number, publicState: unknown): void {
    this.db
      .prepare('INSERT INTO quorums (quorum_id, name, epoch, public_json, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(quorum_id) DO UPDATE SET name = excluded.name, epoch = excluded.epoch, public_json = excluded.public_json, updated_at = excluded.updated_at')
      .run(quorumId, name, epoch, JSON.stringify(publicState), this.now());
  }

  getQuorum(quorumId: string): { name: string; epoch: number; publicState: unknown; updatedAt: number } | undefined {
    const row = this.db.prepare('SELECT name, epoch, public_json, updated_at FROM quorums WHERE quorum_id = ?').get(quorumId) as
      | { name: string; epoch: number; public_json: string; updated_at: number }
      | undefined;
    return row && { name: row.name, epoch: row.epoch, publicState: JSON.parse(row.public_json) as unknown, updatedAt: row.updated_at };
  }

  listQuorumIds(): string[] {
    return (this.db.prepare('SELECT quorum_id FROM quorums ORDER BY quorum_id').all() as { quorum_id: string }[]).map((r) => r.quorum_id);
  }

  /** Appends a certificate to a quorum's chain (the caller has verified it). */
  putCertificate(quorumId: string, epoch: number, hash: string, certificate: unknown): void {
    this.db.prepare('INSERT OR REPLACE INTO certificates (quorum_id, epoch, hash, json) VALUES (?, ?, ?, ?)').run(quorumId, epoch, hash, JSON.stringify(certificate));
  }

  /** The stored chain of a quorum, genesis first. */
  getChain(quorumId: string): unknown[] {
    return (this.db.prepare('SELECT json FROM certificates WHERE quorum_id = ? ORDER BY epoch').all(quorumId) as { json: string }[]).map((r) => JSON.parse(r.json) as unknown);
  }

  putSession(s: Omit<SessionRow, 'updatedAt'>): void {
    this.db
      .prepare('INSERT INTO sessions (session_id, quorum_id, kind, status, state_json, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET status = excluded.status, state_json = excluded.state_json, updated_at = excluded.updated_at')
      .run(s.sessionId, s.quorumId, s.kind, s.status, JSON.stringify(s.state), this.now());
  }

  getSession(sessionId: string): SessionRow | undefined {
    const r = this.db.prepare('SELECT * FROM sessions WHERE session_id = ?').get(sessionId) as
      | { session_id: string; quorum_id: string; kind: string; status: string; state_json: string; updated_at: number }
      | undefined;
    return r && { sessionId: r.session_id, quorumId: r.quorum_id, kind: r.kind, status: r.status, state: JSON.parse(r.state_json) as unknown, updatedAt: r.updated_at };
  }

  listSessions(filter: { quorumId?: string; status?: string } = {}): SessionRow[] {
    const rows = this.db.prepare('SELECT session_id FROM sessions WHERE (? IS NULL OR quorum_id = ?) AND (? IS NULL OR status = ?) ORDER BY updated_at').all(
      filter.quorumId ?? null,
      filter.quorumId ?? null,
      filter.status ?? null,
      filter.status ?? null,
    ) as { session_id: string }[];
    return rows.map((r) => this.getSession(r.session_id) as SessionRow);
  }

  /** Records a message digest; false if it was seen before (replay / duplicate delivery). */
  markSeen(digest: string): boolean {
    // The seen table only filters replays, which every handler also survives (a redelivery after a
    // power loss is handled again, idempotently). So this one write commits with synchronous=NORMAL:
    // durable across a process crash (WAL), fsynced by the next FULL commit — which every write that
    // matters (shares pending, certificates, the log) is. One fsync per incoming message was a
    // quarter of a reshare's time (bench/).
    this.seenInsert ??= this.db.prepare('INSERT OR IGNORE INTO seen (digest, at) VALUES (?, ?)');
    const insert = this.seenInsert;
    return withoutOwnFsync(this.db, () => insert.run(digest, this.now()).changes === 1);
  }

  /** Appends to the hash-chained event log and returns the entry. */
  appendLog(type: string, detail: string, quorumId: string | null = null, sessionId: string | null = null): LogRow {
    return this.atomically(() => {
      const last = this.db.prepare('SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
      const e = { seq: last === undefined ? 0 : last.seq + 1, at: this.now(), type, quorumId, sessionId, detail };
      const hash = entryHash(last?.hash ?? '', e);
      this.db.prepare('INSERT INTO log (seq, at, type, quorum_id, session_id, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(e.seq, e.at, type, quorumId, sessionId, detail, hash);
      return { ...e, hash };
    });
  }

  /** Log entries from `since` (inclusive). */
  readLog(since = 0): LogRow[] {
    return (this.db.prepare('SELECT * FROM log WHERE seq >= ? ORDER BY seq').all(since) as { seq: number; at: number; type: string; quorum_id: string | null; session_id: string | null; detail: string; hash: string }[]).map(
      (r) => ({ seq: r.seq, at: r.at, type: r.type, quorumId: r.quorum_id, sessionId: r.session_id, detail: r.detail, hash: r.hash }),
    );
  }

  /** Log entries of one quorum with one of `types`, newest first. */
  readLogOf(quorumId: string, types: readonly string[]): LogRow[] {
    const rows = this.db.prepare(`SELECT * FROM log WHERE quorum_id = ? AND type IN (${types.map(() => '?').join(', ')}) ORDER BY seq DESC`).all(quorumId, ...types) as {
      seq: number;
      at: number;
      type: string;
      quorum_id: string | null;
      session_id: string | null;
      detail: string;
      hash: string;
    }[];
    return rows.map((r) => ({ seq: r.seq, at: r.at, type: r.type, quorumId: r.quorum_id, sessionId: r.session_id, detail: r.detail, hash: r.hash }));
  }

  /** Records a backup export; returns its row. */
  recordBackupExport(e: Omit<BackupExportRow, 'id' | 'obsoleteAnnouncedAt'>): BackupExportRow {
    const r = this.db
      .prepare('INSERT INTO backup_exports (quorum_id, epoch, certificate_hash, fingerprint, path, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(e.quorumId, e.epoch, e.certificateHash, e.fingerprint, e.path, e.createdAt);
    return { ...e, id: Number(r.lastInsertRowid), obsoleteAnnouncedAt: null };
  }

  /** Recorded backup exports (of one quorum, or all), oldest first. */
  listBackupExports(quorumId?: string): BackupExportRow[] {
    const rows = this.db.prepare('SELECT * FROM backup_exports WHERE (? IS NULL OR quorum_id = ?) ORDER BY id').all(quorumId ?? null, quorumId ?? null) as {
      id: number;
      quorum_id: string;
      epoch: number;
      certificate_hash: string;
      fingerprint: string;
      path: string | null;
      created_at: number;
      obsolete_announced_at: number | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      quorumId: r.quorum_id,
      epoch: r.epoch,
      certificateHash: r.certificate_hash,
      fingerprint: r.fingerprint,
      path: r.path,
      createdAt: r.created_at,
      obsoleteAnnouncedAt: r.obsolete_announced_at,
    }));
  }

  /** Marks exports as announced obsolete (so each is announced once). */
  markBackupsAnnounced(ids: readonly number[], at: number): void {
    const stmt = this.db.prepare('UPDATE backup_exports SET obsolete_announced_at = ? WHERE id = ?');
    this.atomically(() => {
      for (const id of ids) stmt.run(at, id);
    });
  }

  /** Verifies the log's hash chain; returns the first broken seq, or undefined if intact. */
  verifyLog(): number | undefined {
    let prev = '';
    for (const r of this.readLog()) {
      if (entryHash(prev, r) !== r.hash) return r.seq;
      prev = r.hash;
    }
    return undefined;
  }
}
