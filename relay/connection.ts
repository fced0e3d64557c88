/**
 * One device connection to the relay (DESIGN §8): challenge, authentication,
 * then routing. Every handler is wrapped: bad input gets an error frame or a
 * close, never an exception out of here.
 */
import { randomBytes } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import { isRampartError, RampartError } from '../shared/errors.js';
import {
  encodeFrame,
  parseClientFrame,
  refOfInvalidFrame,
  RELAY_NONCE_BYTES,
  verifyAuthAnswer,
  type ClientFrame,
  type ClientFrameOf,
  type ServerFrame,
} from '../shared/relay-protocol.js';
import { canonicalJson } from '../shared/wire/canonical.js';
import { decodeEnvelope, verifyEnvelope } from '../shared/wire/envelope.js';
import { certificateFor, publishCertificate } from './certificates.js';
import { TokenBucket } from './limits.js';
import type { RelayContext } from './context.js';

/** WebSocket close codes the relay uses. */
export const CLOSE = { goingAway: 1001, policy: 1008, tooBig: 1009, tryLater: 1013, replaced: 4000 } as const;

/** The state of one WebSocket: unauthenticated until a valid `auth`, then bound to one deviceId. */
export class Connection {
  /** The authenticated device, once bound. */
  deviceId: string | undefined;
  private identityKey = '';
  private readonly nonce = randomBytes(RELAY_NONCE_BYTES).toString('hex');
  private readonly bucket: TokenBucket;
  private readonly authTimer: NodeJS.Timeout;
  private strikes = 0;
  private garbage = 0;
  private closed = false;
  /** Delivered, not yet acked msgIds, and the highest msgId delivered on this connection. */
  private readonly inflight = new Set<string>();
  private cursor = 0;

  /** Sends the challenge and starts the auth timer. */
  constructor(
    private readonly ws: WebSocket,
    private readonly ctx: RelayContext,
  ) {
    const { limits } = ctx;
    this.bucket = new TokenBucket(limits.rateFramesPerSec, limits.rateBurst);
    this.authTimer = setTimeout(() => this.refuse('RELAY_AUTH_FAILED', 'authentication timed out'), limits.authTimeoutMs);
    this.authTimer.unref();
    this.send({ type: 'challenge', relayId: ctx.store.relayId, nonce: this.nonce });
  }

