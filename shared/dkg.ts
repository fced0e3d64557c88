/**
 * Distributed key generation (DESIGN §5 `dkg`): typed wrappers over noble's
 * `DKG.round1..3`, keyed by deviceId. RFC 9591 leaves DKG out of scope; noble
 * follows frost-rs's three-round Pedersen DKG, built on the Feldman VSS of
 * RFC 9591 Appendix C.2 plus a Schnorr proof of knowledge of each a_i0.
 *
 * Typed rounds (as frost-core): round 1 yields a `DkgRound1Secret` that only
 * round 2 accepts, round 2 a `DkgRound2Secret` that only round 3 accepts; each
 * is opaque, single use and prints as '<redacted>'. Every fault in a received
 * package is reported as `DKG_FAILED` naming the sending device (`culprit`).
 */
import type { DKG_Round1, DKG_Secret, FrostPublic, FrostSecret, Identifier, RNG } from '@noble/curves/abstract/frost.js';
import { equalBytes } from './bytes.js';
import type { EpochPublic, RosterMember } from './epoch.js';
import { RampartError } from './errors.js';
import { DOMAIN, FieldHasher } from './hash.js';
import { checkRoster, type ScalarMember } from './identifiers.js';
import { evalPointPoly } from './math/polynomial.js';
import type { GroupElement, Suite, SuiteName } from './suites.js';
import { redactSecret, SecretState } from './redact.js';

// ---------------------------------------------------------------------------
// Public packages.

/** Round-1 broadcast of one member: Feldman commitments [a_k·G], k = 0..t−1 (RFC 9591 App. C.2), and a Schnorr proof of knowledge of a_0. */
export interface DkgRound1Broadcast {
  /** The sender's FROST identifier. */
  identifier: Identifier;
  /** t encoded points; commitment[0] = a_0·G is the sender's contribution to the group key. */
  commitment: Uint8Array[];
  /** noble's proof of knowledge of a_0, bound to `identifier` and commitment[0]. */
  proofOfKnowledge: Uint8Array;
}

/** Round-2 package from one member to another: the sender's polynomial at the recipient's identifier. Secret: HPKE-seal it (DESIGN §3). */
export interface DkgRound2Package {
  /** The sender's FROST identifier. */
  identifier: Identifier;
  /** f_sender(x_recipient), an encoded scalar. */
  signingShare: Uint8Array;
}

/** Result of a successful DKG at one member. */
export interface DkgOutput {
  /** This member's long-term share (prints as '<redacted>'; encode its fields explicitly to persist it). */
  secret: FrostSecret;
  /** noble's public package: t commitments (commitments[0] is the group key) and every Y_i. */
  public: FrostPublic;
  /** The roster, sorted by identifier. */
  roster: RosterMember[];
}

/** The session a DKG transcript hash is bound to (DESIGN §5: acks over the transcript). */
export interface DkgSession {
  quorumId: string;
  sessionId: string;
  threshold: number;
  roster: readonly RosterMember[];
}

// ---------------------------------------------------------------------------
// Opaque round states (frost-core's typed rounds).

interface DkgContext {
  suite: SuiteName;
  threshold: number;
  /** All members, sorted by identifier. */
  roster: ScalarMember[];
  me: ScalarMember;
}

interface Round1Inner {
  ctx: DkgContext;
  state: DKG_Secret;
  own: DkgRound1Broadcast;
}

interface Round2Inner extends Round1Inner {
  /** The other members' round-1 broadcasts this device authenticated in round 2, by deviceId. */
  received: Map<string, DkgRound1Broadcast>;
}

let makeRound1: (inner: Round1Inner) => DkgRound1Secret;
let takeRound1: (s: DkgRound1Secret) => Round1Inner | undefined;
let makeRound2: (inner: Round2Inner) => DkgRound2Secret;
let takeRound2: (s: DkgRound2Secret) => Round2Inner | undefined;

/** Secret state after DKG round 1 (the polynomial's coefficients); accepted once, by `dkgRound2` only. */
export class DkgRound1Secret extends SecretState {
  #inner: Round1Inner | undefined;

  private constructor(inner: Round1Inner) {
    super();
    this.#inner = inner;
  }

  static {
    makeRound1 = (inner) => new DkgRound1Secret(inner);
    takeRound1 = (s) => {
      if (!(s instanceof DkgRound1Secret)) return undefined;
      const inner = s.#inner;
      s.#inner = undefined;
      return inner;
    };
  }
}

