/**
 * Epoch certificates (DESIGN §4 step 6): a chain from genesis verifies; every
 * forgery or gap is refused with a stable code naming the member at fault.
 */
import { describe, expect, test } from 'vitest';
import { assembleCertificate, buildCertificateBody, type CertificateBodyInput } from '../../shared/certificate/assemble.js';
import { certificateHash } from '../../shared/certificate/payloads.js';
import type { Certificate } from '../../shared/certificate/schema.js';
import { checkPublicMatches, verifyCertificate, verifyChain } from '../../shared/certificate/verify.js';
import { isRampartError, type ErrorCode } from '../../shared/errors.js';
import { receiveReshare } from '../../shared/reshare/receive.js';
import { getSuite, SUITE_NAMES } from '../../shared/suites.js';
import { authorize, bodyInput, certify, signAcks, testSign } from '../helpers/certify.js';
import { dealAll, dealsFor, genesisWorld, identityOf, makePlan, nextRoster, reshareWorld, type World } from '../helpers/reshare-harness.js';
import { proposalHash, signApproval } from '../../shared/wire/envelope.js';
import { ed25519Backend, nobleEd25519, useEd25519Backend } from '../../shared/ed25519-backend.js';

function expectCode(fn: () => unknown, code: ErrorCode, culprit?: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isRampartError(caught), `expected ${code}`).toBe(true);
  if (isRampartError(caught)) {
    expect(caught.code).toBe(code);
    if (culprit !== undefined) expect(caught.culprit).toBe(culprit);
  }
}

/** Genesis 2-of-3, refresh, then restructure to 3-of-4: three certificates. */
function threeEpochs(name: (typeof SUITE_NAMES)[number]): { chain: Certificate[]; worlds: World[] } {
  const suite = getSuite(name);
  const w0 = genesisWorld(name, 2, 3);
  const c0 = certify(w0, null);
  const w1 = reshareWorld(w0, makePlan(w0.epoch, w0.epoch.roster, 2));
  const c1 = certify(w1, c0.certificate, w1.transcriptHash);
  const w2 = reshareWorld(w1, makePlan(w1.epoch, nextRoster(suite, w1.epoch, w1.epoch.roster, 1), 3));
  const c2 = certify(w2, c1.certificate, w2.transcriptHash);
  return { chain: [c0.certificate, c1.certificate, c2.certificate], worlds: [w0, w1, w2] };
}

const clone = (c: Certificate): Certificate => structuredClone(c);

