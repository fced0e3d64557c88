/**
 * The import decision (DESIGN §6 "Import policy"), pure: the caller gathers
 * what it knows (the newest valid certificate from local state, the relay or
 * peers; what the device holds) and this decides. Rules, in order:
 *
 * 1. `expectedQuorumId` given and different, or the known certificate belongs
 *    to another quorum → refused BACKUP_OTHER_QUORUM.
 * 2. Current epoch known (the newest valid certificate, epoch c):
 *    - backup epoch b < c → blocked BACKUP_STALE: its share can never sign
 *      again (I4); the message says when the reshare happened, if known;
 *    - b = c → the backup's certificate must be that certificate, else refused
 *      CERT_CHAIN_BROKEN (two certificates for one epoch: a fork or a forgery);
 *    - b > c → the local view is behind. The backup's own chain was verified
 *      from genesis (check.ts); if it contains the known certificate at epoch c,
 *      it extends it and its epoch b IS the newest valid certificate known, so
 *      b is current: restore (basis 'backup-chain'; the caller should adopt
 *      the backup's chain). If it does not contain it → refused CERT_CHAIN_BROKEN.
 * 3. The device already holds a share at epoch ≥ b → refused
 *    BACKUP_WOULD_OVERWRITE (restoring would replace a share at least as new).
 * 4. Current epoch unknown (offline, fresh install) → needs-confirmation
 *    BACKUP_UNVERIFIED, or restore (basis 'unverified') when the holder passed
 *    `acceptUnverified` (`--accept-unverified`).
 */
import { RampartError } from '../errors.js';

/** Where the newest valid certificate came from. */
export type CertificateSource = 'local' | 'relay' | 'peer';

/** The newest valid certificate the device knows of for the quorum. */
export interface KnownCertificate {
  quorumId: string;
  epoch: number;
  /** Certificate body hash. */
  hash: string;
  /** When that reshare was committed (ISO 8601), if known: certificates carry no time. */
  committedAt?: string | undefined;
  source: CertificateSource;
}

/** What the device knows of the quorum's current epoch. */
export type CurrentView = { kind: 'known'; certificate: KnownCertificate } | { kind: 'unknown' };

/** What the policy needs of a backup (from its checked header and chain). */
export interface BackupSubject {
  quorumId: string;
  epoch: number;
  certificateHash: string;
  /** Body hashes of the backup's verified chain, index = epoch (`CheckedBackup.chainHashes`). Needed to accept a backup newer than the known certificate. */
  chainHashes?: readonly string[] | undefined;
}

/** Everything `decideImport` considers. */
export interface ImportInput {
  backup: BackupSubject;
  current: CurrentView;
  /** The importing device's own state for this quorum, if any. */
  local?: { holdsShareAt?: number | undefined } | undefined;
  /** The holder confirmed restoring although the current epoch is unknown. */
  acceptUnverified: boolean;
  /** The quorum the holder means to restore, if named (e.g. `--quorum`). */
  expectedQuorumId?: string | undefined;
}

/** Why a restore is allowed: matches the known current epoch, extends it, or was confirmed unverified. */
export type RestoreBasis = 'current' | 'backup-chain' | 'unverified';

/** The decision. Only `restore` may proceed; the others carry a stable code and a one-line message. */
export type ImportDecision =
  | { action: 'restore'; basis: RestoreBasis; epoch: number; message: string }
  | { action: 'blocked'; code: 'BACKUP_STALE'; message: string; backupEpoch: number; currentEpoch: number }
  | { action: 'needs-confirmation'; code: 'BACKUP_UNVERIFIED'; message: string }
  | { action: 'refused'; code: 'BACKUP_OTHER_QUORUM' | 'BACKUP_WOULD_OVERWRITE' | 'CERT_CHAIN_BROKEN'; message: string };

/** A decision that allows the restore. */
export type RestoreDecision = Extract<ImportDecision, { action: 'restore' }>;

