/** Test fixtures for DKG and signing, generic over the suite: rosters, in-process DKG rounds, plain verification. */
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { expect } from 'vitest';
import type { EpochPublic, RosterMember } from '../../shared/epoch.js';
import { isRampartError, type ErrorCode } from '../../shared/errors.js';
import {
  dkgEpochPublic,
  dkgRound1,
  dkgRound2,
  dkgRound3,
  type DkgOutput,
  type DkgRound1Broadcast,
  type DkgRound1Secret,
  type DkgRound2Package,
  type DkgRound2Secret,
} from '../../shared/dkg.js';
import { ed25519Suite, secp256k1TrSuite, type Suite } from '../../shared/suites.js';

/** Both suites, for describe.each. */
export const SUITES: readonly Suite[] = [ed25519Suite, secp256k1TrSuite];

/** A deterministic deviceId (16 bytes, hex) for member i. */
export function deviceId(i: number): string {
  return (0xd0 + i).toString(16).padStart(32, '0');
}

/** n members with identifiers 1..n (or, with `derived`, hash-derived full-size identifiers). */
export function makeRoster(suite: Suite, n: number, derived = false): RosterMember[] {
  return Array.from({ length: n }, (_, i) => ({
    deviceId: deviceId(i),
    identifier: derived ? suite.frost.Identifier.derive(`member-${i}`) : suite.frost.Identifier.fromNumber(i + 1),
  }));
}

/** The record without one key. */
export function without<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const out = { ...record };
  delete out[key];
  return out;
}

/** Every round-1 result of an in-process DKG. */
export interface Round1All {
  roster: RosterMember[];
  threshold: number;
  secrets: Map<string, DkgRound1Secret>;
  broadcasts: Record<string, DkgRound1Broadcast>;
}

/** Every round-2 result: packages[from][to]. */
export interface Round2All {
  secrets: Map<string, DkgRound2Secret>;
  packages: Record<string, Record<string, DkgRound2Package>>;
}

/** Round 1 at every member. */
export function round1All(suite: Suite, roster: RosterMember[], threshold: number): Round1All {
  const secrets = new Map<string, DkgRound1Secret>();
  const broadcasts: Record<string, DkgRound1Broadcast> = {};
  for (const m of roster) {
    const r = dkgRound1(suite, roster, threshold, m.deviceId);
    secrets.set(m.deviceId, r.secret);
    broadcasts[m.deviceId] = r.broadcast;
  }
  return { roster, threshold, secrets, broadcasts };
}

/** Round 2 at every member; `view(me)` may replace what `me` receives. */
export function round2All(
  suite: Suite,
  r1: Round1All,
  view: (me: string) => Record<string, DkgRound1Broadcast> = (me) => without(r1.broadcasts, me),
): Round2All {
  const secrets = new Map<string, DkgRound2Secret>();
  const packages: Record<string, Record<string, DkgRound2Package>> = {};
  for (const m of r1.roster) {
    const r = dkgRound2(suite, r1.secrets.get(m.deviceId) as DkgRound1Secret, view(m.deviceId));
    secrets.set(m.deviceId, r.secret);
    packages[m.deviceId] = r.packages;
  }
  return { secrets, packages };
}

/** The packages addressed to `me`, keyed by sender. */
export function packagesFor(r2: Round2All, me: string): Record<string, DkgRound2Package> {
  const out: Record<string, DkgRound2Package> = {};
  for (const [from, byRecipient] of Object.entries(r2.packages)) {
    const p = byRecipient[me];
    if (p !== undefined) out[from] = p;
  }
  return out;
}

/** A finished DKG: every member's output and the epoch-0 public package. */
export interface DkgRun {
  roster: RosterMember[];
  broadcasts: Record<string, DkgRound1Broadcast>;
  outputs: Record<string, DkgOutput>;
  epoch: EpochPublic;
}

/** A whole honest DKG in process. */
export function runDkg(suite: Suite, n: number, threshold: number, derived = false): DkgRun {
  const roster = makeRoster(suite, n, derived);
  const r1 = round1All(suite, roster, threshold);
  const r2 = round2All(suite, r1);
  const outputs: Record<string, DkgOutput> = {};
  for (const m of roster) {
    outputs[m.deviceId] = dkgRound3(suite, r2.secrets.get(m.deviceId) as DkgRound2Secret, without(r1.broadcasts, m.deviceId), packagesFor(r2, m.deviceId));
  }
  const first = outputs[deviceId(0)] as DkgOutput;
  const epoch = dkgEpochPublic(suite, first, 'ab'.repeat(16), 'cd'.repeat(32));
  return { roster, broadcasts: r1.broadcasts, outputs, epoch };
}

/** The signing keys of the given members of a DKG run. */
export function keysOf(run: DkgRun, deviceIds: readonly string[]): { deviceId: string; secret: DkgOutput['secret'] }[] {
  return deviceIds.map((d) => ({ deviceId: d, secret: (run.outputs[d] as DkgOutput).secret }));
}

/** All k-element subsets of items, in order. */
export function subsets<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [head, ...rest] = items as [T, ...T[]];
  return [...subsets(rest, k - 1).map((s) => [head, ...s]), ...subsets(rest, k)];
}

/**
 * The PLAIN standard verifier, independent of shared/suites.ts: `ed25519.verify` under the
 * 32-byte key, or BIP-340 `schnorr.verify` under the x-only key (compressed point minus parity byte).
 */
export function plainVerify(suiteName: string, signature: Uint8Array, message: Uint8Array, commitment0: Uint8Array): boolean {
  if (suiteName === 'ed25519') return ed25519.verify(signature, message, commitment0);
  expect(commitment0.length).toBe(33);
  return schnorr.verify(signature, message, commitment0.slice(1));
}

/** An encoded scalar plus one (a well-formed but wrong value). */
export function bumpScalar(suite: Suite, bytes: Uint8Array): Uint8Array {
  return suite.Fn.toBytes(suite.Fn.add(suite.Fn.fromBytes(bytes), 1n));
}

/** Runs fn and asserts it throws a RampartError with this code (and culprit, if given: `null` means none). */
export function expectRampart(fn: () => unknown, code: ErrorCode, culprit?: string | null): Error {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected RampartError ${code}`).toBeDefined();
  if (!isRampartError(thrown)) throw thrown;
  expect({ code: thrown.code, message: thrown.message }).toMatchObject({ code });
  if (culprit !== undefined) expect(thrown.culprit).toBe(culprit === null ? undefined : culprit);
  return thrown;
}
