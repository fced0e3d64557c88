/**
 * Resharing over the relay (DESIGN §4): propose → approvals (t old holders,
 * every joining device) → start (dealer set D) → deals (sub-shares
 * HPKE-sealed per new member) → each new member verifies against its stored
 * epoch-e state, stores its new share as PENDING, then acks the certificate
 * body (I3) → test signature by t' new shares → certificate → new members
 * activate, every old member deletes its epoch-e share (I2).
 *
 * A device deals or acks in at most one session per epoch (step 7), recorded
 * in the state file before the deal or ack leaves.
 */
import type { FrostSecret } from '@noble/curves/abstract/frost.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { CommandParams, CommandResult } from '../../../shared/api.js';
import { decodeCard } from '../../../shared/card.js';
import { buildCertificateBody, type CertificateBodyInput } from '../../../shared/certificate/assemble.js';
import { ackMessage, certificateHash, testSignatureMessage } from '../../../shared/certificate/payloads.js';
import type { Certificate } from '../../../shared/certificate/schema.js';
import { parseCertificate, verifyCertificate, verifyChain } from '../../../shared/certificate/verify.js';
import type { EpochPublic, RosterMember } from '../../../shared/epoch.js';
import { RampartError } from '../../../shared/errors.js';
import { deviceFingerprint, rosterFingerprint, sessionCode } from '../../../shared/fingerprint.js';
import { DOMAIN } from '../../../shared/hash.js';
import { checkRoster } from '../../../shared/identifiers.js';
import { signDomain } from '../../../shared/identity.js';
import { staleShareFromReason, staleShareMessage, staleShareReason, staleSide } from '../../../shared/stale-share.js';
import { dealReshare } from '../../../shared/reshare/deal.js';
import { receiveReshare } from '../../../shared/reshare/receive.js';
import { commitmentsHash } from '../../../shared/reshare/transcript.js';
import { lazyVerifyingShares } from '../../../shared/math/verifying-shares.js';
import type { ReceivedDeal, ResharePlan } from '../../../shared/reshare/types.js';
import { getSuite } from '../../../shared/suites.js';
import type { Member } from '../../../shared/wire/bodies.js';
import { embedProposal, envelopeHeader, messageHash, proposalHash, signApproval, verifyApproval, type Envelope } from '../../../shared/wire/envelope.js';
import { openShare, sealShares } from '../../../shared/wire/hpke.js';
import { packSealedShares, sealedShareFor } from '../../../shared/wire/sealed-shares.js';
import { epochToJson } from '../codec.js';
import { secretNames, type SessionContext } from '../context.js';
import type { RequestInbox } from '../requests.js';
import { certificateFromRound, firstBadAck } from './certify.js';
import { commitToRound, maybeStartSigning, newRound, onRoundMessage, type FrostRound } from './frost-rounds.js';

const RESHARE_TTL_MS = 30 * 60_000;


/** One reshare as this device sees it. */
interface ReshareRun {
  propose: Envelope<'reshare/propose'>;
  ref: string;
  /** Epoch e as this device knows it (stored state, or the checked context for a joiner). */
  old: EpochPublic;
  oldCert: Certificate;
  newRoster: RosterMember[];
  isOld: boolean;
  isNew: boolean;
  approvals: Map<string, string>;
  /** Approvals of this proposal verified in the start (deviceId → signature), under the stored epoch-e keys. */
  verifiedApprovals: Map<string, string>;
  rejections: Set<string>;
  approvedHere: boolean;
  start?: Envelope<'reshare/start'>;
  plan?: ResharePlan;
  deals: Map<string, ReceivedDeal>;
  output?: { share: FrostSecret; epoch: EpochPublic; body: CertificateBodyInput; bodyHash: string };
  acks: Map<string, { transcriptHash: string; signature: string }>;
  /** New members that withdrew (DESIGN §4 step 7): each promised never to join the test signature. */
  withdrawals: Set<string>;
  /** This device withdrew. */
  withdrawn: boolean;
  /** Expiry was reported (after the ack: both shares kept). */
  expired: boolean;
  round?: FrostRound;
  /** Coordinator: test-signature commitments that arrived before this device had its own output. */
  earlyCommits: Envelope<'sign/commit'>[];
  done: boolean;
  waiter?: { resolve(r: CommandResult<'reshare'>): void; reject(e: unknown): void };
}

/** All reshare sessions of one device. */
export class ReshareSessions {
  private readonly runs = new Map<string, ReshareRun>();
  /** Joiners: proposals waiting for their context. */
  private readonly awaitingContext = new Map<string, Envelope<'reshare/propose'>>();

  constructor(
    private readonly ctx: SessionContext,
    private readonly inbox: RequestInbox,
  ) {}

  has(sessionId: string): boolean {
    return this.runs.has(sessionId) || this.awaitingContext.has(sessionId);
  }

  /** The identity key of a reshare/propose's sender, for joiners that learn it from the proposal itself. */
  static proposerKey(env: Envelope<'reshare/propose'>): string | undefined {
    return env.body.newMembers.find((m) => m.deviceId === env.from)?.identityKey;
  }

