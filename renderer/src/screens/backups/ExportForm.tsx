/**
 * Export a backup (DESIGN §6): passphrase twice, zxcvbn strength meter (score
 * 0–4 with its warning and suggestions), export disabled below 3. Electron
 * saves through a native dialog (`saveBackupFile`); a browser downloads a Blob.
 * Passphrases stay in the inputs (uncontrolled), never in React state.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { QuorumView } from '../../../../shared/api.js';
import type { RampartBridge } from '../../../../shared/bridge.js';
import { RampartError } from '../../../../shared/errors.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { usePassphraseStrength } from '../../hooks/usePassphraseStrength.js';
import { toUiError, type UiError } from '../../lib/errors.js';
import { backupFileName } from '../../lib/input.js';
import { exportBlocker, SCORE_LABELS } from '../../lib/strength.js';
import { shortHex } from '../../lib/time.js';

interface Props {
  bridge: RampartBridge;
  quorums: QuorumView[];
  deviceName: string;
  /** Preselected quorum (the "Make a fresh backup" call to action). */
  quorumId: string | null;
  onQuorumChange: (quorumId: string) => void;
  onExported: () => void;
}

interface Saved {
  name: string;
  epoch: number;
  fingerprint: string;
  /** Electron: the path written, or null if the dialog was cancelled. Browser: undefined. */
  path?: string | null;
  /** Browser: the download URL (a Blob). */
  url?: string;
  text: string;
}

export function ExportForm({ bridge, quorums, deviceName, quorumId, onQuorumChange, onExported }: Props) {
  const eligible = quorums.filter((q) => q.share === 'active');
  const selected = eligible.find((q) => q.quorumId === quorumId) ?? eligible[0];
  const pass1 = useRef<HTMLInputElement>(null);
  const pass2 = useRef<HTMLInputElement>(null);
  const { strength, check, loadError } = usePassphraseStrength();
  const [empty, setEmpty] = useState(true);
  const [matches, setMatches] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [saved, setSaved] = useState<Saved | null>(null);
  const link = useRef<HTMLAnchorElement>(null);

  const userInputs = [deviceName, selected?.name ?? '', 'rampart'];
  const onMatchInput = (): void => {
    const a = pass1.current?.value ?? '';
    setEmpty(a === '');
    setMatches(a !== '' && a === (pass2.current?.value ?? ''));
  };
  const onInput = (): void => {
    onMatchInput();
    check(pass1.current?.value ?? '', userInputs);
  };
  const blocker = selected === undefined ? 'No quorum with an active share to back up.' : exportBlocker(strength, empty, matches);

  // Browser: start the download once the link exists; revoke old Blob URLs.
  useEffect(() => {
    if (saved?.url !== undefined) link.current?.click();
    return () => {
      if (saved?.url !== undefined) URL.revokeObjectURL(saved.url);
    };
  }, [saved]);

  const save = async (name: string, text: string): Promise<Pick<Saved, 'path' | 'url'>> => {
    if (bridge.saveBackupFile !== undefined) return { path: await bridge.saveBackupFile(name, text) };
    return { url: URL.createObjectURL(new Blob([text], { type: 'application/json' })) };
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const passphrase = pass1.current?.value ?? '';
    if (selected === undefined || blocker !== null) return;
    setBusy(true);
    setError(null);
    bridge
      .exportBackup({ quorumId: selected.quorumId, passphrase })
      .then(async (r) => {
        if (r.text === undefined) throw new RampartError('INTERNAL', 'the device returned no backup text');
        if (pass1.current) pass1.current.value = '';
        if (pass2.current) pass2.current.value = '';
        onInput();
        const name = backupFileName(selected.name, r.epoch);
        setSaved({ name, epoch: r.epoch, fingerprint: r.fingerprint, text: r.text, ...(await save(name, r.text)) });
        onExported();
      })
      .catch((err: unknown) => setError(toUiError(err)))
      .finally(() => setBusy(false));
  };

  const saveAgain = (): void => {
    if (saved === null) return;
    void save(saved.name, saved.text).then((s) => setSaved({ ...saved, ...s }), (err: unknown) => setError(toUiError(err)));
  };

  return (
    <form className="panel" onSubmit={submit} data-testid="export-form" aria-labelledby="export-heading">
      <h2 id="export-heading">Export a backup</h2>
      <p className="hint">The file holds this device’s share at the current epoch, encrypted under your passphrase. The passphrase is its only protection once it leaves this device.</p>
      <div className="field">
        <label htmlFor="bk-quorum">Quorum</label>
        <select id="bk-quorum" value={selected?.quorumId ?? ''} onChange={(e) => onQuorumChange(e.target.value)} disabled={eligible.length === 0}>
          {eligible.map((q) => (
            <option key={q.quorumId} value={q.quorumId}>
              {q.name} (epoch {q.epoch})
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="bk-pass">Passphrase</label>
        <input id="bk-pass" ref={pass1} type="password" autoComplete="new-password" onInput={onInput} aria-describedby="bk-strength" />
      </div>
      <div className="field">
        <label htmlFor="bk-pass2">Repeat passphrase</label>
        <input id="bk-pass2" ref={pass2} type="password" autoComplete="new-password" onInput={onMatchInput} />
      </div>
      <div id="bk-strength" className="strength" aria-live="polite">
        <meter min={0} max={4} low={2} high={3} optimum={4} value={strength?.score ?? 0} aria-label="Passphrase strength" data-testid="strength-meter" />
        <span data-testid="strength-score" data-score={strength?.score ?? ''}>
          {strength !== null ? `Strength: ${strength.score} of 4 (${SCORE_LABELS[strength.score]})` : empty ? 'Strength: —' : 'Strength: checking…'}
        </span>
        {strength !== null && strength.warning !== '' && (
          <p className="warning-text" data-testid="strength-warning">
            {strength.warning}
          </p>
        )}
        {strength !== null && strength.suggestions.length > 0 && (
          <ul data-testid="strength-suggestions">
            {strength.suggestions.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        )}
        {loadError && <p role="alert">The strength checker could not load; the device will still refuse a weak passphrase.</p>}
      </div>
      {blocker !== null && !empty && (
        <p className="hint" id="bk-blocker" data-testid="export-blocker">
          {blocker}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || blocker !== null} aria-describedby={blocker !== null && !empty ? 'bk-blocker' : undefined}>
          {busy ? 'Exporting…' : 'Export backup'}
        </button>
      </div>
      {error !== null && <ErrorBox error={error} title="Export failed" />}
      {saved !== null && (
        <div className="success" role="status" data-testid="export-result">
          <p>
            Backup of epoch {saved.epoch} made (fingerprint <code title={saved.fingerprint}>{shortHex(saved.fingerprint)}</code>).{' '}
            {saved.path === null && 'Saving was cancelled: no file was written.'}
            {typeof saved.path === 'string' && <>Saved to <code>{saved.path}</code>.</>}
          </p>
          {saved.url !== undefined && (
            <a ref={link} href={saved.url} download={saved.name} data-testid="backup-download">
              Download {saved.name}
            </a>
          )}
          {saved.path === null && (
            <button type="button" onClick={saveAgain}>
              Save file…
            </button>
          )}
        </div>
      )}
    </form>
  );
}
