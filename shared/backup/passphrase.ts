/**
 * Judging a backup passphrase (DESIGN §6): the file leaves the device, so its
 * passphrase is all that stands between a thief and the share. Strength is
 * zxcvbn's estimate (@zxcvbn-ts, pure JS, English and common dictionaries and
 * keyboard graphs); scores below 3 ("safely unguessable: moderate protection
 * from offline slow-hash scenario") are refused.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as enDictionary, translations } from '@zxcvbn-ts/language-en';
import { RampartError } from '../errors.js';

/** Lowest zxcvbn score (0..4) accepted for a backup passphrase. */
export const MIN_PASSPHRASE_SCORE = 3;

/** zxcvbn's verdict: score 0 (too guessable) .. 4 (very unguessable), and its advice in English. */
export interface PassphraseStrength {
  score: 0 | 1 | 2 | 3 | 4;
  /** Why it is weak ('' when zxcvbn has nothing to say). */
  warning: string;
  suggestions: string[];
}

let factory: ZxcvbnFactory | undefined;

/** The zxcvbn instance, built on first use (ranking the dictionaries takes a moment). */
function zxcvbn(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    translations,
    graphs: adjacencyGraphs,
    dictionary: { ...commonDictionary, ...enDictionary },
  });
  return factory;
}

/**
 * Estimates a passphrase's strength. `userInputs` are words an attacker would
 * try first (device, quorum or user names); they lower the score if used.
 */
export function passphraseStrength(passphrase: string, userInputs: readonly string[] = []): PassphraseStrength {
  const r = zxcvbn().check(passphrase, [...userInputs]);
  return { score: r.score, warning: r.feedback.warning ?? '', suggestions: [...r.feedback.suggestions] };
}

/** Throws PASSPHRASE_WEAK, with zxcvbn's warning and suggestions, when the score is below MIN_PASSPHRASE_SCORE. */
export function assertStrongPassphrase(passphrase: string, userInputs: readonly string[] = []): void {
  const s = passphraseStrength(passphrase, userInputs);
  if (s.score >= MIN_PASSPHRASE_SCORE) return;
  const advice = [s.warning, ...s.suggestions].filter((x) => x !== '').join(' ');
  throw new RampartError(
    'PASSPHRASE_WEAK',
    `backup passphrase is too weak (strength ${s.score} of 4; at least ${MIN_PASSPHRASE_SCORE} is required)${advice === '' ? '' : `: ${advice}`}`,
  );
}
