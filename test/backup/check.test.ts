/**
 * checkBackupContents (DESIGN §6 "the share must match its certificate's
 * Y_j"), on real certificate chains and without scrypt: only a backup whose
 * header, chain, epoch data, membership and share all agree passes, and each
 * mismatch names the device.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { backupHeaderFor, checkBackupContents, decodePayload, encodePayload, type BackupContents, type BackupHeader } from '../../shared/backup/index.js';
import { certificateHash } from '../../shared/certificate/payloads.js';
import { generateDeviceKeys } from '../../shared/identity.js';
import { redactSecret } from '../../shared/redact.js';
import { getSuite, SUITE_NAMES } from '../../shared/suites.js';
import { contentsAt, expectCode, genesisHistory, reshareHistory, type History } from '../helpers/backup-fixtures.js';

/** The header a writer would put on `c` (ciphertext length is irrelevant here). */
function headerOf(c: BackupContents): BackupHeader {
  return { ...backupHeaderFor(c, new Date('2025-01-01T00:00:00Z')), format: 'rampart-backup', version: 1, ciphertextLength: 1000 };
}

const check = (c: BackupContents, h = headerOf(c)) => checkBackupContents(h, c);

describe.each(SUITE_NAMES)('checkBackupContents (%s)', (name) => {
  let h: History;
  let me: string;
  beforeAll(() => {
    // 2-of-3 → refresh → 3-of-4 (one device joins): three certificates.
    h = reshareHistory(reshareHistory(genesisHistory(name, 2, 3)), { add: 1, threshold: 3 });
    me = h.worlds[2]!.epoch.roster[0]!.deviceId;
  });

  test('a consistent backup passes, at every epoch, for every member; it returns the verified certificate and chain hashes', () => {
    for (const [e, w] of h.worlds.entries()) {
      for (const m of w.epoch.roster) {
        const r = check(contentsAt(h, e, m.deviceId));
        expect(r.certificate).toEqual(h.chain[e]);
        expect(r.chainHashes).toEqual(h.chain.slice(0, e + 1).map((c) => certificateHash(c)));
      }
    }
  });

  test('a share from another epoch under this epoch\'s certificate → BACKUP_SHARE_MISMATCH naming the device', async () => {
    const c = contentsAt(h, 2, me);
    const old = h.worlds[1]!.holders.find((x) => x.deviceId === me)!.secret;
    const e = await expectCode(() => check({ ...c, share: redactSecret({ ...old }) }), 'BACKUP_SHARE_MISMATCH', me);
    expect(e.message).toMatch(/s·G ≠ Y_j/);
  });

  test('a random or zero share → BACKUP_SHARE_MISMATCH', async () => {
    const c = contentsAt(h, 2, me);
    const suite = getSuite(name);
    const random = Uint8Array.from(suite.Fn.toBytes(suite.Fn.create(123456789n)));
    await expectCode(() => check({ ...c, share: { identifier: c.share.identifier, signingShare: random } }), 'BACKUP_SHARE_MISMATCH', me);
    await expectCode(() => check({ ...c, share: { identifier: c.share.identifier, signingShare: new Uint8Array(32) } }), 'BACKUP_SHARE_MISMATCH', me);
  });

  test("another member's share under this device's keys → BACKUP_SHARE_MISMATCH (wrong identifier for this device)", async () => {
    const c = contentsAt(h, 2, me);
    const other = h.worlds[2]!.holders.find((x) => x.deviceId !== me)!.secret;
    const e = await expectCode(() => check({ ...c, share: other }), 'BACKUP_SHARE_MISMATCH', me);
    expect(e.message).toMatch(/identifier/);
  });

  test('identity keys of a device outside the roster → BACKUP_SHARE_MISMATCH naming that device', async () => {
    const c = contentsAt(h, 2, me);
    const stranger = { ...c, device: generateDeviceKeys() };
    const header = headerOf(stranger);
    const e = await expectCode(() => check(stranger, header), 'BACKUP_SHARE_MISMATCH', header.deviceId);
    expect(e.message).toMatch(/not in the epoch-2 roster/);
  });

  test("epoch data that is not the certificate's (another epoch's commitments) → BACKUP_SHARE_MISMATCH", async () => {
    const c = contentsAt(h, 1, me);
    const wrong = { ...c, epoch: { ...c.epoch, frostPublic: h.worlds[0]!.epoch.frostPublic } };
    await expectCode(() => check(wrong), 'BACKUP_SHARE_MISMATCH', me);
  });

  test('a chain that stops before the backup epoch, or a forged test signature, fails with a CERT_* code', async () => {
    const c = contentsAt(h, 2, me);
    await expectCode(() => check({ ...c, certificates: c.certificates.slice(0, 2) }), 'CERT_CHAIN_BROKEN');
    const forged = structuredClone(c.certificates);
    const sig = forged[2]!.testSignature.signature;
    forged[2]!.testSignature.signature = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
    await expectCode(() => check({ ...c, certificates: forged }), 'CERT_TEST_SIGNATURE_INVALID');
    await expectCode(() => checkBackupContents(headerOf(c), c, { genesisHash: '00'.repeat(32) }), 'CERT_CHAIN_BROKEN');
    expect(() => checkBackupContents(headerOf(c), c, { genesisHash: certificateHash(c.certificates[0]!) })).not.toThrow();
  });

  test('a header that does not describe the contents → BACKUP_MALFORMED naming the field', async () => {
    const c = contentsAt(h, 2, me);
    const e = await expectCode(() => check(c, { ...headerOf(c), epoch: 1 }), 'BACKUP_MALFORMED');
    expect(e.message).toBe('backup header and contents disagree on epoch: header 1, contents 2');
    await expectCode(() => check(c, { ...headerOf(c), groupPublicKey: bytesToHex(h.worlds[0]!.epoch.frostPublic.commitments[1]!) }), 'BACKUP_MALFORMED');
  });

  test('the payload encodes canonically and decodes to the same contents; decoded secrets print as <redacted>', () => {
    const c = contentsAt(h, 2, me);
    const bytes = encodePayload(c);
    const back = decodePayload(bytes);
    expect(encodePayload(back)).toEqual(bytes);
    expect(back.epoch).toEqual(c.epoch);
    expect(back.certificates).toEqual(c.certificates);
    expect(() => check(back)).not.toThrow();
    const printed = JSON.stringify(back) + String(back.device.signingKey);
    for (const secret of [bytesToHex(c.share.signingShare), bytesToHex(c.device.signingKey.expose()), bytesToHex(c.device.hpkeKey.expose())]) {
      expect(printed).not.toContain(secret);
    }
    expect(JSON.stringify(back.share)).toBe('"<redacted>"');
  });

  test('a payload that is not the schema → BACKUP_MALFORMED naming the field, never a value', async () => {
    const c = contentsAt(h, 2, me);
    const json = JSON.parse(new TextDecoder().decode(encodePayload(c))) as { share: { signingShare: string } };
    const secret = json.share.signingShare;
    json.share.signingShare = secret.toUpperCase();
    const e = await expectCode(() => decodePayload(new TextEncoder().encode(JSON.stringify(json))), 'BACKUP_MALFORMED');
    expect(e.message).toMatch(/share\.signingShare/);
    expect(e.message.toLowerCase()).not.toContain(secret);
    await expectCode(() => decodePayload(new Uint8Array([0xff, 0xfe])), 'BACKUP_MALFORMED');
  });
});
