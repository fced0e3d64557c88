/**
 * The device API (DESIGN §2): every command and event of a device, defined
 * once. Electron IPC, the local RPC server (CLI and browser mode) and the
 * renderer client are thin adapters generated from these tables; each
 * validates arguments and results with the schemas here. Errors cross every
 * boundary as `{code, message, culprit?}` (shared/errors.ts), never raw.
 */
import { z } from 'zod';
import { ERROR_CODES } from './errors.js';
import { deviceIdSchema, epochSchema, hashSchema, hexRange, id16Schema, suiteSchema } from './wire/primitives.js';
import { displayText, timestampSchema } from './wire/proposals.js';

/** A device card string (shared/card.ts); checked in full by `decodeCard`. */
const cardSchema = z.string().min(10).max(400);
/** Hex of a group key or signature in the suite's standard encoding. */
const keyHex = hexRange(32, 33);

/** A quorum member as shown to holders. */
export const memberViewSchema = z.strictObject({ deviceId: deviceIdSchema, name: z.string(), fingerprint: z.string() });

/**
 * A backup this device exported (DESIGN §6 "The device records each export"). `obsolete` is
 * computed, never stored: the export's epoch is older than the quorum's current epoch, so its
 * share can never sign again (I4) and the holder needs a fresh backup.
 */
export const backupViewSchema = z.strictObject({
  quorumId: id16Schema,
  epoch: epochSchema,
  /** Where the file was written (absolute), or null when the caller took the text and saved it itself. */
  path: z.string().max(4096).nullable(),
  /** `backupFingerprint` of the file (shared/backup/format.ts). */
  fingerprint: hashSchema,
  certificateHash: hashSchema,
  createdAt: timestampSchema,
  obsolete: z.boolean(),
});
export type BackupView = z.infer<typeof backupViewSchema>;

/** A quorum as `status` reports it (DESIGN §7). */
export const quorumViewSchema = z.strictObject({
  quorumId: id16Schema,
  name: z.string(),
  suite: suiteSchema,
  threshold: z.number().int(),
  members: z.array(memberViewSchema),
  epoch: epochSchema,
  groupPublicKey: keyHex,
  share: z.enum(['active', 'pending', 'none']),
  lastReshareAt: timestampSchema.nullable(),
  /** This device's recorded exports of the quorum, oldest first. */
  backups: z.array(backupViewSchema),
});
export type QuorumView = z.infer<typeof quorumViewSchema>;

/** `status` (DESIGN §7). */
export const statusSchema = z.strictObject({
  device: z.strictObject({
    deviceId: deviceIdSchema,
    name: z.string(),
    fingerprint: z.string(),
    relay: z.string(),
    connected: z.boolean(),
    keystore: z.enum(['os', 'file']),
  }),
  quorums: z.array(quorumViewSchema),
  /** Every recorded export, of any quorum, whose epoch is no longer current: replace them with fresh backups. */
  obsoleteBackups: z.array(backupViewSchema),
});
export type Status = z.infer<typeof statusSchema>;

/** A request awaiting this holder's decision (DESIGN §7 `requests`). */
export const requestViewSchema = z.strictObject({
  id: hashSchema,
  kind: z.enum(['dkg', 'reshare', 'sign']),
  quorumId: id16Schema,
  sessionId: id16Schema,
  summary: z.string(),
  initiator: memberViewSchema,
  /** Short code to compare out of band (shared/fingerprint.ts `sessionCode`). */
  sessionCode: z.string(),
  expiresAt: timestampSchema,
  approvals: z.strictObject({ have: z.number().int(), need: z.number().int() }),
  /** Reshares: before → after. */
  change: z
    .strictObject({
      operation: z.enum(['refresh', 'restructure']),
      fromEpoch: epochSchema,
      before: z.strictObject({ threshold: z.number().int(), members: z.array(memberViewSchema) }),
      after: z.strictObject({ threshold: z.number().int(), members: z.array(memberViewSchema) }),
      added: z.array(memberViewSchema),
      removed: z.array(memberViewSchema),
    })
    .optional(),
  /** Signing: the message and its description. */
  message: z.strictObject({ hex: hexRange(0, 65536), description: z.string() }).optional(),
});
export type RequestView = z.infer<typeof requestViewSchema>;