  /** Proposer: reshares `quorumId`; resolves with the new epoch once its certificate is in. */
  async propose(p: CommandParams<'reshare'>): Promise<CommandResult<'reshare'>> {
    const old = this.ctx.epoch(p.quorumId);
    const chain = this.ctx.chain(p.quorumId);
    const oldCert = chain[chain.length - 1];
    if (old === undefined || oldCert === undefined) throw new RampartError('PLAN_INVALID', `unknown quorum ${p.quorumId}`);
    if (!old.roster.some((m) => m.deviceId === this.ctx.deviceId)) throw new RampartError('PLAN_INVALID', 'only a member can propose a reshare');
    const suite = getSuite(old.suite);
    const removed = new Set(p.remove ?? []);
    for (const r of removed) if (!old.roster.some((m) => m.deviceId === r)) throw new RampartError('PLAN_INVALID', `device ${r} is not a member`);
    const added = (p.add ?? []).map((c) => decodeCard(c));
    let next = Math.max(...old.roster.map((m) => Number(suite.identifierToInteger(m.identifier)))) + 1;
    const kept: Member[] = old.roster.filter((m) => !removed.has(m.deviceId)).map((m) => {
      const peer = this.ctx.peer(m.deviceId);
      if (peer === undefined) throw new RampartError('PLAN_INVALID', 'no public keys for a member', m.deviceId);
      return { ...peer, identifier: m.identifier };
    });
    const joining: Member[] = added.filter((a) => !old.roster.some((m) => m.deviceId === a.deviceId)).map((a) => ({ ...a, identifier: suite.frost.Identifier.fromNumber(next++) }));
    const newMembers = [...kept, ...joining];
    const tNew = p.threshold ?? Math.min(old.threshold, newMembers.length);
    if (tNew < 2 || tNew > newMembers.length) throw new RampartError('PLAN_INVALID', `threshold ${tNew} is outside 2..${newMembers.length}`);
    this.ctx.rememberPeers(joining);
    const everyone = [...new Set([...old.roster.map((m) => m.deviceId), ...newMembers.map((m) => m.deviceId)])];
    const sessionId = this.ctx.newId();
    const env = await this.ctx.send('reshare/propose', p.quorumId, sessionId, old.epoch, everyone, {
      suite: old.suite,
      prevCertificateHash: old.certificateHash,
      newThreshold: tNew,
      newMembers,
      expiresAt: this.ctx.clock.now() + RESHARE_TTL_MS,
    });
    const run = this.newRun(env, old, oldCert);
    const done = new Promise<CommandResult<'reshare'>>((resolve, reject) => (run.waiter = { resolve, reject }));
    this.progress(run, 'approving');
    if (joining.length > 0) {
      await this.ctx.send('reshare/context', p.quorumId, sessionId, old.epoch, joining.map((m) => m.deviceId), {
        proposalHash: run.ref,
        chain,
        commitments: old.frostPublic.commitments.map((c) => bytesToHex(c)),
        verifyingShares: Object.fromEntries(Object.entries(old.frostPublic.verifyingShares).map(([k, v]) => [k, bytesToHex(v)])),
      });
    }
    this.ctx.log('reshare-proposed', `epoch ${old.epoch} → ${old.epoch + 1}: ${old.threshold}-of-${old.roster.length} → ${tNew}-of-${newMembers.length}`, p.quorumId, sessionId);
    // Proposing counts as this holder's approval (DESIGN §7).
    await this.approveHere(run);
    return done;
  }

  private newRun(env: Envelope<'reshare/propose'>, old: EpochPublic, oldCert: Certificate): ReshareRun {
    const newRoster = env.body.newMembers.map((m) => ({ deviceId: m.deviceId, identifier: m.identifier }));
    const run: ReshareRun = {
      propose: env,
      ref: proposalHash(env),
      old,
      oldCert,
      newRoster,
      isOld: old.roster.some((m) => m.deviceId === this.ctx.deviceId),
      isNew: newRoster.some((m) => m.deviceId === this.ctx.deviceId),
      approvals: new Map(),
      verifiedApprovals: new Map(),
      rejections: new Set(),
      approvedHere: false,
      deals: new Map(),
      acks: new Map(),
      withdrawals: new Set(),
      withdrawn: false,
      expired: false,
      earlyCommits: [],
      done: false,
    };
    this.runs.set(env.sessionId, run);
    return run;
  }

  /**
   * The progress view's feed (DESIGN §4 steps 3–6). Who acked is known in full only to the
   * coordinator (acks go to it); the others report their own ack and the new roster as missing
   * until the certificate arrives, whose acks are then the list (`acked`).
   */
  private progress(run: ReshareRun, phase: 'approving' | 'dealing' | 'acking' | 'certifying' | 'committed' | 'aborted', reason?: string, acked = [...run.acks.keys()]): void {
    const p = run.propose;
    const missing = run.newRoster.map((m) => m.deviceId).filter((d) => !acked.includes(d));
    this.ctx.emit('sessionProgress', { sessionId: p.sessionId, quorumId: p.quorumId, kind: 'reshare', phase, acked, missing, ...(reason === undefined ? {} : { reason: reason.slice(0, 500) }) });
  }

