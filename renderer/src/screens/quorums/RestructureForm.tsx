/** "Restructure": new threshold, cards to add, members to remove → `reshare` (same group key, epoch + 1). */
import { useState, type FormEvent } from 'react';
import type { CommandParams, QuorumView } from '../../../../shared/api.js';
import { CardPreviewList } from '../../components/CardPreviewList.js';
import { parseCardLines, parseThreshold } from '../../lib/input.js';
import { FormActions } from '../../components/FormActions.js';

interface Props {
  quorum: QuorumView;
  selfId: string;
  onSubmit: (p: CommandParams<'reshare'>) => void;
  onCancel: () => void;
}

export function RestructureForm({ quorum, selfId, onSubmit, onCancel }: Props) {
  const q = quorum.quorumId;
  const [threshold, setThreshold] = useState(String(quorum.threshold));
  const [cards, setCards] = useState('');
  const [remove, setRemove] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  const add = parseCardLines(cards);
  const newCount = quorum.members.length - remove.length + add.length;

  const toggle = (deviceId: string, on: boolean): void => setRemove((r) => (on ? [...r, deviceId] : r.filter((x) => x !== deviceId)));

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const t = parseThreshold(threshold, newCount);
    if ('error' in t) return setProblem(t.error);
    setProblem(null);
    onSubmit({ quorumId: q, threshold: t.threshold, add, remove });
  };

  return (
    <form className="subpanel" onSubmit={submit} data-testid="restructure-form" aria-label={`Restructure ${quorum.name}`}>
      <h3>Restructure</h3>
      <p className="hint">
        {quorum.threshold}-of-{quorum.members.length} now → {threshold}-of-{newCount} after. The group key stays the same; every member gets a new share at epoch {quorum.epoch + 1}.
      </p>
      <div className="field">
        <label htmlFor={`rs-threshold-${q}`}>New threshold</label>
        <input id={`rs-threshold-${q}`} type="number" min={2} max={newCount} value={threshold} onChange={(e) => setThreshold(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor={`rs-add-${q}`}>Cards to add (one per line)</label>
        <textarea id={`rs-add-${q}`} rows={3} value={cards} onChange={(e) => setCards(e.target.value)} spellCheck={false} aria-describedby={`rs-add-preview-${q}`} />
        <CardPreviewList text={cards} id={`rs-add-preview-${q}`} />
      </div>
      <fieldset>
        <legend>Members to remove</legend>
        {quorum.members.map((m) => (
          <div key={m.deviceId} className="check">
            <input id={`rs-remove-${q}-${m.deviceId}`} type="checkbox" checked={remove.includes(m.deviceId)} onChange={(e) => toggle(m.deviceId, e.target.checked)} />
            <label htmlFor={`rs-remove-${q}-${m.deviceId}`}>
              Remove {m.name}
              {m.deviceId === selfId ? ' (this device)' : ''} <span className="fingerprint">{m.fingerprint}</span>
            </label>
          </div>
        ))}
      </fieldset>
      <FormActions problem={problem} submitLabel="Propose restructure" onCancel={onCancel} />
    </form>
  );
}
