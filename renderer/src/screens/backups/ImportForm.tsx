/**
 * Import a backup (DESIGN §6 import policy), with the outcome in words:
 * BACKUP_STALE is blocked (and why), BACKUP_UNVERIFIED is a warning the holder
 * may override ("I understand; restore anyway"), anything else an error.
 */
import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { CommandResult } from '../../../../shared/api.js';
import type { RampartBridge } from '../../../../shared/bridge.js';
import { explainImportError, toUiError, type ImportOutcome } from '../../lib/errors.js';

interface Props {
  bridge: RampartBridge;
  onImported: () => void;
}

interface Chosen {
  name: string;
  text: string;
}

export function ImportForm({ bridge, onImported }: Props) {
  const pass = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<Chosen | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const [accept, setAccept] = useState(false);
  const [result, setResult] = useState<CommandResult<'importBackup'> | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const chooseNative = (): void => {
    bridge.openBackupFile?.().then(
      (f) => f !== null && pick(f),
      (e: unknown) => setProblem(toUiError(e).message),
    );
  };
  const chooseFile = (e: ChangeEvent<HTMLInputElement>): void => {
    const f = e.target.files?.[0];
    if (f === undefined) return setFile(null);
    f.text().then(
      (text) => pick({ name: f.name, text }),
      () => setProblem('Could not read the file.'),
    );
  };
  const pick = (f: Chosen): void => {
    setFile(f);
    setOutcome(null);
    setResult(null);
    setAccept(false);
    setProblem(null);
  };

  const run = (acceptUnverified: boolean): void => {
    const passphrase = pass.current?.value ?? '';
    if (file === null) return setProblem('Choose a backup file.');
    if (passphrase === '') return setProblem('Enter the backup’s passphrase.');
    setProblem(null);
    setBusy(true);
    bridge
      .importBackup({ text: file.text, passphrase, acceptUnverified })
      .then((r) => {
        setResult(r);
        setOutcome(null);
        if (pass.current) pass.current.value = '';
        onImported();
      })
      .catch((e: unknown) => {
        setResult(null);
        setOutcome(explainImportError(toUiError(e)));
        setAccept(false);
      })
      .finally(() => setBusy(false));
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    run(false);
  };

  return (
    <form className="panel" onSubmit={submit} data-testid="import-form" aria-labelledby="import-heading">
      <h2 id="import-heading">Import a backup</h2>
      {bridge.openBackupFile !== undefined ? (
        <div className="field">
          <span className="label" id="bk-file-label">
            Backup file
          </span>
          <button type="button" onClick={chooseNative} aria-describedby="bk-file-label bk-file-name">
            Choose backup file…
          </button>
          <span id="bk-file-name" className="hint">
            {file === null ? ' No file chosen' : ` ${file.name}`}
          </span>
        </div>
      ) : (
        <div className="field">
          <label htmlFor="bk-file">Backup file</label>
          <input id="bk-file" type="file" accept=".rampart-backup,application/json" onChange={chooseFile} />
        </div>
      )}
      <div className="field">
        <label htmlFor="bk-import-pass">Backup passphrase</label>
        <input id="bk-import-pass" ref={pass} type="password" autoComplete="current-password" />
      </div>
      {problem !== null && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Importing…' : 'Import backup'}
        </button>
      </div>

      {result !== null && (
        <div className="success" role="status" data-testid="import-result" data-basis={result.basis}>
          <p>
            <strong>Restored:</strong> epoch {result.epoch} of quorum <code>{result.quorumId}</code>.
          </p>
          <p>{result.message}</p>
          {result.identityReplaced && <p>This device took the backed-up device’s identity; the device service restarts under it.</p>}
        </div>
      )}
      {outcome !== null && (
        <div className={`outcome ${outcome.severity}`} role="alert" data-testid="import-outcome" data-severity={outcome.severity}>
          <h3>{outcome.title}</h3>
          <p data-testid="import-message">{outcome.message}</p>
          <p>{outcome.explanation}</p>
          {outcome.canAcceptUnverified && (
            <>
              <div className="check">
                <input id="bk-accept" type="checkbox" checked={accept} onChange={(e) => setAccept(e.target.checked)} />
                <label htmlFor="bk-accept">I understand; restore anyway</label>
              </div>
              <button type="button" className="danger" disabled={!accept || busy} onClick={() => run(true)}>
                Restore anyway
              </button>
            </>
          )}
        </div>
      )}
    </form>
  );
}
