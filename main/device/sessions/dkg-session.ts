/**
 * Quorum creation (DESIGN §5 `dkg`): propose (suite, t, roster) → every
 * member accepts → noble DKG rounds (round-2 packages HPKE-sealed) → each
 * member stores its share as pending and acks the genesis certificate body
 * → t members make the test signature with their new shares → the proposer
 * assembles the genesis certificate; on it, every member activates its share.
 */
import type { FrostSecret } from '@noble/curves/abstract/frost.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { CommandResult } from '../../../shared/api.js';
import { decodeCard } from '../../../shared/card.js';
import { buildCertificateBody, type CertificateBodyInput } from '../../../shared/certificate/assemble.js';
import { ackMessage, testSignatureMessage } from '../../../shared/certificate/payloads.js';
import { parseCertificate, verifyCertificate } from '../../../shared/certificate/verify.js';
import { dkgEpochPublic, dkgRound1, dkgRound2, dkgRound3, dkgTranscriptHash, type DkgRound1Broadcast, type DkgRound1Secret, type DkgRound2Package, type DkgRound2Secret } from '../../../shared/dkg.js';
import type { EpochPublic, RosterMember } from '../../../shared/epoch.js';
import { RampartError } from '../../../shared/errors.js';
import { deviceFingerprint, rosterFingerprint, sessionCode } from '../../../shared/fingerprint.js';
import { DOMAIN } from '../../../shared/hash.js';
import { checkRoster } from '../../../shared/identifiers.js';
import { devicePublicKeys, signDomain } from '../../../shared/identity.js';
import { commitmentsHash } from '../../../shared/reshare/transcript.js';
import { getSuite, type SuiteName } from '../../../shared/suites.js';
import type { Member, Sealed } from '../../../shared/wire/bodies.js';
import { embedProposal, envelopeHeader, proposalHash, signApproval, verifyApproval, type Envelope } from '../../../shared/wire/envelope.js';
import { openShare, sealShares } from '../../../shared/wire/hpke.js';
import type { SessionContext } from '../context.js';
import type { RequestInbox } from '../requests.js';
import { certificateFromRound, firstBadAck } from './certify.js';
import { commitToRound, newRound, onRoundMessage, type FrostRound } from './frost-rounds.js';

const DKG_TTL_MS = 30 * 60_000;

/** One DKG as this device sees it. */
interface DkgRun {
  propose: Envelope<'dkg/propose'>;
  ref: string;
  suite: SuiteName;
  roster: RosterMember[];
  accepts: Map<string, string>;
  accepted: boolean;
  r1?: DkgRound1Secret;
  broadcasts: Record<string, DkgRound1Broadcast>;
  r2?: DkgRound2Secret;
  packages: Record<string, DkgRound2Package>;
  output?: { share: FrostSecret; epoch: EpochPublic; body: CertificateBodyInput; bodyHash: string };
  acks: Map<string, { transcriptHash: string; signature: string }>;
  round?: FrostRound;
  done: boolean;
  waiter?: { resolve(r: CommandResult<'createQuorum'>): void; reject(e: unknown): void };
}

/** All DKG sessions of one device. */
export class DkgSessions {
  private readonly runs = new Map<string, DkgRun>();

  constructor(
    private readonly ctx: SessionContext,
    private readonly inbox: RequestInbox,
  ) {}

  /** Whether `sessionId` is a DKG of this device (its sign/* messages are test-signature rounds). */
  has(sessionId: string): boolean {
    return this.runs.has(sessionId);
  }

  /** The identity key a dkg/propose claims for its sender (checked by the service before dispatch). */
  static proposerKey(env: Envelope<'dkg/propose'>): string | undefined {
    return env.body.members.find((m) => m.deviceId === env.from)?.identityKey;
  }

