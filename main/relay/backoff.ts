/** Reconnect delays of the relay client (DESIGN §8): capped exponential backoff with jitter. */

/** Backoff parameters: first delay, cap, and the random source for the jitter. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  random: () => number;
}

/** The defaults: 250 ms doubling up to 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 30_000, random: Math.random };

/** The delay before reconnect attempt `attempt` (0-based): uniform in [d/2, d] with d = min(max, initial·2^attempt). */
export function backoffDelay(attempt: number, opts: Partial<BackoffOptions> = {}): number {
  const { initialMs, maxMs, random } = { ...DEFAULT_BACKOFF, ...opts };
  const d = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(d / 2 + (random() * d) / 2);
}
