/**
 * DeviceService (DESIGN §2): one device — its identity, keystore, state and
 * sessions — behind the device API of shared/api.ts. Incoming envelopes are
 * verified against known identity keys, deduplicated (replays are refused
 * with a logged reason) and routed to the session machines; messages that
 * arrive before their session's proposal wait for it.
 */
import { createHash } from 'node:crypto';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import type { CommandParams, CommandResult, DeviceApi, EventName, EventPayload, QuorumView } from '../../shared/api.js';
import { encodeCard } from '../../shared/card.js';
import { DOMAIN } from '../../shared/hash.js';
import { isRampartError, RampartError } from '../../shared/errors.js';
import { deviceFingerprint } from '../../shared/fingerprint.js';
import { devicePublicKeys } from '../../shared/identity.js';
import { getSuite } from '../../shared/suites.js';
import { verifyEnvelope, type Envelope } from '../../shared/wire/envelope.js';
import { installNodeEd25519 } from '../crypto/node-ed25519.js';
import { installNodeSha256 } from '../crypto/node-sha256.js';
import { installNodeX25519 } from '../crypto/node-x25519.js';
import { installSodiumBaseMultiplier } from '../crypto/sodium-base-mult.js';
import { installSodiumSubgroupCheck } from '../crypto/sodium-subgroup.js';
import { DeviceBackups, type BackupComponents } from './backups.js';
import type { DeviceComponents } from './components.js';
import { SessionContext } from './context.js';
import { RequestInbox } from './requests.js';
import { DkgSessions } from './sessions/dkg-session.js';
import { ReshareSessions } from './sessions/reshare-session.js';
import { SignSessions } from './sessions/sign-session.js';
import { adoptCertificate, reconcile } from './recovery.js';
import { parseCertificate } from '../../shared/certificate/verify.js';

/**
 * What "seen before" means: the signed content (header, seq and body: the bytes `verifyEnvelope`
 * checked), not the signature bytes, so a replay cannot slip past by re-encoding its signature under
 * a laxer verifier. SHA-256 through node:crypto: a deal's signed content is ~9 KB.
 */
function seenKey(signedContent: Uint8Array): string {
  return createHash('sha256').update(DOMAIN.message).update(new Uint8Array([0])).update(signedContent).digest('hex');
}

/** The state-store key of the notifications setting ("true"/"false"; absent: off until the holder turns them on). */
const NOTIFICATIONS_KEY = 'settings.notifications';

/** Bounds on messages held for sessions whose proposal has not arrived yet. */
const MAX_EARLY_PER_SESSION = 512;
const MAX_EARLY_SESSIONS = 64;