  /** Proposer: creates a quorum with the devices of `cards`; resolves when the genesis certificate is in. */
  async propose(name: string, suite: SuiteName, threshold: number, cards: string[], myName: string): Promise<CommandResult<'createQuorum'>> {
    const me = devicePublicKeys(this.ctx.identity);
    const others = cards.map((c) => decodeCard(c));
    const all = [{ deviceId: this.ctx.deviceId, name: myName, ...me }, ...others.filter((o) => o.deviceId !== this.ctx.deviceId)];
    if (threshold < 2 || threshold > all.length) throw new RampartError('PLAN_INVALID', `threshold ${threshold} is outside 2..${all.length}`);
    const s = getSuite(suite);
    const members: Member[] = all.map((d, i) => ({ ...d, identifier: s.frost.Identifier.fromNumber(i + 1) }));
    this.ctx.rememberPeers(members);
    const quorumId = this.ctx.newId();
    const sessionId = this.ctx.newId();
    const env = await this.ctx.send('dkg/propose', quorumId, sessionId, 0, members.map((m) => m.deviceId), {
      suite,
      name,
      threshold,
      members,
      expiresAt: this.ctx.clock.now() + DKG_TTL_MS,
    });
    const run = this.newRun(env);
    const done = new Promise<CommandResult<'createQuorum'>>((resolve, reject) => (run.waiter = { resolve, reject }));
    this.ctx.log('dkg-proposed', `${name}: ${threshold}-of-${members.length} ${suite}`, quorumId, sessionId);
    await this.accept(run);
    return done;
  }

  private newRun(env: Envelope<'dkg/propose'>): DkgRun {
    const roster = env.body.members.map((m) => ({ deviceId: m.deviceId, identifier: m.identifier }));
    const run: DkgRun = { propose: env, ref: proposalHash(env), suite: env.body.suite, roster, accepts: new Map(), accepted: false, broadcasts: {}, packages: {}, acks: new Map(), done: false };
    this.runs.set(env.sessionId, run);
    return run;
  }

  private memberIds(run: DkgRun): string[] {
    return run.roster.map((m) => m.deviceId);
  }

  private async accept(run: DkgRun): Promise<void> {
    run.accepted = true;
    const approval = signApproval(run.ref, this.ctx.identity.signingKey);
    run.accepts.set(this.ctx.deviceId, approval);
    const p = run.propose;
    await this.ctx.send('dkg/accept', p.quorumId, p.sessionId, 0, this.memberIds(run), { proposalHash: run.ref, approval });
    await this.maybeRound1(run);
  }

  /** Routes a `dkg/*` envelope, or a `sign/*` one of a DKG's test signature. */
  async handle(env: Envelope): Promise<void> {
    if (env.kind === 'dkg/propose') return this.onPropose(env);
    const run = this.runs.get(env.sessionId);
    if (run === undefined || run.done || !this.memberIds(run).includes(env.from)) return;
    switch (env.kind) {
      case 'dkg/accept': {
        const key = this.ctx.peer(env.from)?.identityKey;
        if (env.body.proposalHash !== run.ref || key === undefined || !verifyApproval(run.ref, env.body.approval, key)) return;
        run.accepts.set(env.from, env.body.approval);
        return this.maybeRound1(run);
      }
      case 'dkg/reject':
        return this.abort(run, `rejected by ${this.ctx.peer(env.from)?.name ?? env.from}: ${env.body.reason}`, env.from);
      case 'dkg/round1':
        run.broadcasts[env.from] = { identifier: env.body.identifier, commitment: env.body.commitment.map((c) => hexToBytes(c)), proofOfKnowledge: hexToBytes(env.body.proofOfKnowledge) };
        return this.maybeRound2(run);
      case 'dkg/round2': {
        const sealed = env.body.sealed[this.ctx.deviceId];
        if (sealed === undefined) return;
        const plain = await openShare(this.ctx.identity, this.ctx.deviceId, envelopeHeader(env), sealed);
        const sender = run.roster.find((m) => m.deviceId === env.from) as RosterMember;
        run.packages[env.from] = { identifier: sender.identifier, signingShare: plain };
        return this.maybeRound3(run);
      }
      case 'dkg/ack':
        run.acks.set(env.from, { transcriptHash: env.body.transcriptHash, signature: env.body.signature });
        return this.maybeCertify(run);
      case 'dkg/commit':
        return this.onCommitCertificate(run, env.body.certificate);
      case 'sign/commit':
      case 'sign/start':
      case 'sign/share': {
        // The certificate's test signature (DESIGN §4 step 6).
        const sig = await onRoundMessage(this.ctx, run.round, env);
        if (sig !== undefined) await this.finishCertificate(run, sig);
        return;
      }
      default:
        return;
    }
  }

