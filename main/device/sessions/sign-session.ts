/**
 * Signing sessions (DESIGN §5): propose (quorum, epoch, message +
 * description) → approvals from ≥ t holders, each with its round-1
 * commitment → round 2 among t of them → the proposer aggregates, checks
 * with the standard verifier, and broadcasts the result.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { CommandResult } from '../../../shared/api.js';
import { RampartError } from '../../../shared/errors.js';
import { staleShareFromReason, staleShareMessage, staleShareReason, staleSide } from '../../../shared/stale-share.js';
import { deviceFingerprint, sessionCode } from '../../../shared/fingerprint.js';
import { getSuite } from '../../../shared/suites.js';
import { proposalHash, signApproval, verifyApproval, type Envelope } from '../../../shared/wire/envelope.js';
import type { SessionContext } from '../context.js';
import type { RequestInbox } from '../requests.js';
import { commitToRound, newRound, onCommit, onShare, onStart, type FrostRound } from './frost-rounds.js';

const SIGN_TTL_MS = 10 * 60_000;

interface Waiter {
  resolve(r: CommandResult<'sign'>): void;
  reject(e: unknown): void;
}

/** All signing sessions of one device. */
export class SignSessions {
  private readonly rounds = new Map<string, FrostRound>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly rejections = new Map<string, Set<string>>();
  /** Requests shown to this holder, by session: dropped when the session ends, whatever the decision. */
  private readonly requested = new Map<string, string>();
  /** The proposer of each requested session (only it may end the session). */
  private readonly proposers = new Map<string, string>();

  constructor(
    private readonly ctx: SessionContext,
    private readonly inbox: RequestInbox,
  ) {}

  /** Whether this device takes part in signing session `sessionId`. */
  has(sessionId: string): boolean {
    return this.rounds.has(sessionId) || this.requested.has(sessionId);
  }

  /** Proposer: starts a signing session and resolves with the verified signature. */
  async propose(quorumId: string, messageHex: string, description: string): Promise<CommandResult<'sign'>> {
    const epoch = this.ctx.epoch(quorumId);
    if (epoch === undefined) throw new RampartError('PLAN_INVALID', `unknown quorum ${quorumId}`);
    const sessionId = this.ctx.newId();
    const others = epoch.roster.map((m) => m.deviceId).filter((d) => d !== this.ctx.deviceId);
    const env = await this.ctx.send('sign/propose', quorumId, sessionId, epoch.epoch, others, {
      message: messageHex,
      description,
      expiresAt: this.ctx.clock.now() + SIGN_TTL_MS,
    });
    const ref = proposalHash(env);
    const round = newRound(sessionId, quorumId, ref, epoch, hexToBytes(messageHex), this.ctx.deviceId);
    this.rounds.set(sessionId, round);
    this.ctx.log('sign-proposed', `signing "${description}" at epoch ${epoch.epoch}`, quorumId, sessionId);
    const result = new Promise<CommandResult<'sign'>>((resolve, reject) => this.waiters.set(sessionId, { resolve, reject }));
    // Proposing counts as this holder's approval (DESIGN §7).
    await commitToRound(this.ctx, round);
    return result;
  }

  /** Routes a `sign/*` envelope. */
  async handle(env: Envelope): Promise<void> {
    switch (env.kind) {
      case 'sign/propose':
        return this.onPropose(env);
      case 'sign/approve': {
        // The approval is on record for the log; the commitment that follows is what counts for the rounds.
        const r = this.rounds.get(env.sessionId);
        const key = this.ctx.peer(env.from)?.identityKey;
        if (r !== undefined && key !== undefined && verifyApproval(r.ref, env.body.approval, key)) {
          this.ctx.log('sign-approval-received', `approval from ${this.ctx.peer(env.from)?.name ?? env.from}`, r.quorumId, r.sessionId);
        }
        return;
      }
      case 'sign/reject':
        return this.onReject(env);
      case 'sign/commit': {
        const r = this.rounds.get(env.sessionId);
        // t ≥ 2: after start, at least one remote share is still to come, so nothing finishes here.
        if (r !== undefined && r.coordinator === this.ctx.deviceId) await onCommit(this.ctx, r, env);
        return;
      }
      case 'sign/start': {
        const r = this.rounds.get(env.sessionId);
        if (r !== undefined) await onStart(this.ctx, r, env);
        return;
      }
      case 'sign/share': {
        const r = this.rounds.get(env.sessionId);
        if (r === undefined || r.coordinator !== this.ctx.deviceId) return;
        return this.finish(r, () => onShare(r, env));
      }
      case 'sign/result': {
        const r = this.rounds.get(env.sessionId);
        const ref = this.requested.get(env.sessionId);
        if (r === undefined && ref === undefined) return;
        if (env.from !== (r?.coordinator ?? this.proposers.get(env.sessionId))) return;
        this.ctx.log('sign-completed', `signature ${env.body.signature.slice(0, 16)}…`, env.quorumId, env.sessionId);
        // The session is over: a holder that did not decide is not asked any more.
        if (ref !== undefined) this.inbox.drop(ref);
        this.rounds.delete(env.sessionId);
        this.requested.delete(env.sessionId);
        this.proposers.delete(env.sessionId);
        return;
      }
      default:
        return;
    }
  }

