/**
 * The encrypted contents of a backup (DESIGN §6: "the share, the device
 * identity keys, the roster and the certificate chain up to its epoch"),
 * as canonical JSON bytes:
 *
 *     { share:        { identifier, signingShare },
 *       device:       { signingKey, hpkeKey },            // DeviceSecretKeys, 32-byte hex each
 *       epoch:        { suite, quorumId, epoch, threshold, roster: [{deviceId, identifier}],
 *                       commitments: hex[], verifyingShares: {identifier: hex}, certificateHash },
 *       certificates: Certificate[] }                     // genesis … the backup's epoch
 *
 * `epoch` mirrors the device's stored EpochPublic (main/device/codec.ts
 * EpochJson), defined again here because shared/ cannot import main/.
 * Decoded secrets print as '<redacted>' (shared/redact.ts).
 */
import type { FrostPublic, FrostSecret } from '@noble/curves/abstract/frost.js';
import { bytesToUtf8 } from '@noble/ciphers/utils.js';
import { z } from 'zod';
import { bytesToHex, equalBytes, hexToBytes, utf8ToBytes } from '../bytes.js';
import { certificateSchema, type Certificate } from '../certificate/schema.js';
import type { EpochPublic } from '../epoch.js';
import { RampartError } from '../errors.js';
import { deviceKeysFromBytes, type DeviceSecretKeys } from '../identity.js';
import { redactSecret } from '../redact.js';
import { canonicalBytes } from '../wire/canonical.js';
import { deviceIdSchema, epochSchema, hashSchema, hexBytes, id16Schema, identifierSchema, pointSchema, suiteSchema } from '../wire/primitives.js';
import { MAX_PARTIES, thresholdSchema } from '../wire/proposals.js';

/** Most certificates a backup may carry (one per epoch since genesis). */
export const MAX_CHAIN_LENGTH = 100_000;

const shareSchema = z.strictObject({ identifier: identifierSchema, signingShare: hexBytes(32) });
const deviceSchema = z.strictObject({ signingKey: hexBytes(32), hpkeKey: hexBytes(32) });
/** An EpochPublic as JSON (bytes as hex); the same shape as main/device/codec.ts EpochJson. */
const epochJsonSchema = z.strictObject({
  suite: suiteSchema,
  quorumId: id16Schema,
  epoch: epochSchema,
  threshold: thresholdSchema,
  roster: z.array(z.strictObject({ deviceId: deviceIdSchema, identifier: identifierSchema })).min(2).max(MAX_PARTIES),
  commitments: z.array(pointSchema).min(2).max(MAX_PARTIES),
  verifyingShares: z.record(identifierSchema, pointSchema),
  certificateHash: hashSchema,
});

/** The plaintext schema of a backup. */
export const backupPayloadSchema = z.strictObject({
  share: shareSchema,
  device: deviceSchema,
  epoch: epochJsonSchema,
  certificates: z.array(certificateSchema).min(1).max(MAX_CHAIN_LENGTH),
});

/** What a backup holds, decoded: the share and identity keys print as '<redacted>'. */
export interface BackupContents {
  /** This device's FROST share at `epoch.epoch`. */
  share: FrostSecret;
  /** This device's identity secret keys (Ed25519 signing seed, X25519 HPKE key). */
  device: DeviceSecretKeys;
  /** The epoch's public data, as the device stores it. */
  epoch: EpochPublic;
  /** The certificate chain from genesis (epoch 0) up to and including `epoch.epoch`. */
  certificates: Certificate[];
}

/** Contents → canonical JSON bytes (the plaintext). The caller should wipe them once encrypted. */
export function encodePayload(c: BackupContents): Uint8Array {
  const e = c.epoch;
  return canonicalBytes({
    share: { identifier: c.share.identifier, signingShare: bytesToHex(c.share.signingShare) },
    device: { signingKey: bytesToHex(c.device.signingKey.expose()), hpkeKey: bytesToHex(c.device.hpkeKey.expose()) },
    epoch: {
      suite: e.suite,
      quorumId: e.quorumId,
      epoch: e.epoch,
      threshold: e.threshold,
      roster: e.roster.map((m) => ({ deviceId: m.deviceId, identifier: m.identifier })),
      commitments: e.frostPublic.commitments.map((p) => bytesToHex(p)),
      verifyingShares: Object.fromEntries(Object.entries(e.frostPublic.verifyingShares).map(([k, v]) => [k, bytesToHex(v)])),
      certificateHash: e.certificateHash,
    },
    certificates: c.certificates,
  });
}

function malformed(detail: string): never {
  throw new RampartError('BACKUP_MALFORMED', `backup contents are malformed: ${detail}`);
}

/**
 * Plaintext bytes → contents. Throws BACKUP_MALFORMED (naming the field, never
 * a value) when the authenticated plaintext is not a valid payload — only a
 * faulty or hostile writer produces one. Does not check consistency (check.ts).
 */
export function decodePayload(bytes: Uint8Array): BackupContents {
  const text = bytesToUtf8(bytes);
  if (!equalBytes(utf8ToBytes(text), bytes)) malformed('not UTF-8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    malformed('not JSON');
  }
  const r = backupPayloadSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    malformed(issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid');
  }
  const p = r.data;
  const frostPublic = {
    signers: { min: p.epoch.threshold, max: p.epoch.roster.length },
    commitments: p.epoch.commitments.map((c) => hexToBytes(c)),
    verifyingShares: Object.fromEntries(Object.entries(p.epoch.verifyingShares).map(([k, v]) => [k, hexToBytes(v)])),
  } as FrostPublic;
  const signingKey = hexToBytes(p.device.signingKey);
  const hpkeKey = hexToBytes(p.device.hpkeKey);
  const device = deviceKeysFromBytes(signingKey, hpkeKey);
  signingKey.fill(0);
  hpkeKey.fill(0);
  return {
    share: redactSecret({ identifier: p.share.identifier, signingShare: hexToBytes(p.share.signingShare) } as FrostSecret),
    device,
    epoch: {
      suite: p.epoch.suite,
      quorumId: p.epoch.quorumId,
      epoch: p.epoch.epoch,
      threshold: p.epoch.threshold,
      roster: p.epoch.roster,
      frostPublic,
      certificateHash: p.epoch.certificateHash,
    },
    certificates: p.certificates,
  };
}
