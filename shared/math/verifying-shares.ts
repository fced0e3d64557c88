/**
 * Verifying shares Y_j = Σ_k C_k·x_j^k (RFC 9591 §4.1; DESIGN §4 step 5),
 * computed on first use. Every new member can derive every Y_j from the
 * epoch's commitments, but a device needs only a few of them: its own, and
 * the signers' when a signature share must be attributed. Computing all n'
 * eagerly cost each device about 2 ms per member at t = 67 — most of a
 * 67-of-100 reshare (bench/). The record looks like noble's FrostPublic
 * `verifyingShares`: enumerable keys (the roster's identifiers), values
 * computed and cached on first read.
 */
import type { GroupElement, Suite } from '../suites.js';
import { evalPointPoly } from './polynomial.js';

/**
 * A verifying-share record for `identifiers` over `commitments`; `decoded`
 * (the same commitments as points) spares decoding them again.
 */
export function lazyVerifyingShares(
  suite: Suite,
  commitments: readonly Uint8Array[],
  identifiers: readonly string[],
  decoded?: readonly GroupElement[],
): Record<string, Uint8Array> {
  let points: readonly GroupElement[] | undefined = decoded;
  const out: Record<string, Uint8Array> = {};
  for (const id of identifiers) {
    let value: Uint8Array | undefined;
    Object.defineProperty(out, id, {
      enumerable: true,
      configurable: false,
      get(): Uint8Array {
        if (value === undefined) {
          points ??= commitments.map((c) => suite.decodeCurvePoint(c));
          value = evalPointPoly(suite, points, suite.identifierToInteger(id) % suite.Fn.ORDER).toBytes();
        }
        return value;
      },
    });
  }
  return out;
}