  private participants(run: ReshareRun): string[] {
    return [...new Set([...run.old.roster.map((m) => m.deviceId), ...run.newRoster.map((m) => m.deviceId)])];
  }

  private lockKey(run: ReshareRun): string {
    return `reshare-lock/${run.propose.quorumId}/${run.old.epoch}`;
  }

  /** DESIGN §4 step 7: another undecided session of this epoch that this device dealt or acked in. */
  private lockedBy(run: ReshareRun): string | undefined {
    const holder = this.ctx.state.getValue(this.lockKey(run));
    return holder !== undefined && holder !== '' && holder !== run.propose.sessionId ? holder : undefined;
  }

  private async approveHere(run: ReshareRun): Promise<void> {
    run.approvedHere = true;
    const approval = signApproval(run.ref, this.ctx.identity.signingKey);
    run.approvals.set(this.ctx.deviceId, approval);
    const p = run.propose;
    // Only the proposer counts approvals (it fixes D in reshare/start, which carries them to everyone).
    await this.ctx.send('reshare/approve', p.quorumId, p.sessionId, p.epoch, [p.from], { proposalHash: run.ref, approval });
    await this.maybeStart(run);
  }

  /** Routes a `reshare/*` envelope, or a `sign/*` one of a reshare's test signature. */
  async handle(env: Envelope): Promise<void> {
    if (env.kind === 'reshare/propose') return this.onPropose(env);
    if (env.kind === 'reshare/context') return this.onContext(env);
    const run = this.runs.get(env.sessionId);
    if (run === undefined || run.done || !this.participants(run).includes(env.from)) return;
    switch (env.kind) {
      case 'reshare/approve': {
        const key = this.ctx.peer(env.from)?.identityKey;
        if (env.body.proposalHash !== run.ref || key === undefined || !verifyApproval(run.ref, env.body.approval, key)) return;
        run.approvals.set(env.from, env.body.approval);
        return this.maybeStart(run);
      }
      case 'reshare/reject': {
        // A signed rejection is abort evidence when it makes the session impossible: any joining
        // device's, or enough old holders' that fewer than t could still approve (DESIGN §4 step 7).
        const who = this.ctx.peer(env.from)?.name ?? env.from;
        const stale = staleShareFromReason(env.body.reason);
        if (stale !== undefined) {
          this.ctx.log('share-stale', stale.message, run.propose.quorumId, run.propose.sessionId);
          // The proposer is behind, or a member of the new roster is (it can never ack): over now.
          if (stale.deviceId === run.propose.from || run.newRoster.some((m) => m.deviceId === stale.deviceId)) {
            return this.abort(run, stale.message, stale.deviceId, 'SHARE_STALE');
          }
        }
        this.ctx.log('reshare-rejection-received', `${who}: ${env.body.reason}`, run.propose.quorumId, run.propose.sessionId);
        if (!run.old.roster.some((m) => m.deviceId === env.from)) return this.abort(run, `joining device ${who} rejected: ${env.body.reason}`, env.from);
        run.rejections.add(env.from);
        if (run.old.roster.length - run.rejections.size < run.old.threshold) return this.abort(run, `${who} rejected: ${env.body.reason}`, env.from);
        return;
      }
      case 'reshare/start':
        return this.onStart(run, env);
      case 'reshare/deal':
        return this.onDeal(run, env);
      case 'reshare/ack':
        run.acks.set(env.from, { transcriptHash: env.body.transcriptHash, signature: env.body.signature });
        if (run.output !== undefined) this.progress(run, 'acking');
        return this.maybeCertify(run);
      case 'reshare/complaint':
        return this.abort(run, `complaint (${env.body.code}) against ${env.body.dealer ?? 'the dealer set'}: ${env.body.reason}`, env.body.dealer ?? env.from);
      case 'reshare/commit':
        return this.onCertificate(run, env.body.certificate);
      case 'reshare/withdraw':
        return this.onWithdraw(run, env.from);
      case 'sign/commit':
      case 'sign/start':
      case 'sign/share': {
        // The certificate's test signature (DESIGN §4 step 6). A device that withdrew never signs.
        if (run.withdrawn) return;
        if (run.round === undefined && env.kind === 'sign/commit') {
          run.earlyCommits.push(env);
          return;
        }
        const sig = await onRoundMessage(this.ctx, run.round, env);
        if (sig !== undefined) await this.finishCertificate(run, sig);
        return;
      }
      default:
        return;
    }
  }

