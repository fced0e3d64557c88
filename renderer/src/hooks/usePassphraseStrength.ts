/**
 * zxcvbn's verdict on a passphrase (shared/backup/passphrase.ts). The module
 * and its dictionaries (~1.6 MB) load with the Backups screen and are warmed
 * up once the screen is idle; checks run 250 ms after the last keystroke
 * (a long passphrase can take zxcvbn a good fraction of a second). While a
 * check is due, `strength` is null, so the export gate never uses a stale
 * score. The passphrase itself is never stored in React state, only its score.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PassphraseStrength } from '../../../shared/backup/passphrase.js';

type Module = typeof import('../../../shared/backup/passphrase.js');

/** Wait after the last keystroke before scoring. */
const DEBOUNCE_MS = 250;

export interface StrengthState {
  /** The score of the current input; null while empty or being checked. */
  strength: PassphraseStrength | null;
  /** Re-scores `passphrase`; '' clears the meter. */
  check: (passphrase: string, userInputs: readonly string[]) => void;
  loadError: boolean;
}

let loading: Promise<Module> | undefined;
const load = (): Promise<Module> => (loading ??= import('../../../shared/backup/passphrase.js'));

export function usePassphraseStrength(): StrengthState {
  const [strength, setStrength] = useState<PassphraseStrength | null>(null);
  const [loadError, setLoadError] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(0);

  // Load and warm up zxcvbn (building its ranked dictionaries) before the first keystroke.
  useEffect(() => {
    const warm = setTimeout(() => {
      load().then(
        (m) => m.passphraseStrength('warm-up'),
        () => setLoadError(true),
      );
    }, 300);
    return () => {
      clearTimeout(warm);
      clearTimeout(timer.current);
    };
  }, []);

  const check = useCallback((passphrase: string, userInputs: readonly string[]) => {
    const seq = ++latest.current;
    clearTimeout(timer.current);
    setStrength(null);
    if (passphrase === '') return;
    timer.current = setTimeout(() => {
      load().then(
        (m) => {
          if (seq === latest.current) setStrength(m.passphraseStrength(passphrase, userInputs));
        },
        () => setLoadError(true),
      );
    }, DEBOUNCE_MS);
  }, []);

  return { strength, check, loadError };
}
