/**
 * FROST threshold signing (RFC 9591 §5, DESIGN §5 `sign`) with noble's
 * `commit` / `signShare` / `verifyShare` / `aggregate` used unchanged.
 *
 * Round 1 (§5.1) gives opaque, single-use `SigningNonces` and public
 * commitments; round 2 (§5.2) turns the nonces into a signature share and
 * consumes them; the coordinator (§5.3) verifies every share (§5.4), names
 * the device of a bad one, aggregates, and checks the result with the plain
 * standard verifier under the group key.
 */
import type { FrostPublic, FrostSecret, Identifier, NonceCommitments, Nonces, RNG } from '@noble/curves/abstract/frost.js';
import { SecretState } from './redact.js';
import type { EpochPublic } from './epoch.js';
import { RampartError } from './errors.js';
import type { Suite, SuiteName } from './suites.js';

/** A signer's public round-1 commitments (noble's type, re-exported for callers of this module). */
export type { NonceCommitments };

interface NonceInner {
  suite: SuiteName;
  identifier: Identifier;
  nonces: Nonces;
}

let makeNonces: (inner: NonceInner) => SigningNonces;
let takeNonces: (n: SigningNonces) => NonceInner | undefined;

/** A signer's secret round-1 nonces (RFC 9591 §5.1): opaque, and consumed by the first `signRound2` that receives them. */
export class SigningNonces extends SecretState {
  #inner: NonceInner | undefined;

  private constructor(inner: NonceInner) {
    super();
    this.#inner = inner;
  }

  /** Whether these nonces were already handed to `signRound2` (they never sign twice). */
  get used(): boolean {
    return this.#inner === undefined;
  }

  static {
    makeNonces = (inner) => new SigningNonces(inner);
    takeNonces = (n) => {
      if (!(n instanceof SigningNonces)) return undefined;
      const inner = n.#inner;
      n.#inner = undefined;
      return inner;
    };
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function zero(nonces: Nonces): void {
  nonces.hiding.fill(0);
  nonces.binding.fill(0);
}

/** FROST round 1 (RFC 9591 §5.1 commit): fresh hiding/binding nonces for `secret` and their public commitments. */
export function signRound1(suite: Suite, secret: FrostSecret, rng?: RNG): { nonces: SigningNonces; commitment: NonceCommitments } {
  let gen: { nonces: Nonces; commitments: NonceCommitments };
  try {
    gen = suite.frost.commit(secret, rng);
  } catch (e) {
    throw new RampartError('PLAN_INVALID', `invalid local share: ${errorMessage(e)}`);
  }
  return {
    nonces: makeNonces({ suite: suite.name, identifier: secret.identifier, nonces: gen.nonces }),
    commitment: gen.commitments,
  };
}

/**
 * FROST round 2 (RFC 9591 §5.2 sign): this signer's share over `message` for the signing set
 * given by `commitments` (which must hold this signer's own round-1 commitment unchanged).
 * The nonces are consumed on every call, successful or not: reuse → PLAN_INVALID (§5.1:
 * nonces are one-time use). Fewer than t commitments → SIGNERS_INSUFFICIENT.
 */
export function signRound2(
  suite: Suite,
  secret: FrostSecret,
  pub: FrostPublic,
  nonces: SigningNonces,
  commitments: readonly NonceCommitments[],
  message: Uint8Array,
): Uint8Array {
  const inner = takeNonces(nonces);
  if (inner === undefined) {
    throw new RampartError('PLAN_INVALID', 'signing nonces were already used (RFC 9591 §5.1: one-time use); run round 1 again');
  }
  try {
    if (inner.suite !== suite.name) throw new RampartError('PLAN_INVALID', `nonces are for suite ${inner.suite}, not ${suite.name}`);
    if (inner.identifier !== secret.identifier) throw new RampartError('PLAN_INVALID', 'nonces were made for another share');
    if (commitments.length < pub.signers.min) {
      throw new RampartError('SIGNERS_INSUFFICIENT', `${commitments.length} signers committed, threshold is ${pub.signers.min}`);
    }
    try {
      // Round 2 never reads verifying shares (RFC 9591 §5.2), but secp256k1-tr's even-Y adjustment
      // maps all of them — which computes every lazily derived Y_j (shared/math/verifying-shares.ts),
      // n' evaluations of degree t'−1 per signer. Hand the signer none.
      return suite.frost.signShare(secret, { ...pub, verifyingShares: {} }, inner.nonces, [...commitments], message);
    } catch (e) {
      throw new RampartError('PLAN_INVALID', `cannot sign: ${errorMessage(e)}`);
    }
  } finally {
    // noble zeroes nonces only on success; never let them sign anything else.
    zero(inner.nonces);
  }
}

/**
 * RFC 9591 §3.1: nonce commitments are non-identity group elements in canonical encoding.
 * noble's aggregate checks the same (DeserializeElement) but cannot say whose commitment
 * failed; this names the device. Run only when aggregation failed, since each subgroup
 * check is a full scalar multiplication (2t of them).
 */
function checkNonceCommitments(suite: Suite, signers: readonly { deviceId: string; identifier: string }[], commitments: readonly NonceCommitments[]): void {
  for (const m of signers) {
    const c = commitments.find((x) => x.identifier === m.identifier) as NonceCommitments;
    for (const [name, bytes] of [['hiding', c.hiding], ['binding', c.binding]] as const) {
      let ok = false;
      try {
        ok = bytes instanceof Uint8Array && !suite.decodePoint(bytes).is0();
      } catch {
        ok = false;
      }
      if (!ok) throw new RampartError('ENCODING_INVALID', `${name} nonce commitment is not a valid group element`, m.deviceId);
    }
  }
}

/** A view of `record` with only `keys`, each read from `record` when first read (getters are not run here). */
function pickLazily<V>(record: Readonly<Record<string, V>>, keys: readonly string[]): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of keys) {
    if (!(k in record)) continue;
    Object.defineProperty(out, k, { enumerable: true, get: () => record[k] as V });
  }
  return out;
}