  private async onPropose(env: Envelope<'reshare/propose'>): Promise<void> {
    if (this.runs.has(env.sessionId)) return;
    const old = this.ctx.epoch(env.quorumId);
    if (old === undefined) {
      // A joining device: learn the proposed members' keys, then wait for the proposer's context.
      if (!env.body.newMembers.some((m) => m.deviceId === this.ctx.deviceId)) return;
      this.ctx.rememberPeers(env.body.newMembers);
      this.awaitingContext.set(env.sessionId, env);
      return;
    }
    const chain = this.ctx.chain(env.quorumId);
    const oldCert = chain[chain.length - 1] as Certificate;
    if (!old.roster.some((m) => m.deviceId === env.from) && env.epoch <= old.epoch) return;
    if (env.epoch !== old.epoch) {
      // DESIGN §6 stale-share diagnosis: whichever side is behind holds a share that can never deal.
      const stale = staleSide({ deviceId: this.ctx.deviceId, epoch: old.epoch }, { deviceId: env.from, name: this.ctx.peer(env.from)?.name, epoch: env.epoch });
      this.ctx.log(stale.deviceId === this.ctx.deviceId ? 'share-stale' : 'reshare-refused', staleShareMessage(stale), env.quorumId, env.sessionId);
      // Everyone the proposal names hears it, so no member waits for a session that cannot complete.
      const to = [env.from, ...env.body.newMembers.map((m) => m.deviceId)];
      await this.ctx.send('reshare/reject', env.quorumId, env.sessionId, env.epoch, to, { proposalHash: proposalHash(env), reason: staleShareReason(stale) });
      return;
    }
    if (env.body.prevCertificateHash !== old.certificateHash) {
      this.ctx.log('reshare-refused', `proposal for another epoch-${env.epoch} certificate than this device's (a fork)`, env.quorumId, env.sessionId);
      await this.ctx.send('reshare/reject', env.quorumId, env.sessionId, env.epoch, [env.from], { proposalHash: proposalHash(env), reason: `device ${this.ctx.deviceId} holds another epoch-${old.epoch} certificate` });
      return;
    }
    // Joining devices' keys come from the proposal a current member signed; the holder checks their fingerprints.
    this.ctx.rememberPeers(env.body.newMembers, true);
    this.addRequest(this.newRun(env, old, oldCert));
  }

  private async onContext(env: Envelope<'reshare/context'>): Promise<void> {
    const propose = this.awaitingContext.get(env.sessionId);
    if (propose === undefined || env.from !== propose.from || env.body.proposalHash !== proposalHash(propose)) return;
    this.awaitingContext.delete(env.sessionId);
    // A joiner trusts the chain it is shown on first use (the holder compares fingerprints), but checks it is one.
    const newest = verifyChain(env.body.chain);
    if (newest.quorumId !== propose.quorumId || newest.epoch !== propose.epoch || certificateHash(newest) !== propose.body.prevCertificateHash) return;
    // The proposer's verifying shares are not needed: they follow from the commitments, which must
    // be the ones the epoch-e certificate hashes (and its group key). Y_i are derived when read.
    const commitments = env.body.commitments.map((c) => hexToBytes(c));
    if (commitments.length !== newest.threshold || commitmentsHash(newest.suite, newest.quorumId, newest.epoch, commitments) !== newest.commitmentsHash || env.body.commitments[0] !== newest.groupKey) {
      throw new RampartError('CERT_INVALID', "the context's commitments are not the ones the certificate commits to", env.from);
    }
    const frostPublic = {
      signers: { min: newest.threshold, max: newest.roster.length },
      commitments,
      verifyingShares: lazyVerifyingShares(getSuite(newest.suite), commitments, newest.roster.map((m) => m.identifier)),
    } as EpochPublic['frostPublic'];
    // Old members' identity keys (to verify their deals); their HPKE keys are never needed here.
    this.ctx.rememberPeers(
      newest.roster.map((m) => ({ deviceId: m.deviceId, identityKey: m.identityKey, name: m.deviceId.slice(0, 8), hpkeKey: '' })),
      true,
    );
    const old: EpochPublic = {
      suite: newest.suite,
      quorumId: newest.quorumId,
      epoch: newest.epoch,
      threshold: newest.threshold,
      roster: newest.roster.map((m) => ({ deviceId: m.deviceId, identifier: m.identifier })),
      frostPublic,
      certificateHash: certificateHash(newest),
    };
    const run = this.newRun(propose, old, newest);
    this.joinerChain.set(propose.sessionId, env.body.chain);
    this.addRequest(run);
  }

  /** Joiners: the chain they were shown, stored with the new epoch on commit. */
  private readonly joinerChain = new Map<string, Certificate[]>();

