/** Operations this holder started, with their outcome or error (`{code, message, culprit}`). */
import { CopyButton } from '../../components/CopyButton.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import type { Operation } from '../../hooks/useOperations.js';
import { formatDateTime } from '../../lib/time.js';

interface Props {
  operations: Operation[];
  dismiss: (id: number) => void;
  nameOf: (deviceId: string) => string | undefined;
}

export function OperationsList({ operations, dismiss, nameOf }: Props) {
  if (operations.length === 0) return null;
  return (
    <section aria-labelledby="ops-heading" className="panel">
      <h2 id="ops-heading">Your operations</h2>
      <ul className="plain" aria-live="polite">
        {operations.map((o) => (
          <li key={o.id} className={`op op-${o.state}`} data-testid="operation" data-state={o.state}>
            <strong>{o.label}</strong> <span className="hint">started {formatDateTime(o.startedAt)}</span>{' '}
            {o.state === 'pending' && <span className="badge">Waiting for the other members…</span>}
            {o.state === 'done' && (
              <p data-testid="operation-result">
                {o.result} {o.copyable !== null && <CopyButton value={o.copyable} label="Copy signature" />}
              </p>
            )}
            {o.state === 'failed' && o.error !== null && <ErrorBox error={o.error} nameOf={nameOf} title={`${o.label} failed`} />}
            {o.state !== 'pending' && (
              <button type="button" onClick={() => dismiss(o.id)} aria-label={`Dismiss ${o.label}`}>
                Dismiss
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
