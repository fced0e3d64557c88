/**
 * The relay's tiny logger: one JSON line per event with a fixed set of scalar
 * fields. It never prints envelope bodies, certificates or frames — callers
 * pass only ids, counts and codes, and anything else is dropped here.
 */

/** Log levels, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Scalar fields a log line may carry: ids, counts, codes. Strings are cut to 120 characters. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** What the relay logs through. */
export interface RelayLogger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A logger writing JSON lines at or above `level` to `write` (stderr by default). */
export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(l + '\n')): RelayLogger {
  return {
    log(lv, event, fields = {}) {
      if (ORDER[lv] < ORDER[level]) return;
      const clean: LogFields = {};
      for (const [k, v] of Object.entries(fields)) {
        if (typeof v === 'string') clean[k] = v.length > 120 ? `${v.slice(0, 120)}…` : v;
        else if (typeof v === 'number' || typeof v === 'boolean') clean[k] = v;
      }
      write(JSON.stringify({ t: new Date().toISOString(), level: lv, event, ...clean }));
    },
  };
}

/** A logger that prints nothing (tests). */
export const silentLogger: RelayLogger = { log() {} };
