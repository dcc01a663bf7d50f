import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnFr from '@zxcvbn-ts/language-fr';

/** Why a new password is refused; each reason has a plain-language explanation in locales/<lang>/accounts.json. */
export type PolicyReason = 'tooShort' | 'tooLong' | 'containsUserName' | 'recentlyUsed' | 'weak';

/** The verdict on a candidate password. `hint` names zxcvbn's warning or suggestion when the reason is `weak`. */
export type PolicyVerdict = { ok: true } | { ok: false; reason: PolicyReason; hint?: string };

/** Shortest password accepted (issue 3). */
export const PASSWORD_MIN_LENGTH = 10;
/** zxcvbn's running time grows with length; no real password needs more. */
export const PASSWORD_MAX_LENGTH = 128;
/** zxcvbn scores go from 0 to 4; 3 means « safely unguessable » for an online attack with throttling. */
export const PASSWORD_MIN_SCORE = 3;

/** zxcvbn warning and suggestion keys that have their own sentence in the locale files. */
export const STRENGTH_HINTS: readonly string[] = [
  'straightRow',
  'keyPattern',
  'simpleRepeat',
  'extendedRepeat',
  'sequences',
  'recentYears',
  'dates',
  'topTen',
  'topHundred',
  'common',
  'similarToCommon',
  'wordByItself',
  'namesByThemselves',
  'commonNames',
  'userInputs',
  'capitalization',
  'allUppercase',
  'anotherWord',
];

let estimator: ZxcvbnFactory | undefined;

/** The estimator with its dictionaries, built once per process however many applications are built. */
function sharedEstimator(): ZxcvbnFactory {
  // No translations on purpose: zxcvbn then returns its message keys, which the bot words itself in
  // French or English instead of showing the library's sentences.
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnFr.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
  });
  return estimator;
}

/**
 * The parts of the policy that need no stored history: length, the user name, and strength measured by
 * zxcvbn-ts with its common and French dictionaries. The dictionaries are loaded once per process, on first
 * use (about 100 ms); a check then takes a few tens of milliseconds.
 */
export class PasswordPolicy {
  private readonly zxcvbn: ZxcvbnFactory = sharedEstimator();

  /**
   * Checks a candidate against the rules that do not depend on history.
   * @param personalWords - words about the user (names) that make a password easy to guess.
   */
  evaluate(candidate: string, userName: string, personalWords: string[] = []): PolicyVerdict {
    if ([...candidate].length < PASSWORD_MIN_LENGTH) return { ok: false, reason: 'tooShort' };
    if ([...candidate].length > PASSWORD_MAX_LENGTH) return { ok: false, reason: 'tooLong' };
    const folded = candidate.replace(/[\s\-_.]/g, '').toUpperCase();
    if (folded.includes(userName.toUpperCase())) return { ok: false, reason: 'containsUserName' };
    const result = this.zxcvbn.check(candidate, [userName, ...personalWords]);
    if (result.score >= PASSWORD_MIN_SCORE) return { ok: true };
    const hint = [result.feedback.warning, ...result.feedback.suggestions].find(
      (key): key is string => typeof key === 'string' && STRENGTH_HINTS.includes(key),
    );
    return hint ? { ok: false, reason: 'weak', hint } : { ok: false, reason: 'weak' };
  }
}
