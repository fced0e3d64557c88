/**
 * Prepared-statement reuse for better-sqlite3. Preparing a statement parses
 * and plans its SQL; the device state and the relay store run the same few
 * statements for every message, and re-preparing them was a measurable part
 * of a reshare (bench/). Statements are only ever run with get/all/run (never
 * iterate), so one cached statement per SQL text is safe to reuse.
 */
import type Database from 'better-sqlite3';

/** Makes `db.prepare` return the same statement for the same SQL text; returns `db`. */
export function cacheStatements(db: Database.Database): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    let s = cache.get(sql);
    if (s === undefined) {
      s = prepare(sql);
      cache.set(sql, s);
    }
    return s;
  }) as typeof db.prepare;
  return db;
}