  /** Handles one incoming WebSocket message; never throws. */
  onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    try {
      this.ctx.counters.framesIn++;
      if (!this.bucket.take()) {
        this.ctx.counters.rateLimited++;
        if (++this.strikes >= this.ctx.limits.rateStrikesBeforeClose) return this.refuse('RELAY_LIMIT', 'rate limit exceeded; closing');
        return this.error('RELAY_LIMIT', 'rate limit exceeded; frame dropped');
      }
      const text = isBinary ? undefined : data.toString();
      let frame: ClientFrame;
      try {
        frame = parseClientFrame(text);
      } catch (e) {
        return this.onGarbage(e, refOfInvalidFrame(text));
      }
      if (this.deviceId === undefined) return this.onAuth(frame);
      this.dispatch(frame);
    } catch (e) {
      this.ctx.log.log('error', 'handler-failed', { device: this.deviceId, error: e instanceof Error ? e.message : 'unknown' });
      this.error('RELAY_UNAVAILABLE', 'internal relay error');
    }
  }

  /** Called on close: stops timers and unbinds. */
  onClose(): void {
    this.closed = true;
    clearTimeout(this.authTimer);
    this.ctx.unbind(this);
  }

  /** Delivers pending envelopes for this device, up to the delivery window (acks open it again). */
  pump(): void {
    if (this.deviceId === undefined || this.closed) return;
    const room = this.ctx.limits.deliveryWindow - this.inflight.size;
    if (room <= 0) return;
    for (const { msgId } of this.ctx.store.pendingAfter(this.deviceId, this.cursor, this.ctx.now(), room)) {
      // One encoded frame per envelope, shared by all its recipients.
      const frame = this.ctx.frames.frame(msgId, () => this.ctx.store.envelopeText(msgId));
      this.cursor = Number(msgId);
      if (frame === undefined) continue; // gone between the two reads: nothing left to deliver
      this.inflight.add(msgId);
      this.sendText(frame);
    }
  }

  /** Sends an error frame and closes the connection. */
  refuse(code: RampartError['code'], message: string, closeCode: number = CLOSE.policy): void {
    if (this.closed) return;
    this.error(code, message);
    this.close(closeCode, message);
  }

  /** Closes the WebSocket with a code and a short reason. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.authTimer);
    this.ws.close(code, reason.slice(0, 120));
  }

  private onGarbage(e: unknown, ref: string | undefined): void {
    this.ctx.counters.garbageFrames++;
    const message = isRampartError(e) ? e.message : 'invalid frame';
    if (this.deviceId === undefined) return this.refuse('RELAY_AUTH_FAILED', `expected auth: ${message}`);
    if (++this.garbage >= this.ctx.limits.maxGarbageFrames) return this.refuse('RELAY_FRAME_INVALID', 'too many invalid frames; closing');
    this.error('RELAY_FRAME_INVALID', message, ref);
  }

  private onAuth(frame: ClientFrame): void {
    if (frame.type !== 'auth') return this.refuse('RELAY_AUTH_FAILED', 'authenticate first');
    if (!verifyAuthAnswer(frame, this.ctx.store.relayId, this.nonce)) {
      this.ctx.counters.authFailures++;
      return this.refuse('RELAY_AUTH_FAILED', 'challenge answer does not verify');
    }
    clearTimeout(this.authTimer);
    this.deviceId = frame.deviceId;
    this.identityKey = frame.identityKey;
    this.ctx.bind(this);
    this.send({ type: 'ready', deviceId: frame.deviceId });
    this.pump();
  }

  private dispatch(frame: ClientFrame): void {
    const ref = 'ref' in frame ? frame.ref : undefined;
    try {
      switch (frame.type) {
        case 'auth':
          return this.onGarbage(new RampartError('RELAY_FRAME_INVALID', 'already authenticated'), undefined);
        case 'send':
          return this.onSend(frame);
        case 'ack': {
          const msgId = frame.msgId;
          // Not durable on its own: a lost ack only means one more delivery, which the device drops.
          void this.ctx.store.later(() => this.ctx.store.ack(this.deviceId!, msgId), { durable: false }).then(
            (acked) => {
              if (acked) this.inflight.delete(msgId);
              this.pump();
            },
            (e: unknown) => this.ctx.log.log('error', 'ack failed', { error: e instanceof Error ? e.message : String(e) }),
          );
          return;
        }
        case 'publish-certificate': {
          const quorumId = publishCertificate(this.ctx.store, frame.certificate, this.deviceId!, this.ctx.now(), this.ctx.limits.maxCertificatesPerQuorum);
          return this.send({ type: 'certificate', ref: frame.ref, quorumId, certificate: certificateFor(this.ctx.store, quorumId, this.deviceId!) });
        }
        case 'get-certificate':
          return this.send({ type: 'certificate', ref: frame.ref, quorumId: frame.quorumId, certificate: certificateFor(this.ctx.store, frame.quorumId, this.deviceId!) });
      }
    } catch (e) {
      if (!isRampartError(e)) throw e;
      this.error(e.code, e.message, ref);
    }
  }

  private onSend(frame: ClientFrameOf<'send'>): void {
    const env = decodeEnvelope(frame.envelope);
    if (env.from !== this.deviceId) throw new RampartError('RELAY_FORBIDDEN', 'a device can only send envelopes from itself');
    verifyEnvelope(env, this.identityKey);
    // decodeEnvelope validated it: store its canonical text without validating again.
    const text = canonicalJson(env);
    const { store, limits, now } = this.ctx;
    const entry = { envKey: [env.from, env.sessionId, env.kind, env.seq, env.sig].join('|'), sender: env.from, recipients: env.to, text, bytes: Buffer.byteLength(text) };
    const quota = { maxMessages: limits.mailboxMaxMessages, maxBytes: limits.mailboxMaxBytes };
    // Group commit (store.later): "accepted" leaves only once the envelope is durably stored.
    void store.later(() => store.putEnvelope(entry, now(), limits.ttlMs, quota)).then(
      (r) => {
        if (r.status === 'over-quota') return this.error('RELAY_LIMIT', `mailbox of ${r.recipient} is full`, frame.ref);
        this.send({ type: 'accepted', ref: frame.ref, msgId: r.msgId });
        if (r.status === 'stored') {
          this.ctx.log.log('debug', 'stored', { from: env.from, kind: env.kind, msgId: r.msgId, recipients: env.to.length });
          for (const to of env.to) this.ctx.connectionOf(to)?.pump();
        }
      },
      (e: unknown) => {
        this.ctx.log.log('error', 'store failed', { error: e instanceof Error ? e.message : String(e) });
        this.error('INTERNAL', 'the relay could not store the envelope', frame.ref);
      },
    );
  }

  private error(code: RampartError['code'], message: string, ref?: string): void {
    const frame: ServerFrame = { type: 'error', code, message: message.slice(0, 500) };
    if (ref !== undefined) frame.ref = ref;
    this.send(frame);
  }

  private send(frame: ServerFrame): void {
    this.sendText(encodeFrame(frame));
  }

  /** Sends an encoded frame as a text frame (a Buffer too: a shared `deliver` frame), if the socket is open. */
  private sendText(text: string | Buffer): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(text, { binary: false });
  }
}
