/**
 * Deterministic example envelopes, one per message kind: fixed device seeds,
 * fixed ids and hashes, real points, real (deterministic) Ed25519 signatures.
 * Shared by the golden, round-trip and rejection tests.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '../../shared/bytes.js';
import { DOMAIN } from '../../shared/hash.js';
import {
  deviceIdOf,
  deviceKeysFromBytes,
  devicePublicKeys,
  signDomain,
  type DeviceSecretKeys,
} from '../../shared/identity.js';
import type { Certificate } from '../../shared/certificate/schema.js';
import type { BodyOf, Member, MessageKind } from '../../shared/wire/bodies.js';
import { packSealedShares } from '../../shared/wire/sealed-shares.js';
import {
  proposalHash,
  signApproval,
  signEnvelope,
  type Envelope,
  type UnsignedEnvelope,
} from '../../shared/wire/envelope.js';

/** `n` bytes of SHA-256(label), hex: fixed, realistic-looking values. */
export function fixedHex(label: string, n = 32): string {
  let out = '';
  for (let i = 0; out.length < n * 2; i++) out += bytesToHex(sha256(utf8ToBytes(`${label}/${i}`)));
  return out.slice(0, n * 2);
}

/** A test device: secret keys, public keys and deviceId. */
export interface TestDevice {
  name: string;
  keys: DeviceSecretKeys;
  identityKey: string;
  hpkeKey: string;
  deviceId: string;
}

/** A device whose keys are derived from its name (never random). */
export function testDevice(name: string): TestDevice {
  const keys = deviceKeysFromBytes(sha256(utf8ToBytes(`sign:${name}`)), sha256(utf8ToBytes(`hpke:${name}`)));
  const pub = devicePublicKeys(keys);
  return { name, keys, ...pub, deviceId: deviceIdOf(pub.identityKey) };
}

export const alice = testDevice('alice');
export const bob = testDevice('bob');
export const carol = testDevice('carol');
export const dave = testDevice('dave');
/** The devices, sorted by deviceId (a roster's canonical order). */
export const devices = [alice, bob, carol].sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1));

export const quorumId = fixedHex('quorum', 16);
export const sessionId = fixedHex('session', 16);

/** An ed25519 FROST identifier (little-endian scalar) for 1..255. */
const edId = (i: number) => i.toString(16).padStart(2, '0') + '00'.repeat(31);
/** A secp256k1 FROST identifier (big-endian scalar) for 1..255. */
const secpId = (i: number) => '00'.repeat(31) + i.toString(16).padStart(2, '0');
/** k·G on ed25519, 32 bytes hex. */
const edPoint = (k: number) => ed25519.Point.BASE.multiply(BigInt(k)).toHex();
/** k·G on secp256k1, 33 bytes compressed hex. */
const secpPoint = (k: number, compressed = true) => secp256k1.Point.BASE.multiply(BigInt(k)).toHex(compressed);

function members(id: (i: number) => string): Member[] {
  return devices.map((d, i) => ({
    deviceId: d.deviceId,
    name: `${d.name}'s laptop`,
    identityKey: d.identityKey,
    hpkeKey: d.hpkeKey,
    identifier: id(i + 1),
  }));
}

function certificate(suite: 'ed25519' | 'secp256k1-tr', epoch: number): Certificate {
  const id = suite === 'ed25519' ? edId : secpId;
  const point = suite === 'ed25519' ? edPoint : secpPoint;
  const transcriptHash = fixedHex(`transcript/${epoch}`);
  return {
    v: 1,
    suite,
    quorumId,
    epoch,
    prevHash: epoch === 0 ? null : fixedHex(`certificate/${epoch - 1}`),
    threshold: 2,
    roster: devices.map((d, i) => ({ deviceId: d.deviceId, identifier: id(i + 1), identityKey: d.identityKey })),
    groupKey: point(7),
    commitmentsHash: fixedHex(`commitments/${epoch}`),
    transcriptHash,
    // Shape only: the wire schema checks form; certificate verification is tested in test/certificate.
    authorization: {
      proposal:
        epoch === 0
          ? { v: 1, kind: 'dkg/propose', quorumId, sessionId, epoch: 0, from: devices[0]!.deviceId, to: devices.slice(1).map((d) => d.deviceId), body: { suite, name: 'Treasury', threshold: 2, members: members(id), expiresAt: 1_767_225_600_000 } }
          : { v: 1, kind: 'reshare/propose', quorumId, sessionId, epoch: epoch - 1, from: devices[0]!.deviceId, to: devices.slice(1).map((d) => d.deviceId), body: { suite, prevCertificateHash: fixedHex(`certificate/${epoch - 1}`), newThreshold: 2, newMembers: members(id), expiresAt: 1_767_225_600_000 } },
      approvals: devices.slice(0, 2).map((d) => ({ deviceId: d.deviceId, signature: signDomain(DOMAIN.approval, utf8ToBytes(`approval/${epoch}`), d.keys.signingKey) })),
    },
    acks: devices.map((d) => ({
      deviceId: d.deviceId,
      signature: signDomain(DOMAIN.ack, utf8ToBytes(transcriptHash), d.keys.signingKey),
    })),
    testSignature: { signers: [devices[0]!.deviceId, devices[1]!.deviceId], signature: fixedHex('test-signature', 64) },
  };
}