/** Secret state after DKG round 2 (coefficients and the authenticated round-1 transcript); accepted once, by `dkgRound3` only. */
export class DkgRound2Secret extends SecretState {
  #inner: Round2Inner | undefined;

  private constructor(inner: Round2Inner) {
    super();
    this.#inner = inner;
  }

  static {
    makeRound2 = (inner) => new DkgRound2Secret(inner);
    takeRound2 = (s) => {
      if (!(s instanceof DkgRound2Secret)) return undefined;
      const inner = s.#inner;
      s.#inner = undefined;
      return inner;
    };
  }
}

// ---------------------------------------------------------------------------
// Helpers.

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function copyBroadcast(b: DkgRound1Broadcast): DkgRound1Broadcast {
  return {
    identifier: b.identifier,
    commitment: b.commitment.map((c) => c.slice()),
    proofOfKnowledge: b.proofOfKnowledge.slice(),
  };
}

function sameBroadcast(a: DkgRound1Broadcast, b: DkgRound1Broadcast): boolean {
  return (
    a.identifier === b.identifier &&
    Array.isArray(b.commitment) &&
    a.commitment.length === b.commitment.length &&
    a.commitment.every((c, k) => b.commitment[k] instanceof Uint8Array && equalBytes(c, b.commitment[k] as Uint8Array)) &&
    b.proofOfKnowledge instanceof Uint8Array &&
    equalBytes(a.proofOfKnowledge, b.proofOfKnowledge)
  );
}

/** One device's fault; `dkgFail` reports the first (roster order) as culprit and lists all. */
interface Fault {
  deviceId: string;
  reason: string;
}

function dkgFail(round: string, faults: readonly Fault[]): RampartError {
  const first = faults[0] as Fault;
  const all = faults.map((f) => `${f.deviceId}: ${f.reason}`).join('; ');
  return new RampartError('DKG_FAILED', `DKG ${round}: ${faults.length === 1 ? first.reason : all}`, first.deviceId);
}

function dkgContext(suite: Suite, roster: readonly RosterMember[], threshold: number, me: string): DkgContext {
  const n = roster.length;
  if (n < 2) throw new RampartError('PLAN_INVALID', `a DKG needs at least 2 members, got ${n}`);
  // noble (as frost-rs) requires 2 ≤ t ≤ n: 1-of-n is not a threshold key.
  if (!Number.isSafeInteger(threshold) || threshold < 2 || threshold > n) {
    throw new RampartError('PLAN_INVALID', `threshold must satisfy 2 ≤ t ≤ n = ${n}, got ${threshold}`);
  }
  // Identifiers non-zero, distinct and canonical mod q; deviceIds distinct (DESIGN §4 step 5).
  const members = checkRoster(suite, roster);
  const self = members.find((m) => m.deviceId === me);
  if (self === undefined) throw new RampartError('PLAN_INVALID', 'this device is not in the DKG roster', me);
  return { suite: suite.name, threshold, roster: members, me: self };
}

function checkSuite(suite: Suite, ctx: DkgContext): void {
  if (suite.name !== ctx.suite) {
    throw new RampartError('PLAN_INVALID', `DKG state is for suite ${ctx.suite}, not ${suite.name}`);
  }
}

function othersOf(ctx: DkgContext): ScalarMember[] {
  return ctx.roster.filter((m) => m.deviceId !== ctx.me.deviceId);
}

/** Rejects keys that are not other roster members (a plumbing error of the caller, not a device's fault). */
function checkSenders(ctx: DkgContext, record: Readonly<Record<string, unknown>>, what: string, allowSelf: boolean): void {
  for (const key of Object.keys(record)) {
    const member = ctx.roster.find((m) => m.deviceId === key);
    if (member === undefined) throw new RampartError('PLAN_INVALID', `${what} from a device outside the roster: ${key}`);
    if (!allowSelf && key === ctx.me.deviceId) throw new RampartError('PLAN_INVALID', `${what} from this device itself`);
  }
}

