/**
 * The one error type of Rampart. Callers branch on `code` (stable, documented
 * below), never on message text. `culprit` names the device (its deviceId)
 * whose input caused the failure, where one is known (frost-core `Error::culprit`).
 */

/** Every stable error code, grouped by where it arises. */
export const ERROR_CODES = [
  // Protocol inputs that are nobody's fault in particular (bad local call or plan).
  'PLAN_INVALID',
  'IDENTIFIER_ZERO',
  'IDENTIFIER_DUPLICATE',
  'IDENTIFIER_NONCANONICAL',
  'NOT_A_DEALER',
  'LOCAL_SHARE_MISMATCH',
  // Reshare dealing faults (DESIGN §4 step 5); culprit = the dealer.
  'DEALER_NOT_APPROVED',
  'DEALER_DUPLICATE',
  'DEAL_MISSING',
  'COMMITMENT_LENGTH',
  'COMMITMENT_INVALID_POINT',
  'COMMITMENT_IDENTITY',
  'CONSTANT_TERM_MISMATCH',
  'SUBSHARE_INVALID',
  // Faults of the dealer set as a whole (colluding dealers; no single culprit).
  'GROUP_KEY_CHANGED',
  'THRESHOLD_DEGRADED',
  // Signing (DESIGN §5).
  'SIGNERS_INSUFFICIENT',
  'SIGNATURE_SHARE_INVALID',
  'SIGNATURE_INVALID',
  // DKG (DESIGN §5).
  'DKG_FAILED',
  // Anything unexpected, reported without detail (no stack or secret crosses a boundary).
  'INTERNAL',
  // Wire format (DESIGN §3).
  'ENCODING_INVALID',
  'VERSION_UNSUPPORTED',
  'SUITE_UNSUPPORTED',
  'ENVELOPE_SIGNATURE_INVALID',
  'DECRYPT_FAILED',
  // Certificates (DESIGN §4 step 6).
  'CERT_INVALID',
  'CERT_UNAUTHORIZED',
  'CERT_ACK_INVALID',
  'CERT_ACK_MISSING',
  'CERT_TEST_SIGNATURE_INVALID',
  'CERT_CHAIN_BROKEN',
  'TRANSCRIPT_MISMATCH',
  // Keystore (main/keystore): secrets at rest in the OS keychain or the encrypted file store.
  'KEYSTORE_UNAVAILABLE',
  'KEYSTORE_LOCKED',
  'KEYSTORE_CORRUPT',
  'KEYSTORE_NAME_INVALID',
  'KEYSTORE_VALUE_INVALID',
  'PASSPHRASE_WRONG',
  'PASSPHRASE_MISSING',
  // Local RPC (main/rpc): the CLI or UI cannot reach its device daemon.
  'DEVICE_UNAVAILABLE',
  // Relay (DESIGN §8): frames between a device and the relay (shared/relay-protocol.ts).
  'RELAY_AUTH_FAILED',
  'RELAY_FRAME_INVALID',
  'RELAY_FORBIDDEN',
  'RELAY_LIMIT',
  'RELAY_UNAVAILABLE',
  // Backups (DESIGN §6): reading, checking and restoring a *.rampart-backup file.
  'BACKUP_MALFORMED',
  'BACKUP_TRUNCATED',
  'BACKUP_VERSION_UNSUPPORTED',
  'BACKUP_TAMPERED',
  'BACKUP_SHARE_MISMATCH',
  'BACKUP_OTHER_QUORUM',
  'BACKUP_STALE',
  'BACKUP_UNVERIFIED',
  'BACKUP_WOULD_OVERWRITE',
  'PASSPHRASE_WEAK',
  // A device holding an older epoch's share joined a session (DESIGN §6); culprit = that device.
  'SHARE_STALE',
] as const;

/** A stable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The serialisable form of an error: what may cross IPC or the relay. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  culprit?: string;
}

/** The one error class of Rampart; `name` is stable across process boundaries. */
export class RampartError extends Error {
  override readonly name = 'RampartError';
  readonly code: ErrorCode;
  readonly culprit: string | undefined;

  constructor(code: ErrorCode, message: string, culprit?: string) {
    super(culprit === undefined ? message : `${message} (device ${culprit})`);
    this.code = code;
    this.culprit = culprit;
  }

  /** `{code, message, culprit}` only: never a stack, never a nested cause. */
  toJSON(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.culprit !== undefined) info.culprit = this.culprit;
    return info;
  }
}

/** Type guard that works on errors from any realm (checks `name`, not `instanceof`). */
export function isRampartError(e: unknown): e is RampartError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { name?: unknown }).name === 'RampartError' &&
    typeof (e as { code?: unknown }).code === 'string'
  );
}
