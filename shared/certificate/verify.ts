/**
 * Verification of epoch certificates (DESIGN §4 step 6) and of their chain
 * from the genesis certificate (epoch 0). A valid certificate for e+1 is what
 * allows an old member to delete its epoch-e share (I2).
 */
import type { FrostPublic } from '@noble/curves/abstract/frost.js';
import { bytesToHex, hexToBytes } from '../bytes.js';
import { RampartError } from '../errors.js';
import { DOMAIN } from '../hash.js';
import { checkRoster } from '../identifiers.js';
import { deviceIdOf, verifyDomain } from '../identity.js';
import { evalPointPoly } from '../math/polynomial.js';
import { commitmentsHash } from '../reshare/transcript.js';
import { getSuite } from '../suites.js';
import { ackMessage, certificateHash, testSignatureMessage } from './payloads.js';
import { certificateSchema, type Certificate } from './schema.js';

function fail(code: 'CERT_INVALID' | 'CERT_CHAIN_BROKEN', message: string, culprit?: string): never {
  throw new RampartError(code, message, culprit);
}

/** Parses untrusted data as a certificate (strict schema); CERT_INVALID on any problem. */
export function parseCertificate(data: unknown): Certificate {
  const r = certificateSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    fail('CERT_INVALID', `certificate: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
  }
  return r.data;
}

/** Checks a certificate's own content: roster, acks, test signature. Not its link to a predecessor. */
function verifyContent(cert: Certificate): void {
  const suite = getSuite(cert.suite);
  if (cert.groupKey.length !== suite.pointLength * 2) fail('CERT_INVALID', 'group key has the wrong length for the suite');
  let groupKey;
  try {
    groupKey = suite.decodePoint(hexToBytes(cert.groupKey));
  } catch {
    fail('CERT_INVALID', 'group key is not a valid point');
  }
  if (groupKey.is0()) fail('CERT_INVALID', 'group key is the identity');
  const roster = cert.roster;
  const sorted = checkRoster(suite, roster);
  if (sorted.some((m, i) => m.deviceId !== roster[i]?.deviceId)) fail('CERT_INVALID', 'roster is not sorted by identifier');
  for (const m of roster) {
    if (deviceIdOf(m.identityKey) !== m.deviceId) fail('CERT_INVALID', 'deviceId does not match its identity key', m.deviceId);
  }
  if (cert.threshold > roster.length) fail('CERT_INVALID', `threshold ${cert.threshold} exceeds roster size ${roster.length}`);

  // Every member's ack, in roster order, over (quorumId, epoch, H).
  const msg = ackMessage(cert.quorumId, cert.epoch, cert.transcriptHash);
  roster.forEach((m, i) => {
    const ack = cert.acks[i];
    if (ack === undefined || ack.deviceId !== m.deviceId) {
      throw new RampartError('CERT_ACK_MISSING', 'certificate lacks this member\'s ack', m.deviceId);
    }
    if (!verifyDomain(DOMAIN.ack, msg, ack.signature, m.identityKey)) {
      throw new RampartError('CERT_ACK_INVALID', 'ack signature does not verify', m.deviceId);
    }
  });
  if (cert.acks.length !== roster.length) {
    throw new RampartError('CERT_ACK_INVALID', 'ack from a device outside the roster', cert.acks[roster.length]?.deviceId);
  }

  // Test signature: at least t distinct members, verified by the plain standard verifier under PK.
  const members = new Set(roster.map((m) => m.deviceId));
  const signers = cert.testSignature.signers;
  if (new Set(signers).size !== signers.length || signers.some((s) => !members.has(s)) || signers.length < cert.threshold) {
    throw new RampartError('CERT_TEST_SIGNATURE_INVALID', `test signature needs ${cert.threshold} distinct roster members`);
  }
  const ok = suite.verify(
    hexToBytes(cert.testSignature.signature),
    testSignatureMessage(cert.quorumId, cert.epoch, cert.transcriptHash),
    suite.externalGroupKey(hexToBytes(cert.groupKey)),
  );
  if (!ok) throw new RampartError('CERT_TEST_SIGNATURE_INVALID', 'test signature does not verify under the group key');
}

/**
 * Verifies `cert` on its own and as the successor of `prev` (null: `cert`
 * must be a genesis certificate). Returns the certificate's hash.
 */
export function verifyCertificate(certData: unknown, prev: Certificate | null): string {
  const cert = parseCertificate(certData);
  if (prev === null) {
    if (cert.epoch !== 0 || cert.prevHash !== null) fail('CERT_CHAIN_BROKEN', 'a chain must start with a genesis certificate (epoch 0)');
  } else {
    if (cert.quorumId !== prev.quorumId) fail('CERT_CHAIN_BROKEN', 'certificate belongs to another quorum');
    if (cert.epoch !== prev.epoch + 1) fail('CERT_CHAIN_BROKEN', `epoch ${cert.epoch} does not follow epoch ${prev.epoch}`);
    if (cert.prevHash !== certificateHash(prev)) fail('CERT_CHAIN_BROKEN', `epoch ${cert.epoch} does not link to the epoch ${prev.epoch} certificate`);
    if (cert.suite !== prev.suite) fail('CERT_CHAIN_BROKEN', 'suite changed between epochs');
    // I1: the group key never changes.
    if (cert.groupKey !== prev.groupKey) fail('CERT_CHAIN_BROKEN', `group key changed at epoch ${cert.epoch}`);
  }
  verifyContent(cert);
  return certificateHash(cert);
}

/** Verifies a chain from genesis, in order; returns the newest certificate. */
export function verifyChain(chain: readonly unknown[]): Certificate {
  if (chain.length === 0) fail('CERT_CHAIN_BROKEN', 'empty certificate chain');
  let prev: Certificate | null = null;
  for (const c of chain) {
    verifyCertificate(c, prev);
    prev = parseCertificate(c);
  }
  return prev as Certificate;
}

/**
 * Checks that a stored public package is the one a certificate commits to:
 * same commitment hash and group key, and a verifying share Y_m = Σ_k C'_k·x_m^k
 * for exactly the roster's members.
 */
export function checkPublicMatches(cert: Certificate, pub: FrostPublic): void {
  if (commitmentsHash(cert.suite, cert.quorumId, cert.epoch, pub.commitments) !== cert.commitmentsHash) {
    fail('CERT_INVALID', 'public package does not match the certificate\'s commitments');
  }
  if (pub.commitments.length !== cert.threshold || bytesToHex(pub.commitments[0] as Uint8Array) !== cert.groupKey) {
    fail('CERT_INVALID', 'public package has another threshold or group key');
  }
  const ids = Object.keys(pub.verifyingShares).sort();
  const rosterIds = cert.roster.map((m) => m.identifier).sort();
  if (ids.join() !== rosterIds.join()) fail('CERT_INVALID', 'public package has verifying shares for another roster');
  const suite = getSuite(cert.suite);
  const C = pub.commitments.map((c) => suite.decodePoint(c));
  for (const m of checkRoster(suite, cert.roster)) {
    const y = pub.verifyingShares[m.identifier] as Uint8Array;
    if (bytesToHex(evalPointPoly(suite, C, m.x).toBytes()) !== bytesToHex(y)) {
      fail('CERT_INVALID', 'verifying share does not match the commitments', m.deviceId);
    }
  }
}