/** Structural checks of one round-1 broadcast; the proof of knowledge is left to noble. */
function broadcastFault(suite: Suite, ctx: DkgContext, m: ScalarMember, b: DkgRound1Broadcast | undefined): string | undefined {
  if (b === undefined || b === null || typeof b !== 'object') return 'no round-1 broadcast';
  if (b.identifier !== m.identifier) return 'round-1 identifier does not match the roster';
  if (!Array.isArray(b.commitment) || b.commitment.length !== ctx.threshold) {
    return `round-1 commitment must have t = ${ctx.threshold} points`;
  }
  for (let k = 0; k < b.commitment.length; k++) {
    const c = b.commitment[k];
    let p: GroupElement;
    try {
      if (!(c instanceof Uint8Array)) throw new Error('not bytes');
      p = suite.decodePoint(c);
    } catch (e) {
      return `round-1 commitment ${k} is not a valid point (${errorMessage(e)})`;
    }
    // RFC 9591 §3.1: DeserializeElement rejects the identity.
    if (p.is0()) return `round-1 commitment ${k} is the identity`;
  }
  if (!(b.proofOfKnowledge instanceof Uint8Array)) return 'round-1 proof of knowledge missing';
  return undefined;
}

/**
 * Attribution after noble's round 2 rejected the set: checks each broadcast alone with noble's own
 * round-2 validation (commitment length, proof of knowledge, points), by running it against a
 * throwaway participant and n−2 throwaway peers whose identifiers lie outside the roster.
 */
function probeBroadcasts(suite: Suite, ctx: DkgContext, members: ScalarMember[], broadcasts: ReadonlyMap<string, DkgRound1Broadcast>): Fault[] {
  const signers = { min: ctx.threshold, max: ctx.roster.length };
  const taken = new Set(ctx.roster.map((m) => m.identifier));
  const ids: Identifier[] = [];
  for (let k = 0; ids.length < signers.max - 1; k++) {
    const id = suite.frost.Identifier.derive(`rampart/v1/dkg-probe/${k}`);
    if (!taken.has(id)) ids.push(id);
  }
  const [probeId, ...fillerIds] = ids as [Identifier, ...Identifier[]];
  const fillers = fillerIds.map((id) => suite.frost.DKG.round1(id, signers).public);
  const faults: Fault[] = [];
  for (const m of members) {
    const probe = suite.frost.DKG.round1(probeId, signers);
    try {
      suite.frost.DKG.round2(probe.secret, [copyBroadcast(broadcasts.get(m.deviceId) as DkgRound1Broadcast), ...fillers]);
    } catch (e) {
      faults.push({ deviceId: m.deviceId, reason: `round-1 broadcast rejected: ${errorMessage(e)}` });
    } finally {
      suite.frost.DKG.clean(probe.secret);
    }
  }
  return faults;
}

// ---------------------------------------------------------------------------
// Rounds.

/**
 * DKG round 1 for device `me`: samples a random polynomial of degree t−1 and returns the
 * broadcast (commitments + proof of knowledge) and the secret state for round 2.
 * Validates the roster (IDENTIFIER_* / PLAN_INVALID) and 2 ≤ t ≤ n (PLAN_INVALID).
 */
export function dkgRound1(
  suite: Suite,
  roster: readonly RosterMember[],
  threshold: number,
  me: string,
  rng?: RNG,
): { secret: DkgRound1Secret; broadcast: DkgRound1Broadcast } {
  const ctx = dkgContext(suite, roster, threshold, me);
  let r: { public: DKG_Round1; secret: DKG_Secret };
  try {
    r = suite.frost.DKG.round1(ctx.me.identifier, { min: threshold, max: ctx.roster.length }, undefined, rng);
  } catch (e) {
    throw new RampartError('DKG_FAILED', `DKG round 1: ${errorMessage(e)}`);
  }
  const own = copyBroadcast(r.public);
  return { secret: makeRound1({ ctx, state: r.secret, own }), broadcast: copyBroadcast(own) };
}

/**
 * DKG round 2: checks every other member's round-1 broadcast (commitment length and points,
 * proof of knowledge) and returns one private package per other member, keyed by its deviceId.
 * A bad broadcast → DKG_FAILED naming its sender. Consumes `secret` (also on failure).
 */
