/** Screen 6: the device's hash-chained event log, newest first, and "Verify log" (`verifyLog`). */
import { useEffect, useState } from 'react';
import type { LogEntry, LogVerification } from '../../../shared/api.js';
import type { RampartBridge } from '../../../shared/bridge.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { useEvents } from '../hooks/useEvents.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { formatDateTime } from '../lib/time.js';

interface Props {
  bridge: RampartBridge;
  quorumName: (quorumId: string) => string | undefined;
}

/** Rows rendered; older entries stay in the device's log. */
const SHOWN = 500;

function Verification({ v }: { v: LogVerification }) {
  return (
    <div className={v.ok ? 'success' : 'error'} role={v.ok ? 'status' : 'alert'} data-testid="verify-result" data-ok={String(v.ok)}>
      <p>
        <strong>{v.ok ? 'Log verified.' : 'Log verification failed.'}</strong> {v.entries} entries checked.
      </p>
      {v.firstBroken !== null && (
        <p data-testid="verify-broken" data-seq={v.firstBroken.seq}>
          First broken entry: #{v.firstBroken.seq} <code>{v.firstBroken.type}</code> at {formatDateTime(v.firstBroken.at)}: {v.firstBroken.reason}
        </p>
      )}
      {v.quorums.length > 0 && (
        <ul>
          {v.quorums.map((q) => (
            <li key={q.quorumId} data-testid="verify-quorum" data-ok={String(q.ok)}>
              Quorum <code>{q.quorumId.slice(0, 8)}</code>: {q.certificates} certificates up to epoch {q.epoch} — {q.ok ? 'chain verifies' : `broken: ${q.error ?? 'unknown'}`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function LogScreen({ bridge, quorumName }: Props) {
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [error, setError] = useState<UiError | null>(null);
  const [verification, setVerification] = useState<LogVerification | null>(null);
  const [verifying, setVerifying] = useState(false);

  useEffect(() => {
    bridge.log({}).then(
      (records) => setEntries((live) => mergeEntries(records, live)),
      (e: unknown) => setError(toUiError(e)),
    );
  }, [bridge]);
  useEvents(bridge, { logAppended: (e) => setEntries((xs) => mergeEntries(xs, [e])) });

  const verify = (): void => {
    setVerifying(true);
    bridge
      .verifyLog({})
      .then(setVerification, (e: unknown) => setError(toUiError(e)))
      .finally(() => setVerifying(false));
  };

  const newestFirst = [...entries].reverse().slice(0, SHOWN);
  return (
    <section aria-labelledby="log-heading" data-testid="screen-log">
      <h1 id="log-heading" tabIndex={-1}>
        Event log
      </h1>
      <div className="actions">
        <button type="button" onClick={verify} disabled={verifying}>
          {verifying ? 'Verifying…' : 'Verify log'}
        </button>
      </div>
      {verification !== null && <Verification v={verification} />}
      {error !== null && <ErrorBox error={error} title="Log error" />}
      <table data-testid="log-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">Quorum</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst.map((e) => (
            <tr key={e.seq} data-testid="log-entry" data-type={e.type} data-seq={e.seq}>
              <td>{e.seq}</td>
              <td className="nowrap">{formatDateTime(e.at)}</td>
              <td className="nowrap">
                <code>{e.type}</code>
              </td>
              <td>{e.quorumId === null ? '' : (quorumName(e.quorumId) ?? e.quorumId.slice(0, 8))}</td>
              <td className="wrap">{e.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length > SHOWN && <p className="hint">Showing the newest {SHOWN} of {entries.length} entries.</p>}
    </section>
  );
}

/** Entries by seq, oldest first, without duplicates (a live event may also be in the loaded log). */
function mergeEntries(a: readonly LogEntry[], b: readonly LogEntry[]): LogEntry[] {
  const bySeq = new Map<number, LogEntry>();
  for (const e of [...a, ...b]) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
}
