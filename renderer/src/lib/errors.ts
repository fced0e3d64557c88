/**
 * Errors as the UI shows them. Commands reject with `{code, message, culprit?}`
 * (shared/errors.ts; a RampartError or its JSON); anything else becomes
 * INTERNAL with its message. Backup imports get an outcome in words (DESIGN §6).
 */
import { ERROR_CODES } from '../../../shared/errors.js';
import type { ErrorCode } from '../../../shared/errors.js';

/** An error ready to display. `code` is a known ErrorCode, or 'UNKNOWN' for foreign errors. */
export interface UiError {
  code: ErrorCode | 'UNKNOWN';
  message: string;
  culprit?: string;
}

const KNOWN = new Set<string>(ERROR_CODES);

/** Normalises whatever a bridge call rejected with. */
export function toUiError(e: unknown): UiError {
  if (typeof e === 'object' && e !== null) {
    const o = e as { code?: unknown; message?: unknown; culprit?: unknown };
    const message = typeof o.message === 'string' ? o.message : 'unknown error';
    const culprit = typeof o.culprit === 'string' ? o.culprit : undefined;
    if (typeof o.code === 'string' && KNOWN.has(o.code)) return culprit === undefined ? { code: o.code as ErrorCode, message } : { code: o.code as ErrorCode, message, culprit };
    // An adapter that flattened the error to "CODE: message" (the CLI's stderr form).
    const m = /^([A-Z][A-Z0-9_]+): ([\s\S]*)$/.exec(message);
    if (m !== null && KNOWN.has(m[1]!)) return { code: m[1] as ErrorCode, message: m[2]! };
    return { code: 'UNKNOWN', message };
  }
  return { code: 'UNKNOWN', message: typeof e === 'string' ? e : 'unknown error' };
}

/** How a failed backup import is presented. */
export interface ImportOutcome {
  severity: 'blocked' | 'warning' | 'error';
  title: string;
  /** The device's own message (names epochs and dates where it has them). */
  message: string;
  /** Why, in words. */
  explanation: string;
  /** BACKUP_UNVERIFIED: the holder may retry with acceptUnverified. */
  canAcceptUnverified: boolean;
}

const IMPORT_EXPLANATIONS: Partial<Record<ErrorCode, string>> = {
  PASSPHRASE_WRONG: 'The passphrase does not open this backup. Nothing was changed on this device.',
  BACKUP_TAMPERED: 'The file was altered after it was written (its header or ciphertext no longer authenticates). Do not use it.',
  BACKUP_TRUNCATED: 'The file is incomplete, for example cut short while copying. Find a complete copy.',
  BACKUP_MALFORMED: 'This is not a Rampart backup file, or it is damaged.',
  BACKUP_VERSION_UNSUPPORTED: 'The backup was written by a newer version of Rampart. Update this app, then import it again.',
  BACKUP_OTHER_QUORUM: 'This backup belongs to another quorum.',
  BACKUP_SHARE_MISMATCH: 'The share in this backup does not match its certificate. Do not use it.',
  BACKUP_WOULD_OVERWRITE: 'This device already holds this quorum’s share at the same or a newer epoch; importing would only replace it with an older or equal copy.',
  PASSPHRASE_MISSING: 'Enter the backup’s passphrase.',
};

/** Explains a rejected `importBackup` (DESIGN §6 import policy). */
export function explainImportError(err: UiError): ImportOutcome {
  if (err.code === 'BACKUP_STALE') {
    return {
      severity: 'blocked',
      title: 'Blocked: this backup is stale',
      message: err.message,
      explanation:
        'The quorum was reshared after this backup was made. A reshare gives every member a new share and deletes the old one; ' +
        'a share from before a reshare can never sign again, and restoring it would leave this device unable to take part, breaking the quorum. ' +
        'Restore a backup made at the current epoch, or ask the other members to reshare you back in.',
      canAcceptUnverified: false,
    };
  }
  if (err.code === 'BACKUP_UNVERIFIED') {
    return {
      severity: 'warning',
      title: 'Warning: the current epoch could not be checked',
      message: err.message,
      explanation:
        'This device could not establish the quorum’s current epoch (it is offline, or knows nothing of the quorum yet). ' +
        'If the quorum was reshared after this backup was made, the restored share is useless and must not be trusted. ' +
        'Restore it only if you are sure no reshare happened since.',
      canAcceptUnverified: true,
    };
  }
  return {
    severity: 'error',
    title: `Import failed (${err.code})`,
    message: err.message,
    explanation: (err.code === 'UNKNOWN' ? undefined : IMPORT_EXPLANATIONS[err.code]) ?? 'Nothing was changed on this device.',
    canAcceptUnverified: false,
  };
}