/** One entry of the device's event log. */
export const logEntrySchema = z.strictObject({
  seq: z.number().int().min(0),
  at: timestampSchema,
  type: z.string().max(64),
  quorumId: id16Schema.nullable(),
  sessionId: id16Schema.nullable(),
  detail: z.string().max(2000),
});
export type LogEntry = z.infer<typeof logEntrySchema>;

/** A log entry as `log` exports it: with its hash-chain links (state-store.ts `entryHash`). */
export const logRecordSchema = logEntrySchema.extend({
  /** SHA-256 over the previous hash and this entry's fields. */
  hash: hashSchema,
  /** The previous entry's hash; null for the first entry. */
  prevHash: hashSchema.nullable(),
});
export type LogRecord = z.infer<typeof logRecordSchema>;

/** `verifyLog`: the event log's hash chain and every stored certificate chain, recomputed. */
export const logVerificationSchema = z.strictObject({
  ok: z.boolean(),
  /** Entries checked. */
  entries: z.number().int().min(0),
  /** The first entry whose hash does not match its fields and predecessor (edited, inserted or after a deleted entry). */
  firstBroken: z.strictObject({ seq: z.number().int().min(0), type: z.string(), at: timestampSchema, reason: z.string() }).nullable(),
  /** Per quorum: the stored certificate chain verifies from genesis and ends at the stored epoch. */
  quorums: z.array(z.strictObject({ quorumId: id16Schema, epoch: epochSchema, certificates: z.number().int().min(0), ok: z.boolean(), error: z.string().nullable() })),
});
export type LogVerification = z.infer<typeof logVerificationSchema>;

/** Where the backup file text comes from: the text itself (UI) or a path the device reads (CLI). */
const backupSource = { text: z.string().max(160 * 1024 * 1024).optional(), path: z.string().min(1).max(4096).optional() };
const passphraseSchema = z.string().min(1).max(1024);

const empty = z.strictObject({});

