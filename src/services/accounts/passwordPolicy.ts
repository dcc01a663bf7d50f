import { InlineStrengthEstimator, type StrengthEstimator } from './strengthEstimator';

/** Why a new password is refused; each reason has a plain-language explanation in locales/<lang>/accounts.json. */
export type PolicyReason =
  'tooShort' | 'tooLong' | 'containsUserName' | 'containsName' | 'recentlyUsed' | 'weak';

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

/** Letters only, upper case, accents removed: « Côté » and « cote » compare equal. */
function foldName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]/gu, '')
    .toUpperCase();
}

/** The length, user-name and strength rules for a new password. */
export class PasswordPolicy {
  /** @param strength how guessability is estimated; on the calling thread unless told otherwise. */
  constructor(private readonly strength: StrengthEstimator = new InlineStrengthEstimator()) {}

  /**
   * Checks a candidate against the rules that do not depend on history.
   * @param personalWords - words about the user (names) that make a password easy to guess.
   */
  async evaluate(candidate: string, userName: string, personalWords: string[] = []): Promise<PolicyVerdict> {
    if ([...candidate].length < PASSWORD_MIN_LENGTH) return { ok: false, reason: 'tooShort' };
    if ([...candidate].length > PASSWORD_MAX_LENGTH) return { ok: false, reason: 'tooLong' };
    const folded = candidate.replace(/[\s\-_.]/g, '').toUpperCase();
    if (folded.includes(userName.toUpperCase())) return { ok: false, reason: 'containsUserName' };
    // First and last name together (« Sophie-Roy-Pharmacie »): the first thing anyone who knows the user tries,
    // though a guessability estimate that sees a third word may still rate it strong.
    const names = personalWords.map(foldName).filter((w) => w.length >= 2);
    if (names.length >= 2 && names.every((name) => foldName(candidate).includes(name))) {
      return { ok: false, reason: 'containsName' };
    }
    const result = await this.strength.estimate(candidate, [userName, ...personalWords]);
    if (result.score >= PASSWORD_MIN_SCORE) return { ok: true };
    const hint = result.hints.find((key) => STRENGTH_HINTS.includes(key));
    return hint ? { ok: false, reason: 'weak', hint } : { ok: false, reason: 'weak' };
  }
}
