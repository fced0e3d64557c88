/**
 * The session progress view's model (DESIGN §4 steps 3–6): folds
 * `sessionProgress` events and `logAppended` entries into one record per
 * session — phase, rounds seen, who acked, who is missing, and how it ended.
 * Phases only move forward; a commit wins over everything. Pure; no DOM.
 */
import type { EventPayload, LogEntry } from '../../../shared/api.js';

/** A session phase as `sessionProgress` reports it. */
export type Phase = EventPayload<'sessionProgress'>['phase'];
/** A session kind; 'unknown' until an entry names it. */
export type SessionKind = EventPayload<'sessionProgress'>['kind'] | 'unknown';

/** Everything the progress view knows about one session. */
export interface SessionRecord {
  sessionId: string;
  quorumId: string | null;
  kind: SessionKind;
  phase: Phase;
  acked: string[];
  missing: string[];
  /** Why it aborted or expired. */
  reason: string | null;
  /** The epoch the session committed (reshare, DKG) or signed at. */
  epoch: number | null;
  /** Log entries of the session, oldest first (at most MAX_ENTRIES). */
  entries: LogEntry[];
  startedAt: number;
  updatedAt: number;
}

/** Sessions kept in view, most recently active first. */
export const MAX_SESSIONS = 12;
const MAX_ENTRIES = 60;

const RANK: Record<Phase, number> = { proposed: 0, approving: 1, dealing: 2, acking: 3, certifying: 4, signing: 4, expired: 5, aborted: 6, committed: 7 };

/** True once a session has ended. */
export function isFinished(phase: Phase): boolean {
  return phase === 'committed' || phase === 'aborted' || phase === 'expired';
}

/** The phase a log entry type implies, if any (types from main/device/sessions). */
export function phaseOfLogType(type: string): Phase | null {
  if (type.endsWith('-proposed')) return 'proposed';
  if (type === 'reshare-approved' || type === 'sign-approved' || type === 'sign-approval-received' || type === 'dkg-accepted') return 'approving';
  if (type === 'reshare-dealt') return 'dealing';
  if (type === 'reshare-share-pending' || type === 'dkg-share-pending') return 'acking';
  if (type === 'reshare-committed' || type === 'quorum-created' || type === 'sign-completed') return 'committed';
  if (type === 'reshare-aborted' || type === 'dkg-aborted' || type === 'sign-aborted' || type === 'sign-failed') return 'aborted';
  if (type === 'reshare-expired') return 'expired';
  return null;
}

function kindOfLogType(type: string): SessionKind {
  if (type.startsWith('reshare-')) return 'reshare';
  if (type.startsWith('dkg-') || type === 'quorum-created') return 'dkg';
  if (type.startsWith('sign-')) return 'sign';
  return 'unknown';
}

function epochOf(entry: LogEntry): number | null {
  if (entry.type === 'quorum-created') return 0;
  if (entry.type === 'reshare-committed') {
    const m = /→\s*(\d+)/.exec(entry.detail);
    return m === null ? null : Number(m[1]);
  }
  if (entry.type === 'sign-proposed') {
    const m = /at epoch (\d+)/.exec(entry.detail);
    return m === null ? null : Number(m[1]);
  }
  return null;
}

function blank(sessionId: string, quorumId: string | null, at: number): SessionRecord {
  return { sessionId, quorumId, kind: 'unknown', phase: 'proposed', acked: [], missing: [], reason: null, epoch: null, entries: [], startedAt: at, updatedAt: at };
}

function advance(current: Phase, next: Phase): Phase {
  return RANK[next] >= RANK[current] ? next : current;
}

function upsert(sessions: readonly SessionRecord[], sessionId: string, quorumId: string | null, at: number, change: (s: SessionRecord) => SessionRecord, limit: number): SessionRecord[] {
  const old = sessions.find((s) => s.sessionId === sessionId) ?? blank(sessionId, quorumId, at);
  const next = change({ ...old, quorumId: old.quorumId ?? quorumId });
  return [next, ...sessions.filter((s) => s.sessionId !== sessionId)].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, limit);
}

/** Folds one log entry in; entries without a sessionId, or already seen (same seq), change nothing. */
export function applyLogEntry(sessions: readonly SessionRecord[], entry: LogEntry, limit = MAX_SESSIONS): readonly SessionRecord[] {
  if (entry.sessionId === null) return sessions;
  const existing = sessions.find((s) => s.sessionId === entry.sessionId);
  if (existing?.entries.some((e) => e.seq === entry.seq) === true) return sessions;
  return upsert(
    sessions,
    entry.sessionId,
    entry.quorumId,
    entry.at,
    (s) => {
      const phase = phaseOfLogType(entry.type);
      const kind = s.kind === 'unknown' ? kindOfLogType(entry.type) : s.kind;
      const next = phase === null ? s.phase : advance(s.phase, phase);
      const ended = next !== s.phase && (next === 'aborted' || next === 'expired');
      return {
        ...s,
        kind,
        phase: next,
        reason: ended ? entry.detail : s.reason,
        epoch: epochOf(entry) ?? s.epoch,
        entries: [...s.entries, entry].sort((a, b) => a.seq - b.seq).slice(-MAX_ENTRIES),
        startedAt: Math.min(s.startedAt, entry.at),
        updatedAt: Math.max(s.updatedAt, entry.at),
      };
    },
    limit,
  );
}

/** Folds one `sessionProgress` event in; `now` stamps it (events carry no time). */
export function applyProgress(sessions: readonly SessionRecord[], p: EventPayload<'sessionProgress'>, now: number, limit = MAX_SESSIONS): readonly SessionRecord[] {
  return upsert(
    sessions,
    p.sessionId,
    p.quorumId,
    now,
    (s) => {
      const phase = advance(s.phase, p.phase);
      return {
        ...s,
        kind: p.kind,
        phase,
        acked: [...p.acked],
        missing: [...p.missing],
        reason: p.reason ?? s.reason,
        updatedAt: Math.max(s.updatedAt, now),
      };
    },
    limit,
  );
}

/** The end state line: "Committed: epoch 4", "Aborted: <reason>", "Expired: <reason>", or null while running. */
export function endStateLine(s: SessionRecord): string | null {
  if (s.phase === 'committed') {
    if (s.kind === 'sign') return s.epoch === null ? 'Signed' : `Signed at epoch ${s.epoch}`;
    return s.epoch === null ? 'Committed' : `Committed: epoch ${s.epoch}`;
  }
  if (s.phase === 'aborted') return `Aborted: ${s.reason ?? 'no reason given'}`;
  if (s.phase === 'expired') return `Expired: ${s.reason ?? 'not enough members took part in time'}`;
  return null;
}

/** Human label of a phase. */
export const PHASE_LABELS: Record<Phase, string> = {
  proposed: 'Proposed',
  approving: 'Collecting approvals',
  dealing: 'Dealing new shares',
  acking: 'Collecting acknowledgements',
  certifying: 'Certifying the new epoch',
  signing: 'Signing',
  committed: 'Committed',
  aborted: 'Aborted',
  expired: 'Expired',
};

/** Human label of a session kind. */
export const KIND_LABELS: Record<SessionKind, string> = { dkg: 'New quorum', reshare: 'Reshare', sign: 'Signature', unknown: 'Session' };
