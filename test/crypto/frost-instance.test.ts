/**
 * Rampart's ed25519 FROST instance (shared/suites.ts) is noble's createFROST
 * with ed25519_FROST's own options over a point class whose subgroup check
 * can be libsodium's. It must be indistinguishable from noble's
 * ed25519_FROST: same signature shares for the same nonces, same aggregate
 * signature, and the same refusals of torsion-carrying or invalid points,
 * with either subgroup check.
 */
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import type { FROST, FrostPublic, NonceCommitments, Nonces } from '@noble/curves/abstract/frost.js';
import { afterEach, describe, expect, it } from 'vitest';
import { installSodiumSubgroupCheck, sodiumSubgroupCheck } from '../../main/crypto/sodium-subgroup.js';
import { Ed25519FrostPoint, ed25519Suite, useEd25519SubgroupCheck } from '../../shared/suites.js';
import { dkgQuorum, newDevice, reshareQuorum } from '../helpers/ceremony.js';

afterEach(() => useEd25519SubgroupCheck(undefined));

/** A point of order 8: added to a commitment it leaves the curve's prime-order subgroup. */
const T8 = ed25519.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
const copyNonces = (n: Nonces): Nonces => ({ hiding: n.hiding.slice(), binding: n.binding.slice() });

function setup(t: number, n: number) {
  const F = ed25519_FROST;
  const ids = Array.from({ length: n }, (_, i) => F.Identifier.fromNumber(i + 1));
  const deal = F.trustedDealer({ min: t, max: n }, ids);
  const signers = ids.slice(0, t);
  const commits = signers.map((id) => F.commit(deal.secretShares[id]!));
  return { ids, deal, signers, commits, list: commits.map((c) => c.commitments) };
}

/** Every signer's share from one FROST instance, with copies of the same nonces. */
function shares(F: FROST, s: ReturnType<typeof setup>, pub: FrostPublic, list: NonceCommitments[], msg: Uint8Array): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  s.signers.forEach((id, i) => (out[id] = F.signShare(s.deal.secretShares[id]!, pub, copyNonces(s.commits[i]!.nonces), list, msg)));
  return out;
}

const withChecks = [
  ['noble', () => useEd25519SubgroupCheck(undefined)],
  ['libsodium', () => installSodiumSubgroupCheck()],
] as const;