  private async onPropose(env: Envelope<'dkg/propose'>): Promise<void> {
    if (this.runs.has(env.sessionId) || !env.body.members.some((m) => m.deviceId === this.ctx.deviceId)) return;
    this.ctx.rememberPeers(env.body.members);
    const run = this.newRun(env);
    const proposer = env.body.members.find((m) => m.deviceId === env.from) as Member;
    const view = (m: Member) => ({ deviceId: m.deviceId, name: m.name, fingerprint: deviceFingerprint(m.identityKey) });
    this.inbox.add({
      view: {
        id: run.ref,
        kind: 'dkg',
        quorumId: env.quorumId,
        sessionId: env.sessionId,
        summary: `Create quorum "${env.body.name}": ${env.body.threshold}-of-${env.body.members.length} ${env.body.suite} (roster ${rosterFingerprint(env.body.threshold, env.body.members)})`,
        initiator: view(proposer),
        sessionCode: sessionCode(run.ref),
        expiresAt: env.body.expiresAt,
        approvals: { have: run.accepts.size, need: env.body.members.length },
        change: {
          operation: 'restructure',
          fromEpoch: 0,
          before: { threshold: 0, members: [] },
          after: { threshold: env.body.threshold, members: env.body.members.map(view) },
          added: env.body.members.map(view),
          removed: [],
        },
      },
      approve: async () => {
        this.ctx.log('dkg-accepted', env.body.name, env.quorumId, env.sessionId);
        await this.accept(run);
      },
      reject: async (reason) => {
        await this.ctx.send('dkg/reject', env.quorumId, env.sessionId, 0, this.memberIds(run), { proposalHash: run.ref, reason });
        await this.abort(run, `rejected here: ${reason}`, this.ctx.deviceId);
      },
    });
  }

  private async maybeRound1(run: DkgRun): Promise<void> {
    if (!run.accepted || run.r1 !== undefined || run.accepts.size < run.roster.length) return;
    const suite = getSuite(run.suite);
    const p = run.propose;
    const r1 = dkgRound1(suite, run.roster, p.body.threshold, this.ctx.deviceId, this.ctx.random);
    run.r1 = r1.secret;
    run.broadcasts[this.ctx.deviceId] = r1.broadcast;
    await this.ctx.send('dkg/round1', p.quorumId, p.sessionId, 0, this.memberIds(run), {
      proposalHash: run.ref,
      identifier: r1.broadcast.identifier,
      commitment: r1.broadcast.commitment.map((c) => bytesToHex(c)),
      proofOfKnowledge: bytesToHex(r1.broadcast.proofOfKnowledge),
    });
    await this.maybeRound2(run);
  }

  private othersOf<T>(rec: Record<string, T>): Record<string, T> {
    return Object.fromEntries(Object.entries(rec).filter(([k]) => k !== this.ctx.deviceId));
  }

  private async maybeRound2(run: DkgRun): Promise<void> {
    if (run.r1 === undefined || run.r2 !== undefined || Object.keys(run.broadcasts).length < run.roster.length) return;
    const suite = getSuite(run.suite);
    const p = run.propose;
    const r2 = dkgRound2(suite, run.r1, this.othersOf(run.broadcasts));
    run.r2 = r2.secret;
    const to = this.memberIds(run).filter((d) => d !== this.ctx.deviceId);
    const header = { v: 1 as const, kind: 'dkg/round2' as const, quorumId: p.quorumId, sessionId: p.sessionId, epoch: 0, from: this.ctx.deviceId, to };
    const recipients = to.map((d) => {
      const peer = this.ctx.peer(d);
      if (peer === undefined) throw new RampartError('PLAN_INVALID', 'no HPKE key for a member', d);
      return { deviceId: d, hpkeKey: peer.hpkeKey, plaintext: (r2.packages[d] as DkgRound2Package).signingShare };
    });
    const sealedInOrder = await sealShares(header, recipients);
    const sealed = Object.fromEntries(to.map((d, i) => [d, sealedInOrder[i] as Sealed]));
    await this.ctx.send('dkg/round2', p.quorumId, p.sessionId, 0, to, { proposalHash: run.ref, sealed });
    await this.maybeRound3(run);
  }

