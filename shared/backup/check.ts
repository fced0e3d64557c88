/**
 * Consistency of a decrypted backup (DESIGN §6: "the share must match its
 * certificate's Y_j"). Nothing in the file is trusted for being inside the
 * ciphertext: the passphrase proves only who wrote it, not that it is right.
 * Checked, in order:
 *
 * 1. the clear header describes the contents (quorum, suite, epoch, group key,
 *    device, identifier, certificate hash) → BACKUP_MALFORMED otherwise;
 * 2. the certificate chain verifies from genesis (`verifyChain`) → CERT_*;
 *    it ends at the backup's epoch and certificate → CERT_CHAIN_BROKEN otherwise;
 * 3. the epoch's public data is the one that certificate commits to
 *    (commitments hash, group key, threshold, roster, every Y_i);
 * 4. the device is in that certificate's roster with this identifier and the
 *    identity key of the backed-up signing key;
 * 5. s·G = Y_j = Σ_k C_k·x_j^k for the share s at identifier x_j.
 *
 * Failures of 3–5 are BACKUP_SHARE_MISMATCH naming the device.
 */
import type { FrostSecret } from '@noble/curves/abstract/frost.js';
import { bytesToHex } from '../bytes.js';
import { certificateHash } from '../certificate/payloads.js';
import type { Certificate } from '../certificate/schema.js';
import { checkPublicMatches, verifyChain } from '../certificate/verify.js';
import { RampartError, isRampartError } from '../errors.js';
import { checkRoster } from '../identifiers.js';
import { deviceIdOf, identityKeyOf } from '../identity.js';
import { evalPointPoly } from '../math/polynomial.js';
import { getSuite, type Suite } from '../suites.js';
import type { BackupHeader } from './format.js';
import type { BackupContents } from './payload.js';

/** Options of `checkBackupContents`. */
export interface CheckOptions {
  /** The quorum's genesis certificate hash, when the caller knows it: a chain from another genesis is refused. */
  genesisHash?: string;
}

/** What a successful check establishes, for the import policy. */
export interface CheckedBackup {
  /** The verified certificate of the backup's epoch (last of the chain). */
  certificate: Certificate;
  /** Body hash of every certificate of the chain; index = epoch. */
  chainHashes: string[];
}

function mismatch(message: string, deviceId: string): never {
  throw new RampartError('BACKUP_SHARE_MISMATCH', message, deviceId);
}

/** Step 1: every clear header field against the decrypted contents. */
function checkHeader(header: BackupHeader, c: BackupContents, deviceId: string): void {
  const e = c.epoch;
  const pairs: [string, unknown, unknown][] = [
    ['quorumId', header.quorumId, e.quorumId],
    ['suite', header.suite, e.suite],
    ['epoch', header.epoch, e.epoch],
    ['certificateHash', header.certificateHash, e.certificateHash],
    ['groupPublicKey', header.groupPublicKey, e.frostPublic.commitments[0] && bytesToHex(e.frostPublic.commitments[0])],
    ['deviceId', header.deviceId, deviceId],
    ['identifier', header.identifier, c.share.identifier],
  ];
  for (const [field, clear, inside] of pairs) {
    if (clear !== inside) {
      throw new RampartError('BACKUP_MALFORMED', `backup header and contents disagree on ${field}: header ${String(clear)}, contents ${String(inside)}`);
    }
  }
}

/** Step 2: the chain verifies and ends at the backup's epoch certificate. */
function checkChain(header: BackupHeader, c: BackupContents, opts: CheckOptions): CheckedBackup {
  const newest = verifyChain(c.certificates, opts.genesisHash === undefined ? {} : { genesisHash: opts.genesisHash });
  const hash = certificateHash(newest);
  if (newest.epoch !== header.epoch || hash !== header.certificateHash) {
    throw new RampartError(
      'CERT_CHAIN_BROKEN',
      `the backup's certificate chain ends at epoch ${newest.epoch} (${hash.slice(0, 16)}…), not at its own epoch ${header.epoch} (${header.certificateHash.slice(0, 16)}…)`,
    );
  }
  if (newest.quorumId !== header.quorumId || newest.suite !== header.suite || newest.groupKey !== header.groupPublicKey) {
    throw new RampartError('CERT_CHAIN_BROKEN', "the backup's certificate chain belongs to another quorum, suite or group key");
  }
  return { certificate: newest, chainHashes: c.certificates.map((x) => certificateHash(x)) };
}