  private addRequest(run: ReshareRun): void {
    this.progress(run, 'approving');
    const p = run.propose;
    const view = (d: string) => {
      const peer = this.ctx.peer(d);
      return { deviceId: d, name: peer?.name ?? d.slice(0, 8), fingerprint: peer !== undefined ? deviceFingerprint(peer.identityKey) : '' };
    };
    const before = run.old.roster.map((m) => m.deviceId);
    const after = run.newRoster.map((m) => m.deviceId);
    const refresh = before.length === after.length && before.every((d) => after.includes(d)) && p.body.newThreshold === run.old.threshold;
    this.inbox.add({
      view: {
        id: run.ref,
        kind: 'reshare',
        quorumId: p.quorumId,
        sessionId: p.sessionId,
        summary: `${refresh ? 'Refresh' : 'Restructure'} "${this.ctx.quorumName(p.quorumId)}": ${run.old.threshold}-of-${before.length} → ${p.body.newThreshold}-of-${after.length}, epoch ${run.old.epoch} → ${run.old.epoch + 1} (new roster ${rosterFingerprint(p.body.newThreshold, p.body.newMembers)})`,
        initiator: view(p.from),
        sessionCode: sessionCode(run.ref),
        expiresAt: p.body.expiresAt,
        // Proposing counts as the proposer's approval (DESIGN §7).
        approvals: { have: new Set([p.from, ...run.approvals.keys()].filter((d) => run.old.roster.some((m) => m.deviceId === d))).size, need: run.old.threshold },
        change: {
          operation: refresh ? 'refresh' : 'restructure',
          fromEpoch: run.old.epoch,
          before: { threshold: run.old.threshold, members: before.map(view) },
          after: { threshold: p.body.newThreshold, members: after.map(view) },
          added: after.filter((d) => !before.includes(d)).map(view),
          removed: before.filter((d) => !after.includes(d)).map(view),
        },
      },
      approve: async () => {
        const other = this.lockedBy(run);
        if (other !== undefined) {
          await this.rejectHere(run, `this device already took part in session ${other} for epoch ${run.old.epoch}`);
          throw new RampartError('PLAN_INVALID', `already took part in reshare session ${other} for epoch ${run.old.epoch}; withdraw it or wait for its outcome`);
        }
        this.ctx.log('reshare-approved', `epoch ${run.old.epoch} → ${run.old.epoch + 1}`, p.quorumId, p.sessionId);
        await this.approveHere(run);
      },
      reject: (reason) => this.rejectHere(run, reason),
    });
  }

  private async rejectHere(run: ReshareRun, reason: string): Promise<void> {
    const p = run.propose;
    await this.ctx.send('reshare/reject', p.quorumId, p.sessionId, p.epoch, this.participants(run), { proposalHash: run.ref, reason });
    await this.abort(run, `rejected here: ${reason}`, this.ctx.deviceId);
  }

  /** Proposer: once ≥ t old holders approved and every joining device accepted, fixes D and starts. */
  private async maybeStart(run: ReshareRun): Promise<void> {
    const p = run.propose;
    if (p.from !== this.ctx.deviceId || run.start !== undefined) return;
    const suite = getSuite(run.old.suite);
    const oldApprovers = checkRoster(suite, run.old.roster).filter((m) => run.approvals.has(m.deviceId));
    const joiners = run.newRoster.filter((m) => !run.old.roster.some((o) => o.deviceId === m.deviceId));
    if (oldApprovers.length < run.old.threshold || joiners.some((j) => !run.approvals.has(j.deviceId))) return;
    const dealers = oldApprovers.slice(0, run.old.threshold);
    const approvals = dealers.map((d) => ({ deviceId: d.deviceId, signature: run.approvals.get(d.deviceId) as string }));
    const start = await this.ctx.send('reshare/start', p.quorumId, p.sessionId, p.epoch, this.participants(run), { proposalHash: run.ref, dealers: dealers.map((d) => d.deviceId), approvals });
    await this.onStart(run, start);
  }

  private async onStart(run: ReshareRun, env: Envelope<'reshare/start'>): Promise<void> {
    const p = run.propose;
    if (run.start !== undefined || env.from !== p.from || env.body.proposalHash !== run.ref) return;
    // Everyone checks the start (DESIGN §4 step 3): t valid approvals by old holders, D ⊆ approvers.
    const approvers = new Set<string>();
    for (const a of env.body.approvals) {
      const m = run.oldCert.roster.find((r) => r.deviceId === a.deviceId);
      if (m !== undefined && verifyApproval(run.ref, a.signature, m.identityKey)) {
        approvers.add(a.deviceId);
        run.verifiedApprovals.set(a.deviceId, a.signature);
      }
    }
    if (approvers.size < run.old.threshold || env.body.dealers.some((d) => !approvers.has(d))) {
      return this.abort(run, 'start without the approvals of t old holders', env.from);
    }
    run.start = env;
    run.plan = {
      quorumId: p.quorumId,
      sessionId: p.sessionId,
      fromEpoch: run.old.epoch,
      prevCertificateHash: run.old.certificateHash,
      proposalHash: run.ref,
      startHash: messageHash(env),
      dealers: env.body.dealers,
      newThreshold: p.body.newThreshold,
      newRoster: run.newRoster,
    };
    this.progress(run, 'dealing');
    if (env.body.dealers.includes(this.ctx.deviceId)) await this.deal(run);
  }

