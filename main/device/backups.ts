/**
 * Backups on the device (DESIGN §6): export this device's share of a quorum
 * as an encrypted `*.rampart-backup` file, restore one under the import
 * policy, keep the record of exports and tell the holder when a reshare made
 * them obsolete. The file format, the contents check and the policy are pure
 * (shared/backup/); this module gathers what they need from the device's
 * state, keystore and relay, and does the I/O.
 *
 * Import order (nothing stored changes until the last check passed):
 * 1. `openBackup`: parse, authenticate, decrypt, check the contents against
 *    their own certificate chain (pinned to the local genesis if this device
 *    knows the quorum) — each failure its own code;
 * 2. the quorum's current epoch: the newest certificate in the local state;
 *    else the relay's newest (asked as the backed-up device, and verified
 *    against the backup's chain: fully when it is the next epoch, else its
 *    test signature under the group key); else unknown;
 * 3. `decideImport`: BACKUP_STALE (older than current), BACKUP_UNVERIFIED
 *    (unknown and not confirmed), BACKUP_WOULD_OVERWRITE (a share at least as
 *    new is held), CERT_CHAIN_BROKEN (a fork), BACKUP_OTHER_QUORUM;
 * 4. the identity: a backup restores a device, it does not merge two. The
 *    backed-up identity is adopted only by a device that belongs to no quorum
 *    yet (a fresh `device init` home); a device with quorums under another
 *    identity is refused (BACKUP_WOULD_OVERWRITE).
 * Then: the share (keystore), the identity (keystore + device.json, through
 * `replaceIdentity`), and in one state transaction the chain, the epoch's
 * public state and the roster's keys; a `backup-imported` log entry last.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { BackupView, CommandParams, CommandResult, LogEntry, LogVerification } from '../../shared/api.js';
import {
  createBackup,
  decideImport,
  openBackup,
  parseBackupFile,
  throwIfNotRestorable,
  type CurrentView,
  type KnownCertificate,
  type OpenedBackup,
} from '../../shared/backup/index.js';
import { hexToBytes, utf8ToBytes } from '../../shared/bytes.js';
import { certificateHash, testSignatureMessage } from '../../shared/certificate/payloads.js';
import type { Certificate } from '../../shared/certificate/schema.js';
import { parseCertificate, verifyCertificate, verifyChain } from '../../shared/certificate/verify.js';
import { isRampartError, RampartError } from '../../shared/errors.js';
import type { DeviceSecretKeys } from '../../shared/identity.js';
import { getSuite } from '../../shared/suites.js';
import type { Member } from '../../shared/wire/proposals.js';
import { writeFileAtomic } from '../keystore/atomic.js';
import { epochToJson } from './codec.js';
import type { Transport } from './components.js';
import type { SessionContext } from './context.js';
import { deleteLeftovers } from './recovery.js';
import type { BackupExportRow } from './state-store.js';

/** What a device needs beyond DeviceComponents for backups (all optional). */
export interface BackupComponents {
  /**
   * Makes a restored identity this device's identity for good (keystore and
   * device home) when a fresh device restores another device's backup. The
   * running service keeps its old identity: its owner restarts it (the daemon
   * does so at once). Absent: such a restore is refused.
   */
  replaceIdentity?: (keys: DeviceSecretKeys) => Promise<void>;
  /**
   * The relay's newest certificate of a quorum, asked as `identity` (the relay
   * answers only members of the quorum's chain, and a wiped device's fresh
   * identity is none). Absent: the transport's `getCertificate`.
   */
  certificateFor?: (quorumId: string, identity: DeviceSecretKeys) => Promise<unknown>;
  /** How long an import waits for the relay's answer (default 5 s); no answer = current epoch unknown. */
  relayLookupTimeoutMs?: number;
  /** scrypt N of new backups: tests only (a reader accepts 2^15 and up). Default DEFAULT_SCRYPT_N. */
  backupScryptN?: number;
}

