/** The backup passphrase strength meter's words (zxcvbn score 0–4, DESIGN §6). Pure. */
import type { PassphraseStrength } from '../../../shared/backup/passphrase.js';

/** Lowest score the device accepts (mirrors MIN_PASSPHRASE_SCORE without loading zxcvbn). */
export const MIN_SCORE = 3;

/** zxcvbn's own wording of each score. */
export const SCORE_LABELS = ['Too guessable', 'Very guessable', 'Somewhat guessable', 'Safely unguessable', 'Very unguessable'] as const;

/** Why export is disabled, or null when the passphrase may be used. */
export function exportBlocker(strength: PassphraseStrength | null, passphraseEmpty: boolean, matches: boolean): string | null {
  if (passphraseEmpty) return 'Choose a passphrase.';
  if (strength === null) return 'Checking the passphrase…';
  if (strength.score < MIN_SCORE) return `The passphrase is too weak (${strength.score} of 4; at least ${MIN_SCORE} is required).`;
  if (!matches) return 'The two passphrases do not match.';
  return null;
}