  private async finish(r: FrostRound, step: () => Uint8Array | undefined): Promise<void> {
    const w = this.waiters.get(r.sessionId);
    let sig: Uint8Array | undefined;
    try {
      sig = step();
    } catch (e) {
      this.waiters.delete(r.sessionId);
      this.ctx.log('sign-failed', e instanceof Error ? e.message : 'signing failed', r.quorumId, r.sessionId);
      w?.reject(e);
      return;
    }
    if (sig === undefined) return;
    const suite = getSuite(r.epoch.suite);
    const groupKey = suite.externalGroupKey(r.epoch.frostPublic.commitments[0] as Uint8Array);
    const others = r.epoch.roster.map((m) => m.deviceId).filter((d) => d !== this.ctx.deviceId);
    await this.ctx.send('sign/result', r.quorumId, r.sessionId, r.epoch.epoch, others, { proposalHash: r.ref, signature: bytesToHex(sig) });
    this.ctx.log('sign-completed', `signature ${bytesToHex(sig).slice(0, 16)}…`, r.quorumId, r.sessionId);
    this.rounds.delete(r.sessionId);
    this.waiters.delete(r.sessionId);
    w?.resolve({ signature: bytesToHex(sig), groupPublicKey: bytesToHex(groupKey), epoch: r.epoch.epoch });
  }

  private async onPropose(env: Envelope<'sign/propose'>): Promise<void> {
    const epoch = this.ctx.epoch(env.quorumId);
    if (epoch === undefined || !epoch.roster.some((m) => m.deviceId === env.from)) return;
    if (env.epoch !== epoch.epoch) {
      // DESIGN §6 stale-share diagnosis: whichever side is behind holds a share that can never sign.
      const stale = staleSide({ deviceId: this.ctx.deviceId, epoch: epoch.epoch }, { deviceId: env.from, name: this.ctx.peer(env.from)?.name, epoch: env.epoch });
      if (stale.deviceId === this.ctx.deviceId) this.ctx.log('share-stale', staleShareMessage(stale), env.quorumId, env.sessionId);
      await this.ctx.send('sign/reject', env.quorumId, env.sessionId, env.epoch, [env.from], { proposalHash: proposalHash(env), reason: staleShareReason(stale) });
      return;
    }
    const ref = proposalHash(env);
    const round = newRound(env.sessionId, env.quorumId, ref, epoch, hexToBytes(env.body.message), env.from);
    const initiator = this.ctx.peer(env.from);
    this.requested.set(env.sessionId, ref);
    this.proposers.set(env.sessionId, env.from);
    this.inbox.add({
      view: {
        id: ref,
        kind: 'sign',
        quorumId: env.quorumId,
        sessionId: env.sessionId,
        summary: `Sign for ${this.ctx.quorumName(env.quorumId)}: ${env.body.description || '(no description)'}`,
        initiator: { deviceId: env.from, name: initiator?.name ?? env.from.slice(0, 8), fingerprint: initiator ? deviceFingerprint(initiator.identityKey) : '' },
        sessionCode: sessionCode(ref),
        expiresAt: env.body.expiresAt,
        approvals: { have: 1, need: epoch.threshold },
        message: { hex: env.body.message, description: env.body.description },
      },
      approve: async () => {
        this.rounds.set(env.sessionId, round);
        await this.ctx.send('sign/approve', env.quorumId, env.sessionId, epoch.epoch, [env.from], { proposalHash: ref, approval: signApproval(ref, this.ctx.identity.signingKey) });
        await commitToRound(this.ctx, round);
        this.ctx.log('sign-approved', env.body.description, env.quorumId, env.sessionId);
      },
      reject: async (reason) => {
        await this.ctx.send('sign/reject', env.quorumId, env.sessionId, epoch.epoch, [env.from], { proposalHash: ref, reason });
        this.ctx.log('sign-rejected', reason, env.quorumId, env.sessionId);
      },
    });
  }

  private async onReject(env: Envelope<'sign/reject'>): Promise<void> {
    const r = this.rounds.get(env.sessionId);
    if (r === undefined || r.coordinator !== this.ctx.deviceId || !r.epoch.roster.some((m) => m.deviceId === env.from)) return;
    const stale = staleShareFromReason(env.body.reason);
    if (stale !== undefined) {
      this.ctx.log('share-stale', stale.message, r.quorumId, r.sessionId);
      // This device is the one behind: nobody will sign its epoch, so end the session now.
      if (stale.deviceId === this.ctx.deviceId) return this.abort(r, new RampartError('SHARE_STALE', stale.message, this.ctx.deviceId));
    }
    const set = this.rejections.get(env.sessionId) ?? new Set<string>();
    set.add(env.from);
    this.rejections.set(env.sessionId, set);
    // t becomes unreachable once more than n − t members reject.
    if (set.size > r.epoch.roster.length - r.epoch.threshold) {
      const why = stale?.message ?? `signing rejected: ${env.body.reason}`;
      return this.abort(r, new RampartError(stale !== undefined ? 'SHARE_STALE' : 'SIGNERS_INSUFFICIENT', why, env.from));
    }
  }

  private abort(r: FrostRound, e: RampartError): void {
    this.rounds.delete(r.sessionId);
    const w = this.waiters.get(r.sessionId);
    this.waiters.delete(r.sessionId);
    this.ctx.log('sign-aborted', e.message, r.quorumId, r.sessionId);
    w?.reject(e);
  }
}
