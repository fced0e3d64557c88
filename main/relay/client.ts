/**
 * The device side of the relay (DESIGN §8, §2 "relay client: WebSocket,
 * reconnect, at-least-once, dedup"): authenticates with the device's identity
 * key, sends envelopes until the relay accepts them (resending after every
 * reconnect), hands each delivered envelope to `onEnvelope` once and acks it
 * only after the handler resolved, and reconnects with capped exponential
 * backoff and jitter.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { Certificate } from '../../shared/certificate/schema.js';
import { parseCertificate } from '../../shared/certificate/verify.js';
import { RampartError } from '../../shared/errors.js';
import { deviceIdOf, identityKeyOf, type DeviceSecretKeys } from '../../shared/identity.js';
import { answerChallenge, parseServerFrame, type ServerFrame } from '../../shared/relay-protocol.js';
import { canonicalJson } from '../../shared/wire/canonical.js';
import type { Envelope } from '../../shared/wire/envelope.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { Deliveries, type EnvelopeHandler } from './deliveries.js';
import { PendingRequests, type WaitOptions } from './pending.js';

/** A WebSocket constructor compatible with `ws` (injectable for tests). */
export type WebSocketImpl = new (url: string, opts?: WebSocket.ClientOptions) => WebSocket;

/** A change of the relay connection. */
export interface ConnectionEvent {
  connected: boolean;
  /** When the change happened (options.now). */
  at: number;
  /** Why it dropped, when it did (close code and reason). */
  reason?: string;
}

/** Options of a RelayClient (components style: everything it touches is passed in). */
export interface RelayClientOptions {
  url: string;
  identity: DeviceSecretKeys;
  /** Receives each delivered envelope; the delivery is acked only after it resolves (throw to get it again on the next connection). */
  onEnvelope?: EnvelopeHandler;
  /** Wall clock for connection events; Date.now by default. */
  now?: () => number;
  WebSocket?: WebSocketImpl;
  backoff?: Partial<BackoffOptions>;
  /** Timeout of getCertificate / publishCertificate and of the challenge handshake (default 10 s). */
  requestTimeoutMs?: number;
  /** An unanswered send is transmitted again after this long on the same connection (default 15 s). */
  resendAfterMs?: number;
  /** Called on every connection change (also emitted as 'connection'). */
  onConnectionChange?: (e: ConnectionEvent) => void;
  /** Hears failures that do not reach a caller: a rejecting handler, an undecodable delivery. */
  onError?: (e: unknown) => void;
}

/** A device's connection to one relay. Events: 'connection' (ConnectionEvent). */
export class RelayClient extends EventEmitter<{ connection: [ConnectionEvent] }> {
  /** This device's id (from its identity key). */
  readonly deviceId: string;
  private readonly opts: RelayClientOptions & { requestTimeoutMs: number; resendAfterMs: number };
  private readonly requests = new PendingRequests();
  private readonly deliveries: Deliveries;
  private ws: WebSocket | undefined;
  private ready = false;
  private running = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private authTimer: NodeJS.Timeout | undefined;
  private resendTimer: NodeJS.Timeout | undefined;

  /** A stopped client; call start(). */
  constructor(opts: RelayClientOptions) {
    super();
    this.opts = { requestTimeoutMs: 10_000, resendAfterMs: 15_000, ...opts };
    if (!/^wss?:\/\/[^/]/.test(opts.url)) throw new RampartError('RELAY_UNAVAILABLE', 'relay URL must start with ws:// or wss://');
    this.deviceId = deviceIdOf(identityKeyOf(opts.identity.signingKey));
    this.deliveries = new Deliveries((msgId) => this.ready && this.transmit(JSON.stringify({ type: 'ack', msgId })), opts.onError);
    if (opts.onEnvelope) this.deliveries.setHandler(opts.onEnvelope);
  }

  /** Whether the relay connection is authenticated and up. */
  get connected(): boolean {
    return this.ready;
  }

  /** Installs (or replaces) the envelope handler; deliveries wait for one. */
  setHandler(handler: EnvelopeHandler): void {
    this.deliveries.setHandler(handler);
  }

  /** Connects, and keeps reconnecting until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.resendTimer = setInterval(() => this.ready && this.requests.resend((t) => this.transmit(t), this.opts.resendAfterMs), 1_000);
    this.resendTimer.unref();
    this.connect();
  }

  /** Disconnects for good; every waiting request is rejected with RELAY_UNAVAILABLE. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retryTimer);
    clearTimeout(this.authTimer);
    clearInterval(this.resendTimer);
    this.requests.rejectAll(new RampartError('RELAY_UNAVAILABLE', 'relay client stopped'));
    const ws = this.ws;
    if (ws === undefined || ws.readyState === ws.CLOSED) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => ws.terminate(), 2_000);
      ws.once('close', () => (clearTimeout(t), resolve()));
      ws.close(1000, 'client stopped');
    });
  }

  /**
   * Sends an envelope; resolves once the relay accepted (stored) it, rejects with the relay's error
   * (RELAY_LIMIT, ENCODING_INVALID, ...). Queued while offline and resent after reconnects until then.
   */
  async send(env: Envelope, opts: WaitOptions = {}): Promise<void> {
    // signEnvelope validated what it signed, and the relay validates again before storing: no third schema pass here.
    const envelope = canonicalJson(env);
    const ans = await this.request({ type: 'send', ref: this.requests.nextRef(), envelope }, opts);
    if (ans.type !== 'accepted') throw new RampartError('RELAY_UNAVAILABLE', `unexpected answer ${ans.type}`);
  }