const short = (hash: string) => `${hash.slice(0, 16)}…`;
const SOURCES: Record<CertificateSource, string> = { local: 'this device', relay: 'the relay', peer: 'a peer' };

function refused(code: 'BACKUP_OTHER_QUORUM' | 'BACKUP_WOULD_OVERWRITE' | 'CERT_CHAIN_BROKEN', message: string): ImportDecision {
  return { action: 'refused', code, message };
}

function stale(b: number, cert: KnownCertificate): ImportDecision {
  const since = cert.committedAt === undefined ? '(when the reshare happened is not known)' : `since ${cert.committedAt}`;
  return {
    action: 'blocked',
    code: 'BACKUP_STALE',
    backupEpoch: b,
    currentEpoch: cert.epoch,
    message:
      `this backup is from epoch ${b}; the quorum is at epoch ${cert.epoch} ${since}, per ${SOURCES[cert.source]}; ` +
      `a share from epoch ${b} can never sign again — use a backup made at epoch ${cert.epoch}, ` +
      'or ask the quorum to add this device back with a reshare',
  };
}

/** Decides whether a checked backup may be restored (see the module comment for the rules). */
export function decideImport(input: ImportInput): ImportDecision {
  const { backup, current, local } = input;
  const b = backup.epoch;
  if (input.expectedQuorumId !== undefined && input.expectedQuorumId !== backup.quorumId) {
    return refused('BACKUP_OTHER_QUORUM', `this backup belongs to quorum ${backup.quorumId}, not to quorum ${input.expectedQuorumId}`);
  }
  let basis: RestoreBasis = 'unverified';
  if (current.kind === 'known') {
    const cert = current.certificate;
    if (cert.quorumId !== backup.quorumId) {
      return refused('BACKUP_OTHER_QUORUM', `this backup belongs to quorum ${backup.quorumId}; the certificate it was compared with is of quorum ${cert.quorumId}`);
    }
    if (b < cert.epoch) return stale(b, cert);
    if (b === cert.epoch && backup.certificateHash !== cert.hash) {
      return refused(
        'CERT_CHAIN_BROKEN',
        `this backup's epoch-${b} certificate (${short(backup.certificateHash)}) is not the quorum's epoch-${b} certificate (${short(cert.hash)}): one is forged or from a forked quorum`,
      );
    }
    if (b > cert.epoch && backup.chainHashes?.[cert.epoch] !== cert.hash) {
      return refused(
        'CERT_CHAIN_BROKEN',
        `this backup is from epoch ${b}, but its certificate chain does not extend the quorum's epoch-${cert.epoch} certificate (${short(cert.hash)})`,
      );
    }
    basis = b === cert.epoch ? 'current' : 'backup-chain';
  }
  const held = local?.holdsShareAt;
  if (held !== undefined && held >= b) {
    return refused(
      'BACKUP_WOULD_OVERWRITE',
      `this device already holds its epoch-${held} share of quorum ${backup.quorumId}; restoring the epoch-${b} backup would overwrite it`,
    );
  }
  if (basis === 'unverified' && !input.acceptUnverified) {
    return {
      action: 'needs-confirmation',
      code: 'BACKUP_UNVERIFIED',
      message:
        `cannot establish the quorum's current epoch (offline or a fresh install): this backup is from epoch ${b} and may be stale; ` +
        'restore it only if no reshare happened since (confirm with --accept-unverified)',
    };
  }
  const why: Record<RestoreBasis, string> = {
    current: 'the current epoch',
    'backup-chain': "newer than the last certificate known here; its chain extends it, so it is the current epoch",
    unverified: 'restored without knowing the current epoch, as confirmed',
  };
  return { action: 'restore', basis, epoch: b, message: `backup of epoch ${b}: ${why[basis]}` };
}

/** Throws the decision's RampartError unless it allows the restore (then narrows it). */
export function throwIfNotRestorable(decision: ImportDecision): asserts decision is RestoreDecision {
  if (decision.action !== 'restore') throw new RampartError(decision.code, decision.message);
}
