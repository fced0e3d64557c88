/**
 * Verification of epoch certificates (DESIGN §4 step 6) and of their chain
 * from the genesis certificate (epoch 0). A valid certificate for e+1 is what
 * allows an old member to delete its epoch-e share (I2), so nothing in it may
 * be unauthenticated: every field is in the body that each new member acked,
 * the body names the proposal that t old holders approved, and the test
 * signature over the body proves t' new shares sign under the unchanged key.
 */
import type { FrostPublic } from '@noble/curves/abstract/frost.js';
import { bytesToHex, hexToBytes } from '../bytes.js';
import { RampartError } from '../errors.js';
import { DOMAIN } from '../hash.js';
import { checkRoster } from '../identifiers.js';
import { deviceIdOf, verifyDomain } from '../identity.js';
import { evalPointPoly } from '../math/polynomial.js';
import { commitmentsHash } from '../reshare/transcript.js';
import { getSuite, type Suite } from '../suites.js';
import { proposalHash, verifyApproval } from '../wire/envelope.js';
import type { Member } from '../wire/proposals.js';
import { ackMessage, certificateHash, testSignatureMessage } from './payloads.js';
import { certificateSchema, type Certificate, type CertMember } from './schema.js';

function fail(code: 'CERT_INVALID' | 'CERT_CHAIN_BROKEN' | 'CERT_UNAUTHORIZED', message: string, culprit?: string): never {
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

/** The proposed members as certificate roster entries, sorted by identifier. */
function proposedRoster(suite: Suite, members: readonly Member[]): CertMember[] {
  const byDevice = new Map(members.map((m) => [m.deviceId, m]));
  return checkRoster(suite, members).map((m) => {
    const p = byDevice.get(m.deviceId) as Member;
    return { deviceId: p.deviceId, identifier: p.identifier, identityKey: p.identityKey };
  });
}

const rosterKey = (r: readonly CertMember[]) => r.map((m) => `${m.deviceId}:${m.identifier}:${m.identityKey}`).join(',');

/**
 * Approvals the caller already verified, e.g. a device from the `reshare/start`
 * it checked (DESIGN §4 step 3): signature hex by deviceId, over `proposalHash`,
 * each under the identity key that the `prev` certificate passed along with
 * them gives that device. A certificate approval equal to one of these is not
 * verified again; any other is.
 */
export interface KnownApprovals {
  proposalHash: string;
  signatures: ReadonlyMap<string, string>;
}

/** Counts valid approvals of `pHash` by distinct members of `approvers`; invalid ones are refused, naming the device. */
function countApprovals(cert: Certificate, pHash: string, approvers: readonly CertMember[], known?: KnownApprovals): Set<string> {
  const alreadyVerified = (a: { deviceId: string; signature: string }) => known?.proposalHash === pHash && known.signatures.get(a.deviceId) === a.signature;
  const keys = new Map(approvers.map((m) => [m.deviceId, m.identityKey]));
  const ok = new Set<string>();
  for (const a of cert.authorization.approvals) {
    const key = keys.get(a.deviceId);
    if (key === undefined) fail('CERT_UNAUTHORIZED', 'approval from a device that may not approve this epoch', a.deviceId);
    if (ok.has(a.deviceId)) fail('CERT_UNAUTHORIZED', 'two approvals from one device', a.deviceId);
    if (!alreadyVerified(a) && !verifyApproval(pHash, a.signature, key)) fail('CERT_UNAUTHORIZED', 'approval signature does not verify', a.deviceId);
    ok.add(a.deviceId);
  }
  return ok;
}

/**
 * The authorisation: genesis must embed the dkg/propose that every roster
 * member accepted; epoch e+1 the reshare/propose for epoch e (naming the
 * epoch-e certificate) approved by at least t_e members of the epoch-e roster.
 * In both cases the proposal's suite, roster and threshold are the certificate's.
 */
function verifyAuthorization(suite: Suite, cert: Certificate, prev: Certificate | null, known?: KnownApprovals): void {
  const { proposal } = cert.authorization;
  const pHash = proposalHash(proposal);
  if (proposal.quorumId !== cert.quorumId) fail('CERT_UNAUTHORIZED', 'proposal belongs to another quorum');
  if (proposal.body.suite !== cert.suite) fail('CERT_UNAUTHORIZED', 'proposal names another suite');
  if (prev === null) {
    if (proposal.kind !== 'dkg/propose' || proposal.epoch !== 0) fail('CERT_UNAUTHORIZED', 'genesis must embed its dkg/propose');
    if (proposal.body.threshold !== cert.threshold) fail('CERT_UNAUTHORIZED', 'threshold differs from the proposal');
    if (rosterKey(proposedRoster(suite, proposal.body.members)) !== rosterKey(cert.roster)) fail('CERT_UNAUTHORIZED', 'roster differs from the proposal');
    const accepted = countApprovals(cert, pHash, cert.roster);
    const missing = cert.roster.find((m) => !accepted.has(m.deviceId));
    if (missing !== undefined) fail('CERT_UNAUTHORIZED', 'member did not accept the quorum', missing.deviceId);
    return;
  }
  if (proposal.kind !== 'reshare/propose' || proposal.epoch !== prev.epoch) {
    fail('CERT_UNAUTHORIZED', `epoch ${cert.epoch} must embed a reshare/propose of epoch ${prev.epoch}`);
  }
  if (proposal.body.prevCertificateHash !== certificateHash(prev)) fail('CERT_UNAUTHORIZED', 'proposal reshares another certificate');
  if (proposal.body.newThreshold !== cert.threshold) fail('CERT_UNAUTHORIZED', 'threshold differs from the proposal');
  if (rosterKey(proposedRoster(suite, proposal.body.newMembers)) !== rosterKey(cert.roster)) fail('CERT_UNAUTHORIZED', 'roster differs from the proposal');
  const approved = countApprovals(cert, pHash, prev.roster, known);
  if (approved.size < prev.threshold) {
    fail('CERT_UNAUTHORIZED', `${approved.size} approvals; epoch ${prev.epoch} needs ${prev.threshold}`);
  }
}

/** Checks a certificate's own content: roster, authorisation, acks, test signature. */
function verifyContent(cert: Certificate, prev: Certificate | null, known?: KnownApprovals): void {
  const suite = getSuite(cert.suite);
  if (cert.groupKey.length !== suite.pointLength * 2) fail('CERT_INVALID', 'group key has the wrong length for the suite');
  try {
    if (suite.decodePoint(hexToBytes(cert.groupKey)).is0()) fail('CERT_INVALID', 'group key is the identity');
  } catch (e) {
    if (e instanceof RampartError) throw e;
    fail('CERT_INVALID', 'group key is not a valid point');
  }
  const roster = cert.roster;
  const sorted = checkRoster(suite, roster);
  if (sorted.some((m, i) => m.deviceId !== roster[i]?.deviceId)) fail('CERT_INVALID', 'roster is not sorted by identifier');
  for (const m of roster) {
    if (deviceIdOf(m.identityKey) !== m.deviceId) fail('CERT_INVALID', 'deviceId does not match its identity key', m.deviceId);
  }
  if (cert.threshold > roster.length) fail('CERT_INVALID', `threshold ${cert.threshold} exceeds roster size ${roster.length}`);
  verifyAuthorization(suite, cert, prev, known);

  // Every member's ack of the body, in roster order.
  const bodyHash = certificateHash(cert);
  const msg = ackMessage(bodyHash);
  roster.forEach((m, i) => {
    const ack = cert.acks[i];
    if (ack === undefined || ack.deviceId !== m.deviceId) {
      throw new RampartError('CERT_ACK_MISSING', "certificate lacks this member's ack", m.deviceId);
    }
    if (!verifyDomain(DOMAIN.ack, msg, ack.signature, m.identityKey)) {
      throw new RampartError('CERT_ACK_INVALID', 'ack signature does not verify', m.deviceId);
    }
  });
  if (cert.acks.length !== roster.length) {
    throw new RampartError('CERT_ACK_INVALID', 'ack from a device outside the roster', cert.acks[roster.length]?.deviceId);
  }

  // Test signature over the body, verified by the plain standard verifier under PK.
  // (`signers` is a claim: a FROST signature does not reveal its signers; only its shape is checked.)
  const members = new Set(roster.map((m) => m.deviceId));
  const signers = cert.testSignature.signers;
  if (new Set(signers).size !== signers.length || signers.some((s) => !members.has(s)) || signers.length < cert.threshold) {
    throw new RampartError('CERT_TEST_SIGNATURE_INVALID', `test signature must name ${cert.threshold} distinct roster members`);
  }
  const ok = suite.verify(hexToBytes(cert.testSignature.signature), testSignatureMessage(bodyHash), suite.externalGroupKey(hexToBytes(cert.groupKey)));
  if (!ok) throw new RampartError('CERT_TEST_SIGNATURE_INVALID', 'test signature does not verify under the group key');
}

/**
 * Verifies `cert` on its own and as the successor of `prev` (null: `cert`
 * must be a genesis certificate). Returns the certificate's hash. `known`:
 * approvals of the embedded proposal the caller verified under `prev`'s roster.
 */
export function verifyCertificate(certData: unknown, prev: Certificate | null, known?: KnownApprovals): string {
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
  verifyContent(cert, prev, known);
  return certificateHash(cert);
}

/**
 * Verifies a chain from genesis, in order; returns the newest certificate.
 * `genesisHash`, when the caller knows its quorum's genesis, pins the start
 * (a self-made genesis for the same key is then refused).
 */
export function verifyChain(chain: readonly unknown[], opts: { genesisHash?: string } = {}): Certificate {
  if (chain.length === 0) fail('CERT_CHAIN_BROKEN', 'empty certificate chain');
  let prev: Certificate | null = null;
  for (const c of chain) {
    const hash = verifyCertificate(c, prev);
    if (prev === null && opts.genesisHash !== undefined && hash !== opts.genesisHash) {
      fail('CERT_CHAIN_BROKEN', 'chain starts at another genesis certificate');
    }
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
    fail('CERT_INVALID', "public package does not match the certificate's commitments");
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