  private async deal(run: ReshareRun): Promise<void> {
    const p = run.propose;
    const other = this.lockedBy(run);
    if (other !== undefined) return this.abort(run, `already dealt or acked in session ${other}`, this.ctx.deviceId);
    const share = await this.ctx.readShare(p.quorumId, run.old.epoch);
    if (share === undefined) throw new RampartError('PLAN_INVALID', `no epoch-${run.old.epoch} share to deal`, this.ctx.deviceId);
    this.ctx.state.setValue(this.lockKey(run), p.sessionId);
    const out = dealReshare(run.old, run.plan as ResharePlan, this.ctx.deviceId, share, this.ctx.random);
    const to = run.newRoster.map((m) => m.deviceId);
    const commitments = out.deal.commitments.map((c) => bytesToHex(c));
    const startHash = (run.plan as ResharePlan).startHash;
    // One broadcast to the other new members (§4 step 4): the commitments, which every member needs
    // for H, and each member's HPKE-sealed sub-share, signed once and stored once on the relay.
    const others = to.filter((d) => d !== this.ctx.deviceId);
    if (others.length > 0) {
      const header = { v: 1 as const, kind: 'reshare/deal' as const, quorumId: p.quorumId, sessionId: p.sessionId, epoch: p.epoch, from: this.ctx.deviceId, to: others };
      const recipients = others.map((d) => {
        const peer = this.ctx.peer(d);
        if (peer === undefined) throw new RampartError('PLAN_INVALID', 'no HPKE key for a new member', d);
        return { deviceId: d, hpkeKey: peer.hpkeKey, plaintext: out.subShares[d] as Uint8Array };
      });
      const sealed = await sealShares(header, recipients);
      await this.ctx.send('reshare/deal', p.quorumId, p.sessionId, p.epoch, others, { proposalHash: run.ref, startHash, commitments, sealedShares: packSealedShares(sealed) });
    }
    this.ctx.log('reshare-dealt', `dealt to ${to.length} new members`, p.quorumId, p.sessionId);
    if (run.isNew) {
      run.deals.set(this.ctx.deviceId, { dealer: this.ctx.deviceId, commitments: out.deal.commitments, subShare: out.subShares[this.ctx.deviceId] as Uint8Array });
      await this.maybeReceive(run);
    }
  }

  private async onDeal(run: ReshareRun, env: Envelope<'reshare/deal'>): Promise<void> {
    if (!run.isNew || run.plan === undefined || env.body.startHash !== run.plan.startHash) return;
    const sealed = sealedShareFor(env.body.sealedShares, env.to, this.ctx.deviceId, env.from);
    if (sealed === undefined) return;
    const subShare = await openShare(this.ctx.identity, this.ctx.deviceId, envelopeHeader(env), sealed);
    run.deals.set(env.from, { dealer: env.from, commitments: env.body.commitments.map((c) => hexToBytes(c)), subShare });
    await this.maybeReceive(run);
  }

  private async maybeReceive(run: ReshareRun): Promise<void> {
    const plan = run.plan;
    if (plan === undefined || run.output !== undefined || run.deals.size < plan.dealers.length) return;
    const p = run.propose;
    const result = receiveReshare(run.old, plan, this.ctx.deviceId, [...run.deals.values()]);
    if (!result.ok) {
      const c = result.complaint;
      await this.ctx.send('reshare/complaint', p.quorumId, p.sessionId, p.epoch, this.participants(run), { proposalHash: run.ref, dealer: c.culprits[0] ?? null, code: c.code, reason: c.message });
      return this.abort(run, `complaint ${c.code}: ${c.message}`, c.culprits[0] ?? this.ctx.deviceId);
    }
    const other = this.lockedBy(run);
    if (other !== undefined) return this.abort(run, `already acked in session ${other}`, this.ctx.deviceId);
    const epoch: EpochPublic = { ...run.old, epoch: run.old.epoch + 1, threshold: plan.newThreshold, roster: plan.newRoster, frostPublic: result.public, certificateHash: '00'.repeat(32) };
    const suite = getSuite(run.old.suite);
    const body: CertificateBodyInput = {
      suite: run.old.suite,
      quorumId: p.quorumId,
      epoch: epoch.epoch,
      prev: run.oldCert,
      threshold: plan.newThreshold,
      roster: checkRoster(suite, plan.newRoster).map((m) => ({ deviceId: m.deviceId, identifier: m.identifier, identityKey: (this.ctx.peer(m.deviceId) as { identityKey: string }).identityKey })),
      groupKey: bytesToHex(result.public.commitments[0] as Uint8Array),
      commitmentsHash: result.commitmentsHash,
      transcriptHash: result.transcriptHash,
      authorization: { proposal: embedProposal(p), approvals: (run.start as Envelope<'reshare/start'>).body.approvals },
    };
    run.output = { share: result.secret, epoch, body, bodyHash: buildCertificateBody(body).hash };
    // I3: the new share is durably stored (pending) and the session locked before the ack leaves.
    await this.ctx.writeShare(p.quorumId, epoch.epoch, result.secret, true);
    this.ctx.state.atomically(() => {
      this.ctx.state.setValue(this.lockKey(run), p.sessionId);
      this.ctx.state.setValue(`pending-epoch/${p.quorumId}`, JSON.stringify(epochToJson(epoch)));
    });
    const signature = signDomain(DOMAIN.ack, ackMessage(run.output.bodyHash), this.ctx.identity.signingKey);
    run.acks.set(this.ctx.deviceId, { transcriptHash: result.transcriptHash, signature });
    this.ctx.log('reshare-share-pending', `epoch ${epoch.epoch} share stored as pending; acked ${result.transcriptHash.slice(0, 12)}…`, p.quorumId, p.sessionId);
    // Step 6: the ack goes to the coordinator, who checks every member's ack and puts them all in
    // the certificate (which every member verifies). Round 1 of the test signature goes with it;
    // the coordinator holds round 2 until every ack is in and valid.
    const coordinator = this.coordinator(run);
    run.round = newRound(p.sessionId, p.quorumId, run.output.bodyHash, epoch, testSignatureMessage(run.output.bodyHash), coordinator, true, coordinator === this.ctx.deviceId);
    run.round.share = result.secret; // just stored as pending; no need to read it back
    await this.ctx.send('reshare/ack', p.quorumId, p.sessionId, p.epoch, [coordinator], { transcriptHash: result.transcriptHash, signature });
    await commitToRound(this.ctx, run.round);
    for (const early of run.earlyCommits.splice(0)) await onRoundMessage(this.ctx, run.round, early);
    this.progress(run, 'acking');
    await this.maybeCertify(run);
  }

