/**
 * What every session machine of a device shares: its identity, stores,
 * transport and the helpers that sign, send and log. Session machines get a
 * SessionContext and nothing else.
 */
import type { FrostSecret } from '@noble/curves/abstract/frost.js';
import type { EventName, EventPayload } from '../../shared/api.js';
import type { Certificate } from '../../shared/certificate/schema.js';
import type { EpochPublic } from '../../shared/epoch.js';
import { bytesToHex } from '../../shared/bytes.js';
import { RampartError } from '../../shared/errors.js';
import { devicePublicKeys, deviceIdOf, type DeviceSecretKeys } from '../../shared/identity.js';
import type { BodyOf, MessageKind } from '../../shared/wire/bodies.js';
import { signEnvelope, type Envelope } from '../../shared/wire/envelope.js';
import { epochFromJson, epochToJson, shareFromBytes, shareToBytes } from './codec.js';
import type { Clock, RandomSource, SecretStore, Transport } from './components.js';
import type { StateStore } from './state-store.js';

/** A peer device as this device knows it. */
export interface Peer {
  deviceId: string;
  name: string;
  identityKey: string;
  hpkeKey: string;
}

/** Keystore names (DESIGN §2: shares live in the keystore, never in the state file). */
export const secretNames = {
  share: (quorumId: string, epoch: number) => `quorum/${quorumId}/epoch/${epoch}/share`,
  pending: (quorumId: string, epoch: number) => `quorum/${quorumId}/epoch/${epoch}/pending`,
};

/** The shared context of a device's sessions. */
export class SessionContext {
  readonly deviceId: string;
  private seq = 0;

  constructor(
    readonly identity: DeviceSecretKeys,
    readonly state: StateStore,
    readonly secrets: SecretStore,
    readonly transport: Transport,
    readonly clock: Clock,
    readonly random: RandomSource,
    readonly emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void,
  ) {
    this.deviceId = deviceIdOf(devicePublicKeys(identity).identityKey);
  }

  /** A fresh 16-byte id (quorum or session), hex. */
  newId(): string {
    return bytesToHex(this.random(16));
  }

  /** Signs and sends one envelope. */
  async send<K extends MessageKind>(kind: K, quorumId: string, sessionId: string, epoch: number, to: string[], body: BodyOf<K>): Promise<Envelope<K>> {
    const recipients = [...new Set(to.filter((d) => d !== this.deviceId))];
    // A message only to itself (an ack or approval when this device coordinates) is signed, returned, never sent.
    const unsigned = { v: 1 as const, kind, quorumId, sessionId, epoch, from: this.deviceId, to: recipients.length > 0 ? recipients : [this.deviceId], seq: this.seq++, body };
    const env = signEnvelope(unsigned as never, this.identity.signingKey) as Envelope<K>;
    if (recipients.length > 0) await this.transport.send(env as Envelope);
    return env;
  }

  /** Records a peer's public keys (from a card, a verified proposal or a certificate). */
  rememberPeer(p: Peer): void {
    if (deviceIdOf(p.identityKey) !== p.deviceId) throw new RampartError('ENCODING_INVALID', 'peer deviceId does not match its identity key', p.deviceId);
    this.peerCache.delete(p.deviceId);
    this.state.setValue(`peer/${p.deviceId}`, JSON.stringify(p));
  }

  /** Records many peers in one transaction (one flush, not one per peer); `onlyNew` keeps known ones as they are. */
  rememberPeers(peers: Iterable<Peer>, onlyNew = false): void {
    this.state.atomically(() => {
      for (const p of peers) if (!onlyNew || this.peer(p.deviceId) === undefined) this.rememberPeer(p);
    });
  }

  /**
   * Peers read from the state file, by deviceId. A reshare looks each member up several times
   * (every envelope it verifies, every sub-share it seals); a write only drops the entry, so a
   * rolled-back write is simply read again.
   */
  private readonly peerCache = new Map<string, Readonly<Peer> | undefined>();

  /** A peer's public keys as recorded, or undefined for a device never seen. */
  peer(deviceId: string): Readonly<Peer> | undefined {
    if (this.peerCache.has(deviceId)) return this.peerCache.get(deviceId);
    const v = this.state.getValue(`peer/${deviceId}`);
    const peer = v === undefined ? undefined : Object.freeze(JSON.parse(v) as Peer);
    if (this.peerCache.size >= 10_000) this.peerCache.clear();
    this.peerCache.set(deviceId, peer);
    return peer;
  }

  /** The current epoch of a quorum, from the state file. */
  epoch(quorumId: string): EpochPublic | undefined {
    const q = this.state.getQuorum(quorumId);
    return q === undefined ? undefined : epochFromJson(q.publicState);
  }

  quorumName(quorumId: string): string {
    return this.state.getQuorum(quorumId)?.name ?? quorumId.slice(0, 8);
  }

  /**
   * The certificate chain of a quorum, genesis first. Every certificate is verified before it
   * is stored (against its predecessor), so the stored chain is trusted local state like the
   * stored Y_i, and is not verified again here (that grew with every epoch).
   */
  chain(quorumId: string): Certificate[] {
    return this.state.getChain(quorumId) as Certificate[];
  }

  /** Stores a new epoch and its certificate in one transaction, then hands the certificate to the relay. */
  commitEpoch(name: string, epoch: EpochPublic, certificate: Certificate, hash: string): void {
    this.state.atomically(() => {
      this.state.putCertificate(epoch.quorumId, epoch.epoch, hash, certificate);
      this.state.putQuorum(epoch.quorumId, name, epoch.epoch, epochToJson(epoch));
      this.state.setValue(`pending-epoch/${epoch.quorumId}`, 'null');
    });
    this.publish(certificate);
  }

  /** Best effort: the relay keeps the newest certificate so devices that were away can catch up. */
  publish(certificate: Certificate): void {
    void this.transport.publishCertificate?.(certificate).catch((e: unknown) => {
      this.log('certificate-publish-failed', e instanceof Error ? e.message : 'relay refused the certificate', certificate.quorumId);
    });
  }

  async readShare(quorumId: string, epoch: number, pending = false): Promise<FrostSecret | undefined> {
    const b = await this.secrets.get(pending ? secretNames.pending(quorumId, epoch) : secretNames.share(quorumId, epoch));
    return b === undefined ? undefined : shareFromBytes(b);
  }

  async writeShare(quorumId: string, epoch: number, share: FrostSecret, pending = false): Promise<void> {
    await this.secrets.set(pending ? secretNames.pending(quorumId, epoch) : secretNames.share(quorumId, epoch), shareToBytes(share));
  }

  /** Appends to the event log and emits it. */
  log(type: string, detail: string, quorumId: string | null = null, sessionId: string | null = null): void {
    const row = this.state.appendLog(type, detail, quorumId, sessionId);
    this.emit('logAppended', { seq: row.seq, at: row.at, type: row.type, quorumId: row.quorumId, sessionId: row.sessionId, detail: row.detail });
  }
}
