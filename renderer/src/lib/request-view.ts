/**
 * What an approval prompt says about a request (DESIGN §4 step 2): the
 * operation, epoch N → N+1, t-of-n before → after, who joins and who leaves,
 * and approvals so far. Pure; the component only lays these lines out.
 */
import type { RequestView } from '../../../shared/api.js';

/** A member line: name and fingerprint (the thing to compare out of band). */
export interface MemberLine {
  deviceId: string;
  name: string;
  fingerprint: string;
}

/** The approval prompt's content for one request. */
export interface RequestDescription {
  operation: 'refresh' | 'restructure' | 'dkg' | 'sign';
  /** Heading, e.g. "Reshare: refresh shares". */
  title: string;
  /** "Epoch 3 → 4" for reshares. */
  epochLine: string | null;
  /** "2-of-3 → 3-of-4" for reshares ("2-of-3 → 2-of-3 (unchanged)" for a refresh). */
  structureLine: string | null;
  added: MemberLine[];
  removed: MemberLine[];
  /** The roster after the change (for a new quorum: every member). */
  afterMembers: MemberLine[];
  /** "1 of 2 approvals". */
  approvalsLine: string;
}

/** "t-of-n". */
export function thresholdLabel(threshold: number, members: number): string {
  return `${threshold}-of-${members}`;
}

const member = (m: MemberLine): MemberLine => ({ deviceId: m.deviceId, name: m.name, fingerprint: m.fingerprint });

/** Describes a request for the approval prompt. */
export function describeRequest(r: RequestView): RequestDescription {
  const approvalsLine = `${r.approvals.have} of ${r.approvals.need} approval${r.approvals.need === 1 ? '' : 's'}`;
  if (r.kind === 'reshare' && r.change !== undefined) {
    const c = r.change;
    const before = thresholdLabel(c.before.threshold, c.before.members.length);
    const after = thresholdLabel(c.after.threshold, c.after.members.length);
    return {
      operation: c.operation,
      title: c.operation === 'refresh' ? 'Reshare: refresh shares' : 'Reshare: restructure the quorum',
      epochLine: `Epoch ${c.fromEpoch} → ${c.fromEpoch + 1}`,
      structureLine: before === after && c.added.length === 0 && c.removed.length === 0 ? `${before} → ${after} (unchanged)` : `${before} → ${after}`,
      added: c.added.map(member),
      removed: c.removed.map(member),
      afterMembers: c.after.members.map(member),
      approvalsLine,
    };
  }
  const none = { epochLine: null, added: [], removed: [], approvalsLine };
  if (r.kind === 'sign') return { ...none, operation: 'sign', title: 'Signature request', structureLine: null, afterMembers: [] };
  if (r.kind === 'reshare') {
    // A reshare without its change would be a device bug; say so rather than guess.
    return { ...none, operation: 'restructure', title: 'Reshare (details unavailable)', structureLine: null, afterMembers: [] };
  }
  const after = r.change?.after;
  return {
    ...none,
    operation: 'dkg',
    title: 'New quorum (key generation)',
    structureLine: after === undefined ? null : thresholdLabel(after.threshold, after.members.length),
    afterMembers: after === undefined ? [] : after.members.map(member),
  };
}