  /** The coordinator of the test signature: the proposer if it is a new member, else the first new member. */
  private coordinator(run: ReshareRun): string {
    const p = run.propose;
    if (run.newRoster.some((m) => m.deviceId === p.from)) return p.from;
    return checkRoster(getSuite(run.old.suite), run.newRoster)[0]?.deviceId as string;
  }

  /** Coordinator: once every new member acked the same body, releases round 2 of the test signature. */
  private async maybeCertify(run: ReshareRun): Promise<void> {
    const round = run.round;
    if (run.output === undefined || round === undefined || !round.hold || run.withdrawn || run.acks.size < run.newRoster.length) return;
    const bad = firstBadAck(this.ctx, run.acks, run.output.body.transcriptHash, run.output.bodyHash);
    if (bad !== undefined) {
      // Different transcripts (I7) or a bad ack: no certificate can form; keep both shares (step 7).
      this.ctx.log('reshare-ack-mismatch', `ack from ${bad} does not match this device's transcript`, run.propose.quorumId, run.propose.sessionId);
      return;
    }
    round.hold = false;
    this.progress(run, 'certifying');
    await maybeStartSigning(this.ctx, round);
  }

  private async finishCertificate(run: ReshareRun, sig: Uint8Array): Promise<void> {
    const out = run.output as NonNullable<ReshareRun['output']>;
    // assembleCertificate verifies what it assembles (chain link, approvals, acks, test signature).
    const certificate = certificateFromRound(out.body, run.acks, run.round as FrostRound, sig);
    const p = run.propose;
    await this.ctx.send('reshare/commit', p.quorumId, p.sessionId, p.epoch, this.participants(run), { certificate });
    await this.onCertificate(run, certificate, { certificate, hash: out.bodyHash });
  }

  /**
   * On a valid certificate for e+1: activate the new share, delete the epoch-e share (I2).
   * `verified`: the certificate was assembled and checked by this device (the coordinator).
   */
  private async onCertificate(run: ReshareRun, data: unknown, verified?: { certificate: Certificate; hash: string }): Promise<void> {
    if (run.done) return;
    // The certificate embeds the start's approvals, checked in onStart under the same (stored) roster keys.
    const hash = verified?.hash ?? verifyCertificate(data, run.oldCert, { proposalHash: run.ref, signatures: run.verifiedApprovals });
    const cert = verified?.certificate ?? parseCertificate(data);
    const p = run.propose;
    const name = this.ctx.quorumName(p.quorumId);
    const deletions: Promise<boolean>[] = [];
    if (run.isNew) {
      const out = run.output;
      if (out === undefined || hash !== out.bodyHash) throw new RampartError('CERT_INVALID', 'certificate is not the one this device acked');
      // I2 order: the new share is durable as active before anything is deleted.
      await this.ctx.writeShare(p.quorumId, out.epoch.epoch, out.share);
      this.ctx.state.atomically(() => {
        for (const c of this.joinerChain.get(p.sessionId) ?? []) this.ctx.state.putCertificate(p.quorumId, c.epoch, certificateHash(c), c);
        this.ctx.commitEpoch(name, { ...out.epoch, certificateHash: hash }, cert, hash);
      });
      deletions.push(this.ctx.secrets.delete(secretNames.pending(p.quorumId, out.epoch.epoch)));
    } else {
      // A removed member keeps the chain for audit; it holds no share of the new epoch.
      this.ctx.state.atomically(() => {
        this.ctx.state.putCertificate(p.quorumId, cert.epoch, hash, cert);
        this.ctx.state.putQuorum(p.quorumId, name, cert.epoch, epochToJson({ ...run.old, epoch: cert.epoch, threshold: cert.threshold, roster: cert.roster.map((m) => ({ deviceId: m.deviceId, identifier: m.identifier })), certificateHash: hash }));
        this.ctx.state.setValue(`pending-epoch/${p.quorumId}`, 'null');
      });
    }
    // The pending copy and the epoch-e share go together (recovery deletes either if a crash intervenes).
    const oldDeleted = run.isOld ? this.ctx.secrets.delete(secretNames.share(p.quorumId, run.old.epoch)) : Promise.resolve(false);
    await Promise.all([...deletions, oldDeleted]);
    run.done = true;
    this.inbox.drop(run.ref);
    this.progress(run, 'committed', undefined, cert.acks.map((a) => a.deviceId));
    this.ctx.state.atomically(() => {
      if (run.isOld) this.ctx.log('share-deleted', `epoch ${run.old.epoch} share deleted after the epoch ${cert.epoch} certificate`, p.quorumId, p.sessionId);
      this.ctx.log('reshare-committed', `epoch ${run.old.epoch} → ${cert.epoch}: ${cert.threshold}-of-${cert.roster.length}`, p.quorumId, p.sessionId);
    });
    const suite = getSuite(cert.suite);
    run.waiter?.resolve({ quorumId: p.quorumId, epoch: cert.epoch, threshold: cert.threshold, groupPublicKey: bytesToHex(suite.externalGroupKey(hexToBytes(cert.groupKey))) });
  }

