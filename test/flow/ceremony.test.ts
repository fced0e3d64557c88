/**
 * The whole protocol in one process, every message through the wire format:
 * DKG 2-of-3 → genesis certificate → refresh → restructure to 3-of-4, with
 * sub-shares HPKE-sealed per recipient and a certificate chain at the end.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { verifyChain } from '../../shared/certificate/verify.js';
import { isRampartError } from '../../shared/errors.js';
import { aggregateSignature, signRound1, signRound2, signWithShares } from '../../shared/sign.js';
import { SUITE_NAMES } from '../../shared/suites.js';
import { dkgQuorum, newDevice, reshareQuorum, type Quorum } from '../helpers/ceremony.js';

/** The plain standard verifier, straight from noble (not through shared/suites.ts). */
function plainVerify(q: Quorum, sig: Uint8Array, msg: Uint8Array): boolean {
  const c0 = q.epoch.frostPublic.commitments[0]!;
  return q.suite.name === 'ed25519' ? ed25519.verify(sig, msg, c0) : schnorr.verify(sig, msg, c0.slice(1));
}

function signBy(q: Quorum, names: string[], msg: Uint8Array): Uint8Array {
  const keys = names.map((n) => q.devices.find((d) => d.name === n)!).map((d) => ({ deviceId: d.deviceId, secret: d.share! }));
  return signWithShares(q.suite, q.epoch, keys, msg);
}

describe.each(SUITE_NAMES)('in-process ceremony over the wire format (%s)', (name) => {
  test('DKG, refresh and restructure keep the key; the chain verifies; no share crosses the wire in clear', async () => {
    const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(newDevice) as [ReturnType<typeof newDevice>, ReturnType<typeof newDevice>, ReturnType<typeof newDevice>, ReturnType<typeof newDevice>];
    const q = await dkgQuorum(name, 2, [alice, bob, carol]);
    const pk = bytesToHex(q.epoch.frostPublic.commitments[0]!);
    const msg = new TextEncoder().encode('pay 1 BTC to the cold wallet');
    expect(plainVerify(q, signBy(q, ['alice', 'carol'], msg), msg)).toBe(true);

    // Refresh: same roster, same threshold.
    const staleBob = bob.share!;
    const refresh = await reshareQuorum(q, [alice, bob, carol], 2);
    expect(q.epoch.epoch).toBe(1);
    expect(bytesToHex(q.epoch.frostPublic.commitments[0]!)).toBe(pk);
    expect(plainVerify(q, signBy(q, ['bob', 'carol'], msg), msg)).toBe(true);

    // I4: bob's epoch-0 share mixed with carol's epoch-1 share fails, and bob is named.
    const rounds = [
      { deviceId: bob.deviceId, secret: staleBob },
      { deviceId: carol.deviceId, secret: carol.share! },
    ].map((k) => ({ k, ...signRound1(q.suite, k.secret) }));
    const commitments = rounds.map((r) => r.commitment);
    const shares = Object.fromEntries(rounds.map((r) => [r.k.secret.identifier, signRound2(q.suite, r.k.secret, q.epoch.frostPublic, r.nonces, commitments, msg)]));
    let err: unknown;
    try {
      aggregateSignature(q.suite, q.epoch, commitments, msg, shares);
    } catch (e) {
      err = e;
    }
    expect(isRampartError(err) && err.code === 'SIGNATURE_SHARE_INVALID' && err.culprit === bob.deviceId).toBe(true);

    // Restructure: dave joins, threshold 3-of-4.
    const restructure = await reshareQuorum(q, [alice, bob, carol, dave], 3);
    expect(q.epoch.epoch).toBe(2);
    expect(q.epoch.threshold).toBe(3);
    expect(bytesToHex(q.epoch.frostPublic.commitments[0]!)).toBe(pk);
    expect(plainVerify(q, signBy(q, ['alice', 'bob', 'dave'], msg), msg)).toBe(true);
    expect(() => signBy(q, ['alice', 'dave'], msg)).toThrow();

    // The chain from genesis verifies and ends at epoch 2 with the same key.
    const newest = verifyChain(q.chain);
    expect(newest.epoch).toBe(2);
    expect(q.chain.map((c) => c.groupKey)).toEqual([pk, pk, pk]);

    // I5: what the relay carried never contains a sub-share in clear.
    const wire = q.wire.join('\n');
    for (const s of [...refresh.sealedPlaintexts, ...restructure.sealedPlaintexts]) expect(wire).not.toContain(s);
    expect(refresh.sealedPlaintexts.length).toBe(2 * 3);
  });
});