export function dkgRound2(
  suite: Suite,
  secret: DkgRound1Secret,
  broadcastsFromOthers: Readonly<Record<string, DkgRound1Broadcast>>,
): { secret: DkgRound2Secret; packages: Record<string, DkgRound2Package> } {
  const inner = takeRound1(secret);
  if (inner === undefined) {
    throw new RampartError('PLAN_INVALID', 'dkgRound2 needs an unused round-1 state (states are single use)');
  }
  try {
    const { ctx } = inner;
    checkSuite(suite, ctx);
    checkSenders(ctx, broadcastsFromOthers, 'round-1 broadcast', false);
    const others = othersOf(ctx);
    const faults: Fault[] = [];
    for (const m of others) {
      const reason = broadcastFault(suite, ctx, m, broadcastsFromOthers[m.deviceId]);
      if (reason !== undefined) faults.push({ deviceId: m.deviceId, reason });
    }
    if (faults.length > 0) throw dkgFail('round 2', faults);
    // Snapshot: what the caller hands later (round 3, transcript hash) is compared to this.
    const received = new Map(others.map((m) => [m.deviceId, copyBroadcast(broadcastsFromOthers[m.deviceId] as DkgRound1Broadcast)]));
    let out: Record<string, DkgRound2Package>;
    try {
      out = suite.frost.DKG.round2(inner.state, others.map((m) => copyBroadcast(received.get(m.deviceId) as DkgRound1Broadcast)));
    } catch (e) {
      const blamed = probeBroadcasts(suite, ctx, others, received);
      if (blamed.length > 0) throw dkgFail('round 2', blamed);
      throw new RampartError('DKG_FAILED', `DKG round 2: ${errorMessage(e)}`);
    }
    const packages: Record<string, DkgRound2Package> = {};
    for (const m of others) {
      const p = out[m.identifier];
      if (p === undefined) throw new RampartError('DKG_FAILED', 'DKG round 2: noble produced no package for a member', m.deviceId);
      packages[m.deviceId] = redactSecret({ identifier: p.identifier, signingShare: p.signingShare.slice() });
    }
    return { secret: makeRound2({ ...inner, received }), packages };
  } catch (e) {
    suite.frost.DKG.clean(inner.state);
    throw e;
  }
}

/**
 * DKG round 3: checks that `broadcasts` are the ones authenticated in round 2 (a difference names
 * its sender: equivocation), checks each received package against its sender's commitments
 * (Feldman, RFC 9591 App. C.2 vss_verify: s·G = Σ_k C_k·x^k; a failure names the sender), then
 * finalises with noble. `broadcasts` holds the other members' broadcasts and may hold this
 * device's own. Consumes `secret` (also on failure).
 */
