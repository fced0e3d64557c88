/**
 * Backups round-trip (DESIGN §6): a real quorum (DKG, then a reshare), one
 * member's backup at the current epoch, opened again: the same share, keys,
 * epoch and chain come back, and the restored share still signs under the
 * unchanged group key with another member (I1).
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { createBackup, DEFAULT_SCRYPT_N, openBackup, parseBackupFile } from '../../shared/backup/index.js';
import { certificateHash } from '../../shared/certificate/payloads.js';
import { getSuite, SUITE_NAMES } from '../../shared/suites.js';
import { PASSPHRASE, TEST_N, contentsOfDevice } from '../helpers/backup-fixtures.js';
import { dkgQuorum, newDevice, reshareQuorum } from '../helpers/ceremony.js';
import { certify } from '../helpers/certify.js';
import { frostSign, genesisWorld, identityOf, plainVerify } from '../helpers/reshare-harness.js';

describe.each(SUITE_NAMES)('backup round trip (%s)', (name) => {
  test('create → open gives back the same share, identity keys, epoch and certificate chain; the restored share signs', async () => {
    const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(newDevice) as [ReturnType<typeof newDevice>, ReturnType<typeof newDevice>, ReturnType<typeof newDevice>];
    const q = await dkgQuorum(name, 2, [alice, bob, carol]);
    await reshareQuorum(q, [alice, bob, carol], 2);
    const contents = contentsOfDevice(q, bob);
    const now = new Date('2025-03-01T12:00:00.000Z');

    const made = await createBackup(contents, PASSPHRASE, { N: TEST_N, now });
    expect(made.header).toMatchObject({
      format: 'rampart-backup',
      version: 1,
      quorumId: q.quorumId,
      suite: name,
      groupPublicKey: bytesToHex(q.epoch.frostPublic.commitments[0]!),
      epoch: 1,
      deviceId: bob.deviceId,
      identifier: bob.share!.identifier,
      createdAt: now.toISOString(),
      certificateHash: q.epoch.certificateHash,
    });
    // Nothing secret in the file's text.
    for (const secret of [bytesToHex(bob.share!.signingShare), bytesToHex(bob.keys.signingKey.expose()), bytesToHex(bob.keys.hpkeKey.expose())]) {
      expect(made.text).not.toContain(secret);
    }

    const opened = await openBackup(made.text, PASSPHRASE);
    expect(opened.fingerprint).toBe(made.fingerprint);
    expect(opened.header).toEqual(made.header);
    expect(opened.contents.share.identifier).toBe(bob.share!.identifier);
    expect(bytesToHex(opened.contents.share.signingShare)).toBe(bytesToHex(bob.share!.signingShare));
    expect(bytesToHex(opened.contents.device.signingKey.expose())).toBe(bytesToHex(bob.keys.signingKey.expose()));
    expect(bytesToHex(opened.contents.device.hpkeKey.expose())).toBe(bytesToHex(bob.keys.hpkeKey.expose()));
    expect(opened.contents.epoch).toEqual(q.epoch);
    expect(opened.contents.certificates).toEqual(q.chain);
    expect(opened.certificate).toEqual(q.chain[1]);
    expect(opened.subject).toEqual({ quorumId: q.quorumId, epoch: 1, certificateHash: q.epoch.certificateHash, chainHashes: q.chain.map((c) => certificateHash(c)) });

    // Decoded secrets print as <redacted>.
    const printed = JSON.stringify(opened.contents);
    expect(printed).not.toContain(bytesToHex(bob.share!.signingShare));
    expect(printed).not.toContain(bytesToHex(bob.keys.signingKey.expose()));
    expect(JSON.stringify(opened.contents.share)).toBe('"<redacted>"');

    // The restored share signs with carol's under the unchanged group key.
    const suite = getSuite(name);
    const msg = new TextEncoder().encode('restored from backup');
    const r = frostSign(suite, q.epoch, q.epoch.frostPublic, [{ deviceId: bob.deviceId, secret: opened.contents.share }, { deviceId: carol.deviceId, secret: carol.share! }], msg);
    expect(r.ok).toBe(true);
    if (r.ok) expect(plainVerify(suite, q.epoch.frostPublic, msg, r.signature)).toBe(true);
  });
});

test('new backups use scrypt N = 2^17, r = 8, p = 1 and a fresh 32-byte salt and nonce by default', async () => {
  const w = genesisWorld('ed25519', 2, 2);
  const c = certify(w, null);
  const contents = { share: w.holders[0]!.secret, device: identityOf(w.holders[0]!.deviceId), epoch: w.epoch, certificates: [c.certificate] };
  const a = await createBackup(contents, PASSPHRASE);
  expect(a.file.kdf).toMatchObject({ name: 'scrypt', N: DEFAULT_SCRYPT_N, r: 8, p: 1 });
  expect(a.file.kdf.salt).toHaveLength(64);
  expect(a.file.nonce).toHaveLength(48);
  expect(parseBackupFile(a.text)).toEqual(a.file);
  const opened = await openBackup(a.text, PASSPHRASE);
  expect(bytesToHex(opened.contents.share.signingShare)).toBe(bytesToHex(w.holders[0]!.secret.signingShare));
});