/** The identifiers noble's aggregate error names as cheaters (RFC 9591 §5.4), if any. */
function cheatersOf(e: unknown): string[] {
  const c = typeof e === 'object' && e !== null ? (e as { cheaters?: unknown }).cheaters : undefined;
  return Array.isArray(c) ? c.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Coordinator (RFC 9591 §5.3 aggregate, §5.4 share verification) over the signers whose
 * round-1 `commitments` were used. Checks, in order: every signer is a member of `epoch` and
 * appears once; at least t shares (SIGNERS_INSUFFICIENT); a share from every committed signer
 * (SIGNERS_INSUFFICIENT naming the silent device); then aggregates (noble checks every
 * commitment; if that fails, ENCODING_INVALID names the device of a malformed one); if the sum does not verify, every share is checked (SIGNATURE_SHARE_INVALID
 * naming the first bad device in roster order and listing all); then verifies with the plain standard verifier under
 * the group key (SIGNATURE_INVALID). `shares` is keyed by FROST identifier.
 */
export function aggregateSignature(
  suite: Suite,
  epoch: EpochPublic,
  commitments: readonly NonceCommitments[],
  message: Uint8Array,
  shares: Readonly<Record<Identifier, Uint8Array>>,
): Uint8Array {
  if (epoch.suite !== suite.name) throw new RampartError('PLAN_INVALID', `epoch is for suite ${epoch.suite}, not ${suite.name}`);
  const pub = epoch.frostPublic;
  const t = epoch.threshold;
  const deviceOf = new Map(epoch.roster.map((m) => [m.identifier, m.deviceId]));
  const committed = new Set<Identifier>();
  for (const c of commitments) {
    const dev = deviceOf.get(c.identifier);
    if (dev === undefined) throw new RampartError('PLAN_INVALID', `commitment from an identifier outside epoch ${epoch.epoch}`);
    if (committed.has(c.identifier)) throw new RampartError('IDENTIFIER_DUPLICATE', 'signer committed twice', dev);
    committed.add(c.identifier);
  }
  for (const id of Object.keys(shares)) {
    if (!committed.has(id)) throw new RampartError('PLAN_INVALID', 'signature share from a signer without a round-1 commitment', deviceOf.get(id));
  }
  // Signers in roster order (sorted by identifier): the order culprits are named in.
  const signers = epoch.roster.filter((m) => committed.has(m.identifier));
  const withShare = signers.filter((m) => shares[m.identifier] !== undefined);
  if (withShare.length < t) {
    throw new RampartError('SIGNERS_INSUFFICIENT', `${withShare.length} signature shares, threshold is ${t}`);
  }
  // The binding factors cover every committed signer (§4.4), so every one must deliver a share.
  const silent = signers.filter((m) => shares[m.identifier] === undefined);
  if (silent.length > 0) {
    throw new RampartError(
      'SIGNERS_INSUFFICIENT',
      `no signature share from committed signer(s) ${silent.map((m) => m.deviceId).join(', ')}; run round 1 again without them`,
      silent[0]?.deviceId,
    );
  }
  // A share must be one canonical scalar (RFC 9591 §4.1 DeserializeScalar), else it is that signer's fault.
  for (const m of signers) {
    const z = shares[m.identifier];
    let ok = false;
    try {
      ok = z instanceof Uint8Array && z.length === suite.Fn.BYTES && suite.Fn.fromBytes(z) >= 0n;
    } catch {
      ok = false;
    }
    if (!ok) throw new RampartError('SIGNATURE_SHARE_INVALID', `signature share from ${m.deviceId} is not a scalar (RFC 9591 §4.1)`, m.deviceId);
  }
  const list = [...commitments];
  // RFC 9591 §5.3 with §5.4 on failure only: noble's aggregate checks the summed signature first
  // and verifies each share only when it fails (as frost-core does), naming the cheaters. Checking
  // every share up front cost O(t²) variable-base multiplications: seconds at t = 67.
  let signature: Uint8Array;
  try {
    // Only the signers' verifying shares, still unevaluated: noble needs them present, and reads them
    // only to name cheaters (or, for secp256k1-tr with an odd-Y key, to negate them).
    const signersPub = { ...pub, verifyingShares: pickLazily(pub.verifyingShares, signers.map((m) => m.identifier)) };
    signature = suite.frost.aggregate(signersPub, list, message, { ...shares });
  } catch (e) {
    const cheaters = cheatersOf(e);
    const bad = signers.filter((m) => cheaters.includes(m.identifier));
    if (bad.length > 0) {
      throw new RampartError(
        'SIGNATURE_SHARE_INVALID',
        `invalid signature share from ${bad.map((m) => m.deviceId).join(', ')} (RFC 9591 §5.4)`,
        bad[0]?.deviceId,
      );
    }
    checkNonceCommitments(suite, signers, commitments);
    throw new RampartError('SIGNATURE_INVALID', `aggregation failed: ${errorMessage(e)}`);
  }
  // DESIGN §5: the proposer checks with the standard verifier (ed25519.verify / BIP-340 schnorr.verify).
  const groupKey = pub.commitments[0];
  if (groupKey === undefined || !suite.verify(signature, message, suite.externalGroupKey(groupKey))) {
    throw new RampartError('SIGNATURE_INVALID', 'aggregate signature does not verify under the group key');
  }
  return signature;
}

/**
 * Both FROST rounds and aggregation in one process (tests, benchmark, the reshare test
 * signature): every key in `keys` signs `message`. Fewer than t keys → SIGNERS_INSUFFICIENT;
 * a key whose deviceId/identifier does not match `epoch.roster` → PLAN_INVALID.
 */
export function signWithShares(
  suite: Suite,
  epoch: EpochPublic,
  keys: readonly { deviceId: string; secret: FrostSecret }[],
  message: Uint8Array,
  rng?: RNG,
): Uint8Array {
  if (keys.length < epoch.threshold) {
    throw new RampartError('SIGNERS_INSUFFICIENT', `${keys.length} signers, threshold is ${epoch.threshold}`);
  }
  const seen = new Set<string>();
  for (const k of keys) {
    const member = epoch.roster.find((m) => m.deviceId === k.deviceId);
    if (member === undefined) throw new RampartError('PLAN_INVALID', `signer is not a member of epoch ${epoch.epoch}`, k.deviceId);
    if (member.identifier !== k.secret.identifier) throw new RampartError('PLAN_INVALID', 'share identifier does not match the roster', k.deviceId);
    if (seen.has(k.deviceId)) throw new RampartError('PLAN_INVALID', 'signer listed twice', k.deviceId);
    seen.add(k.deviceId);
  }
  const round1 = keys.map((k) => signRound1(suite, k.secret, rng));
  const commitments = round1.map((r) => r.commitment);
  const shares: Record<Identifier, Uint8Array> = {};
  keys.forEach((k, i) => {
    shares[k.secret.identifier] = signRound2(suite, k.secret, epoch.frostPublic, (round1[i] as { nonces: SigningNonces }).nonces, commitments, message);
  });
  return aggregateSignature(suite, epoch, commitments, message, shares);
}
