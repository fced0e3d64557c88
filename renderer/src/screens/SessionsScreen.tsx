/**
 * Screen 4: live progress of recent sessions, from `sessionProgress` events and
 * the session's `logAppended` entries: the rounds so far, who acked, who is
 * missing, and how it ended. Undecided reshares can be withdrawn here.
 */
import { useState } from 'react';
import type { RampartBridge } from '../../../shared/bridge.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { endStateLine, isFinished, KIND_LABELS, PHASE_LABELS, type SessionRecord } from '../lib/sessions.js';
import { formatDateTime } from '../lib/time.js';

interface Props {
  bridge: RampartBridge;
  sessions: readonly SessionRecord[];
  nameOf: (deviceId: string) => string | undefined;
  quorumName: (quorumId: string) => string | undefined;
}

function Names({ ids, nameOf, testId }: { ids: string[]; nameOf: Props['nameOf']; testId: string }) {
  if (ids.length === 0) return <span data-testid={testId}>none</span>;
  return <span data-testid={testId}>{ids.map((id) => nameOf(id) ?? id.slice(0, 8)).join(', ')}</span>;
}

function SessionItem({ bridge, s, nameOf, quorumName }: Omit<Props, 'sessions'> & { s: SessionRecord }) {
  const [error, setError] = useState<UiError | null>(null);
  const [withdrawing, setWithdrawing] = useState(false);
  const end = endStateLine(s);
  const finished = isFinished(s.phase);
  const qName = s.quorumId === null ? undefined : quorumName(s.quorumId);
  const withdraw = (): void => {
    setWithdrawing(true);
    bridge.withdraw({ sessionId: s.sessionId }).then(
      () => setError(null),
      (e: unknown) => {
        setError(toUiError(e));
        setWithdrawing(false);
      },
    );
  };
  return (
    <li className={`panel session phase-${s.phase}`} data-testid="session" data-session-id={s.sessionId} data-kind={s.kind} data-phase={s.phase}>
      <h2>
        {KIND_LABELS[s.kind]}
        {qName !== undefined ? ` · ${qName}` : ''} <span className="hint">session {s.sessionId.slice(0, 8)}</span>
      </h2>
      <div aria-live="polite">
      <p>
        Phase: <strong data-testid="session-phase">{PHASE_LABELS[s.phase]}</strong> <span className="hint">started {formatDateTime(s.startedAt)}</span>
      </p>
      {(s.acked.length > 0 || s.missing.length > 0) && (
        <p>
          Acked: <Names ids={s.acked} nameOf={nameOf} testId="session-acked" /> · Missing: <Names ids={s.missing} nameOf={nameOf} testId="session-missing" />
        </p>
      )}
      {end !== null && (
        <p className={s.phase === 'committed' ? 'end ok' : 'end bad'} data-testid="session-end">
          {end}
        </p>
      )}
      </div>
      <details open={!finished}>
        <summary>Rounds ({s.entries.length})</summary>
        <ol className="rounds">
          {s.entries.map((e) => (
            <li key={e.seq} data-testid="session-entry" data-type={e.type}>
              <span className="hint">{formatDateTime(e.at)}</span> <code>{e.type}</code> {e.detail}
            </li>
          ))}
        </ol>
      </details>
      {s.kind === 'reshare' && !finished && (
        <div className="actions">
          <button type="button" onClick={withdraw} disabled={withdrawing}>
            Withdraw
          </button>
        </div>
      )}
      {error !== null && <ErrorBox error={error} nameOf={nameOf} title="Could not withdraw" />}
    </li>
  );
}

export function SessionsScreen(props: Props) {
  const { sessions } = props;
  return (
    <section aria-labelledby="sessions-heading" data-testid="screen-sessions">
      <h1 id="sessions-heading" tabIndex={-1}>
        Session progress
      </h1>
      {sessions.length === 0 ? (
        <p data-testid="no-sessions">No recent sessions.</p>
      ) : (
        <ul className="plain">
          {sessions.map((s) => (
            <SessionItem key={s.sessionId} bridge={props.bridge} s={s} nameOf={props.nameOf} quorumName={props.quorumName} />
          ))}
        </ul>
      )}
    </section>
  );
}