const sealedFor = (label: string) =>
  Object.fromEntries(devices.map((d) => [d.deviceId, { enc: fixedHex(`${label}/enc/${d.name}`), ct: fixedHex(`${label}/ct/${d.name}`, 48) }]));

type Header<K extends MessageKind> = Omit<UnsignedEnvelope<K>, 'body'>;

function header<K extends MessageKind>(kind: K, from: TestDevice, epoch: number, seq: number): Header<K> {
  const to = devices.filter((d) => d !== from).map((d) => d.deviceId);
  return { v: 1, kind, quorumId, sessionId, epoch, from: from.deviceId, to, seq } as Header<K>;
}

const unsigned = <K extends MessageKind>(kind: K, from: TestDevice, epoch: number, seq: number, body: BodyOf<K>) =>
  ({ ...header(kind, from, epoch, seq), body }) as UnsignedEnvelope<K>;

/** Unsigned example envelopes, one per kind, in a fixed order. */
function buildExamples(): { [K in MessageKind]: UnsignedEnvelope<K> } {
  const [d0, d1, d2] = devices as [TestDevice, TestDevice, TestDevice];
  const dkgPropose = unsigned('dkg/propose', d0, 0, 0, {
    suite: 'ed25519',
    name: 'Treasury',
    threshold: 2,
    members: members(edId),
    expiresAt: 1_900_000_000_000,
  });
  const dkgHash = proposalHash(dkgPropose);
  const resharePropose = unsigned('reshare/propose', d0, 1, 0, {
    suite: 'secp256k1-tr',
    prevCertificateHash: fixedHex('certificate/0'),
    newThreshold: 2,
    newMembers: members(secpId),
    expiresAt: 1_900_000_600_000,
  });
  const reshareHash = proposalHash(resharePropose);
  const signPropose = unsigned('sign/propose', d0, 1, 0, {
    message: fixedHex('message to sign', 40),
    description: 'Pay invoice #42\nto ACME Ltd.',
    expiresAt: 1_900_001_200_000,
  });
  const signHash = proposalHash(signPropose);
  const commit = (i: number) => ({ identifier: secpId(i), hiding: secpPoint(10 + i), binding: secpPoint(20 + i) });
  return {
    'dkg/propose': dkgPropose,
    'dkg/accept': unsigned('dkg/accept', d1, 0, 1, { proposalHash: dkgHash, approval: signApproval(dkgHash, d1.keys.signingKey) }),
    'dkg/reject': unsigned('dkg/reject', d2, 0, 1, { proposalHash: dkgHash, reason: 'Unknown device in roster' }),
    'dkg/round1': unsigned('dkg/round1', d1, 0, 2, {
      proposalHash: dkgHash,
      identifier: edId(2),
      commitment: [edPoint(3), edPoint(4)],
      proofOfKnowledge: fixedHex('pok', 64),
    }),
    'dkg/round2': unsigned('dkg/round2', d1, 0, 3, { proposalHash: dkgHash, sealed: sealedFor('dkg') }),
    'dkg/ack': unsigned('dkg/ack', d1, 0, 4, { transcriptHash: fixedHex('transcript/0'), signature: fixedHex('dkg-ack', 64) }),
    'dkg/complaint': unsigned('dkg/complaint', d2, 0, 4, {
      proposalHash: dkgHash,
      culprit: d1.deviceId,
      code: 'DKG_FAILED',
      reason: 'round-2 share does not match the commitment',
    }),
    'dkg/commit': unsigned('dkg/commit', d0, 0, 5, { certificate: certificate('ed25519', 0) }),
    'reshare/propose': resharePropose,
    'reshare/approve': unsigned('reshare/approve', d1, 1, 1, {
      proposalHash: reshareHash,
      approval: signApproval(reshareHash, d1.keys.signingKey),
    }),
    'reshare/reject': unsigned('reshare/reject', d2, 1, 1, { proposalHash: reshareHash, reason: '' }),
    'reshare/start': unsigned('reshare/start', d0, 1, 1, {
      proposalHash: reshareHash,
      dealers: [d0.deviceId, d1.deviceId],
      approvals: [d0, d1].map((d) => ({ deviceId: d.deviceId, signature: signApproval(reshareHash, d.keys.signingKey) })),
    }),
    'reshare/deal': unsigned('reshare/deal', d1, 1, 2, {
      proposalHash: reshareHash,
      startHash: fixedHex('start'),
      commitments: [secpPoint(5, false), secpPoint(6, false)],
      sealedShares: packSealedShares(
        devices.filter((d) => d !== d1).map((d) => ({ enc: fixedHex(`reshare/enc/${d.name}`), ct: fixedHex(`reshare/ct/${d.name}`, 48) })),
      ),
    }),
    'reshare/ack': unsigned('reshare/ack', d2, 1, 2, { transcriptHash: fixedHex('transcript/1'), signature: fixedHex('reshare-ack', 64) }),
    'reshare/complaint': unsigned('reshare/complaint', d2, 1, 2, {
      proposalHash: reshareHash,
      dealer: d1.deviceId,
      code: 'SUBSHARE_INVALID',
      reason: 'sub-share fails the Feldman check',
    }),
    'reshare/withdraw': unsigned('reshare/withdraw', d2, 1, 3, { proposalHash: reshareHash }),
    'reshare/commit': unsigned('reshare/commit', d1, 1, 4, { certificate: certificate('secp256k1-tr', 1) }),
    'reshare/context': unsigned('reshare/context', d0, 0, 1, {
      proposalHash: reshareHash,
      chain: [certificate('secp256k1-tr', 0)],
      commitments: [secpPoint(7), secpPoint(8)],
      verifyingShares: { [secpId(1)]: secpPoint(9), [secpId(2)]: secpPoint(10), [secpId(3)]: secpPoint(11) },
    }),
    'sign/propose': signPropose,
    'sign/approve': unsigned('sign/approve', d1, 1, 1, { proposalHash: signHash, approval: signApproval(signHash, d1.keys.signingKey) }),
    'sign/reject': unsigned('sign/reject', d2, 1, 1, { proposalHash: signHash, reason: 'Not on the invoice list' }),
    'sign/commit': unsigned('sign/commit', d1, 1, 2, { proposalHash: signHash, ...commit(2) }),
    'sign/start': unsigned('sign/start', d0, 1, 2, { proposalHash: signHash, commitments: [commit(1), commit(2)] }),
    'sign/share': unsigned('sign/share', d1, 1, 3, { proposalHash: signHash, identifier: secpId(2), share: fixedHex('share') }),
    'sign/result': unsigned('sign/result', d0, 1, 4, { proposalHash: signHash, signature: fixedHex('signature', 64) }),
  };
}

/** Unsigned example envelopes keyed by kind. */
export const unsignedExamples = buildExamples();

const byDeviceId = new Map([alice, bob, carol, dave].map((d) => [d.deviceId, d]));

/** The device that sends a given envelope. */
export function sender(env: { from: string }): TestDevice {
  const d = byDeviceId.get(env.from);
  if (!d) throw new Error(`no test device ${env.from}`);
  return d;
}

/** A signed example envelope of a given kind. */
export function example<K extends MessageKind>(kind: K): Envelope<K> {
  const u = unsignedExamples[kind];
  return signEnvelope(u, sender(u).keys.signingKey);
}

/** A deep copy of plain JSON data, for mutation in rejection tests. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** RFC 9180 A.2.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, base mode, sequence number 0. */
export const RFC9180_A21 = {
  info: '4f6465206f6e2061204772656369616e2055726e',
  ikmE: '909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b',
  skRm: '8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb',
  pkRm: '4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a',
  enc: '1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a',
  pt: '4265617574792069732074727574682c20747275746820626561757479',
  aad: '436f756e742d30',
  ct: '1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28',
} as const;
