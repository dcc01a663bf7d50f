import { LANGUAGES, type Messages } from '../i18n';
import type { Lexicon } from './lexicon';
import { normalizeText } from './normalize';
import { recognizeSmallNumbers } from './numbers';
import { SpelledInputParser } from './spelling';

/** Digits after the IP or CE prefix, as in the demo accounts (CE100001). */
export const USER_NAME_DIGITS = 6;

/** What is wrong with an answer that is not a well-formed user name; each has its own message. */
export type UserNameProblem =
  /** Nothing that looks like a user name. */
  | 'empty'
  /** Digits without IP or CE in front, or another prefix. */
  | 'prefix'
  /** IP or CE without digits. */
  | 'missingDigits'
  /** IP or CE followed by the wrong number of digits. */
  | 'digitCount'
  /** IP or CE followed by something other than digits. */
  | 'characters';

/** The result of {@link UserNameRecognizer.recognize}. */
export type UserNameRecognition =
  { ok: true; userName: string } | { ok: false; problem: UserNameProblem; digitCount?: number };

/** How the answer was given. */
export interface UserNameRecognizeOptions {
  /** A voice channel: digits alone are keypad input (1 = IP, 2 = CE), even without the closing #. */
  keypad?: boolean;
}

/** More words than six digits can take when said as one number, with room for « et » and fillers. */
const MAX_NUMBER_WORDS = 16;

const PREFIX_BY_KEY: Record<string, string> = { '1': 'IP', '2': 'CE' };

function foldToUpper(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase();
}

function checkDigits(prefix: string, digits: string): UserNameRecognition {
  if (digits.length === 0) return { ok: false, problem: 'missingDigits' };
  if (digits.length !== USER_NAME_DIGITS)
    return { ok: false, problem: 'digitCount', digitCount: digits.length };
  return { ok: true, userName: `${prefix}${digits}` };
}

/**
 * Understands a user name (IP or CE followed by six digits) however it arrives: typed in any case with
 * spaces or hyphens ("ce 100001", "CE-100001"), inside a sentence, spelled aloud ("cé e un zéro zéro zéro
 * zéro un", "see e one zero..."), or keyed on a phone (prefix key 1 = IP or 2 = CE, the digits, then #).
 * When it cannot, it says precisely what is wrong so the bot can explain it.
 */
export class UserNameRecognizer {
  /** Normalized spoken token → the letters it stands for. */
  private readonly letters = new Map<string, string>();
  private readonly leadIns: string[];
  private readonly spelled: SpelledInputParser;

  constructor(
    messages: Messages,
    private readonly lexicon: Lexicon,
  ) {
    this.spelled = SpelledInputParser.for(messages);
    for (const lang of LANGUAGES) {
      for (const letter of ['C', 'E', 'I', 'P']) {
        for (const word of messages.list(lang, `accounts:userName.spokenLetters.${letter}`)) {
          const token = normalizeText(word);
          if (token && !this.letters.has(token)) this.letters.set(token, letter);
        }
      }
    }
    this.letters.set('ip', 'IP');
    // Longest first, so that "mon nom d'utilisateur est" goes before "nom d'utilisateur".
    this.leadIns = [
      ...new Set(LANGUAGES.flatMap((l) => messages.list(l, 'accounts:userName.leadIns')).map(normalizeText)),
    ]
      .filter((s) => s.length > 0)
      .sort((a, b) => b.length - a.length);
  }

  recognize(text: string | undefined, options: UserNameRecognizeOptions = {}): UserNameRecognition {
    const raw = (text ?? '').trim();
    if (!raw) return { ok: false, problem: 'empty' };
    const keyed = this.fromKeypad(raw, options.keypad ?? false);
    if (keyed) return keyed;
    const typed = this.fromTyped(raw);
    if (typed) return typed;
    // The shared spelling reader knows « B comme Bernard », "double zéro", "cinquante-deux"...
    const reading = this.spelled.parse(raw, 'alphanumeric');
    const spelledName = reading.complete ? /^(IP|CE)(\d*)$/.exec(reading.value) : null;
    if (spelledName) return checkDigits(spelledName[1], spelledName[2]);
    const normalized = normalizeText(raw);
    const spoken = this.fromSpoken(normalized) ?? this.fromSpoken(this.withoutLeadIn(normalized));
    if (spoken) return spoken;
    return { ok: false, problem: /\d/.test(raw) ? 'prefix' : 'empty' };
  }

