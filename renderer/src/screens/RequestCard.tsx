/**
 * The approval prompt for one request (DESIGN §4 step 2): what changes, who
 * asks, the session code to compare out of band, approvals so far, time left;
 * Approve, or Reject with an optional reason.
 */
import { useState, type FormEvent } from 'react';
import type { RequestView } from '../../../shared/api.js';
import type { RampartBridge } from '../../../shared/bridge.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { MemberList } from '../components/MemberList.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { describeRequest } from '../lib/request-view.js';
import { formatCountdown, formatDateTime } from '../lib/time.js';

interface Props {
  bridge: RampartBridge;
  request: RequestView;
  now: number;
  selfId: string;
}

export function RequestCard({ bridge, request: r, now, selfId }: Props) {
  const d = describeRequest(r);
  const [busy, setBusy] = useState(false);
  const [decided, setDecided] = useState<'approved' | 'rejected' | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<UiError | null>(null);
  const left = r.expiresAt - now;
  const expired = left <= 0;
  const headingId = `req-${r.id}`;

  const act = (call: () => Promise<unknown>, outcome: 'approved' | 'rejected'): void => {
    setBusy(true);
    setError(null);
    call().then(
      () => setDecided(outcome),
      (e: unknown) => setError(toUiError(e)),
    ).finally(() => setBusy(false));
  };
  const approve = (): void => act(() => bridge.approve({ id: r.id }), 'approved');
  const reject = (e: FormEvent): void => {
    e.preventDefault();
    const why = reason.trim();
    act(() => bridge.reject(why === '' ? { id: r.id } : { id: r.id, reason: why }), 'rejected');
  };

  return (
    <article className="panel request" data-testid="request" data-kind={r.kind} data-operation={d.operation} data-request-id={r.id} data-session-id={r.sessionId} aria-labelledby={headingId}>
      <h2 id={headingId}>{d.title}</h2>
      <p data-testid="request-summary">{r.summary}</p>
      <dl className="facts">
        <dt>From</dt>
        <dd data-testid="request-initiator">
          <span className="member-name">{r.initiator.name}</span> <span className="fingerprint">{r.initiator.fingerprint}</span>
        </dd>
        <dt>Session code</dt>
        <dd>
          <span className="session-code" data-testid="session-code">
            {r.sessionCode}
          </span>
          <span className="hint"> Compare it with {r.initiator.name} by phone or in person before approving.</span>
        </dd>
        {d.epochLine !== null && (
          <>
            <dt>Epoch</dt>
            <dd data-testid="request-epoch">{d.epochLine}</dd>
          </>
        )}
        {d.structureLine !== null && (
          <>
            <dt>{d.operation === 'dkg' ? 'Quorum' : 'Before → after'}</dt>
            <dd data-testid="request-change">{d.structureLine}</dd>
          </>
        )}
        <dt>Approvals</dt>
        <dd data-testid="request-approvals">{d.approvalsLine}</dd>
        <dt>Time left</dt>
        <dd data-testid="request-countdown" data-expired={String(expired)} title={`expires ${formatDateTime(r.expiresAt)}`}>
          {formatCountdown(left)}
        </dd>
      </dl>

      {d.operation === 'dkg' && (
        <>
          <h3>Members</h3>
          <MemberList members={d.afterMembers} selfId={selfId} testId="request-members" />
        </>
      )}
      {(d.operation === 'refresh' || d.operation === 'restructure') && r.kind === 'reshare' && (
        <div className="columns">
          <div>
            <h3>Added</h3>
            <MemberList members={d.added} selfId={selfId} testId="request-added" />
          </div>
          <div>
            <h3>Removed</h3>
            <MemberList members={d.removed} selfId={selfId} testId="request-removed" />
          </div>
        </div>
      )}
      {r.message !== undefined && (
        <div data-testid="request-message">
          <h3>Message</h3>
          <p>
            Description: <strong data-testid="request-message-description">{r.message.description === '' ? '(none)' : r.message.description}</strong>
          </p>
          <pre className="wrap" data-testid="request-message-hex">
            {r.message.hex === '' ? '(empty message)' : r.message.hex}
          </pre>
        </div>
      )}

      {error !== null && <ErrorBox error={error} title="Your decision was not recorded" />}
      {decided !== null ? (
        <p role="status" data-testid="request-decided" data-decision={decided}>
          {decided === 'approved' ? 'Approved. Waiting for the other members…' : 'Rejected.'}
        </p>
      ) : rejecting ? (
        <form onSubmit={reject} className="subpanel">
          <div className="field">
            <label htmlFor={`reason-${r.id}`}>Reason (optional)</label>
            <input id={`reason-${r.id}`} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} autoFocus />
          </div>
          <div className="actions">
            <button type="submit" className="danger" disabled={busy}>
              Confirm rejection
            </button>
            <button type="button" onClick={() => setRejecting(false)} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <button type="button" className="primary" onClick={approve} disabled={busy || expired}>
            Approve
          </button>
          <button type="button" className="danger" onClick={() => setRejecting(true)} disabled={busy || expired}>
            Reject
          </button>
        </div>
      )}
    </article>
  );
}
