/**
 * Incoming deliveries of a relay client (DESIGN §8): handled one at a time in
 * the relay's order, each msgId once (dedup), acked only after the handler
 * resolved — a crash or a rejection before that leaves the envelope in the
 * relay's mailbox, and it is delivered again on the next connection.
 */
import { decodeEnvelope, type Envelope } from '../../shared/wire/envelope.js';

/** Receives one envelope and its canonical text; resolve once it is durably handled. */
export type EnvelopeHandler = (env: Envelope, raw: string) => Promise<void> | void;

/** The sequential, deduplicating delivery queue. */
export class Deliveries {
  private handler: EnvelopeHandler | undefined;
  private handlerSet: () => void = () => undefined;
  private handlerReady: Promise<void>;
  private readonly handled = new Set<string>();
  private readonly queued = new Set<string>();
  private chain: Promise<void> = Promise.resolve();

  /** `ack` sends the ack frame (false when offline); `onError` hears handler failures. */
  constructor(
    private readonly ack: (msgId: string) => boolean,
    private readonly onError: (e: unknown) => void = () => undefined,
    private readonly remember = 10_000,
  ) {
    this.handlerReady = new Promise((resolve) => (this.handlerSet = resolve));
  }

  /** Installs the handler; deliveries received before wait for it. */
  setHandler(handler: EnvelopeHandler): void {
    this.handler = handler;
    this.handlerSet();
  }

  /** Takes one `deliver` frame: acks again if already handled, ignores if already queued, else queues it. */
  receive(msgId: string, raw: string): void {
    if (this.handled.has(msgId)) {
      this.ack(msgId);
      return;
    }
    if (this.queued.has(msgId)) return;
    this.queued.add(msgId);
    this.chain = this.chain.then(() => this.handle(msgId, raw));
  }

  /** Resolves when everything queued so far has been handled (or failed). */
  idle(): Promise<void> {
    return this.chain;
  }

  private async handle(msgId: string, raw: string): Promise<void> {
    try {
      let env: Envelope | undefined;
      try {
        env = decodeEnvelope(raw);
      } catch (e) {
        this.onError(e); // the relay checked it; whatever it is now, it is of no use: drop it
      }
      if (env !== undefined) {
        await this.handlerReady;
        await this.handler!(env, raw);
      }
      this.markHandled(msgId);
      this.ack(msgId);
    } catch (e) {
      this.onError(e);
    } finally {
      this.queued.delete(msgId);
    }
  }

  private markHandled(msgId: string): void {
    this.handled.add(msgId);
    if (this.handled.size > this.remember) this.handled.delete(this.handled.values().next().value as string);
  }
}
