/**
 * Envelope decoding, encoding and signatures (DESIGN §3): round trips for every
 * kind, and every rejection with its stable RampartError code.
 */
import { describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../shared/bytes.js';
import { isRampartError, type ErrorCode } from '../../shared/errors.js';
import { DOMAIN } from '../../shared/hash.js';
import { signDomain } from '../../shared/identity.js';
import { MESSAGE_KINDS } from '../../shared/wire/bodies.js';
import { canonicalJson } from '../../shared/wire/canonical.js';
import {
  decodeEnvelope,
  encodeEnvelope,
  envelopeHeader,
  MAX_ENVELOPE_BYTES,
  proposalHash,
  signApproval,
  signEnvelope,
  verifyApproval,
  verifyEnvelope,
  type Envelope,
} from '../../shared/wire/envelope.js';
import { alice, bob, carol, clone, dave, example, sender, unsignedExamples } from './fixtures.js';

/** Runs `f` and returns the RampartError it throws (fails the test if it throws nothing or something else). */
function rampartErrorOf(f: () => unknown): { code: ErrorCode; culprit: string | undefined; message: string } {
  try {
    f();
  } catch (e) {
    if (isRampartError(e)) return e;
    throw e;
  }
  throw new Error('expected a RampartError, but nothing was thrown');
}

/** A loosely typed envelope copy, for mutation. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mutable = Record<string, any>;

/** Decodes a mutated copy of an example and returns the error. */
function decodeMutated(kind: Parameters<typeof example>[0], mutate: (env: Mutable) => void) {
  const env = clone(example(kind)) as Mutable;
  mutate(env);
  return rampartErrorOf(() => decodeEnvelope(JSON.stringify(env)));
}

/** The canonical JSON an envelope signature covers (before the domain prefix). */
function withoutSig(env: Envelope): string {
  const copy: Partial<Envelope> = { ...env };
  delete copy.sig;
  return canonicalJson(copy);
}

describe('round trips', () => {
  for (const kind of MESSAGE_KINDS) {
    it(`decode(encode(x)) deep-equals x for ${kind}, and the signature verifies`, () => {
      const env = example(kind);
      const decoded = decodeEnvelope(encodeEnvelope(env));
      expect(decoded).toEqual(env);
      verifyEnvelope(decoded, sender(env).identityKey);
    });
  }

  it('decodes an already-parsed object to an equal, independent copy', () => {
    const env = example('reshare/deal');
    const decoded = decodeEnvelope(clone(env));
    expect(decoded).toEqual(env);
    expect(decoded.body).not.toBe(env.body);
  });

  it('encodes canonically whatever the key order of the input', () => {
    const env = example('sign/commit');
    const reversed = Object.fromEntries(Object.entries(env).reverse()) as Envelope;
    expect(encodeEnvelope(reversed)).toBe(encodeEnvelope(env));
    expect(encodeEnvelope(env)).toBe(canonicalJson(env));
  });

  it('the header holds v, kind, quorumId, sessionId, epoch, from and to only', () => {
    const env = example('dkg/round2');
    expect(Object.keys(envelopeHeader(env)).sort()).toEqual(['epoch', 'from', 'kind', 'quorumId', 'sessionId', 'to', 'v']);
    expect(envelopeHeader(env).to).toEqual(env.to);
  });
});

describe('decoding rejects malformed envelopes', () => {
  it('rejects an unknown field in the header', () => {
    const e = decodeMutated('dkg/ack', (env) => (env.extra = 1));
    expect(e.code).toBe('ENCODING_INVALID');
    expect(e.message).toContain('extra');
  });

  it('rejects an unknown field in the body, naming the body path', () => {
    const e = decodeMutated('sign/share', (env) => (env.body.nonce = '00'));
    expect(e.code).toBe('ENCODING_INVALID');
    expect(e.message).toMatch(/^body: .*nonce/);
  });

  it('rejects an unknown field nested in a member, naming its path', () => {
    const e = decodeMutated('dkg/propose', (env) => (env.body.members[1].role = 'admin'));
    expect(e.code).toBe('ENCODING_INVALID');
    expect(e.message).toMatch(/^body\.members\.1: .*role/);
  });

  it('rejects upper-case hex', () => {
    const e = decodeMutated('dkg/ack', (env) => (env.quorumId = env.quorumId.toUpperCase()));
    expect(e.code).toBe('ENCODING_INVALID');
    expect(e.message).toMatch(/^quorumId:/);
  });

  it('rejects hex of odd length', () => {
    const e = decodeMutated('dkg/round2', (env) => {
      const first = Object.keys(env.body.sealed)[0]!;
      env.body.sealed[first].ct += '0';
    });
    expect(e.code).toBe('ENCODING_INVALID');
    expect(e.message).toMatch(/^body\.sealed\.[0-9a-f]{32}\.ct:/);
  });

  it('rejects hex of the wrong length', () => {
    const e = decodeMutated('reshare/withdraw', (env) => (env.body.proposalHash = env.body.proposalHash.slice(2)));
    expect(e.code).toBe('ENCODING_INVALID');
    expect(e.message).toMatch(/^body\.proposalHash:/);
  });

  it('rejects a sealed share keyed by something other than a deviceId', () => {
    const e = decodeMutated('dkg/round2', (env) => {
      const first = Object.keys(env.body.sealed)[0]!;
      env.body.sealed[first.toUpperCase()] = env.body.sealed[first];
      delete env.body.sealed[first];
    });
    expect(e.code).toBe('ENCODING_INVALID');
    expect(e.message).toMatch(/^body\.sealed\./);
  });

  it("rejects a deal's packed sealed shares unless they are whole 80-byte entries of lower-case hex", () => {
    for (const mutate of [(s: string) => s + '00', (s: string) => s.slice(2), (s: string) => s.toUpperCase(), () => '']) {
      const e = decodeMutated('reshare/deal', (env) => (env.body.sealedShares = mutate(env.body.sealedShares)));
      expect(e.code).toBe('ENCODING_INVALID');
      expect(e.message).toMatch(/^body\.sealedShares:/);
    }
  });

  it('rejects an unsupported suite in a DKG proposal with SUITE_UNSUPPORTED', () => {
    const e = decodeMutated('dkg/propose', (env) => (env.body.suite = 'secp256k1'));
    expect(e.code).toBe('SUITE_UNSUPPORTED');
    expect(e.message).toMatch(/^body\.suite:/);
  });

  it('rejects an unsupported suite in a reshare proposal with SUITE_UNSUPPORTED', () => {
    const e = decodeMutated('reshare/propose', (env) => (env.body.suite = 'ed448'));
    expect(e.code).toBe('SUITE_UNSUPPORTED');
  });

  it('rejects an unsupported suite inside a certificate with SUITE_UNSUPPORTED', () => {
    const e = decodeMutated('reshare/commit', (env) => (env.body.certificate.suite = 'p256'));
    expect(e.code).toBe('SUITE_UNSUPPORTED');
    expect(e.message).toMatch(/^body\.certificate\.suite:/);
  });

  it('rejects any other version with VERSION_UNSUPPORTED', () => {
    for (const v of [0, 2, '1', null]) {
      expect(decodeMutated('dkg/ack', (env) => (env.v = v)).code).toBe('VERSION_UNSUPPORTED');
    }
  });

  it('checks the version before anything else', () => {
    const e = decodeMutated('dkg/ack', (env) => {
      env.v = 2;
      env.kind = 'dkg/fancy-new-round';
      env.extra = true;
    });
    expect(e.code).toBe('VERSION_UNSUPPORTED');
  });

  it('rejects an envelope without a version as malformed', () => {
    expect(decodeMutated('dkg/ack', (env) => delete env.v).code).toBe('ENCODING_INVALID');
  });

  it('rejects an unknown kind', () => {
    const e = decodeMutated('dkg/ack', (env) => (env.kind = 'dkg/round3'));
    expect(e.code).toBe('ENCODING_INVALID');
    expect(e.message).toMatch(/^kind:/);
  });

  it('rejects a body that belongs to another kind', () => {
    const e = decodeMutated('dkg/ack', (env) => (env.kind = 'reshare/withdraw'));
    expect(e.code).toBe('ENCODING_INVALID');
    expect(e.message).toMatch(/^body/);
  });

  it('rejects duplicate and empty recipient lists', () => {
    expect(decodeMutated('dkg/ack', (env) => env.to.push(env.to[0])).message).toMatch(/^to:.*unique/);
    expect(decodeMutated('dkg/ack', (env) => (env.to = [])).code).toBe('ENCODING_INVALID');
  });

  it('rejects a negative or fractional seq', () => {
    expect(decodeMutated('dkg/ack', (env) => (env.seq = -1)).message).toMatch(/^seq:/);
    expect(decodeMutated('dkg/ack', (env) => (env.seq = 1.5)).message).toMatch(/^seq:/);
  });

  it('rejects a threshold above the number of members', () => {
    const e = decodeMutated('reshare/propose', (env) => (env.body.newThreshold = 4));
    expect(e.code).toBe('ENCODING_INVALID');
    expect(e.message).toContain('newThreshold exceeds');
  });

  it('rejects a member name with a bidi override that could disguise it', () => {
    const e = decodeMutated('dkg/propose', (env) => (env.body.members[0].name = 'bob\u202e potpal'));
    expect(e.code).toBe('ENCODING_INVALID');
    expect(e.message).toMatch(/^body\.members\.0\.name:/);
  });

  it('rejects text that is not JSON, and JSON that is not an object', () => {
    expect(rampartErrorOf(() => decodeEnvelope('{"v":1,')).code).toBe('ENCODING_INVALID');
    expect(rampartErrorOf(() => decodeEnvelope('[1]')).code).toBe('ENCODING_INVALID');
    expect(rampartErrorOf(() => decodeEnvelope(null)).code).toBe('ENCODING_INVALID');
  });

  it('rejects input over 1 MiB before parsing it', () => {
    const text = encodeEnvelope(example('sign/propose'));
    const padded = text.slice(0, -1) + ' '.repeat(MAX_ENVELOPE_BYTES - text.length) + '}';
    expect(decodeEnvelope(padded)).toEqual(example('sign/propose')); // exactly 1 MiB is fine
    const e = rampartErrorOf(() => decodeEnvelope(padded.slice(0, -1) + ' }'));
    expect(e.code).toBe('ENCODING_INVALID');
    expect(e.message).toContain('exceeds');
  });

  it('counts the size in UTF-8 bytes, not characters', () => {
    const big = JSON.stringify({ ...example('dkg/ack'), pad: 'é'.repeat(MAX_ENVELOPE_BYTES / 2) });
    expect(big.length).toBeLessThan(MAX_ENVELOPE_BYTES);
    const e = rampartErrorOf(() => decodeEnvelope(big));
    expect(e.message).toContain('exceeds');
  });

  it('does not blame the unauthenticated sender for a decoding error', () => {
    expect(decodeMutated('dkg/ack', (env) => (env.extra = 1)).culprit).toBeUndefined();
  });
});

describe('signatures', () => {
  it('rejects a signature with one flipped byte, naming the sender', () => {
    const env = clone(example('reshare/ack'));
    env.sig = (env.sig.slice(0, 10) + ((parseInt(env.sig.slice(10, 12), 16) ^ 1).toString(16).padStart(2, '0')) + env.sig.slice(12));
    const e = rampartErrorOf(() => verifyEnvelope(decodeEnvelope(encodeEnvelope(env)), sender(env).identityKey));
    expect(e.code).toBe('ENVELOPE_SIGNATURE_INVALID');
    expect(e.culprit).toBe(env.from);
  });

  it('rejects an envelope whose signed content was altered', () => {
    for (const mutate of [
      (env: Mutable) => (env.seq += 1),
      (env: Mutable) => (env.epoch += 1),
      (env: Mutable) => env.to.pop(),
      (env: Mutable) => (env.body.proposalHash = '00'.repeat(32)),
    ]) {
      const env = clone(example('reshare/withdraw'));
      mutate(env);
      const e = rampartErrorOf(() => verifyEnvelope(decodeEnvelope(JSON.stringify(env)), sender(env).identityKey));
      expect(e.code).toBe('ENVELOPE_SIGNATURE_INVALID');
      expect(e.culprit).toBe(env.from);
    }
  });

  it('rejects an envelope signed by another device', () => {
    const env = clone(example('sign/share'));
    const unsigned = withoutSig(env);
    const forged = { ...env, sig: signDomain(DOMAIN.envelope, utf8ToBytes(unsigned), dave.keys.signingKey) };
    const e = rampartErrorOf(() => verifyEnvelope(forged, sender(env).identityKey));
    expect(e.code).toBe('ENVELOPE_SIGNATURE_INVALID');
    expect(e.culprit).toBe(env.from);
  });

  it('rejects a valid signature whose key does not belong to `from`', () => {
    // Signed correctly by dave, but claiming to come from someone else.
    const env = clone(example('sign/share'));
    const unsigned = withoutSig(env);
    const forged = { ...env, sig: signDomain(DOMAIN.envelope, utf8ToBytes(unsigned), dave.keys.signingKey) };
    const e = rampartErrorOf(() => verifyEnvelope(forged, dave.identityKey));
    expect(e.code).toBe('ENVELOPE_SIGNATURE_INVALID');
    expect(e.culprit).toBe(env.from);
  });

  it('rejects a signature made under another domain tag', () => {
    const env = clone(example('sign/share'));
    const unsigned = withoutSig(env);
    const signer = sender(env).keys.signingKey;
    const wrongDomain = { ...env, sig: signDomain(DOMAIN.approval, utf8ToBytes(unsigned), signer) };
    expect(rampartErrorOf(() => verifyEnvelope(wrongDomain, sender(env).identityKey)).code).toBe('ENVELOPE_SIGNATURE_INVALID');
    // The same bytes under the envelope domain do verify: only the tag differs.
    const right = { ...env, sig: signDomain(DOMAIN.envelope, utf8ToBytes(unsigned), signer) };
    expect(() => verifyEnvelope(right, sender(env).identityKey)).not.toThrow();
  });

  it('ignores stray properties when signing and verifying', () => {
    const env = example('dkg/ack');
    const withStray = { ...env, relayNote: 'hello' } as Envelope;
    expect(() => verifyEnvelope(withStray, sender(env).identityKey)).not.toThrow();
  });

  it('refuses to sign an envelope whose `from` is another device', () => {
    const u = unsignedExamples['dkg/ack'];
    const e = rampartErrorOf(() => signEnvelope(u, dave.keys.signingKey));
    expect(e.code).toBe('ENVELOPE_SIGNATURE_INVALID');
  });

  it('refuses to sign a malformed envelope', () => {
    const u = { ...unsignedExamples['dkg/ack'], body: { transcriptHash: 'zz', signature: '00' } };
    expect(rampartErrorOf(() => signEnvelope(u, sender(u).keys.signingKey)).code).toBe('ENCODING_INVALID');
  });

  it('refuses to encode an envelope that would not decode', () => {
    const env = { ...example('dkg/ack'), seq: -5 };
    expect(rampartErrorOf(() => encodeEnvelope(env)).code).toBe('ENCODING_INVALID');
  });
});

describe('proposal hashes and approvals', () => {
  it('binds the proposal hash to the session and body but not to seq', () => {
    const p = unsignedExamples['reshare/propose'];
    const h = proposalHash(p);
    expect(proposalHash({ ...p, seq: p.seq + 7 })).toBe(h);
    expect(proposalHash({ ...p, sessionId: '00'.repeat(16) })).not.toBe(h);
    expect(proposalHash({ ...p, epoch: p.epoch + 1 })).not.toBe(h);
    expect(proposalHash({ ...p, body: { ...p.body, newThreshold: 3 } })).not.toBe(h);
  });

  it('verifies an approval only for its proposal hash and its signer', () => {
    const h = proposalHash(unsignedExamples['sign/propose']);
    const approval = signApproval(h, bob.keys.signingKey);
    expect(verifyApproval(h, approval, bob.identityKey)).toBe(true);
    expect(verifyApproval(h, approval, carol.identityKey)).toBe(false);
    expect(verifyApproval(proposalHash(unsignedExamples['dkg/propose']), approval, bob.identityKey)).toBe(false);
    // An approval is not an envelope signature over the same bytes, and vice versa.
    expect(verifyApproval(h, signDomain(DOMAIN.envelope, Buffer.from(h, 'hex'), bob.keys.signingKey), bob.identityKey)).toBe(false);
  });

  it('the example approvals in sign/approve verify', () => {
    const env = example('sign/approve');
    expect(verifyApproval(env.body.proposalHash, env.body.approval, sender(env).identityKey)).toBe(true);
    expect(alice.deviceId).not.toBe(bob.deviceId);
  });
});
