/**
 * Requests a relay client has sent or will send (DESIGN §8): each waits for
 * the answer carrying its `ref`, and stays queued across reconnects until it
 * is answered, aborted or timed out (at-least-once; the relay deduplicates).
 */
import { randomBytes } from 'node:crypto';
import { RampartError } from '../../shared/errors.js';
import type { ClientFrame, ServerFrame } from '../../shared/relay-protocol.js';

/** How long a caller waits: an AbortSignal, a timeout, or both. */
export interface WaitOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** An answer that names a request. */
export type Answer = Extract<ServerFrame, { ref: string }> | Extract<ServerFrame, { type: 'error' }>;

interface Entry {
  frame: Extract<ClientFrame, { ref: string }>;
  text: string;
  sentAt: number | undefined;
  settle(answer: Answer | Error): void;
}

/** The queue of unanswered requests, in the order they were made. */
export class PendingRequests {
  private readonly entries = new Map<string, Entry>();
  private readonly prefix = randomBytes(4).toString('hex');
  private counter = 0;

  /** A fresh request reference. */
  nextRef(): string {
    return `${this.prefix}-${++this.counter}`;
  }

  /** Queues a request; resolves with its answer, rejects with the relay's error, on abort or on timeout. */
  add(frame: Extract<ClientFrame, { ref: string }>, opts: WaitOptions, transmit: (text: string) => boolean): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const { signal, timeoutMs } = opts;
      if (signal?.aborted) return reject(signal.reason);
      const cleanup = () => {
        this.entries.delete(frame.ref);
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const entry: Entry = {
        frame,
        text: JSON.stringify(frame),
        sentAt: undefined,
        settle(answer) {
          cleanup();
          if (answer instanceof Error) reject(answer);
          else if (answer.type === 'error') reject(new RampartError(answer.code, answer.message));
          else resolve(answer);
        },
      };
      const onAbort = () => entry.settle(signal?.reason instanceof Error ? signal.reason : new RampartError('RELAY_UNAVAILABLE', 'aborted'));
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => entry.settle(new RampartError('RELAY_UNAVAILABLE', `no answer from the relay within ${timeoutMs} ms`)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.entries.set(frame.ref, entry);
      if (transmit(entry.text)) entry.sentAt = Date.now();
    });
  }

  /** Settles the request an answer names; false when none is waiting (a late or duplicate answer). */
  answer(frame: Answer): boolean {
    const entry = frame.ref === undefined ? undefined : this.entries.get(frame.ref);
    entry?.settle(frame);
    return entry !== undefined;
  }

  /** (Re)transmits every request not sent within `olderThanMs` (all of them after a reconnect: pass 0), in order. */
  resend(transmit: (text: string) => boolean, olderThanMs: number): void {
    const now = Date.now();
    for (const e of this.entries.values()) {
      if (e.sentAt !== undefined && now - e.sentAt < olderThanMs) continue;
      if (!transmit(e.text)) return;
      e.sentAt = now;
    }
  }

  /** Marks every request unsent (the connection dropped before they were answered). */
  markUnsent(): void {
    for (const e of this.entries.values()) e.sentAt = undefined;
  }

  /** Rejects every waiting request. */
  rejectAll(err: Error): void {
    for (const e of [...this.entries.values()]) e.settle(err);
  }

  /** Number of unanswered requests. */
  get size(): number {
    return this.entries.size;
  }
}
