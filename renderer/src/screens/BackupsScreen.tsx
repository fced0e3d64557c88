/** Screen 5: export and import backups, the list of exports, and "Make a fresh backup" after a reshare. */
import { useState } from 'react';
import type { Status } from '../../../shared/api.js';
import type { RampartBridge } from '../../../shared/bridge.js';
import { quorumsNeedingFreshBackup } from '../lib/backups.js';
import { BackupsList } from './backups/BackupsList.js';
import { ExportForm } from './backups/ExportForm.js';
import { ImportForm } from './backups/ImportForm.js';

interface Props {
  bridge: RampartBridge;
  status: Status;
  /** Messages of `backupsObsolete` events by quorumId (they name the obsolete files). */
  obsoleteNotices: ReadonlyMap<string, string>;
  /** Quorum the "Make a fresh backup" action chose. */
  focusQuorumId: string | null;
  refresh: () => void;
  quorumName: (quorumId: string) => string | undefined;
}

export function BackupsScreen({ bridge, status, obsoleteNotices, focusQuorumId, refresh, quorumName }: Props) {
  const [quorumId, setQuorumId] = useState<string | null>(focusQuorumId);
  const [exports, setExports] = useState(0);
  const needed = quorumsNeedingFreshBackup(status.quorums);

  const freshBackup = (id: string): void => {
    setQuorumId(id);
    document.getElementById('bk-pass')?.focus();
  };

  return (
    <section aria-labelledby="backups-heading" data-testid="screen-backups">
      <h1 id="backups-heading" tabIndex={-1}>
        Backups
      </h1>
      {needed.map((n) => (
        <div key={n.quorumId} className="cta" role="alert" data-testid="fresh-backup-cta" data-quorum-id={n.quorumId}>
          <p>
            <strong>{n.name} was reshared to epoch {n.epoch}.</strong> Your backups (newest: epoch {n.lastBackupEpoch}) can never restore a signing share.
          </p>
          {obsoleteNotices.has(n.quorumId) && <p className="hint">{obsoleteNotices.get(n.quorumId)}</p>}
          <button type="button" className="primary" onClick={() => freshBackup(n.quorumId)}>
            Make a fresh backup
          </button>
        </div>
      ))}
      <ExportForm
        bridge={bridge}
        quorums={status.quorums}
        deviceName={status.device.name}
        quorumId={quorumId}
        onQuorumChange={setQuorumId}
        onExported={() => {
          setExports((n) => n + 1);
          refresh();
        }}
      />
      <ImportForm bridge={bridge} onImported={refresh} />
      <BackupsList bridge={bridge} status={status} exports={exports} quorumName={quorumName} />
    </section>
  );
}
