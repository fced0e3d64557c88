/**
 * The two FROST signing rounds between a coordinator and t signers
 * (RFC 9591 §5; DESIGN §5), over `sign/commit`, `sign/start`, `sign/share`.
 * Used by signing sessions and by certificates' test signatures, which are
 * the same rounds over a different message. Nonces live only in memory:
 * after a crash a signer commits again, it never reuses a nonce.
 */
import type { FrostSecret, NonceCommitments } from '@noble/curves/abstract/frost.js';
import { bytesToHex, hexToBytes } from '../../../shared/bytes.js';
import type { EpochPublic } from '../../../shared/epoch.js';
import { RampartError } from '../../../shared/errors.js';
import { aggregateSignature, signRound1, signRound2, type SigningNonces } from '../../../shared/sign.js';
import { getSuite } from '../../../shared/suites.js';
import type { Envelope } from '../../../shared/wire/envelope.js';
import type { SessionContext } from '../context.js';

/** One signing attempt as this device sees it. */
export interface FrostRound {
  sessionId: string;
  quorumId: string;
  /** The proposal (or certificate body) hash the rounds cite. */
  ref: string;
  epoch: EpochPublic;
  message: Uint8Array;
  coordinator: string;
  /** Coordinator: commitments received, by deviceId. */
  commitments: Map<string, NonceCommitments>;
  started: boolean;
  signers: string[];
  list: NonceCommitments[];
  shares: Record<string, Uint8Array>;
  nonces?: SigningNonces;
  done: boolean;
  /** Sign with the PENDING share of `epoch` (certificate test signatures, before the epoch is active). */
  pendingShare: boolean;
  /** Coordinator: collect commitments but do not start round 2 yet (a test signature waits for every ack). */
  hold: boolean;
  /** The share to sign with, when the session already holds it (a reshare's new share); else it is read from the keystore. */
  share?: FrostSecret;
}

/** Starts a round record. */
export function newRound(sessionId: string, quorumId: string, ref: string, epoch: EpochPublic, message: Uint8Array, coordinator: string, pendingShare = false, hold = false): FrostRound {
  return { sessionId, quorumId, ref, epoch, message, coordinator, commitments: new Map(), started: false, signers: [], list: [], shares: {}, done: false, pendingShare, hold };
}

/** Round 1 at this device: commit nonces and send the commitment to the coordinator (or keep it, if we coordinate). */
export async function commitToRound(ctx: SessionContext, r: FrostRound): Promise<void> {
  const share = r.share ?? (await ctx.readShare(r.quorumId, r.epoch.epoch, r.pendingShare));
  if (share === undefined) throw new RampartError('PLAN_INVALID', `this device holds no share for epoch ${r.epoch.epoch}`, ctx.deviceId);
  const { nonces, commitment } = signRound1(getSuite(r.epoch.suite), share, ctx.random);
  r.nonces = nonces;
  if (r.coordinator === ctx.deviceId) {
    r.commitments.set(ctx.deviceId, commitment);
    return;
  }
  await ctx.send('sign/commit', r.quorumId, r.sessionId, r.epoch.epoch, [r.coordinator], {
    proposalHash: r.ref,
    identifier: commitment.identifier,
    hiding: bytesToHex(commitment.hiding),
    binding: bytesToHex(commitment.binding),
  });
}

/** Coordinator: records a commitment; once t are in (and the round is not on hold), starts round 2. */
export async function onCommit(ctx: SessionContext, r: FrostRound, env: Envelope<'sign/commit'>): Promise<void> {
  const member = r.epoch.roster.find((m) => m.deviceId === env.from);
  if (member === undefined || member.identifier !== env.body.identifier) return;
  r.commitments.set(env.from, { identifier: env.body.identifier, hiding: hexToBytes(env.body.hiding), binding: hexToBytes(env.body.binding) } as NonceCommitments);
  await maybeStartSigning(ctx, r);
}