/** The device facts backups use. */
interface DeviceFacts extends BackupComponents {
  name: string;
  identity: DeviceSecretKeys;
  transport: Transport;
}

const short = (hash: string) => `${hash.slice(0, 12)}…`;

/** Reads a backup file's text; a clear error for a missing or unreadable file. */
async function readBackupText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RampartError('PLAN_INVALID', `cannot read the backup file ${path}${code === undefined ? '' : ` (${code})`}`);
  }
}

/** The members (with names and HPKE keys) the certificate's embedded proposal lists: its roster. */
function proposedMembers(cert: Certificate): Member[] {
  const p = cert.authorization.proposal;
  return p.kind === 'dkg/propose' ? p.body.members : p.body.newMembers;
}

/** The quorum name given at creation (the genesis dkg/propose). */
function quorumNameOf(chain: readonly Certificate[]): string | undefined {
  const p = chain[0]?.authorization.proposal;
  return p?.kind === 'dkg/propose' ? p.body.name : undefined;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolveValue, reject) => {
    const timer = setTimeout(() => resolveValue(undefined), ms);
    p.then(
      (v) => (clearTimeout(timer), resolveValue(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}

/**
 * Checks a certificate the (untrusted) relay served against the backup's own verified chain:
 * same quorum, suite and group key; an epoch the chain covers must carry a valid test signature
 * (a mismatching hash is then a real fork, for the policy to refuse); the next epoch verifies in
 * full against the backup's newest certificate; a later one verifies as far as it can without
 * the gap: every roster member's ack and the test signature under the group key — which only t
 * shares of this key can make. Throws CERT_* otherwise.
 */
export function checkRelayCertificate(data: unknown, chain: readonly Certificate[]): Certificate {
  const cert = parseCertificate(data);
  const genesis = chain[0] as Certificate;
  const newest = chain[chain.length - 1] as Certificate;
  if (cert.quorumId !== genesis.quorumId || cert.suite !== genesis.suite || cert.groupKey !== genesis.groupKey) {
    throw new RampartError('CERT_CHAIN_BROKEN', "the relay's certificate is of another quorum, suite or group key");
  }
  if (cert.epoch === newest.epoch + 1) {
    verifyCertificate(cert, newest);
    return cert;
  }
  const suite = getSuite(cert.suite);
  const hash = certificateHash(cert);
  const ok = suite.verify(hexToBytes(cert.testSignature.signature), testSignatureMessage(hash), suite.externalGroupKey(hexToBytes(cert.groupKey)));
  if (!ok) throw new RampartError('CERT_TEST_SIGNATURE_INVALID', "the relay's certificate has no valid test signature under the group key");
  return cert;
}

/** Backups of one device: export, import, the record of exports, obsolescence after reshares. */
export class DeviceBackups {
  constructor(
    private readonly ctx: SessionContext,
    private readonly device: DeviceFacts,
  ) {}

  /** Views of the recorded exports (of one quorum, or all); `obsolete` computed from the current epochs. */
  list(quorumId?: string): BackupView[] {
    const current = new Map<string, number | undefined>();
    const epochOf = (q: string) => {
      if (!current.has(q)) current.set(q, this.ctx.state.getQuorum(q)?.epoch);
      return current.get(q);
    };
    return this.ctx.state.listBackupExports(quorumId).map((r) => this.view(r, epochOf(r.quorumId)));
  }

  private view(r: BackupExportRow, currentEpoch: number | undefined): BackupView {
    return {
      quorumId: r.quorumId,
      epoch: r.epoch,
      path: r.path,
      fingerprint: r.fingerprint,
      certificateHash: r.certificateHash,
      createdAt: r.createdAt,
      obsolete: currentEpoch !== undefined && r.epoch < currentEpoch,
    };
  }

  /** `exportBackup`: this device's active share of the quorum at its current epoch, encrypted; written atomically (0600) when a path is given. */
  async export(p: CommandParams<'exportBackup'>): Promise<CommandResult<'exportBackup'>> {
    const { quorumId } = p;
    const epoch = this.ctx.epoch(quorumId);
    if (epoch === undefined) throw new RampartError('PLAN_INVALID', `this device knows no quorum ${quorumId}`);
    const share = await this.ctx.readShare(quorumId, epoch.epoch);
    if (share === undefined) {
      throw new RampartError('PLAN_INVALID', `this device holds no active share of quorum ${quorumId} at its epoch ${epoch.epoch} (removed, or a reshare is still pending): nothing to back up`);
    }
    const name = this.ctx.quorumName(quorumId);
    const now = this.ctx.clock.now();
    const created = await createBackup({ share, device: this.device.identity, epoch, certificates: this.ctx.chain(quorumId) }, p.passphrase, {
      now: new Date(now),
      userInputs: [this.device.name, name, 'rampart'],
      ...(this.device.backupScryptN === undefined ? {} : { N: this.device.backupScryptN }),
    });
    let path: string | null = null;
    if (p.path !== undefined) {
      path = resolve(p.path);
      try {
        await writeFileAtomic(dirname(path), basename(path), utf8ToBytes(created.text));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new RampartError('PLAN_INVALID', `cannot write the backup to ${path}${code === undefined ? '' : ` (${code})`}`);
      }
    }
    this.ctx.state.recordBackupExport({ quorumId, epoch: epoch.epoch, certificateHash: epoch.certificateHash, fingerprint: created.fingerprint, path, createdAt: now });
    this.ctx.log('backup-exported', `epoch ${epoch.epoch} backup ${short(created.fingerprint)} ${path === null ? 'handed to the caller' : `written to ${path}`}`, quorumId);
    return { quorumId, epoch: epoch.epoch, path, fingerprint: created.fingerprint, createdAt: now, ...(path === null ? { text: created.text } : {}) };
  }

  /** `importBackup`: see the module comment for the order of checks. */
  async import(p: CommandParams<'importBackup'>): Promise<CommandResult<'importBackup'>> {
    if ((p.text === undefined) === (p.path === undefined)) throw new RampartError('PLAN_INVALID', 'give the backup as exactly one of text and path');
    const text = p.text ?? (await readBackupText(p.path as string));
    const header = parseBackupFile(text).header;
    const localChain = this.ctx.chain(header.quorumId);
    const opened = await openBackup(text, p.passphrase, localChain.length > 0 ? { genesisHash: certificateHash(localChain[0] as Certificate) } : {});
    try {
      return await this.restoreIfAllowed(opened, p);
    } finally {
      opened.contents.share.signingShare.fill(0);
    }
  }

  private async restoreIfAllowed(opened: OpenedBackup, p: CommandParams<'importBackup'>): Promise<CommandResult<'importBackup'>> {
    const { contents, header } = opened;
    const quorumId = header.quorumId;
    const current = await this.currentView(opened);
    const decision = decideImport({
      backup: opened.subject,
      current,
      local: { holdsShareAt: await this.heldEpoch(quorumId) },
      acceptUnverified: p.acceptUnverified ?? false,
      expectedQuorumId: p.quorumId,
    });
    if (decision.action === 'blocked') throw new RampartError('BACKUP_STALE', staleMessage(decision.backupEpoch, current));
    throwIfNotRestorable(decision);

    const replacing = header.deviceId !== this.ctx.deviceId;
    if (replacing) {
      const quorums = this.ctx.state.listQuorumIds();
      if (quorums.length > 0) {
        throw new RampartError(
          'BACKUP_WOULD_OVERWRITE',
          `this device (${this.ctx.deviceId}) belongs to ${quorums.length} quorum(s) under its own identity; the backup is of device ${header.deviceId}. ` +
            'A backup restores a device, it does not merge two: import it into a fresh home (rampart device init)',
        );
      }
      if (this.device.replaceIdentity === undefined) {
        throw new RampartError('PLAN_INVALID', `the backup is of device ${header.deviceId}; this device cannot take that identity while it runs: stop it and import again`);
      }
    }

    // Every check passed: restore. The share first (an unreferenced extra secret if we stop here),
    // then the identity, then the state in one transaction (the quorum appears whole or not at all).
    const epoch = contents.epoch;
    const cert = opened.certificate;
    await this.ctx.writeShare(quorumId, epoch.epoch, contents.share);
    if (replacing) await (this.device.replaceIdentity as (k: DeviceSecretKeys) => Promise<void>)(contents.device);
    const state = this.ctx.state;
    const name = state.getQuorum(quorumId)?.name ?? quorumNameOf(contents.certificates) ?? quorumId.slice(0, 8);
    state.atomically(() => {
      for (const c of contents.certificates) state.putCertificate(quorumId, c.epoch, certificateHash(c), c);
      state.putQuorum(quorumId, name, epoch.epoch, epochToJson(epoch));
      // The roster's keys, from the proposal the certificate embeds (verified: it matches the roster).
      for (const m of proposedMembers(cert)) {
        const known = this.ctx.peer(m.deviceId);
        if (known === undefined || known.hpkeKey === '') this.ctx.rememberPeer({ deviceId: m.deviceId, name: m.name, identityKey: m.identityKey, hpkeKey: m.hpkeKey });
      }
    });
    await deleteLeftovers(this.ctx, quorumId);
    const adopted = replacing ? `; this device is now ${header.deviceId} (its identity restored)` : '';
    this.ctx.log('backup-imported', `epoch ${epoch.epoch} backup ${short(opened.fingerprint)} restored (${decision.basis})${adopted}`, quorumId);
    return { quorumId, epoch: epoch.epoch, deviceId: header.deviceId, basis: decision.basis, identityReplaced: replacing, message: decision.message };
  }

  /** The epoch of the active share this device holds for the quorum, if any. */
  private async heldEpoch(quorumId: string): Promise<number | undefined> {
    const e = this.ctx.epoch(quorumId);
    if (e === undefined) return undefined;
    return (await this.ctx.readShare(quorumId, e.epoch)) === undefined ? undefined : e.epoch;
  }

  /** The newest valid certificate: local state first, else the relay's (checked), else unknown. */
  private async currentView(opened: OpenedBackup): Promise<CurrentView> {
    const quorumId = opened.header.quorumId;
    const chain = this.ctx.chain(quorumId);
    const last = chain[chain.length - 1];
    if (last !== undefined) {
      const committedAt = this.committedAt(quorumId, last.epoch);
      return { kind: 'known', certificate: { quorumId, epoch: last.epoch, hash: certificateHash(last), committedAt, source: 'local' } };
    }
    const relay = await this.relayCertificate(opened).catch(() => undefined);
    return relay === undefined ? { kind: 'unknown' } : { kind: 'known', certificate: relay };
  }

  /** When this device committed the epoch (its log), ISO 8601; undefined if it does not know. */
  private committedAt(quorumId: string, epoch: number): string | undefined {
    for (const e of this.ctx.state.readLogOf(quorumId, ['reshare-committed', 'quorum-created'])) {
      const m = e.type === 'quorum-created' ? ['', '0'] : /→ (\d+):/.exec(e.detail);
      if (m !== null && Number(m[1]) === epoch) return new Date(e.at).toISOString();
    }
    return undefined;
  }

  /** The relay's newest certificate, asked as the backed-up device and checked against the backup's chain; undefined if none or unusable. */
  private async relayCertificate(opened: OpenedBackup): Promise<KnownCertificate | undefined> {
    const quorumId = opened.header.quorumId;
    const ask = this.device.certificateFor;
    const lookup = ask !== undefined ? ask(quorumId, opened.contents.device) : this.device.transport.getCertificate?.(quorumId);
    if (lookup === undefined) return undefined;
    const data = await withTimeout(lookup, this.device.relayLookupTimeoutMs ?? 5_000);
    if (data === undefined || data === null) return undefined;
    const cert = checkRelayCertificate(data, opened.contents.certificates);
    return { quorumId, epoch: cert.epoch, hash: certificateHash(cert), source: 'relay' };
  }

  /**
   * After a log entry: a committed reshare makes every export of an older epoch obsolete.
   * Each is announced once — a `backups-obsolete` log entry naming them and a `backupsObsolete`
   * event asking the holder for a fresh backup.
   */
  onLogAppended(entry: LogEntry): void {
    if (entry.type !== 'reshare-committed' || entry.quorumId === null) return;
    const quorumId = entry.quorumId;
    const current = this.ctx.epoch(quorumId);
    if (current === undefined) return;
    const rows = this.ctx.state.listBackupExports(quorumId).filter((r) => r.epoch < current.epoch && r.obsoleteAnnouncedAt === null);
    if (rows.length === 0) return;
    this.ctx.state.markBackupsAnnounced(
      rows.map((r) => r.id),
      this.ctx.clock.now(),
    );
    const member = current.roster.some((m) => m.deviceId === this.ctx.deviceId);
    const names = rows.map((r) => `epoch ${r.epoch} ${short(r.fingerprint)}${r.path === null ? '' : ` (${r.path})`}`).join(', ');
    const ask = member ? `export a fresh backup of epoch ${current.epoch}` : 'this device is no longer a member; destroy them';
    const message = `${rows.length} backup(s) of quorum ${this.ctx.quorumName(quorumId)} became obsolete at epoch ${current.epoch} and can never restore a signing share: ${names}; ${ask}`;
    this.ctx.log('backups-obsolete', message.slice(0, 2000), quorumId);
    this.ctx.emit('backupsObsolete', { quorumId, epoch: current.epoch, backups: rows.map((r) => this.view(r, current.epoch)), message });
  }

  /** `verifyLog`: recomputes the log's hash chain and verifies every stored certificate chain. */
  verifyLog(): LogVerification {
    const state = this.ctx.state;
    const entries = state.readLog();
    const broken = state.verifyLog();
    const row = broken === undefined ? undefined : entries.find((e) => e.seq === broken);
    const quorums = state.listQuorumIds().map((quorumId) => {
      const chain = state.getChain(quorumId);
      const stored = state.getQuorum(quorumId);
      let error: string | null = null;
      try {
        const newest = verifyChain(chain);
        if (stored !== undefined && (newest.epoch !== stored.epoch || certificateHash(newest) !== this.ctx.epoch(quorumId)?.certificateHash)) {
          error = `the chain ends at epoch ${newest.epoch}, but the stored epoch is ${stored.epoch} with another certificate`;
        }
      } catch (e) {
        error = isRampartError(e) ? `${e.code}: ${e.message}` : 'the stored chain could not be verified';
      }
      return { quorumId, epoch: stored?.epoch ?? 0, certificates: chain.length, ok: error === null, error };
    });
    return {
      ok: broken === undefined && quorums.every((q) => q.ok),
      entries: entries.length,
      firstBroken:
        row === undefined
          ? null
          : { seq: row.seq, type: row.type, at: row.at, reason: `entry ${row.seq} (${row.type}) does not match its hash chain: it, or the entry before it, was altered, inserted or deleted` },
      quorums,
    };
  }
}

/** The BACKUP_STALE message: both epochs, and when the quorum moved on. */
function staleMessage(backupEpoch: number, current: CurrentView): string {
  if (current.kind !== 'known') return `this backup is from epoch ${backupEpoch} and is stale`;
  const c = current.certificate;
  const when =
    c.source === 'local'
      ? c.committedAt === undefined
        ? "by a reshare (this device's state has its certificate)"
        : `by the reshare committed at ${c.committedAt} (this device's log)`
      : `at a later reshare (per the relay's epoch-${c.epoch} certificate)`;
  return (
    `this backup is from epoch ${backupEpoch}, but the quorum moved to epoch ${c.epoch} ${when}; ` +
    `a share from epoch ${backupEpoch} can never sign again — restore a backup made at epoch ${c.epoch}, or ask the quorum to add this device back with a reshare`
  );
}