/** A relay address: a ws:// or wss:// URL. */
const relayUrlSchema = z
  .url({ protocol: /^wss?$/, error: 'expected a ws:// or wss:// URL' })
  .max(512)
  .regex(/^wss?:\/\/[^\s/?#@]+(?:[/?#]\S*)?$/, 'expected a ws:// or wss:// URL with a host and no credentials');
/**
 * The device's settings as the UI edits them. `relay` is the configured relay (device.json);
 * `restartRequired` says it differs from the relay the running device uses, which changes only
 * at the next start. `notifications`: whether the app notifies the holder of new requests.
 */
export const settingsSchema = z.strictObject({ relay: z.string(), notifications: z.boolean(), restartRequired: z.boolean() });
export type Settings = z.infer<typeof settingsSchema>;
const quorumResult = z.strictObject({ quorumId: id16Schema, suite: suiteSchema, threshold: z.number().int(), epoch: epochSchema, groupPublicKey: keyHex });

/** Every command: params and result schemas. */
export const commands = {
  status: { params: empty, result: statusSchema },
  card: { params: empty, result: z.strictObject({ card: cardSchema }) },
  requests: { params: empty, result: z.array(requestViewSchema) },
  approve: { params: z.strictObject({ id: hashSchema }), result: empty },
  reject: { params: z.strictObject({ id: hashSchema, reason: displayText(0, 500, true).optional() }), result: empty },
  withdraw: { params: z.strictObject({ sessionId: id16Schema }), result: empty },
  createQuorum: {
    params: z.strictObject({ name: displayText(1, 64, false), suite: suiteSchema, threshold: z.number().int().min(2), members: z.array(cardSchema).min(1) }),
    result: quorumResult,
  },
  reshare: {
    params: z.strictObject({
      quorumId: id16Schema,
      threshold: z.number().int().min(2).optional(),
      add: z.array(cardSchema).default([]),
      remove: z.array(deviceIdSchema).default([]),
    }),
    result: z.strictObject({ quorumId: id16Schema, epoch: epochSchema, threshold: z.number().int(), groupPublicKey: keyHex }),
  },
  sign: {
    params: z.strictObject({ quorumId: id16Schema, message: hexRange(0, 65536), description: displayText(0, 500, true).default('') }),
    result: z.strictObject({ signature: hexRange(64, 64), groupPublicKey: keyHex, epoch: epochSchema }),
  },
  log: { params: z.strictObject({ since: z.number().int().min(0).optional() }), result: z.array(logRecordSchema) },
  verifyLog: { params: empty, result: logVerificationSchema },
  /** DESIGN §6: encrypt this device's current share, identity keys, epoch data and chain under a strong passphrase. */
  exportBackup: {
    params: z.strictObject({ quorumId: id16Schema, passphrase: passphraseSchema, path: z.string().min(1).max(4096).optional() }),
    result: z.strictObject({
      quorumId: id16Schema,
      epoch: epochSchema,
      path: z.string().nullable(),
      fingerprint: hashSchema,
      createdAt: timestampSchema,
      /** The file's text, only when no `path` was given. */
      text: z.string().optional(),
    }),
  },
  /** DESIGN §6 import policy; BACKUP_STALE, BACKUP_UNVERIFIED, BACKUP_WOULD_OVERWRITE, … leave the device unchanged. */
  importBackup: {
    params: z
      .strictObject({ ...backupSource, passphrase: passphraseSchema, acceptUnverified: z.boolean().default(false), quorumId: id16Schema.optional() })
      .refine((p) => (p.text === undefined) !== (p.path === undefined), 'give exactly one of text and path'),
    result: z.strictObject({
      quorumId: id16Schema,
      epoch: epochSchema,
      deviceId: deviceIdSchema,
      basis: z.enum(['current', 'backup-chain', 'unverified']),
      /** The device took the backup's identity (a fresh home restored): a running daemon restarts under it. */
      identityReplaced: z.boolean(),
      message: z.string(),
    }),
  },
  backups: { params: z.strictObject({ quorumId: id16Schema.optional() }), result: z.array(backupViewSchema) },
  settings: { params: empty, result: settingsSchema },
  /** Changes the given settings; a new relay is stored at once and used from the next start (`restartRequired`). */
  updateSettings: { params: z.strictObject({ relay: relayUrlSchema.optional(), notifications: z.boolean().optional() }), result: settingsSchema },
} as const;

/** A command name. */
export type CommandName = keyof typeof commands;
/** The params a command takes (input side: defaults may be omitted). */
export type CommandParams<C extends CommandName> = z.input<(typeof commands)[C]['params']>;
/** The result a command returns. */
export type CommandResult<C extends CommandName> = z.output<(typeof commands)[C]['result']>;

/** Progress of a running session (DESIGN §4 steps 3–6), for the progress view. */
export const sessionProgressSchema = z.strictObject({
  sessionId: id16Schema,
  quorumId: id16Schema,
  kind: z.enum(['dkg', 'reshare', 'sign']),
  phase: z.enum(['proposed', 'approving', 'dealing', 'acking', 'certifying', 'signing', 'committed', 'aborted', 'expired']),
  acked: z.array(deviceIdSchema),
  missing: z.array(deviceIdSchema),
  reason: z.string().optional(),
});

/** Every event a device emits. */
export const events = {
  requestAdded: requestViewSchema,
  requestRemoved: z.strictObject({ id: hashSchema }),
  sessionProgress: sessionProgressSchema,
  connectionChanged: z.strictObject({ connected: z.boolean() }),
  quorumUpdated: quorumViewSchema,
  logAppended: logEntrySchema,
  /** After a committed reshare: these exports can never restore a signing share again; make a fresh backup. */
  backupsObsolete: z.strictObject({ quorumId: id16Schema, epoch: epochSchema, backups: z.array(backupViewSchema), message: z.string() }),
} as const;

/** An event name. */
export type EventName = keyof typeof events;
/** An event's payload. */
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** The error shape that crosses IPC and RPC. */
export const apiErrorSchema = z.strictObject({ code: z.enum(ERROR_CODES), message: z.string(), culprit: z.string().optional() });

/** The device API as a typed interface: what DeviceService implements and every client exposes. */
export type DeviceApi = { [C in CommandName]: (params: CommandParams<C>) => Promise<CommandResult<C>> };