describe.each(SUITE_NAMES)('epoch certificates (%s)', (name) => {
  test('a chain of three verifies and returns the newest certificate', () => {
    const { chain, worlds } = threeEpochs(name);
    const newest = verifyChain(chain);
    expect(newest.epoch).toBe(2);
    expect(newest.threshold).toBe(3);
    expect(chain.map((c) => c.groupKey)).toEqual([chain[0]!.groupKey, chain[0]!.groupKey, chain[0]!.groupKey]);
    expect(chain[2]!.prevHash).toBe(certificateHash(chain[1]!));
    checkPublicMatches(chain[2]!, worlds[2]!.epoch.frostPublic);
  });

  test('a forged ack is refused and names the member', () => {
    const { chain } = threeEpochs(name);
    const forged = clone(chain[1]!);
    const victim = forged.acks[1]!;
    victim.signature = forged.acks[0]!.signature; // someone else's signature
    expectCode(() => verifyCertificate(forged, chain[0]!), 'CERT_ACK_INVALID', victim.deviceId);
  });

  test('a missing ack is refused and names the member', () => {
    const { chain } = threeEpochs(name);
    const missing = clone(chain[2]!);
    const gone = missing.acks.splice(2, 1)[0]!;
    expectCode(() => verifyCertificate(missing, chain[1]!), 'CERT_ACK_MISSING', gone.deviceId);
  });

  test('a broken previous-hash link is refused', () => {
    const { chain } = threeEpochs(name);
    const broken = clone(chain[2]!);
    broken.prevHash = certificateHash(chain[0]!);
    expectCode(() => verifyChain([chain[0]!, chain[1]!, broken]), 'CERT_CHAIN_BROKEN');
    // Tampering with a middle certificate fails it, and breaks the link of the next one.
    const middle = clone(chain[1]!);
    middle.threshold = 3;
    expectCode(() => verifyChain([chain[0]!, middle, chain[2]!]), 'CERT_UNAUTHORIZED');
    expectCode(() => verifyCertificate(chain[2]!, middle), 'CERT_CHAIN_BROKEN');
  });

  test('a chain that skips an epoch or does not start at genesis is refused', () => {
    const { chain } = threeEpochs(name);
    expectCode(() => verifyChain([chain[0]!, chain[2]!]), 'CERT_CHAIN_BROKEN');
    expectCode(() => verifyChain([chain[1]!, chain[2]!]), 'CERT_CHAIN_BROKEN');
    expectCode(() => verifyChain([]), 'CERT_CHAIN_BROKEN');
  });

  test('a certificate that changes the group key is refused (I1)', () => {
    const { chain } = threeEpochs(name);
    const other = genesisWorld(name, 2, 3);
    const foreign = certify(other, null).certificate;
    const swapped = { ...clone(chain[1]!), groupKey: foreign.groupKey };
    expectCode(() => verifyCertificate(swapped, chain[0]!), 'CERT_CHAIN_BROKEN');
  });

  test('a test signature that does not verify under the group key is refused', () => {
    const { chain } = threeEpochs(name);
    const bad = clone(chain[1]!);
    const sig = bad.testSignature.signature;
    bad.testSignature.signature = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
    expectCode(() => verifyCertificate(bad, chain[0]!), 'CERT_TEST_SIGNATURE_INVALID');
    const few = clone(chain[2]!);
    few.testSignature.signers = few.testSignature.signers.slice(0, 2);
    expectCode(() => verifyCertificate(few, chain[1]!), 'CERT_TEST_SIGNATURE_INVALID');
  });

  test('unknown fields and a wrong version are refused', () => {
    const { chain } = threeEpochs(name);
    expectCode(() => verifyCertificate({ ...chain[0]!, extra: 1 }, null), 'CERT_INVALID');
    expectCode(() => verifyCertificate({ ...chain[0]!, v: 2 }, null), 'CERT_INVALID');
  });

  test('equivocation: members that acked different transcripts cannot form a certificate (I7)', () => {
    const suite = getSuite(name);
    const w0 = genesisWorld(name, 2, 3);
    const c0 = certify(w0, null);
    const plan = makePlan(w0.epoch, nextRoster(suite, w0.epoch, w0.epoch.roster, 1), 3);
    const honest = dealAll(w0, plan);
    const twoFaced = dealAll(w0, plan)[0]!;
    const results = plan.newRoster.map((m, i) => {
      const outputs = i === 3 ? [twoFaced, honest[1]!] : honest;
      const r = receiveReshare(w0.epoch, plan, m.deviceId, dealsFor(outputs, m.deviceId));
      if (!r.ok) throw new Error('unexpected complaint');
      return r;
    });
    const next: World = {
      epoch: { ...w0.epoch, epoch: 1, threshold: 3, roster: plan.newRoster, frostPublic: results[0]!.public },
      holders: plan.newRoster.map((m, i) => ({ deviceId: m.deviceId, secret: results[i]!.secret })),
    };
    const H = results[0]!.transcriptHash;
    expect(results[3]!.transcriptHash).not.toBe(H);
    // Each member acks the body it computed from ITS transcript.
    const input = bodyInput(next, c0.certificate, H);
    const acks = plan.newRoster.flatMap((m, i) => {
      const own = buildCertificateBody({ ...input, transcriptHash: results[i]!.transcriptHash }).hash;
      return signAcks(next, results[i]!.transcriptHash, own).filter((a) => a.deviceId === m.deviceId);
    });
    const bodyHash = buildCertificateBody(input).hash;
    const testSignature = testSign({ ...next, holders: next.holders.slice(0, 3) }, bodyHash);
    expectCode(() => assembleCertificate({ ...input, acks, testSignature }), 'TRANSCRIPT_MISMATCH', plan.newRoster[3]!.deviceId);
    // An assembler that ignores the reported H still fails: the odd member's ack signs another body.
    const relabelled = acks.map((a) => ({ ...a, transcriptHash: H }));
    expectCode(() => assembleCertificate({ ...input, acks: relabelled, testSignature }), 'CERT_ACK_INVALID', plan.newRoster[3]!.deviceId);
  });

  test('a relay that rewrites roster, threshold or group key keeps no valid ack: every field is in the acked body', () => {
    const { chain } = threeEpochs(name);
    const cert = chain[2]!;
    const shrunk = clone(cert);
    shrunk.threshold = 2;
    shrunk.testSignature.signers = shrunk.testSignature.signers.slice(0, 2);
    // The threshold no longer matches what t old holders approved …
    expectCode(() => verifyCertificate(shrunk, chain[1]!), 'CERT_UNAUTHORIZED');
    // … and a body edited to match is not what the members acked.
    shrunk.authorization.proposal = { ...shrunk.authorization.proposal, body: { ...shrunk.authorization.proposal.body, newThreshold: 2 } } as typeof shrunk.authorization.proposal;
    expectCode(() => verifyCertificate(shrunk, chain[1]!), 'CERT_UNAUTHORIZED');
    const commitments = { ...clone(cert), commitmentsHash: 'ab'.repeat(32) };
    expectCode(() => verifyCertificate(commitments, chain[1]!), 'CERT_ACK_INVALID');
    const transcript = { ...clone(cert), transcriptHash: 'cd'.repeat(32) };
    expectCode(() => verifyCertificate(transcript, chain[1]!), 'CERT_ACK_INVALID');
    if (name === 'secp256k1-tr') {
      // The x-only key is the same for both parities; the body still pins the full point.
      const flipped = clone(chain[0]!);
      flipped.groupKey = (flipped.groupKey.startsWith('02') ? '03' : '02') + flipped.groupKey.slice(2);
      expectCode(() => verifyCertificate(flipped, null), 'CERT_ACK_INVALID');
    }
  });

  test("a certificate's identity does not depend on its randomised test signature", () => {
    const { chain, worlds } = threeEpochs(name);
    const again = clone(chain[1]!);
    again.testSignature = testSign(worlds[1]!, certificateHash(again));
    expect(again.testSignature.signature).not.toBe(chain[1]!.testSignature.signature);
    expect(verifyCertificate(again, chain[0]!)).toBe(certificateHash(chain[1]!));
  });

  test('a next-epoch certificate without the approvals of t old holders is refused, even with a valid test signature', () => {
    const { chain, worlds } = threeEpochs(name);
    const w1 = worlds[1]!;
    // Attackers take over: their own two devices as the whole epoch-2 roster, self-made acks,
    // and a test signature that t old holders were tricked into making.
    const evil = genesisWorld(name, 2, 2);
    const forgedWorld: World = { epoch: { ...w1.epoch, epoch: 2, roster: evil.epoch.roster }, holders: w1.holders };
    const input = bodyInput(forgedWorld, chain[1]!, 'ee'.repeat(32));
    const sign = (i: CertificateBodyInput) => {
      const h = buildCertificateBody(i).hash;
      const testSignature = { ...testSign(w1, h), signers: forgedWorld.epoch.roster.map((m) => m.deviceId) };
      return { ...buildCertificateBody(i).body, acks: signAcks(forgedWorld, 'ee'.repeat(32), h).map(({ deviceId, signature }) => ({ deviceId, signature })), testSignature };
    };
    const honest = authorize(forgedWorld, chain[1]!);
    // No approvals worth anything: the attackers approve their own proposal.
    const pHash = proposalHash(honest.proposal);
    const outsider = evil.epoch.roster[0]!.deviceId;
    const byOutsiders = { ...honest, approvals: evil.epoch.roster.map((m) => ({ deviceId: m.deviceId, signature: signApproval(pHash, identityOf(m.deviceId).signingKey) })) };
    expectCode(() => verifyCertificate(sign({ ...input, authorization: byOutsiders }), chain[1]!), 'CERT_UNAUTHORIZED', outsider);
    // Approved by only t−1 genuine old holders: refused.
    const tooFew = { ...input, authorization: { ...honest, approvals: honest.approvals.slice(0, chain[1]!.threshold - 1) } };
    expectCode(() => verifyCertificate(sign(tooFew), chain[1]!), 'CERT_UNAUTHORIZED');
    // With t genuine approvals of that very proposal it would verify: the approvals are the authority.
    expect(() => verifyCertificate(sign({ ...input, authorization: honest }), chain[1]!)).not.toThrow();
  });

  test('approvals the caller already verified are not verified again; any other approval is', () => {
    const { chain } = threeEpochs(name);
    const cert = chain[1]!;
    const pHash = proposalHash(cert.authorization.proposal);
    const known = { proposalHash: pHash, signatures: new Map(cert.authorization.approvals.map((a) => [a.deviceId, a.signature])) };
    let verifications = 0;
    const before = ed25519Backend();
    useEd25519Backend({ ...nobleEd25519, name: 'counting', verify: (...args) => (verifications++, nobleEd25519.verify(...args)) });
    try {
      const count = (fn: () => unknown) => {
        verifications = 0;
        fn();
        return verifications;
      };
      const all = count(() => verifyCertificate(cert, chain[0]!));
      expect(count(() => verifyCertificate(cert, chain[0]!, known))).toBe(all - cert.authorization.approvals.length);
      // Known for another proposal: nothing is skipped.
      expect(count(() => verifyCertificate(cert, chain[0]!, { ...known, proposalHash: 'ab'.repeat(32) }))).toBe(all);
      // An approval that differs from the known one is verified, and a bad one refused by name.
      const tampered = clone(cert);
      const victim = tampered.authorization.approvals[0]!;
      victim.signature = tampered.authorization.approvals[1]!.signature;
      expectCode(() => verifyCertificate(tampered, chain[0]!, known), 'CERT_UNAUTHORIZED', victim.deviceId);
    } finally {
      useEd25519Backend(before);
    }
  });

  test('a certificate whose roster or threshold differs from the approved proposal is refused', () => {
    const { chain, worlds } = threeEpochs(name);
    const input = bodyInput(worlds[2]!, chain[1]!, 'aa'.repeat(32));
    const other = authorize({ ...worlds[2]!, epoch: { ...worlds[2]!.epoch, threshold: 2 } }, chain[1]!);
    const h = buildCertificateBody({ ...input, authorization: other }).hash;
    const cert = { ...buildCertificateBody({ ...input, authorization: other }).body, acks: signAcks(worlds[2]!, 'aa'.repeat(32), h).map(({ deviceId, signature }) => ({ deviceId, signature })), testSignature: testSign(worlds[2]!, h) };
    expectCode(() => verifyCertificate(cert, chain[1]!), 'CERT_UNAUTHORIZED');
  });

  test('a chain is pinned to the genesis the device knows', () => {
    const { chain } = threeEpochs(name);
    expect(verifyChain(chain, { genesisHash: certificateHash(chain[0]!) }).epoch).toBe(2);
    const stranger = certify(genesisWorld(name, 2, 3), null).certificate;
    expectCode(() => verifyChain([stranger], { genesisHash: certificateHash(chain[0]!) }), 'CERT_CHAIN_BROKEN');
  });

  test('a public package that does not match its certificate is refused', () => {
    const { chain, worlds } = threeEpochs(name);
    expectCode(() => checkPublicMatches(chain[2]!, worlds[1]!.epoch.frostPublic), 'CERT_INVALID');
    const pub = worlds[2]!.epoch.frostPublic;
    const ids = Object.keys(pub.verifyingShares);
    const swapped = { ...pub, verifyingShares: { ...pub.verifyingShares, [ids[0]!]: pub.verifyingShares[ids[1]!]! } };
    expectCode(() => checkPublicMatches(chain[2]!, swapped), 'CERT_INVALID');
  });
});
