/**
 * The relay's certificate policy (DESIGN §8: "keeps the newest certificate per
 * quorum so a fresh device can learn the current epoch").
 *
 * - A certificate is stored only if it verifies (verifyCertificate): a genesis
 *   (epoch 0, prevHash null) on its own, any later one against the stored
 *   certificate its prevHash names. The relay never accepts a certificate whose
 *   predecessor it lacks: devices publish the chain from genesis, in order.
 * - Only a member of the certificate's roster, or of its predecessor's, may publish it.
 * - Every valid certificate is kept, keyed by its hash, so a fork (a squatted
 *   genesis for a known quorumId, say) never hides the real chain.
 * - `get-certificate` answers with the newest certificate (highest epoch, first
 *   stored) of a chain in which the asking device is in some roster; a device in
 *   no roster of the quorum gets null, the same answer as for an unknown quorum.
 * The relay is untrusted (DESIGN §2): devices verify what it serves themselves.
 */
import { certificateHash } from '../shared/certificate/payloads.js';
import type { Certificate } from '../shared/certificate/schema.js';
import { parseCertificate, verifyCertificate } from '../shared/certificate/verify.js';
import { RampartError } from '../shared/errors.js';
import type { RelayStore } from './store.js';

function storedCertificate(store: RelayStore, hash: string): Certificate {
  const body = store.certificateBody(hash);
  if (body === undefined) throw new RampartError('RELAY_UNAVAILABLE', 'stored certificate vanished');
  return parseCertificate(JSON.parse(body));
}

/** Verifies and stores a published certificate; returns its quorumId. Throws CERT_*, RELAY_FORBIDDEN or RELAY_LIMIT. */
export function publishCertificate(store: RelayStore, data: unknown, publisher: string, now: number, maxPerQuorum: number): string {
  const cert = parseCertificate(data);
  const hash = certificateHash(cert);
  const rows = store.certificatesOf(cert.quorumId);
  const known = rows.find((r) => r.hash === hash);
  if (known !== undefined) {
    if (!known.members.includes(publisher) && !rows.some((r) => r.hash === cert.prevHash && r.members.includes(publisher))) {
      throw new RampartError('RELAY_FORBIDDEN', 'only a member of the certificate or of its predecessor may publish it');
    }
    return cert.quorumId; // already stored: idempotent
  }
  let prev: Certificate | null = null;
  const inRoster = cert.roster.some((m) => m.deviceId === publisher);
  if (cert.prevHash !== null) {
    const prevRow = rows.find((r) => r.hash === cert.prevHash);
    if (prevRow === undefined) {
      throw new RampartError('CERT_CHAIN_BROKEN', `the relay lacks the epoch ${cert.epoch - 1} certificate this one follows; publish the chain from genesis`);
    }
    if (!inRoster && !prevRow.members.includes(publisher)) {
      throw new RampartError('RELAY_FORBIDDEN', 'only a member of the certificate or of its predecessor may publish it');
    }
    prev = storedCertificate(store, prevRow.hash);
  } else if (!inRoster) {
    throw new RampartError('RELAY_FORBIDDEN', 'only a member of the certificate may publish it');
  }
  if (rows.length >= maxPerQuorum) throw new RampartError('RELAY_LIMIT', 'too many certificates stored for this quorum');
  verifyCertificate(cert, prev);
  store.putCertificate(
    { hash, quorumId: cert.quorumId, epoch: cert.epoch, prevHash: cert.prevHash, members: cert.roster.map((m) => m.deviceId), body: JSON.stringify(cert) },
    now,
  );
  return cert.quorumId;
}

/** The newest certificate of a chain of `quorumId` that has `deviceId` in some roster, or null. */
export function certificateFor(store: RelayStore, quorumId: string, deviceId: string): Certificate | null {
  const rows = store.certificatesOf(quorumId); // epoch ascending: a predecessor comes before its successors
  const memberOfChain = new Map<string, boolean>();
  let best: { epoch: number; seq: number; hash: string } | undefined;
  for (const r of rows) {
    const inherited = r.prevHash !== null && memberOfChain.get(r.prevHash) === true;
    const member = inherited || r.members.includes(deviceId);
    memberOfChain.set(r.hash, member);
    if (member && (best === undefined || r.epoch > best.epoch || (r.epoch === best.epoch && r.seq < best.seq))) best = r;
  }
  return best === undefined ? null : storedCertificate(store, best.hash);
}
