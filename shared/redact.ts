/**
 * Redaction: secret state never prints (JSON.stringify, console.log, String()).
 * STYLE: "Secret packages print as <redacted>" (frost-core).
 */

/** What every secret prints as. */
export const REDACTED = '<redacted>';
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Base of every opaque secret round state: prints as '<redacted>' in JSON, util.inspect and String(). */
export abstract class SecretState {
  /** JSON.stringify gives "<redacted>", never the secret. */
  toJSON(): string {
    return REDACTED;
  }

  /** String(state) gives '<redacted>', never the secret. */
  toString(): string {
    return REDACTED;
  }

  static {
    // Node's util.inspect / console.log hook; a plain symbol key, so no Node types are needed.
    Object.defineProperty(this.prototype, INSPECT, { value: () => REDACTED, enumerable: false });
  }
}

/**
 * Makes a plain secret-bearing object (a FrostSecret, a round-2 package) print as '<redacted>'.
 * The hooks are non-enumerable: spreads and structured clones carry only the data, and callers
 * that persist or seal it must encode its fields explicitly.
 */
export function redactSecret<T extends object>(obj: T): T {
  const hook = { value: () => REDACTED, enumerable: false, configurable: true, writable: true };
  Object.defineProperty(obj, 'toJSON', hook);
  Object.defineProperty(obj, INSPECT, hook);
  return obj;
}
