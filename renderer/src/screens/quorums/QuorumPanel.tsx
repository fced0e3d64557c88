/** One quorum: suite, t-of-n, members, epoch, group key, share state, last reshare, backups; and its actions. */
import { useState } from 'react';
import type { CommandParams, QuorumView } from '../../../../shared/api.js';
import { CopyButton } from '../../components/CopyButton.js';
import { MemberList } from '../../components/MemberList.js';
import { thresholdLabel } from '../../lib/request-view.js';
import { formatDateTime, shortHex } from '../../lib/time.js';
import { RestructureForm } from './RestructureForm.js';
import { SignForm } from './SignForm.js';

interface Props {
  quorum: QuorumView;
  selfId: string;
  onReshare: (p: CommandParams<'reshare'>, label: string) => void;
  onSign: (p: CommandParams<'sign'>) => void;
}

const SHARE_LABELS: Record<QuorumView['share'], string> = {
  active: 'Active',
  pending: 'Pending (a reshare is being certified)',
  none: 'None held by this device',
};

export function QuorumPanel({ quorum: q, selfId, onReshare, onSign }: Props) {
  const [open, setOpen] = useState<'restructure' | 'sign' | null>(null);
  const canAct = q.share === 'active';
  const toggle = (which: 'restructure' | 'sign'): void => setOpen((o) => (o === which ? null : which));

  return (
    <article className="panel" data-testid="quorum" data-quorum-id={q.quorumId} data-epoch={q.epoch} aria-labelledby={`q-${q.quorumId}`}>
      <h2 id={`q-${q.quorumId}`}>{q.name}</h2>
      <dl className="facts">
        <dt>Suite</dt>
        <dd data-testid="quorum-suite">{q.suite}</dd>
        <dt>Threshold</dt>
        <dd data-testid="quorum-threshold">{thresholdLabel(q.threshold, q.members.length)}</dd>
        <dt>Epoch</dt>
        <dd data-testid="quorum-epoch">{q.epoch}</dd>
        <dt>Group key</dt>
        <dd>
          <code data-testid="group-key" className="wrap">
            {q.groupPublicKey}
          </code>{' '}
          <CopyButton value={q.groupPublicKey} label="Copy group key" />
        </dd>
        <dt>Share</dt>
        <dd data-testid="share-state" data-share={q.share}>
          {SHARE_LABELS[q.share]}
        </dd>
        <dt>Last reshare</dt>
        <dd data-testid="last-reshare">{q.lastReshareAt === null ? 'Never' : formatDateTime(q.lastReshareAt)}</dd>
        <dt>Quorum ID</dt>
        <dd>
          <code>{q.quorumId}</code>
        </dd>
      </dl>

      <h3>Members</h3>
      <MemberList members={q.members} selfId={selfId} testId="quorum-members" />

      <h3>Backups of this device’s share</h3>
      {q.backups.length === 0 ? (
        <p className="hint" data-testid="quorum-no-backups">
          No backup exported yet.
        </p>
      ) : (
        <ul className="plain">
          {q.backups.map((b) => (
            <li key={b.fingerprint} data-testid="quorum-backup" data-obsolete={String(b.obsolete)}>
              Epoch {b.epoch} · {formatDateTime(b.createdAt)} · <code title={b.fingerprint}>{shortHex(b.fingerprint)}</code>{' '}
              {b.obsolete ? <span className="badge bad">obsolete</span> : <span className="badge ok">current</span>}
            </li>
          ))}
        </ul>
      )}

      <div className="actions" role="group" aria-label={`Actions for ${q.name}`}>
        <button type="button" disabled={!canAct} onClick={() => onReshare({ quorumId: q.quorumId }, `Refresh shares of ${q.name}`)}>
          Refresh shares
        </button>
        <button type="button" disabled={!canAct} aria-expanded={open === 'restructure'} onClick={() => toggle('restructure')}>
          Restructure
        </button>
        <button type="button" disabled={!canAct} aria-expanded={open === 'sign'} onClick={() => toggle('sign')}>
          Sign
        </button>
      </div>
      {!canAct && <p className="hint">Actions need this device’s active share.</p>}
      {open === 'restructure' && (
        <RestructureForm
          quorum={q}
          selfId={selfId}
          onCancel={() => setOpen(null)}
          onSubmit={(p) => {
            setOpen(null);
            onReshare(p, `Restructure ${q.name}`);
          }}
        />
      )}
      {open === 'sign' && (
        <SignForm
          quorum={q}
          onCancel={() => setOpen(null)}
          onSubmit={(p) => {
            setOpen(null);
            onSign(p);
          }}
        />
      )}
    </article>
  );
}