  /**
   * DESIGN §4 step 7, expiry: before the ack a device withdraws and discards; after it, it
   * keeps both shares, says who has not answered, and still adopts a certificate if one comes.
   */
  async tick(now: number): Promise<void> {
    for (const run of this.runs.values()) {
      if (run.done || now <= run.propose.body.expiresAt) continue;
      if (run.output === undefined) {
        await this.withdrawRun(run, 'expired before this device acked');
        continue;
      }
      if (run.expired) continue;
      run.expired = true;
      const p = run.propose;
      // Only the coordinator sees every ack; the others know their own and wait for its certificate.
      const coordinating = this.coordinator(run) === this.ctx.deviceId;
      const missing = coordinating ? run.newRoster.map((m) => m.deviceId).filter((d) => !run.acks.has(d)) : [];
      const waitingFor = coordinating ? `no ack from ${missing.join(', ') || 'nobody (test signature missing)'}` : `no certificate from coordinator ${this.coordinator(run)}`;
      this.ctx.log('reshare-expired', `expired after this device acked: keeping both shares; ${waitingFor}; withdraw to give up`, p.quorumId, p.sessionId);
      this.ctx.emit('sessionProgress', { sessionId: p.sessionId, quorumId: p.quorumId, kind: 'reshare', phase: 'expired', acked: [...run.acks.keys()], missing });
      run.waiter?.reject(new RampartError('PLAN_INVALID', `reshare expired (${waitingFor}); both shares are kept — withdraw session ${p.sessionId} to give up`));
      run.waiter = undefined;
    }
  }

  /** The holder gives up an undecided session (DESIGN §7 `withdraw`). */
  async withdraw(sessionId: string): Promise<void> {
    const run = this.runs.get(sessionId);
    if (run === undefined || run.done) throw new RampartError('PLAN_INVALID', `no undecided reshare session ${sessionId}`);
    await this.withdrawRun(run, 'withdrawn by the holder');
  }

  private async withdrawRun(run: ReshareRun, reason: string): Promise<void> {
    const p = run.propose;
    run.withdrawn = true;
    await this.ctx.send('reshare/withdraw', p.quorumId, p.sessionId, p.epoch, this.participants(run), { proposalHash: run.ref });
    this.ctx.log('reshare-withdrawn', reason, p.quorumId, p.sessionId);
    if (run.output === undefined) return this.abort(run, reason, this.ctx.deviceId);
    // After the ack the pending share stays until abort evidence (n' − t' + 1 withdrawals) or a certificate.
    return this.onWithdraw(run, this.ctx.deviceId);
  }

  private async onWithdraw(run: ReshareRun, from: string): Promise<void> {
    if (!run.newRoster.some((m) => m.deviceId === from)) return;
    run.withdrawals.add(from);
    if (run.round !== undefined && !run.round.started) run.round.commitments.delete(from);
    const needed = run.newRoster.length - run.propose.body.newThreshold + 1;
    if (run.withdrawals.size >= needed) {
      await this.abort(run, `${run.withdrawals.size} new members withdrew: fewer than t' can sign, no certificate can form`, from);
    }
  }

  private async abort(run: ReshareRun, reason: string, culprit: string, code: 'PLAN_INVALID' | 'SHARE_STALE' = 'PLAN_INVALID'): Promise<void> {
    if (run.done) return;
    run.done = true;
    const p = run.propose;
    this.inbox.drop(run.ref);
    // Abort evidence: pending material goes; epoch-e shares stay valid (step 7).
    if (run.output !== undefined) await this.ctx.secrets.delete(secretNames.pending(p.quorumId, run.output.epoch.epoch));
    // With abort evidence the epoch is free for another session again (step 7).
    if (this.ctx.state.getValue(this.lockKey(run)) === p.sessionId) this.ctx.state.setValue(this.lockKey(run), '');
    this.ctx.log('reshare-aborted', reason, p.quorumId, p.sessionId);
    this.progress(run, 'aborted', reason);
    run.waiter?.reject(new RampartError(code, `reshare aborted: ${reason}`, culprit));
  }
}

