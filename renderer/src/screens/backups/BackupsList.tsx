/** Every backup this device exported (`backups`), obsolete ones marked: their share can never sign again. */
import { useEffect, useState } from 'react';
import type { BackupView } from '../../../../shared/api.js';
import type { RampartBridge } from '../../../../shared/bridge.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { toUiError, type UiError } from '../../lib/errors.js';
import { formatDateTime, shortHex } from '../../lib/time.js';

interface Props {
  bridge: RampartBridge;
  /** Reloads whenever either changes: a status refresh (events) or an export made here. */
  status: unknown;
  exports: number;
  quorumName: (quorumId: string) => string | undefined;
}

export function BackupsList({ bridge, status, exports, quorumName }: Props) {
  const [backups, setBackups] = useState<BackupView[] | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  useEffect(() => {
    let live = true;
    bridge.backups({}).then(
      (b) => {
        if (!live) return;
        setBackups(b);
        setError(null);
      },
      (e: unknown) => live && setError(toUiError(e)),
    );
    return () => {
      live = false;
    };
  }, [bridge, status, exports]);

  return (
    <section className="panel" aria-labelledby="backups-list-heading">
      <h2 id="backups-list-heading">Exported backups</h2>
      {error !== null && <ErrorBox error={error} title="Could not list backups" />}
      {backups !== null && backups.length === 0 && <p data-testid="no-backups">No backups exported yet.</p>}
      {backups !== null && backups.length > 0 && (
        <table data-testid="backups-table">
          <thead>
            <tr>
              <th scope="col">Quorum</th>
              <th scope="col">Epoch</th>
              <th scope="col">Made</th>
              <th scope="col">Fingerprint</th>
              <th scope="col">File</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {[...backups].reverse().map((b) => (
              <tr key={b.fingerprint} data-testid="backup-row" data-quorum-id={b.quorumId} data-epoch={b.epoch} data-obsolete={String(b.obsolete)} className={b.obsolete ? 'obsolete' : undefined}>
                <td>{quorumName(b.quorumId) ?? b.quorumId.slice(0, 8)}</td>
                <td>{b.epoch}</td>
                <td>{formatDateTime(b.createdAt)}</td>
                <td>
                  <code title={b.fingerprint}>{shortHex(b.fingerprint)}</code>
                </td>
                <td>{b.path === null ? <span className="hint">saved by the app</span> : <code className="wrap">{b.path}</code>}</td>
                <td>{b.obsolete ? <span className="badge bad">Obsolete: from before a reshare, cannot restore a signing share</span> : <span className="badge ok">Current</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
