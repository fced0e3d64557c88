/**
 * A user signing request can never yield a protocol signature: messages in
 * Rampart's own "rampart/" domain (certificate test signatures) are refused
 * at decode time, so holders cannot be tricked into certifying an epoch.
 */
import { describe, expect, test } from 'vitest';
import { bytesToHex, utf8ToBytes } from '../../shared/bytes.js';
import { testSignatureMessage } from '../../shared/certificate/payloads.js';
import { isRampartError } from '../../shared/errors.js';
import { decodeEnvelope, encodeEnvelope, signEnvelope } from '../../shared/wire/envelope.js';
import { devices, quorumId, sessionId } from './fixtures.js';

function unsignedRequest(messageHex: string) {
  const d = devices[0]!;
  return {
    v: 1,
    kind: 'sign/propose',
    quorumId,
    sessionId,
    epoch: 1,
    from: d.deviceId,
    to: [devices[1]!.deviceId],
    seq: 0,
    body: { message: messageHex, description: 'pay the invoice', expiresAt: 1_767_225_600_000 },
  } as const;
}

function signRequest(messageHex: string): unknown {
  return { ...unsignedRequest(messageHex), sig: '00'.repeat(64) };
}

describe('reserved signing domain', () => {
  test('a sign request for a certificate test-signature message is refused', () => {
    const msg = bytesToHex(testSignatureMessage('ab'.repeat(32)));
    let err: unknown;
    try {
      decodeEnvelope(signRequest(msg));
    } catch (e) {
      err = e;
    }
    expect(isRampartError(err) && err.code === 'ENCODING_INVALID' && /reserved/.test(err.message)).toBe(true);
  });

  test('any message starting with "rampart/" is refused; others are accepted', () => {
    expect(() => decodeEnvelope(signRequest(bytesToHex(utf8ToBytes('rampart/anything'))))).toThrow(/reserved/);
    const ok = signEnvelope({ ...unsignedRequest(bytesToHex(utf8ToBytes('ramparts are walls'))), to: [devices[1]!.deviceId] }, devices[0]!.keys.signingKey);
    expect(decodeEnvelope(encodeEnvelope(ok)).kind).toBe('sign/propose');
  });
});