  /** "2100001#", "2 1 0 0 0 0 1 #", or digits alone on a voice channel. */
  private fromKeypad(raw: string, keypad: boolean): UserNameRecognition | undefined {
    const compact = raw.replace(/\s+/g, '');
    if (!/^\d+#?$/.test(compact)) return undefined;
    if (!compact.endsWith('#') && !keypad) return { ok: false, problem: 'prefix' };
    const digits = compact.replace('#', '');
    const prefix = PREFIX_BY_KEY[digits[0]];
    if (!prefix) return { ok: false, problem: 'prefix' };
    return checkDigits(prefix, digits.slice(1));
  }

  /** "CE100001", "ce 100001", "CE-100 001", "Mon nom d'utilisateur est IP200001.". */
  private fromTyped(raw: string): UserNameRecognition | undefined {
    const folded = foldToUpper(raw);
    const match = /(?:^|[^A-Z0-9])(IP|CE)[\s\-_.]*(\d[\d\s\-_.]*)/.exec(folded);
    if (!match) {
      const attached = /^(IP|CE)[\s\-_.]*([A-Z0-9]+)$/.exec(folded.trim());
      return attached ? { ok: false, problem: 'characters' } : undefined;
    }
    const digits = match[2].replace(/\D/g, '');
    const after = folded.slice(match.index + match[0].length);
    // "CE10000L": a letter glued to the digits is a typo, not the end of the user name.
    if (/^[A-Z]/.test(after)) return { ok: false, problem: 'characters' };
    return checkDigits(match[1], digits);
  }

  /** Letters then digits as separate words: "ce e un zero zero zero zero un", "i p 2 0 0 0 0 1". */
  private fromSpoken(normalized: string): UserNameRecognition | undefined {
    const tokens = normalized.split(' ').filter((t) => t.length > 0);
    let letters = '';
    let i = 0;
    while (i < tokens.length && this.letters.has(tokens[i])) {
      letters += this.letters.get(tokens[i]);
      i += 1;
    }
    // "ce" alone is how CE is read as a word; "ce e" is C then E.
    if (letters === 'C' && tokens[0] === 'ce') letters = 'CE';
    const rest = tokens.slice(i);
    const digits = this.digitsOf(rest);
    if (letters === 'IP' || letters === 'CE') {
      return digits === undefined ? { ok: false, problem: 'characters' } : checkDigits(letters, digits);
    }
    if (letters && digits) return { ok: false, problem: 'prefix' };
    if (!letters && digits && rest.length === tokens.length) return { ok: false, problem: 'prefix' };
    return undefined;
  }

  /** The digits spoken or typed in `tokens`, or undefined when something else is there. */
  private digitsOf(tokens: string[]): string | undefined {
    let digits = '';
    for (const token of tokens) {
      if (/^\d+$/.test(token)) digits += token;
      else {
        const digit = this.lexicon.digitWord(token);
        if (digit === undefined) return this.numberOf(tokens);
        digits += digit;
      }
    }
    return digits;
  }

  /**
   * Digits said as one number ("cent mille un"): the costly recognizers run only in this case, and only on
   * what could be six digits in words (at most twelve, « neuf cent quatre-vingt-dix-neuf mille neuf cent
   * quatre-vingt-dix-neuf »): they take about 10 ms per thousand characters, so a long message must not reach them.
   */
  private numberOf(tokens: string[]): string | undefined {
    if (tokens.length > MAX_NUMBER_WORDS) return undefined;
    const values = recognizeSmallNumbers(tokens.join(' '));
    return values.length === 1 ? String(values[0]) : undefined;
  }

  private withoutLeadIn(normalized: string): string {
    for (const leadIn of this.leadIns) {
      if (normalized.startsWith(`${leadIn} `)) return normalized.slice(leadIn.length + 1);
    }
    return normalized;
  }
}