  /** The newest certificate of a quorum this device belongs to, per the relay (schema-checked only: verify the chain). */
  async getCertificate(quorumId: string, opts: WaitOptions = {}): Promise<Certificate | null> {
    const ans = await this.request({ type: 'get-certificate', ref: this.requests.nextRef(), quorumId }, { timeoutMs: this.opts.requestTimeoutMs, ...opts });
    if (ans.type !== 'certificate') throw new RampartError('RELAY_UNAVAILABLE', `unexpected answer ${ans.type}`);
    return ans.certificate === null || ans.certificate === undefined ? null : parseCertificate(ans.certificate);
  }

  /** Publishes a certificate; the relay stores it only if it verifies against its predecessor (or is a genesis). */
  async publishCertificate(cert: Certificate, opts: WaitOptions = {}): Promise<void> {
    await this.request({ type: 'publish-certificate', ref: this.requests.nextRef(), certificate: cert }, { timeoutMs: this.opts.requestTimeoutMs, ...opts });
  }

  /** Resolves once connected (immediately if already). */
  waitConnected(opts: WaitOptions = {}): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        this.off('connection', onChange);
        opts.signal?.removeEventListener('abort', onAbort);
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const onChange = (e: ConnectionEvent) => e.connected && done();
      const onAbort = () => done(opts.signal?.reason instanceof Error ? opts.signal.reason : new RampartError('RELAY_UNAVAILABLE', 'aborted'));
      const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => done(new RampartError('RELAY_UNAVAILABLE', 'not connected in time')), opts.timeoutMs);
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.on('connection', onChange);
    });
  }

  private request(frame: Parameters<PendingRequests['add']>[0], opts: WaitOptions) {
    if (!this.running) return Promise.reject(new RampartError('RELAY_UNAVAILABLE', 'relay client is not started'));
    return this.requests.add(frame, opts, (t) => this.ready && this.transmit(t));
  }

  private transmit(text: string): boolean {
    const ws = this.ws;
    if (ws === undefined || ws.readyState !== ws.OPEN) return false;
    ws.send(text);
    return true;
  }

  private connect(): void {
    const Impl = this.opts.WebSocket ?? WebSocket;
    const ws = new Impl(this.opts.url, { maxPayload: 4 * 1024 * 1024, handshakeTimeout: this.opts.requestTimeoutMs });
    this.ws = ws;
    this.authTimer = setTimeout(() => ws.terminate(), this.opts.requestTimeoutMs);
    ws.on('message', (data, isBinary) => this.onFrame(ws, isBinary ? undefined : data.toString()));
    ws.on('error', () => undefined); // 'close' follows and schedules the reconnect
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      clearTimeout(this.authTimer);
      this.ws = undefined;
      const was = this.ready;
      this.ready = false;
      this.requests.markUnsent();
      if (was) this.changed({ connected: false, at: this.now(), reason: `${code} ${reason.toString()}`.trim() });
      if (code === 4000) this.attempt = Math.max(this.attempt, 7); // replaced by another instance of this device: back off
      if (this.running) this.retryTimer = setTimeout(() => this.running && this.connect(), backoffDelay(this.attempt++, this.opts.backoff));
    });
  }

  private onFrame(ws: WebSocket, text: string | undefined): void {
    if (ws !== this.ws) return;
    let frame: ServerFrame;
    try {
      frame = parseServerFrame(text);
    } catch {
      return; // the relay is untrusted: ignore what we cannot read
    }
    switch (frame.type) {
      case 'challenge':
        if (!this.ready) ws.send(JSON.stringify(answerChallenge(frame, this.opts.identity.signingKey)));
        return;
      case 'ready':
        if (frame.deviceId !== this.deviceId || this.ready) return;
        clearTimeout(this.authTimer);
        this.ready = true;
        this.attempt = 0;
        this.changed({ connected: true, at: this.now() });
        this.requests.resend((t) => this.transmit(t), 0);
        return;
      case 'deliver':
        this.deliveries.receive(frame.msgId, frame.envelope);
        return;
      default:
        // An error no request waits for (auth refused, rate limit) is only reported.
        if (!this.requests.answer(frame) && frame.type === 'error') this.opts.onError?.(new RampartError(frame.code, frame.message));
    }
  }

  private changed(e: ConnectionEvent): void {
    this.opts.onConnectionChange?.(e);
    this.emit('connection', e);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}
