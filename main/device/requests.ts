/**
 * Requests awaiting the holder's decision (DESIGN §4 step 2, §5). Nothing is
 * dealt, signed or accepted before the holder approves: each request carries
 * the continuation that runs on approval, and the one that runs on rejection.
 */
import type { RequestView } from '../../shared/api.js';
import { RampartError } from '../../shared/errors.js';

/** A pending request and what to do with the holder's decision. */
export interface PendingRequest {
  view: RequestView;
  approve(): Promise<void>;
  reject(reason: string): Promise<void>;
}

/** The holder's inbox. */
export class RequestInbox {
  private readonly pending = new Map<string, PendingRequest>();

  constructor(private readonly onChange: (added: RequestView | undefined, removedId: string | undefined) => void) {}

  add(r: PendingRequest): void {
    this.pending.set(r.view.id, r);
    this.onChange(r.view, undefined);
  }

  list(now: number): RequestView[] {
    return [...this.pending.values()].map((r) => r.view).filter((v) => v.expiresAt > now);
  }

  /** Removes a request (decided, expired or aborted). */
  drop(id: string): void {
    if (this.pending.delete(id)) this.onChange(undefined, id);
  }

  async decide(id: string, approve: boolean, reason = ''): Promise<void> {
    const r = this.pending.get(id);
    if (r === undefined) throw new RampartError('PLAN_INVALID', `no pending request ${id}`);
    this.drop(id);
    await (approve ? r.approve() : r.reject(reason));
  }
}