/** Coordinator: once t commitments are in and nothing holds the round, sends `sign/start` to the chosen signers. */
export async function maybeStartSigning(ctx: SessionContext, r: FrostRound): Promise<void> {
  if (r.started || r.hold || r.coordinator !== ctx.deviceId || r.commitments.size < r.epoch.threshold) return;
  r.started = true;
  // The coordinator signs if it committed; then the others that committed, in roster order, t in all.
  // A plain signing round starts at the t-th commitment, so these are the earliest t. A reshare's test
  // signature is held until every ack is in, by when every member has committed: roster order then
  // spreads the signers predictably instead of favouring whichever devices happened to answer first.
  const order = (d: string) => (d === ctx.deviceId ? -1 : r.epoch.roster.findIndex((m) => m.deviceId === d));
  const chosen = [...r.commitments.keys()].sort((a, b) => order(a) - order(b)).slice(0, r.epoch.threshold);
  r.signers = chosen;
  r.list = chosen.map((d) => r.commitments.get(d) as NonceCommitments);
  const body = { proposalHash: r.ref, commitments: r.list.map((c) => ({ identifier: c.identifier, hiding: bytesToHex(c.hiding), binding: bytesToHex(c.binding) })) };
  await ctx.send('sign/start', r.quorumId, r.sessionId, r.epoch.epoch, chosen, body);
  if (chosen.includes(ctx.deviceId)) await signOwnShare(ctx, r);
}

async function signOwnShare(ctx: SessionContext, r: FrostRound): Promise<void> {
  const share = r.share ?? (await ctx.readShare(r.quorumId, r.epoch.epoch, r.pendingShare));
  if (share === undefined || r.nonces === undefined) throw new RampartError('PLAN_INVALID', 'no share or nonces for this signing round', ctx.deviceId);
  const sig = signRound2(getSuite(r.epoch.suite), share, r.epoch.frostPublic, r.nonces, r.list, r.message);
  r.shares[share.identifier] = sig;
}

/** Signer: answers `sign/start` with its signature share. */
export async function onStart(ctx: SessionContext, r: FrostRound, env: Envelope<'sign/start'>): Promise<void> {
  if (env.from !== r.coordinator || r.nonces === undefined) return;
  r.list = env.body.commitments.map((c) => ({ identifier: c.identifier, hiding: hexToBytes(c.hiding), binding: hexToBytes(c.binding) }) as NonceCommitments);
  await signOwnShare(ctx, r);
  const id = r.epoch.roster.find((m) => m.deviceId === ctx.deviceId)?.identifier as string;
  await ctx.send('sign/share', r.quorumId, r.sessionId, r.epoch.epoch, [r.coordinator], { proposalHash: r.ref, identifier: id, share: bytesToHex(r.shares[id] as Uint8Array) });
}

/**
 * Routes one `sign/*` message of a round (used by sessions whose certificate needs a test
 * signature); returns the aggregated signature when this device coordinates and it is complete.
 */
export async function onRoundMessage(ctx: SessionContext, r: FrostRound | undefined, env: Envelope): Promise<Uint8Array | undefined> {
  if (r === undefined) return undefined;
  if (env.kind === 'sign/commit') await onCommit(ctx, r, env);
  else if (env.kind === 'sign/start') await onStart(ctx, r, env);
  else if (env.kind === 'sign/share') return onShare(r, env);
  return undefined;
}

/** Coordinator: records a share; returns the aggregated signature once all t are in (shares are verified, culprits named). */
export function onShare(r: FrostRound, env: Envelope<'sign/share'>): Uint8Array | undefined {
  const member = r.epoch.roster.find((m) => m.deviceId === env.from);
  if (member === undefined || member.identifier !== env.body.identifier || !r.signers.includes(env.from)) return undefined;
  r.shares[env.body.identifier] = hexToBytes(env.body.share);
  if (r.done || Object.keys(r.shares).length < r.signers.length) return undefined;
  r.done = true;
  return aggregateSignature(getSuite(r.epoch.suite), r.epoch, r.list, r.message, r.shares);
}
