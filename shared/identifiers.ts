/**
 * FROST identifiers of a roster (DESIGN §4 step 5: "New identifiers are
 * non-zero and distinct mod the group order"). An identifier equal to 0 mod q
 * would make a sub-share f(0) — the dealt secret itself (mpc-pitfalls,
 * "party index zero mod q"); two identifiers equal mod q would collide.
 */
import type { Identifier } from '@noble/curves/abstract/frost.js';
import { RampartError } from './errors.js';
import type { RosterMember } from './epoch.js';
import type { Suite } from './suites.js';

/** A roster member with its identifier decoded to a scalar. */
export interface ScalarMember extends RosterMember {
  x: bigint;
}

/**
 * Checks a roster and returns its members with scalar identifiers, sorted by
 * identifier. Order of checks: zero mod q, repeated mod q, non-canonical
 * encoding (≥ q), repeated deviceId. Each failure names the offending device.
 */
export function checkRoster(suite: Suite, roster: readonly RosterMember[]): ScalarMember[] {
  const q = suite.Fn.ORDER;
  const seenX = new Map<bigint, string>();
  const seenDevice = new Set<string>();
  const out: ScalarMember[] = [];
  for (const m of roster) {
    const raw = suite.identifierToInteger(m.identifier);
    const x = raw % q;
    if (x === 0n) {
      throw new RampartError('IDENTIFIER_ZERO', 'identifier is zero modulo the group order', m.deviceId);
    }
    const other = seenX.get(x);
    if (other !== undefined) {
      throw new RampartError(
        'IDENTIFIER_DUPLICATE',
        `identifier repeats (mod the group order) the one of device ${other}`,
        m.deviceId,
      );
    }
    if (raw >= q) {
      throw new RampartError('IDENTIFIER_NONCANONICAL', 'identifier is not reduced modulo the group order', m.deviceId);
    }
    if (seenDevice.has(m.deviceId)) {
      throw new RampartError('PLAN_INVALID', 'device appears twice in the roster', m.deviceId);
    }
    seenX.set(x, m.deviceId);
    seenDevice.add(m.deviceId);
    out.push({ deviceId: m.deviceId, identifier: m.identifier, x });
  }
  return out.sort((a, b) => (a.x < b.x ? -1 : a.x > b.x ? 1 : 0));
}

/** The canonical identifier of the n-th member (1-based), as noble's `Identifier.fromNumber`. */
export function identifierFromNumber(suite: Suite, n: number): Identifier {
  return suite.frost.Identifier.fromNumber(n);
}