/** Step 3: the stored public data is the one the certificate commits to. */
function checkEpochPublic(cert: Certificate, c: BackupContents, deviceId: string): void {
  const e = c.epoch;
  if (e.threshold !== cert.threshold) mismatch(`backup's epoch data says threshold ${e.threshold}; its certificate says ${cert.threshold}`, deviceId);
  const key = (r: readonly { deviceId: string; identifier: string }[]) =>
    r.map((m) => `${m.deviceId}:${m.identifier}`).sort().join(',');
  if (key(e.roster) !== key(cert.roster)) mismatch("backup's roster differs from its certificate's roster", deviceId);
  try {
    checkPublicMatches(cert, e.frostPublic);
  } catch (err) {
    if (!isRampartError(err)) throw err;
    mismatch(`backup's epoch-${e.epoch} public data does not match its certificate: ${err.message}`, deviceId);
  }
}

/** Step 4: the device, its identifier and its identity key are in the certificate's roster. */
function checkMembership(cert: Certificate, c: BackupContents, deviceId: string, identityKey: string): void {
  const member = cert.roster.find((m) => m.deviceId === deviceId);
  if (member === undefined) mismatch(`this device is not in the epoch-${cert.epoch} roster`, deviceId);
  if (member.identifier !== c.share.identifier) {
    mismatch(`the share's identifier is not this device's identifier in the epoch-${cert.epoch} roster`, deviceId);
  }
  if (member.identityKey !== identityKey) mismatch(`the backed-up identity key is not this device's key in the epoch-${cert.epoch} roster`, deviceId);
}

/** Step 5: s·G = Y_j, with Y_j computed from the commitments and equal to the stored verifying share. */
function checkShare(suite: Suite, cert: Certificate, c: BackupContents, deviceId: string): void {
  const share: FrostSecret = c.share;
  const [me] = checkRoster(suite, [{ deviceId, identifier: share.identifier }]);
  const C = c.epoch.frostPublic.commitments.map((p) => suite.decodePoint(p));
  const Y = evalPointPoly(suite, C, (me as { x: bigint }).x);
  const stored = c.epoch.frostPublic.verifyingShares[share.identifier];
  if (stored === undefined || bytesToHex(stored) !== bytesToHex(Y.toBytes())) {
    mismatch(`the epoch-${cert.epoch} verifying share Y_j of this device does not match the commitments`, deviceId);
  }
  let sG: string | undefined;
  try {
    const s = suite.Fn.fromBytes(share.signingShare);
    sG = s === 0n ? undefined : bytesToHex(suite.G.multiply(s).toBytes());
  } catch {
    sG = undefined;
  }
  if (sG !== bytesToHex(Y.toBytes())) {
    mismatch(`the backed-up share does not match its epoch-${cert.epoch} certificate (s·G ≠ Y_j)`, deviceId);
  }
}

/**
 * Checks a decrypted backup against its header and its own certificate chain
 * (see the module comment). Returns the verified certificate and the chain's
 * hashes; throws BACKUP_MALFORMED, CERT_* or BACKUP_SHARE_MISMATCH.
 */
export function checkBackupContents(header: BackupHeader, contents: BackupContents, opts: CheckOptions = {}): CheckedBackup {
  const identityKey = identityKeyOf(contents.device.signingKey);
  const deviceId = deviceIdOf(identityKey);
  checkHeader(header, contents, deviceId);
  const checked = checkChain(header, contents, opts);
  const suite = getSuite(contents.epoch.suite);
  checkEpochPublic(checked.certificate, contents, deviceId);
  checkMembership(checked.certificate, contents, deviceId, identityKey);
  checkShare(suite, checked.certificate, contents, deviceId);
  return checked;
}
