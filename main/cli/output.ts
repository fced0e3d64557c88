/** CLI output and failure conventions (DESIGN §7): JSON on stdout, one clear line on stderr, stable exit codes. */
import { isRampartError } from '../../shared/errors.js';

/** Exit codes of DESIGN §7. */
export const EXIT = { ok: 0, error: 1, usage: 2, backupStale: 3, backupNeedsConfirmation: 4 } as const;

/** Prints a JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** The one stderr line for an error: its code, message and culprit; never a stack. */
export function errorLine(e: unknown): string {
  if (isRampartError(e)) return `rampart: ${e.code}: ${e.message}`;
  if (e instanceof Error) return `rampart: ${e.message}`;
  return `rampart: ${String(e)}`;
}