export function dkgRound3(
  suite: Suite,
  secret: DkgRound2Secret,
  broadcasts: Readonly<Record<string, DkgRound1Broadcast>>,
  packagesForMe: Readonly<Record<string, DkgRound2Package>>,
): DkgOutput {
  const inner = takeRound2(secret);
  if (inner === undefined) {
    throw new RampartError('PLAN_INVALID', 'dkgRound3 needs an unused round-2 state (states are single use)');
  }
  try {
    const { ctx } = inner;
    checkSuite(suite, ctx);
    checkSenders(ctx, broadcasts, 'round-1 broadcast', true);
    checkSenders(ctx, packagesForMe, 'round-2 package', false);
    const mine = broadcasts[ctx.me.deviceId];
    if (mine !== undefined && !sameBroadcast(inner.own, mine)) {
      throw new RampartError('PLAN_INVALID', "this device's own round-1 broadcast was altered", ctx.me.deviceId);
    }
    const others = othersOf(ctx);
    const Fn = suite.Fn;
    const faults: Fault[] = [];
    for (const m of others) {
      const seen = inner.received.get(m.deviceId) as DkgRound1Broadcast;
      const b = broadcasts[m.deviceId];
      if (b === undefined) {
        faults.push({ deviceId: m.deviceId, reason: 'no round-1 broadcast' });
        continue;
      }
      if (!sameBroadcast(seen, b)) {
        faults.push({ deviceId: m.deviceId, reason: 'round-1 broadcast differs from the one used in round 2 (equivocation)' });
        continue;
      }
      const p = packagesForMe[m.deviceId];
      if (p === undefined || p === null || typeof p !== 'object') {
        faults.push({ deviceId: m.deviceId, reason: 'no round-2 package' });
        continue;
      }
      if (p.identifier !== m.identifier) {
        faults.push({ deviceId: m.deviceId, reason: 'round-2 package identifier does not match the roster' });
        continue;
      }
      let s: bigint;
      try {
        if (!(p.signingShare instanceof Uint8Array) || p.signingShare.length !== Fn.BYTES) throw new Error(`expected ${Fn.BYTES} bytes`);
        s = Fn.fromBytes(p.signingShare);
      } catch (e) {
        faults.push({ deviceId: m.deviceId, reason: `round-2 share is not a canonical scalar (${errorMessage(e)})` });
        continue;
      }
      // RFC 9591 App. C.2 vss_verify against the sender's round-1 commitments, at our identifier.
      const lhs = s === 0n ? suite.ZERO : suite.G.multiply(s);
      const rhs = evalPointPoly(suite, seen.commitment.map((c) => suite.decodePoint(c)), ctx.me.x);
      if (!lhs.equals(rhs)) {
        faults.push({ deviceId: m.deviceId, reason: 'round-2 share fails the Feldman check against its round-1 commitments' });
      }
    }
    if (faults.length > 0) throw dkgFail('round 3', faults);
    let key: { public: FrostPublic; secret: FrostSecret };
    try {
      key = suite.frost.DKG.round3(
        inner.state,
        others.map((m) => copyBroadcast(inner.received.get(m.deviceId) as DkgRound1Broadcast)),
        others.map((m) => {
          const p = packagesForMe[m.deviceId] as DkgRound2Package;
          return { identifier: p.identifier, signingShare: p.signingShare.slice() };
        }),
      );
      // Self-check of the result (RFC 9591 App. C.2 vss_verify against the group commitment).
      suite.frost.validateSecret(key.secret, key.public);
    } catch (e) {
      throw new RampartError('DKG_FAILED', `DKG round 3: ${errorMessage(e)}`);
    }
    const ids = Object.keys(key.public.verifyingShares);
    if (key.public.commitments.length !== ctx.threshold || ids.length !== ctx.roster.length || !ctx.roster.every((m) => ids.includes(m.identifier))) {
      throw new RampartError('DKG_FAILED', 'DKG round 3: public package does not match the roster and threshold');
    }
    return {
      secret: redactSecret({ identifier: key.secret.identifier, signingShare: key.secret.signingShare }),
      public: key.public,
      roster: ctx.roster.map((m) => ({ deviceId: m.deviceId, identifier: m.identifier })),
    };
  } catch (e) {
    suite.frost.DKG.clean(inner.state);
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Transcript and epoch.

/**
 * The DKG transcript hash members ack (DESIGN §5): every round-1 broadcast, in roster order
 * (sorted by identifier), bound to the suite, quorumId, sessionId, threshold and roster.
 * Members that saw different broadcasts (equivocation) get different hashes. Hex.
 */
export function dkgTranscriptHash(
  suite: Suite,
  session: DkgSession,
  broadcasts: Readonly<Record<string, DkgRound1Broadcast>>,
): string {
  const members = checkRoster(suite, session.roster);
  const h = new FieldHasher(DOMAIN.dkgTranscript)
    .field(suite.name)
    .field(session.quorumId)
    .field(session.sessionId)
    .field(session.threshold)
    .list(members.map((m) => `${m.deviceId}:${m.identifier}`));
  for (const m of members) {
    const b = broadcasts[m.deviceId];
    if (b === undefined) throw new RampartError('DKG_FAILED', 'transcript: no round-1 broadcast', m.deviceId);
    if (b.identifier !== m.identifier) {
      throw new RampartError('DKG_FAILED', 'transcript: round-1 identifier does not match the roster', m.deviceId);
    }
    h.field(m.deviceId).list(b.commitment).field(b.proofOfKnowledge);
  }
  return h.hex();
}

/** The epoch-0 `EpochPublic` of a finished DKG (roster sorted by identifier), once the genesis certificate's hash is known. */
export function dkgEpochPublic(
  suite: Suite,
  output: Pick<DkgOutput, 'roster' | 'public'>,
  quorumId: string,
  certificateHash: string,
): EpochPublic {
  const members = checkRoster(suite, output.roster);
  const pub = output.public;
  const ids = Object.keys(pub.verifyingShares);
  if (ids.length !== members.length || !members.every((m) => ids.includes(m.identifier))) {
    throw new RampartError('PLAN_INVALID', 'verifying shares do not match the roster');
  }
  if (pub.commitments.length !== pub.signers.min || pub.signers.max !== members.length) {
    throw new RampartError('PLAN_INVALID', 'public package does not match the threshold and roster size');
  }
  return {
    suite: suite.name,
    quorumId,
    epoch: 0,
    threshold: pub.signers.min,
    roster: members.map((m) => ({ deviceId: m.deviceId, identifier: m.identifier })),
    frostPublic: pub,
    certificateHash,
  };
}