describe.each(withChecks)("Rampart's ed25519 FROST with the %s subgroup check", (_, install) => {
  it("gives ed25519_FROST's signature shares and aggregate signature, which the plain verifier accepts", () => {
    install();
    const s = setup(4, 6);
    const msg = new TextEncoder().encode('test signature');
    const ours = shares(ed25519Suite.frost, s, s.deal.public, s.list, msg);
    const nobles = shares(ed25519_FROST, s, s.deal.public, s.list, msg);
    expect(Object.fromEntries(Object.entries(ours).map(([k, v]) => [k, Buffer.from(v).toString('hex')]))).toEqual(
      Object.fromEntries(Object.entries(nobles).map(([k, v]) => [k, Buffer.from(v).toString('hex')])),
    );
    const sig = ed25519Suite.frost.aggregate(s.deal.public, s.list, msg, ours);
    expect(Buffer.from(sig).toString('hex')).toBe(Buffer.from(ed25519_FROST.aggregate(s.deal.public, s.list, msg, nobles)).toString('hex'));
    expect(ed25519.verify(sig, msg, s.deal.public.commitments[0]!)).toBe(true);
    for (const id of s.signers) expect(ed25519Suite.frost.verifyShare(s.deal.public, s.list, msg, id, ours[id]!)).toBe(true);
  });

  it('runs a whole DKG and a restructuring reshare (noble sums points of its own inside: they count as ours)', async () => {
    install();
    const devices = ['alice', 'bob', 'carol'].map(newDevice);
    const q = await dkgQuorum('ed25519', 2, devices);
    const groupKey = q.epoch.frostPublic.commitments[0];
    await reshareQuorum(q, [...devices, newDevice('dave')], 3); // certifies the new epoch with a test signature
    expect([q.epoch.epoch, q.epoch.threshold, q.epoch.frostPublic.commitments[0]]).toEqual([1, 3, groupKey]);
  });

  it.each(['hiding', 'binding'] as const)('refuses, as ed25519_FROST does, a %s commitment carrying a torsion component', (which) => {
    install();
    const s = setup(3, 4);
    const msg = new Uint8Array(32);
    const bad = s.list.map((c, i) => (i === 1 ? { ...c, [which]: ed25519.Point.fromBytes(c[which]).add(T8).toBytes() } : c));
    const signer = s.signers[0]!;
    const sign = (F: FROST) => () => F.signShare(s.deal.secretShares[signer]!, s.deal.public, copyNonces(s.commits[0]!.nonces), bad, msg);
    expect(sign(ed25519_FROST)).toThrow(/subgroup|torsion/);
    expect(sign(ed25519Suite.frost)).toThrow(/subgroup|torsion/);
  });

  it('refuses, as ed25519_FROST does, a small-order or off-curve commitment', () => {
    install();
    const s = setup(3, 4);
    const msg = new Uint8Array(32);
    const signer = s.signers[0]!;
    // A y with no x on the curve: flip bytes of a real commitment until noble cannot decode it
    // (about half of all y qualify; a fixed flip alone sometimes lands on a valid point).
    const offCurve = s.list[2]!.hiding.slice();
    const decodes = (b: Uint8Array) => {
      try {
        ed25519.Point.fromBytes(b);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; decodes(offCurve); i++) offCurve[i % 31] = (offCurve[i % 31] as number) ^ 0x55;
    for (const point of [T8.toBytes(), offCurve]) {
      const bad = s.list.map((c, i) => (i === 2 ? { ...c, hiding: point } : c));
      const sign = (F: FROST) => () => F.signShare(s.deal.secretShares[signer]!, s.deal.public, copyNonces(s.commits[0]!.nonces), bad, msg);
      expect(sign(ed25519_FROST)).toThrow();
      expect(sign(ed25519Suite.frost)).toThrow();
    }
  });
});

describe("the installed subgroup check is the one Rampart's FROST uses", () => {
  it('every commitment a signer parses goes through it, and its verdict decides', () => {
    const s = setup(3, 4);
    const msg = new Uint8Array(32);
    const signer = s.signers[0]!;
    const sign = () => ed25519Suite.frost.signShare(s.deal.secretShares[signer]!, s.deal.public, copyNonces(s.commits[0]!.nonces), s.list, msg);
    const checked = new Set<string>();
    useEd25519SubgroupCheck((b) => (checked.add(Buffer.from(b).toString('hex')), sodiumSubgroupCheck(b)));
    sign();
    for (const c of s.list) {
      expect(checked.has(Buffer.from(c.hiding).toString('hex'))).toBe(true);
      expect(checked.has(Buffer.from(c.binding).toString('hex'))).toBe(true);
    }
    useEd25519SubgroupCheck(() => false);
    expect(sign).toThrow(/subgroup|torsion/);
  });
});

describe('Ed25519FrostPoint keeps what it already knows about a decoded point', () => {
  const points = [ed25519.Point.BASE.multiply(12345n), ed25519.Point.BASE.multiply(777n).add(T8), T8];

  it("a strictly decoded point encodes to its input bytes, noble's encoding, as a fresh copy each time", () => {
    for (const p of points) {
      const bytes = p.toBytes();
      const q = Ed25519FrostPoint.fromBytes(bytes);
      const out = q.toBytes();
      expect(Buffer.from(out).toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
      out.fill(0);
      bytes.fill(0);
      expect(Buffer.from(q.toBytes()).toString('hex')).toBe(p.toHex());
      expect(Buffer.from(q.add(q).toBytes()).toString('hex')).toBe(p.add(p).toHex());
    }
  });

  it('a non-canonical ZIP-215 encoding is not echoed back: the point encodes canonically', () => {
    const y1 = ed25519.Point.Fp.toBytes(ed25519.Point.Fp.ORDER + 1n); // y = p + 1 ≡ 1: the identity, non-canonically
    const q = Ed25519FrostPoint.fromBytes(y1, true);
    expect(q.is0()).toBe(true);
    expect(Buffer.from(q.toBytes()).toString('hex')).toBe(ed25519.Point.ZERO.toHex());
  });

  it('asks the installed subgroup check once per point, whatever noble asks', () => {
    let calls = 0;
    useEd25519SubgroupCheck((b) => (calls++, sodiumSubgroupCheck(b)));
    const clean = Ed25519FrostPoint.fromBytes(points[0]!.toBytes());
    const dirty = Ed25519FrostPoint.fromBytes(points[1]!.toBytes());
    for (let i = 0; i < 3; i++) {
      expect(clean.isTorsionFree()).toBe(true);
      expect(dirty.isTorsionFree()).toBe(false);
    }
    expect(calls).toBe(2);
  });
});
