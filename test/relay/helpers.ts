/** Test helpers for the relay (DESIGN §8): real devices, real signed envelopes, and a raw WebSocket client that records frames. */
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import WebSocket from 'ws';
import { deviceIdOf, devicePublicKeys, generateDeviceKeys, type DeviceSecretKeys } from '../../shared/identity.js';
import { answerChallenge, parseServerFrame, type ClientFrame, type ServerFrame, type ServerFrameOf } from '../../shared/relay-protocol.js';
import { encodeEnvelope, signEnvelope, type Envelope } from '../../shared/wire/envelope.js';
import { silentLogger } from '../../relay/log.js';
import { startRelay, type RelayHandle, type RelayOptions } from '../../relay/server.js';

/** A test device with a fresh identity. */
export interface Device {
  keys: DeviceSecretKeys;
  identityKey: string;
  deviceId: string;
}

/** A fresh device. */
export function newDevice(): Device {
  const keys = generateDeviceKeys();
  const { identityKey } = devicePublicKeys(keys);
  return { keys, identityKey, deviceId: deviceIdOf(identityKey) };
}

/** A real signed envelope (reshare/withdraw) from `from` to `to`. */
export function envelope(from: Device, to: Device[], seq = 0, sessionId = bytesToHex(randomBytes(16))): Envelope {
  return signEnvelope(
    {
      v: 1,
      kind: 'reshare/withdraw',
      quorumId: bytesToHex(randomBytes(16)),
      sessionId,
      epoch: 0,
      from: from.deviceId,
      to: to.map((d) => d.deviceId),
      seq,
      body: { proposalHash: bytesToHex(randomBytes(32)) },
    },
    from.keys.signingKey,
  );
}

/** A relay on 127.0.0.1 with a silent logger; ':memory:' unless a dbPath is given. */
export function testRelay(opts: RelayOptions = {}): Promise<RelayHandle> {
  return startRelay({ logger: silentLogger, ...opts });
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A raw relay client: every frame it receives is recorded; waits always time out. */
export class RawClient {
  readonly frames: ServerFrame[] = [];
  readonly ws: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<() => void>();

  private constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('error', () => undefined);
    this.ws.on('message', (d) => {
      try {
        this.frames.push(parseServerFrame(d.toString()));
      } catch (e) {
        throw new Error(`relay sent an invalid frame: ${(e as Error).message}`);
      }
      for (const w of this.waiters) w();
    });
    this.closed = new Promise((resolve) => this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Opens a connection and waits for the challenge. */
  static async open(url: string): Promise<RawClient> {
    const c = new RawClient(url);
    await c.next('challenge');
    return c;
  }

  /** Opens a connection and authenticates as `device`. */
  static async authed(url: string, device: Device): Promise<RawClient> {
    const c = await RawClient.open(url);
    c.send(answerChallenge(c.challenge(), device.keys.signingKey));
    await c.next('ready');
    return c;
  }

  /** The challenge received on connect. */
  challenge(): ServerFrameOf<'challenge'> {
    const ch = this.frames.find((f) => f.type === 'challenge');
    if (ch?.type !== 'challenge') throw new Error('no challenge yet');
    return ch;
  }

  /** Sends a frame (object), raw text, or raw bytes (a binary frame). */
  send(frame: ClientFrame | string | Buffer | Record<string, unknown>): void {
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /** Waits for the answer to request `ref`: its accepted, certificate or error frame. */
  async answerTo(ref: string, timeoutMs = 5_000): Promise<ServerFrameOf<'accepted' | 'certificate' | 'error'>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = this.frames.find((x) => 'ref' in x && x.ref === ref);
      if (f !== undefined) return f as ServerFrameOf<'accepted' | 'certificate' | 'error'>;
      if (Date.now() > deadline) throw new Error(`no answer to ${ref}`);
      await sleep(5);
    }
  }

  /** Waits for the first recorded frame of `type` matching `pred` (searching from index `from`), with a timeout. */
  async next<T extends ServerFrame['type']>(type: T, pred: (f: ServerFrameOf<T>) => boolean = () => true, timeoutMs = 5_000): Promise<ServerFrameOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = this.frames.find((x): x is ServerFrameOf<T> => x.type === type && pred(x as ServerFrameOf<T>));
      if (f !== undefined) return f;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a ${type} frame; got ${this.frames.map((x) => x.type).join(',')}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(t);
          this.waiters.delete(wake);
          resolve();
        };
        const t = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /** Every `deliver` frame received so far. */
  deliveries(): ServerFrameOf<'deliver'>[] {
    return this.frames.filter((f): f is ServerFrameOf<'deliver'> => f.type === 'deliver');
  }

  /** Closes the connection and waits until it is closed. */
  async close(): Promise<void> {
    if (this.ws.readyState !== this.ws.CLOSED) this.ws.close();
    await this.closed;
  }
}

/** Sends an envelope over a raw client and waits for its `accepted` (or throws with the error frame). */
export async function sendEnvelope(c: RawClient, env: Envelope, ref = bytesToHex(randomBytes(6))): Promise<string> {
  c.send({ type: 'send', ref, envelope: encodeEnvelope(env) });
  const f = await c.answerTo(ref);
  if (f.type === 'error') throw new Error(`${f.code}: ${f.message}`);
  if (f.type !== 'accepted') throw new Error(`unexpected ${f.type}`);
  return f.msgId;
}

/** A request/answer round trip on `c`: every frame sent on it before has been processed by the relay. */
export async function roundTrip(c: RawClient): Promise<void> {
  const ref = `rt-${bytesToHex(randomBytes(4))}`;
  c.send({ type: 'get-certificate', ref, quorumId: '00'.repeat(16) });
  await c.answerTo(ref);
}