type Listener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** One device of one or more quorums. */
export class DeviceService implements DeviceApi {
  readonly deviceId: string;
  private readonly ctx: SessionContext;
  private readonly inbox: RequestInbox;
  private readonly dkg: DkgSessions;
  private readonly signing: SignSessions;
  private readonly resharing: ReshareSessions;
  private readonly backupStore: DeviceBackups;
  private readonly listeners = new Set<Listener>();
  private readonly early = new Map<string, Envelope[]>();
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly c: DeviceComponents & BackupComponents) {
    installNodeEd25519(); // DESIGN §3 device signatures through OpenSSL: same results as noble, ~15× faster to verify
    installNodeX25519(); // HPKE's X25519 through OpenSSL, synchronously: same ciphertexts, no WebCrypto job per step
    installNodeSha256(); // transcripts, certificates and HKDF through OpenSSL's SHA-256: same digests
    installSodiumSubgroupCheck(); // ed25519 subgroup checks of summed commitments through libsodium: same verdict, ~15× faster
    installSodiumBaseMultiplier(); // dealer commitments a·G through libsodium, constant time: same points, ~8× faster
    this.ctx = new SessionContext(c.identity, c.state, c.secrets, c.transport, c.clock, c.random ?? randomBytes, (e, p) => this.emit(e, p));
    this.deviceId = this.ctx.deviceId;
    this.inbox = new RequestInbox((added, removedId) => {
      if (added !== undefined) {
        this.emit('requestAdded', added);
        // Demo only: approve at once (DESIGN §7). Never enabled outside `rampart demo`.
        if (c.autoApproveForDemo === true) void this.inbox.decide(added.id, true).catch(() => undefined);
      }
      if (removedId !== undefined) this.emit('requestRemoved', { id: removedId });
    });
    this.dkg = new DkgSessions(this.ctx, this.inbox);
    this.signing = new SignSessions(this.ctx, this.inbox);
    this.resharing = new ReshareSessions(this.ctx, this.inbox);
    this.backupStore = new DeviceBackups(this.ctx, c);
    c.transport.setHandler((env) => this.receive(env));
  }

  /** Reports a change of the relay connection to listeners (status and the UI show it). */
  connectionChanged(connected: boolean): void {
    this.emit('connectionChanged', { connected });
  }

  /** Subscribes to device events; returns the unsubscribe function. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) l(event, payload);
    // After the listeners, so they see a reshare's commit before the obsolete backups it causes.
    if (event !== 'logAppended') return;
    try {
      this.backupStore.onLogAppended(payload as EventPayload<'logAppended'>);
    } catch {
      // Telling the holder about obsolete backups must never break the session that logged.
    }
  }

  /** Handles one incoming envelope; never throws (a bad message must not stop the device). */
  async receive(env: Envelope): Promise<void> {
    try {
      const isProposal = env.kind.endsWith('/propose');
      const key =
        env.kind === 'dkg/propose'
          ? DkgSessions.proposerKey(env)
          : (this.ctx.peer(env.from)?.identityKey ?? (env.kind === 'reshare/propose' ? ReshareSessions.proposerKey(env) : undefined));
      const known = this.dkg.has(env.sessionId) || this.signing.has(env.sessionId) || this.resharing.has(env.sessionId);
      if (env.kind === 'reshare/commit' && !known) return await this.lateCertificate(env);
      if (!isProposal && (key === undefined || !known)) {
        // Arrived before its session's proposal (the relay does not order across senders): keep it,
        // unverified and not yet counted as seen, until the proposal is in.
        return this.holdEarly(env);
      }
      if (key === undefined) return this.refuse(env, 'sender unknown to this device');
      const signed = verifyEnvelope(env, key);
      if (!this.ctx.state.markSeen(seenKey(signed))) return this.refuse(env, 'replayed or duplicate message');
      await this.dispatch(env);
      if (isProposal) {
        const held = this.early.get(env.sessionId) ?? [];
        this.early.delete(env.sessionId);
        for (const e of held) await this.receive(e);
      }
    } catch (e) {
      this.refuse(env, isRampartError(e) ? `${e.code}: ${e.message}` : 'internal error while handling the message');
    }
  }

  /**
   * A certificate for a session this device no longer has in memory (it restarted, or was
   * away): adopt it if it is the next epoch of a quorum it belongs to (I6).
   */
  private async lateCertificate(env: Envelope<'reshare/commit'>): Promise<void> {
    const cert = parseCertificate(env.body.certificate);
    const key = this.ctx.peer(env.from)?.identityKey ?? cert.roster.find((m) => m.deviceId === env.from)?.identityKey;
    if (key === undefined) return this.refuse(env, 'sender unknown to this device');
    const signed = verifyEnvelope(env, key);
    if (!this.ctx.state.markSeen(seenKey(signed))) return;
    if (this.ctx.epoch(cert.quorumId) !== undefined) await adoptCertificate(this.ctx, cert.quorumId, cert);
  }

  /** Starts background work: reconciliation with the relay (I6) and the expiry clock. */
  start(): void {
    if (this.ticker !== undefined) return;
    void reconcile(this.ctx);
    this.ticker = setInterval(() => void this.tick(), 1_000);
    this.ticker.unref();
  }

  /** Stops background work. */
  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** Applies expiry rules now (the ticker calls this every second; tests call it after moving the clock). */
  async tick(): Promise<void> {
    await this.resharing.tick(this.c.clock.now()).catch((e: unknown) => this.ctx.log('tick-failed', e instanceof Error ? e.message : 'expiry check failed'));
  }

  /** Reconciles every quorum with the relay now (start() does this once). */
  reconcile(): Promise<void> {
    return reconcile(this.ctx);
  }

  private holdEarly(env: Envelope): void {
    const held = this.early.get(env.sessionId) ?? [];
    if (held.length >= MAX_EARLY_PER_SESSION) return this.refuse(env, 'too many messages before the session was proposed');
    if (!this.early.has(env.sessionId) && this.early.size >= MAX_EARLY_SESSIONS) {
      const oldest = this.early.keys().next().value as string;
      this.early.delete(oldest);
    }
    this.early.set(env.sessionId, [...held, env]);
  }

  private async dispatch(env: Envelope): Promise<void> {
    if (env.kind.startsWith('dkg/') || (env.kind.startsWith('sign/') && this.dkg.has(env.sessionId))) return this.dkg.handle(env);
    if (env.kind.startsWith('reshare/') || (env.kind.startsWith('sign/') && this.resharing.has(env.sessionId))) return this.resharing.handle(env);
    if (env.kind.startsWith('sign/')) return this.signing.handle(env);
    this.refuse(env, `${env.kind} is not handled by this version`);
  }

  private refuse(env: Envelope, reason: string): void {
    this.ctx.log('message-refused', `${env.kind} from ${env.from.slice(0, 8)}: ${reason}`, env.quorumId, env.sessionId);
  }

  async status(): Promise<CommandResult<'status'>> {
    const me = devicePublicKeys(this.c.identity);
    const quorums: QuorumView[] = [];
    for (const quorumId of this.ctx.state.listQuorumIds()) {
      const e = this.ctx.epoch(quorumId);
      if (e === undefined) continue;
      const active = await this.ctx.readShare(quorumId, e.epoch);
      const pending = active === undefined ? await this.ctx.readShare(quorumId, e.epoch + 1, true) : undefined;
      quorums.push({
        quorumId,
        name: this.ctx.quorumName(quorumId),
        suite: e.suite,
        threshold: e.threshold,
        members: e.roster.map((m) => {
          const p = this.ctx.peer(m.deviceId);
          return { deviceId: m.deviceId, name: p?.name ?? m.deviceId.slice(0, 8), fingerprint: p ? deviceFingerprint(p.identityKey) : '' };
        }),
        epoch: e.epoch,
        groupPublicKey: bytesToHex(getSuite(e.suite).externalGroupKey(e.frostPublic.commitments[0] as Uint8Array)),
        share: active !== undefined ? 'active' : pending !== undefined ? 'pending' : 'none',
        lastReshareAt: e.epoch === 0 ? null : (this.ctx.state.getQuorum(quorumId)?.updatedAt ?? null),
        backups: this.backupStore.list(quorumId),
      });
    }
    return {
      device: { deviceId: this.deviceId, name: this.c.name, fingerprint: deviceFingerprint(me.identityKey), relay: this.c.relayUrl, connected: this.c.transport.connected, keystore: this.c.keystoreBackend },
      quorums,
      obsoleteBackups: this.backupStore.list().filter((b) => b.obsolete),
    };
  }

  async card(): Promise<CommandResult<'card'>> {
    return { card: encodeCard({ name: this.c.name, ...devicePublicKeys(this.c.identity) }) };
  }

  async requests(): Promise<CommandResult<'requests'>> {
    return this.inbox.list(this.c.clock.now());
  }

  async approve(p: CommandParams<'approve'>): Promise<CommandResult<'approve'>> {
    await this.inbox.decide(p.id, true);
    return {};
  }

  async reject(p: CommandParams<'reject'>): Promise<CommandResult<'reject'>> {
    await this.inbox.decide(p.id, false, p.reason ?? 'rejected by the holder');
    return {};
  }

  async withdraw(p: CommandParams<'withdraw'>): Promise<CommandResult<'withdraw'>> {
    await this.resharing.withdraw(p.sessionId);
    return {};
  }

  createQuorum(p: CommandParams<'createQuorum'>): Promise<CommandResult<'createQuorum'>> {
    return this.dkg.propose(p.name, p.suite, p.threshold, p.members, this.c.name);
  }

  reshare(p: CommandParams<'reshare'>): Promise<CommandResult<'reshare'>> {
    return this.resharing.propose(p);
  }

  sign(p: CommandParams<'sign'>): Promise<CommandResult<'sign'>> {
    return this.signing.propose(p.quorumId, p.message, p.description ?? '');
  }

  /** The event log with each entry's hash-chain links (hash, prevHash). */
  async log(p: CommandParams<'log'>): Promise<CommandResult<'log'>> {
    const since = p.since ?? 0;
    const rows = this.ctx.state.readLog(Math.max(0, since - 1));
    const out: CommandResult<'log'> = [];
    let prev: string | null = null;
    for (const r of rows) {
      if (r.seq >= since) out.push({ ...r, prevHash: r.seq === 0 ? null : prev });
      prev = r.hash;
    }
    return out;
  }

  async verifyLog(): Promise<CommandResult<'verifyLog'>> {
    return this.backupStore.verifyLog();
  }

  exportBackup(p: CommandParams<'exportBackup'>): Promise<CommandResult<'exportBackup'>> {
    return this.backupStore.export(p);
  }

  importBackup(p: CommandParams<'importBackup'>): Promise<CommandResult<'importBackup'>> {
    return this.backupStore.import(p);
  }

  async backups(p: CommandParams<'backups'>): Promise<CommandResult<'backups'>> {
    return this.backupStore.list(p.quorumId);
  }

  /** The configured relay (device.json) and notifications (state store); restartRequired when the relay in use differs. */
  async settings(): Promise<CommandResult<'settings'>> {
    const relay = this.c.config?.relay() ?? this.c.relayUrl;
    return { relay, notifications: this.ctx.state.getValue(NOTIFICATIONS_KEY) === 'true', restartRequired: relay !== this.c.relayUrl };
  }

  /** Stores the given settings: notifications at once, a relay in device.json for the next start. */
  async updateSettings(p: CommandParams<'updateSettings'>): Promise<CommandResult<'updateSettings'>> {
    if (p.relay !== undefined && p.relay !== (this.c.config?.relay() ?? this.c.relayUrl)) {
      if (this.c.config === undefined) throw new RampartError('PLAN_INVALID', 'this device has no home configuration: its relay cannot be changed');
      await this.c.config.setRelay(p.relay);
      this.ctx.log('settings-changed', `relay set to ${p.relay}; used from the next start`);
    }
    if (p.notifications !== undefined) this.ctx.state.setValue(NOTIFICATIONS_KEY, String(p.notifications));
    return this.settings();
  }
}
