/**
 * Every kind of bad backup gets its own stable code and a one-line message
 * (DESIGN §6 "wrong passphrase, tampering, truncation, another quorum → clear
 * error"). One real encrypted file is made once and mutated as text; only the
 * tests that must run scrypt do.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  backupHeaderFor,
  createBackup,
  decideImport,
  encodePayload,
  encryptBackup,
  openBackup,
  serializeBackupFile,
  throwIfNotRestorable,
  type BackupFile,
} from '../../shared/backup/index.js';
import type { Certificate } from '../../shared/certificate/schema.js';
import { redactSecret } from '../../shared/redact.js';
import { PASSPHRASE, TEST_N, contentsAt, expectCode, genesisHistory, reshareHistory, type History } from '../helpers/backup-fixtures.js';

let history: History;
let deviceId: string;
let text: string;
let file: BackupFile;

beforeAll(async () => {
  history = reshareHistory(genesisHistory('ed25519', 2, 3));
  deviceId = history.worlds[1]!.epoch.roster[1]!.deviceId;
  const made = await createBackup(contentsAt(history, 1, deviceId), PASSPHRASE, { N: TEST_N });
  text = made.text;
  file = made.file;
});

/** The file text with `edit` applied to a deep copy of the parsed file. */
function mutate(edit: (f: BackupFile) => void): string {
  const copy = structuredClone(file);
  edit(copy);
  return serializeBackupFile(copy);
}

/** Flips the low bit of the hex digit at `i`. */
const flipHex = (hex: string, i: number) => hex.slice(0, i) + (parseInt(hex[i]!, 16) ^ 1).toString(16) + hex.slice(i + 1);

