/** "Sign": a message (hex) and a description the approvers will read → `sign`. */
import { useState, type FormEvent } from 'react';
import type { CommandParams, QuorumView } from '../../../../shared/api.js';
import { parseMessageHex } from '../../lib/input.js';
import { FormActions } from '../../components/FormActions.js';

interface Props {
  quorum: QuorumView;
  onSubmit: (p: CommandParams<'sign'>) => void;
  onCancel: () => void;
}

export function SignForm({ quorum, onSubmit, onCancel }: Props) {
  const q = quorum.quorumId;
  const [message, setMessage] = useState('');
  const [description, setDescription] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const m = parseMessageHex(message);
    if ('error' in m) return setProblem(m.error);
    setProblem(null);
    onSubmit({ quorumId: q, message: m.hex, description: description.trim() });
  };

  return (
    <form className="subpanel" onSubmit={submit} data-testid="sign-form" aria-label={`Sign with ${quorum.name}`}>
      <h3>Sign a message</h3>
      <div className="field">
        <label htmlFor={`sign-message-${q}`}>Message (hex)</label>
        <textarea id={`sign-message-${q}`} rows={3} value={message} onChange={(e) => setMessage(e.target.value)} spellCheck={false} />
      </div>
      <div className="field">
        <label htmlFor={`sign-description-${q}`}>Description</label>
        <input id={`sign-description-${q}`} value={description} maxLength={500} onChange={(e) => setDescription(e.target.value)} />
        <p className="hint">Approvers see this description next to the message.</p>
      </div>
      <FormActions problem={problem} submitLabel="Request signature" onCancel={onCancel} />
    </form>
  );
}