  private async maybeRound3(run: DkgRun): Promise<void> {
    if (run.r2 === undefined || run.output !== undefined || Object.keys(run.packages).length < run.roster.length - 1) return;
    const suite = getSuite(run.suite);
    const p = run.propose;
    const out = dkgRound3(suite, run.r2, this.othersOf(run.broadcasts), run.packages);
    // I3: the share is durably stored (as pending) before this device acks.
    await this.ctx.writeShare(p.quorumId, 0, out.secret, true);
    const H = dkgTranscriptHash(suite, { quorumId: p.quorumId, sessionId: p.sessionId, threshold: p.body.threshold, roster: run.roster }, run.broadcasts);
    const epoch = dkgEpochPublic(suite, out, p.quorumId, '00'.repeat(32));
    const body: CertificateBodyInput = {
      suite: run.suite,
      quorumId: p.quorumId,
      epoch: 0,
      prev: null,
      threshold: p.body.threshold,
      roster: checkRoster(suite, run.roster).map((m) => ({ deviceId: m.deviceId, identifier: m.identifier, identityKey: (this.ctx.peer(m.deviceId) as { identityKey: string }).identityKey })),
      groupKey: bytesToHex(out.public.commitments[0] as Uint8Array),
      commitmentsHash: commitmentsHash(run.suite, p.quorumId, 0, out.public.commitments),
      transcriptHash: H,
      // Genesis authorisation: the proposal and every member's acceptance (DESIGN §5).
      authorization: { proposal: embedProposal(p), approvals: run.roster.map((m) => ({ deviceId: m.deviceId, signature: run.accepts.get(m.deviceId) as string })) },
    };
    run.output = { share: out.secret, epoch, body, bodyHash: buildCertificateBody(body).hash };
    const signature = signDomain(DOMAIN.ack, ackMessage(run.output.bodyHash), this.ctx.identity.signingKey);
    run.acks.set(this.ctx.deviceId, { transcriptHash: H, signature });
    this.ctx.log('dkg-share-pending', `share stored as pending; acked transcript ${H.slice(0, 12)}…`, p.quorumId, p.sessionId);
    await this.ctx.send('dkg/ack', p.quorumId, p.sessionId, 0, this.memberIds(run), { transcriptHash: H, signature });
    await this.maybeCertify(run);
  }

  /** With every member's ack: join the test signature (the proposer coordinates). */
  private async maybeCertify(run: DkgRun): Promise<void> {
    if (run.output === undefined || run.round !== undefined || run.acks.size < run.roster.length) return;
    const bad = firstBadAck(this.ctx, run.acks, run.output.body.transcriptHash, run.output.bodyHash);
    if (bad !== undefined) return this.abort(run, 'members acked different transcripts', bad);
    const p = run.propose;
    run.round = newRound(p.sessionId, p.quorumId, run.output.bodyHash, run.output.epoch, testSignatureMessage(run.output.bodyHash), p.from, true);
    await commitToRound(this.ctx, run.round);
  }

  private async finishCertificate(run: DkgRun, sig: Uint8Array): Promise<void> {
    const out = run.output as NonNullable<DkgRun['output']>;
    const certificate = certificateFromRound(out.body, run.acks, run.round as FrostRound, sig);
    const p = run.propose;
    await this.ctx.send('dkg/commit', p.quorumId, p.sessionId, 0, this.memberIds(run), { certificate });
    await this.onCommitCertificate(run, certificate);
  }

  private async onCommitCertificate(run: DkgRun, certificate: unknown): Promise<void> {
    const out = run.output;
    if (out === undefined || run.done) return;
    const hash = verifyCertificate(certificate, null);
    if (hash !== out.bodyHash) throw new RampartError('CERT_INVALID', 'genesis certificate is not the one this device acked');
    const p = run.propose;
    // The genesis share becomes active; the pending copy goes.
    await this.ctx.writeShare(p.quorumId, 0, out.share);
    await this.ctx.secrets.delete(`quorum/${p.quorumId}/epoch/0/pending`);
    this.ctx.commitEpoch(p.body.name, { ...out.epoch, certificateHash: hash }, parseCertificate(certificate), hash);
    run.done = true;
    this.ctx.log('quorum-created', `${p.body.name}: ${p.body.threshold}-of-${run.roster.length}, epoch 0`, p.quorumId, p.sessionId);
    const suite = getSuite(run.suite);
    run.waiter?.resolve({
      quorumId: p.quorumId,
      suite: run.suite,
      threshold: p.body.threshold,
      epoch: 0,
      groupPublicKey: bytesToHex(suite.externalGroupKey(out.epoch.frostPublic.commitments[0] as Uint8Array)),
    });
  }

  private async abort(run: DkgRun, reason: string, culprit: string): Promise<void> {
    if (run.done) return;
    run.done = true;
    const p = run.propose;
    this.inbox.drop(run.ref);
    await this.ctx.secrets.delete(`quorum/${p.quorumId}/epoch/0/pending`);
    this.ctx.log('dkg-aborted', reason, p.quorumId, p.sessionId);
    run.waiter?.reject(new RampartError('DKG_FAILED', reason, culprit));
  }
}