describe('opening a backup: one code per kind of failure', () => {
  test('wrong passphrase → PASSPHRASE_WRONG', async () => {
    const e = await expectCode(() => openBackup(text, 'quartz lantern orbit 72 — velvet tundra'), 'PASSPHRASE_WRONG');
    expect(e.message).toBe("wrong passphrase (or the file's KDF parameters were altered)");
  });

  test("altered KDF parameters read as a wrong passphrase: they change the derived key", async () => {
    await expectCode(() => openBackup(mutate((f) => (f.kdf.salt = flipHex(f.kdf.salt, 5))), PASSPHRASE), 'PASSPHRASE_WRONG');
  });

  test('a changed epoch in the clear header → BACKUP_TAMPERED', async () => {
    const e = await expectCode(() => openBackup(mutate((f) => (f.header.epoch = 2)), PASSPHRASE), 'BACKUP_TAMPERED');
    expect(e.message).toMatch(/passphrase is right/);
  });

  test('a changed quorumId in the clear header → BACKUP_TAMPERED', async () => {
    await expectCode(() => openBackup(mutate((f) => (f.header.quorumId = flipHex(f.header.quorumId, 0))), PASSPHRASE), 'BACKUP_TAMPERED');
  });

  test('a flipped ciphertext byte → BACKUP_TAMPERED', async () => {
    await expectCode(() => openBackup(mutate((f) => (f.ciphertext = flipHex(f.ciphertext, 101))), PASSPHRASE), 'BACKUP_TAMPERED');
  });

  test('a truncated file → BACKUP_TRUNCATED, wherever it was cut, before any scrypt work', async () => {
    const cuts = [0, 1, 20, text.indexOf('"epoch"') + 3, text.indexOf('"kdf"'), text.indexOf('"ciphertext"') + 40, text.length - 3, text.lastIndexOf('}')];
    for (const at of cuts) {
      const e = await expectCode(() => openBackup(text.slice(0, at), 'not even checked'), 'BACKUP_TRUNCATED');
      expect(e.message).toMatch(/cut off/);
    }
    // A ciphertext shortened inside otherwise valid JSON is caught by the header's declared length.
    const short = await expectCode(() => openBackup(mutate((f) => (f.ciphertext = f.ciphertext.slice(0, -32))), 'not even checked'), 'BACKUP_TRUNCATED');
    expect(short.message).toContain(`${file.header.ciphertextLength - 16} of ${file.header.ciphertextLength} bytes`);
  });

  test('format version 2 → BACKUP_VERSION_UNSUPPORTED naming the version, even when the rest is unknown to this reader', async () => {
    const e = await expectCode(() => openBackup(mutate((f) => ((f.header as { version: number }).version = 2)), PASSPHRASE), 'BACKUP_VERSION_UNSUPPORTED');
    expect(e.message).toMatch(/version 2 is not supported/);
    const alien = JSON.stringify({ header: { format: 'rampart-backup', version: 2, aead: 'aes-gcm-siv' }, blob: 'zz' });
    await expectCode(() => openBackup(alien, PASSPHRASE), 'BACKUP_VERSION_UNSUPPORTED');
  });

  test('garbage or another kind of JSON → BACKUP_MALFORMED', async () => {
    for (const junk of ['hello', '\u0000\u0001\u0002', '[1, 2', '{"header": x}', '{}', '[]', '42', '{"a": 1}', `${text}}`, text.replace('"header"', '"heder"'), '{"header": {"format": "rampart-backup"}}']) {
      await expectCode(() => openBackup(junk, PASSPHRASE), 'BACKUP_MALFORMED');
    }
    await expectCode(() => openBackup(JSON.stringify({ ...file, extra: 1 }), PASSPHRASE), 'BACKUP_MALFORMED');
    await expectCode(() => openBackup(JSON.stringify({ ...file, header: { ...file.header, note: 'hi' } }), PASSPHRASE), 'BACKUP_MALFORMED');
    await expectCode(() => openBackup(mutate((f) => (f.header.createdAt = 'yesterday')), PASSPHRASE), 'BACKUP_MALFORMED');
    await expectCode(() => openBackup(mutate((f) => (f.ciphertext = f.ciphertext + '00')), PASSPHRASE), 'BACKUP_MALFORMED');
  });

  test('scrypt parameters outside the sane bounds are refused before any work → BACKUP_MALFORMED', async () => {
    const bad: [number, number, number][] = [[2 ** 14, 8, 1], [2 ** 21, 8, 1], [3 * 2 ** 15, 8, 1], [2 ** 17, 16, 1], [2 ** 17, 1, 1], [2 ** 17, 8, 5]];
    for (const [N, r, p] of bad) {
      const e = await expectCode(() => openBackup(mutate((f) => Object.assign(f.kdf, { N, r, p })), PASSPHRASE), 'BACKUP_MALFORMED');
      expect(e.message).toMatch(/scrypt/);
    }
  });

  test('a share that does not match its certificate, encrypted correctly → BACKUP_SHARE_MISMATCH naming the device', async () => {
    // The device's epoch-0 share under its epoch-1 identifier and certificate: a stale share filed under the new epoch.
    const good = contentsAt(history, 1, deviceId);
    const stale = history.worlds[0]!.holders.find((h) => h.deviceId === deviceId)!.secret;
    expect(stale.identifier).toBe(good.share.identifier);
    const bad = { ...good, share: redactSecret({ ...stale }) };
    const forged = await encryptBackup(encodePayload(bad), backupHeaderFor(bad, new Date()), PASSPHRASE, { N: TEST_N });
    const e = await expectCode(() => openBackup(serializeBackupFile(forged), PASSPHRASE), 'BACKUP_SHARE_MISMATCH', deviceId);
    expect(e.message).toMatch(/does not match its epoch-1 certificate/);
  });

  test('a forged certificate in the chain (a bad ack) → CERT_ACK_INVALID naming the member', async () => {
    const good = contentsAt(history, 1, deviceId);
    const cert: Certificate = structuredClone(good.certificates[1]!);
    const victim = cert.acks[2]!;
    victim.signature = cert.acks[0]!.signature;
    const bad = { ...good, certificates: [good.certificates[0]!, cert] };
    const forged = await encryptBackup(encodePayload(bad), backupHeaderFor(bad, new Date()), PASSPHRASE, { N: TEST_N });
    await expectCode(() => openBackup(serializeBackupFile(forged), PASSPHRASE), 'CERT_ACK_INVALID', victim.deviceId);
  });

  test("another quorum's backup, with the quorum named → BACKUP_OTHER_QUORUM from the policy", async () => {
    const opened = await openBackup(text, PASSPHRASE);
    const other = bytesToHex(new Uint8Array(16).fill(7));
    const decision = decideImport({ backup: opened.subject, current: { kind: 'unknown' }, acceptUnverified: true, expectedQuorumId: other });
    expect(decision).toMatchObject({ action: 'refused', code: 'BACKUP_OTHER_QUORUM' });
    await expectCode(() => throwIfNotRestorable(decision), 'BACKUP_OTHER_QUORUM');
    // The same backup, for its own quorum, restores.
    expect(decideImport({ backup: opened.subject, current: { kind: 'unknown' }, acceptUnverified: true, expectedQuorumId: opened.header.quorumId }).action).toBe('restore');
  });
});
