/** "New quorum": name, suite, threshold and the other members' cards → `createQuorum` (DKG). */
import { useState, type FormEvent } from 'react';
import type { CommandParams } from '../../../../shared/api.js';
import { CardPreviewList } from '../../components/CardPreviewList.js';
import { parseCardLines, parseThreshold } from '../../lib/input.js';
import { FormActions } from '../../components/FormActions.js';

type Suite = CommandParams<'createQuorum'>['suite'];

/** Suite choices; typed against the API so a new suite fails to compile here until labelled. */
const SUITES: Record<Suite, string> = {
  ed25519: 'Ed25519 (RFC 9591 FROST)',
  'secp256k1-tr': 'secp256k1, BIP-340 Taproot',
};

interface Props {
  onSubmit: (p: CommandParams<'createQuorum'>) => void;
  onCancel: () => void;
}

export function NewQuorumForm({ onSubmit, onCancel }: Props) {
  const [name, setName] = useState('');
  const [suite, setSuite] = useState<Suite>('ed25519');
  const [threshold, setThreshold] = useState('2');
  const [cards, setCards] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const members = parseCardLines(cards);
    const t = parseThreshold(threshold, members.length + 1);
    if (name.trim() === '') return setProblem('Give the quorum a name.');
    if (members.length === 0) return setProblem('Paste at least one other member’s card.');
    if ('error' in t) return setProblem(t.error);
    setProblem(null);
    onSubmit({ name: name.trim(), suite, threshold: t.threshold, members });
  };

  return (
    <form className="panel" onSubmit={submit} data-testid="new-quorum-form" aria-labelledby="new-quorum-heading">
      <h2 id="new-quorum-heading">New quorum</h2>
      <div className="field">
        <label htmlFor="nq-name">Quorum name</label>
        <input id="nq-name" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="nq-suite">Suite</label>
        <select id="nq-suite" value={suite} onChange={(e) => setSuite(e.target.value as Suite)}>
          {(Object.keys(SUITES) as Suite[]).map((s) => (
            <option key={s} value={s}>
              {SUITES[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="nq-threshold">Threshold (signers needed)</label>
        <input id="nq-threshold" type="number" min={2} inputMode="numeric" value={threshold} onChange={(e) => setThreshold(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="nq-cards">Member cards (one per line)</label>
        <textarea id="nq-cards" rows={4} value={cards} onChange={(e) => setCards(e.target.value)} aria-describedby="nq-cards-hint nq-cards-preview" spellCheck={false} />
        <p id="nq-cards-hint" className="hint">
          This device is included automatically. Check each fingerprint with its holder.
        </p>
        <CardPreviewList text={cards} id="nq-cards-preview" />
      </div>
      <FormActions problem={problem} submitLabel="Create quorum" onCancel={onCancel} />
    </form>
  );
}
