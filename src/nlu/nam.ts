import { inspect } from 'node:util';
import { normalizeText } from './normalize';

/**
 * Québec health insurance numbers (numéro d'assurance maladie, NAM): four letters (three of the family name,
 * one of the given name), then YYMMDD (month + 50 for women) and two administrative digits.
 *
 * The full number is personal data: it must never reach a log, a trace, a transcript or persisted state. The
 * {@link Nam} value object enforces this by construction — it serializes, prints and inspects as its masked
 * form, and the full value is only handed out by an explicit {@link Nam.reveal} call.
 */

/** How many characters of a NAM may ever be shown, spoken or logged: the last four. */
export const NAM_VISIBLE_CHARS = 4;

const MASK_CHAR = '*';

/** Masks every character but the last four: `BOUM55081212` → `********1212`. Works on any string. */
export function maskNam(value: string): string {
  const compact = value.replace(/[\s-]/g, '');
  if (compact.length <= NAM_VISIBLE_CHARS) return MASK_CHAR.repeat(compact.length);
  return MASK_CHAR.repeat(compact.length - NAM_VISIBLE_CHARS) + compact.slice(-NAM_VISIBLE_CHARS);
}

// Four letters then 8 digits, possibly split by spaces, hyphens or periods (which parseNam reads too): what a
// typed NAM looks like inside free text. Glued to what follows (« GAGS72620314X ») it is still one; after a
// fifth letter it is not, so that a word that merely ends in four letters is left alone.
// Typed one character at a time (« G A G S 7 2 6 2 0 3 1 4 ») it is one too.
// The bot reads a NAM whatever its spacing and punctuation (« BOUM  5508  1212 », « BOUM 550 812 12 »,
// « B.O.U.M. 5508 / 1212 »), so it is masked whatever they are too; with irregular spacing, the eight digits
// must not run on into a ninth, or « cell 514 555 1234 » would be taken for one.
const NAM_SEPARATOR = String.raw`[\s._/\\|,:;\u0000-]`;
const NAM_LIKE = new RegExp(
  String.raw`(?<![A-Za-z])(?:[A-Za-z]{4}[\s.-]?\d{2}[\s.-]?\d{2}[\s.-]?\d{2}[\s.-]?\d{2}|(?:[A-Za-z] ){4}(?:\d ?){7}\d` +
    `|[A-Za-z]{4}(?:${NAM_SEPARATOR}*\\d){8}(?!\\d)` +
    `|(?:[A-Za-z]${NAM_SEPARATOR}+){3}[A-Za-z](?:${NAM_SEPARATOR}*\\d){8}(?!\\d))`,
  'g',
);
// Characters that are not plain ASCII, some of which NFKC turns into letters or digits (full width « ＧＡＧＳ »).
// eslint-disable-next-line no-control-regex
const NOT_ASCII = /[^\u0000-\u007F]/;

/**
 * Folds each character to the ASCII letter or digit it stands for under NFKC (« Ｇ » → « G », « ７ » → « 7 »),
 * one character for one, so that positions in the folded text are positions in the original.
 */
function foldForNams(chars: string[]): string {
  return chars
    .map((ch) => {
      if (ch.length === 1 && !NOT_ASCII.test(ch)) return ch;
      const folded = ch.normalize('NFKC');
      if (/^[A-Za-z0-9]$/.test(folded)) return folded;
      // Spaces of any width, and invisible characters (« GAGS\u200B72620314 »), separate as a space does.
      if (/^[\s\p{Cf}]$/u.test(folded)) return ' ';
      // Anything else is neither letter, digit nor space of a NAM: one non-word character in its place.
      return '\u0000';
    })
    .join('');
}

/**
 * Masks anything that looks like a NAM inside free text (error messages, third-party strings, what the user
 * typed and is said back) before logging or showing it, in whatever width it was typed.
 */
export function redactNams(text: string): string {
  const masked = (match: string) => maskNam(match.replace(/[^A-Za-z0-9]/g, ''));
  if (!NOT_ASCII.test(text)) return text.replace(NAM_LIKE, masked);
  const chars = Array.from(text);
  const folded = foldForNams(chars);
  let out = '';
  let last = 0;
  for (const match of folded.matchAll(NAM_LIKE)) {
    const start = match.index ?? 0;
    out += chars.slice(last, start).join('') + masked(match[0]);
    last = start + match[0].length;
  }
  return out + chars.slice(last).join('');
}

/** A valid NAM. Prints, serializes and inspects masked; {@link reveal} is the only way to the full value. */
export class Nam {
  readonly #value: string;

  private constructor(value: string) {
    this.#value = value;
  }

  /** @internal Built by {@link parseNam} only, after validation. */
  static fromValidated(value: string): Nam {
    return new Nam(value);
  }

  /** The full number, for the request service only: never log, trace, store or display it. */
  reveal(): string {
    return this.#value;
  }

  /** The last four characters, the only part that may be said back to the user. */
  get lastFour(): string {
    return this.#value.slice(-NAM_VISIBLE_CHARS);
  }

  /** `********1212`: for logs and audit entries. */
  masked(): string {
    return maskNam(this.#value);
  }

  /** 'F' when the month carries the +50 women's offset. */
  get sex(): 'F' | 'M' {
    return Number(this.#value.slice(6, 8)) > 50 ? 'F' : 'M';
  }

  equals(other: Nam): boolean {
    return other.#value === this.#value;
  }

  toString(): string {
    return this.masked();
  }

  toJSON(): string {
    return this.masked();
  }

  [inspect.custom](): string {
    return `Nam(${this.masked()})`;
  }
}

/** Why a NAM was refused, precisely enough to tell the user which part to fix. */
export type NamProblem =
  /** Nothing that looks like letters or digits of a NAM. */
  | { reason: 'unreadable' }
  /** The first part must be exactly four letters; `letters` is how many were heard before the digits. */
  | { reason: 'letters'; letters: number }
  /** The second part must be exactly eight digits; `digits` is how many were heard. */
  | { reason: 'digits'; digits: number }
  /** Positions 7–8 must be a month 01–12 (51–62 for women). */
  | { reason: 'month'; month: string }
  /** Positions 9–10 must be a day that exists in that month. */
  | { reason: 'day'; day: string; month: number };

/** The outcome of reading a NAM from an utterance. */
export type NamParseResult =
  | { ok: true; nam: Nam }
  /** Four letters and no digit yet: on the phone the caller may say the letters, then key the digits. */
  | { ok: false; problem: { reason: 'digits'; digits: 0 }; letters: string }
  | { ok: false; problem: NamProblem; letters?: undefined };

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Checks the date part: month 01–12 or 51–62, and a day that exists in that month. The century is unknown,
 * so 29 February is accepted when the two-digit year is a multiple of 4 (2000 was a leap year, so 00 is too).
 */
export function checkNamDate(digits: string): NamProblem | undefined {
  const yy = Number(digits.slice(0, 2));
  const mm = digits.slice(2, 4);
  const dd = digits.slice(4, 6);
  let month = Number(mm);
  if (month > 50) month -= 50;
  if (month < 1 || month > 12) return { reason: 'month', month: mm };
  const day = Number(dd);
  const max = month === 2 && yy % 4 !== 0 ? 28 : DAYS_IN_MONTH[month - 1];
  if (day < 1 || day > max) return { reason: 'day', day: dd, month };
  return undefined;
}

/** Validates 4 letters + 8 digits already put together (uppercase or not). */
export function validateNam(letters: string, digits: string): NamParseResult {
  if (!/^[a-z]{4}$/i.test(letters))
    return { ok: false, problem: { reason: 'letters', letters: letters.length } };
  if (!/^\d{8}$/.test(digits)) {
    if (digits.length === 0) return { ok: false, problem: { reason: 'digits', digits: 0 }, letters };
    return { ok: false, problem: { reason: 'digits', digits: digits.length } };
  }
  const dateProblem = checkNamDate(digits);
  if (dateProblem) return { ok: false, problem: dateProblem };
  return { ok: true, nam: Nam.fromValidated(`${letters.toUpperCase()}${digits}`) };
}

// ---------------------------------------------------------------------------------------------------------
// Spoken and spelled forms. Tables are built once at module load; a turn only does map lookups.

/** Letter names as typed or transcribed, French first, then English ("bé", "effe", "double vé", "zed"). */
const LETTER_NAME_TABLE: Record<string, string> = {
  a: 'a',
  ah: 'a',
  be: 'b',
  bee: 'b',
  ce: 'c',
  c: 'c',
  see: 'c',
  sea: 'c',
  de: 'd',
  dee: 'd',
  e: 'e',
  eu: 'e',
  ef: 'f',
  eff: 'f',
  effe: 'f',
  ge: 'g',
  gee: 'g',
  ache: 'h',
  hache: 'h',
  aitch: 'h',
  i: 'i',
  eye: 'i',
  ji: 'j',
  gi: 'j',
  jay: 'j',
  ka: 'k',
  kay: 'k',
  elle: 'l',
  el: 'l',
  ell: 'l',
  aile: 'l',
  emme: 'm',
  em: 'm',
  aime: 'm',
  enne: 'n',
  en: 'n',
  haine: 'n',
  o: 'o',
  oh: 'o',
  eau: 'o',
  pe: 'p',
  pee: 'p',
  ku: 'q',
  cu: 'q',
  cue: 'q',
  queue: 'q',
  erre: 'r',
  err: 'r',
  ar: 'r',
  are: 'r',
  esse: 's',
  es: 's',
  ess: 's',
  te: 't',
  tee: 't',
  tea: 't',
  u: 'u',
  you: 'u',
  ve: 'v',
  vee: 'v',
  ixe: 'x',
  iks: 'x',
  ex: 'x',
  igrec: 'y',
  why: 'y',
  zede: 'z',
  zed: 'z',
  zee: 'z',
};
// Single letters typed one by one ("b o u m") are their own names.
for (const ch of 'abcdefghijklmnopqrstuvwxyz') LETTER_NAME_TABLE[ch] ??= ch;
// Maps rather than objects: a word such as "constructor" must not find an inherited property.
const LETTER_NAMES = new Map(Object.entries(LETTER_NAME_TABLE));

/** Two-word letter names. */
const LETTER_PAIRS = new Map<string, string>(
  Object.entries({
    'double ve': 'w',
    'double v': 'w',
    'double vee': 'w',
    'double you': 'w',
    'double u': 'w',
    'i grec': 'y',
  }),
);

/** Words that introduce a spelling example: "B comme Bernard", "B as in Bravo", "B pour Bernard". */
const SPELLING_MARKERS = new Set(['comme', 'pour', 'like', 'for']);

const UNITS = new Map<string, number>(
  Object.entries({
    zero: 0,
    un: 1,
    une: 1,
    deux: 2,
    trois: 3,
    quatre: 4,
    cinq: 5,
    six: 6,
    sept: 7,
    huit: 8,
    neuf: 9,
    one: 1,
    two: 2,
    three: 3,
    four: 4,
    five: 5,
    seven: 7,
    eight: 8,
    nine: 9,
  }),
);
const TEENS = new Map<string, number>(
  Object.entries({
    dix: 10,
    onze: 11,
    douze: 12,
    treize: 13,
    quatorze: 14,
    quinze: 15,
    seize: 16,
    ten: 10,
    eleven: 11,
    twelve: 12,
    thirteen: 13,
    fourteen: 14,
    fifteen: 15,
    sixteen: 16,
    seventeen: 17,
    eighteen: 18,
    nineteen: 19,
  }),
);
const TENS = new Map<string, number>(
  Object.entries({
    vingt: 20,
    vingts: 20,
    trente: 30,
    quarante: 40,
    cinquante: 50,
    soixante: 60,
    septante: 70,
    huitante: 80,
    octante: 80,
    nonante: 90,
    twenty: 20,
    thirty: 30,
    forty: 40,
    fifty: 50,
    sixty: 60,
    seventy: 70,
    eighty: 80,
    ninety: 90,
  }),
);

/** Words that carry nothing in "mon NAM, c'est le ...": skipped. Letter names such as "de" are not here. */
const FILLERS = new Set([
  "c'",
  'est',
  "it'",
  's',
  'is',
  'le',
  'la',
  'les',
  'mon',
  'ma',
  'son',
  'sa',
  'my',
  'his',
  'her',
  'the',
  'numero',
  'number',
  'nam',
  "d'",
  'assurance',
  'maladie',
  'health',
  'insurance',
  'euh',
  'heu',
  'hum',
  'um',
  'uh',
  'alors',
  'donc',
  'voici',
  'ok',
  'oui',
  'yes',
  'and',
  'puis',
  'then',
  'ensuite',
  'tiret',
  'trait',
  'dash',
  'espace',
  'space',
  'lettre',
  'lettres',
  'letter',
  'letters',
  'chiffre',
  'chiffres',
  'digit',
  'digits',
  'in',
  'majuscule',
  'capital',
]);

interface Reading {
  letters: string;
  digits: string;
  /** A digit came before the fourth letter. */
  misordered: boolean;
  /** Tokens that were neither letters, digits, number words nor fillers. */
  unknown: number;
}

/** Reads a number phrase starting at `i` ("quatre vingt dix sept", "soixante et onze", "fifty five"). */
function readNumberWords(tokens: string[], i: number): { value: number; next: number } | undefined {
  const t = tokens[i];
  const at = (k: number) => tokens[i + k];
  // A unit word ("trois") or a teen ("dix sept") after a tens word.
  const readLow = (j: number): { value: number; next: number } | undefined => {
    const w = tokens[j];
    if (w === 'et' || w === 'and') {
      const after = readLow(j + 1);
      return after;
    }
    if (w === 'dix' && ['sept', 'huit', 'neuf'].includes(tokens[j + 1] ?? '')) {
      return { value: 10 + (UNITS.get(tokens[j + 1]) ?? 0), next: j + 2 };
    }
    if (w !== undefined && TEENS.has(w)) return { value: TEENS.get(w) ?? 0, next: j + 1 };
    if (w !== undefined && (UNITS.get(w) ?? 0) > 0) return { value: UNITS.get(w) ?? 0, next: j + 1 };
    return undefined;
  };
  if (t === 'quatre' && (at(1) === 'vingt' || at(1) === 'vingts')) {
    const low = readLow(i + 2);
    return low ? { value: 80 + low.value, next: low.next } : { value: 80, next: i + 2 };
  }
  const base = TENS.get(t);
  if (base !== undefined) {
    const low = readLow(i + 1);
    // "soixante dix" is 70 and "quatre vingt dix" 90, but "vingt dix" is not a number: keep 20, then 10.
    if (low && (low.value < 10 || base === 60 || base === 80)) {
      return { value: base + low.value, next: low.next };
    }
    return { value: base, next: i + 1 };
  }
  if (t === 'dix' && ['sept', 'huit', 'neuf'].includes(at(1) ?? '')) {
    return { value: 10 + (UNITS.get(at(1)) ?? 0), next: i + 2 };
  }
  const teen = TEENS.get(t);
  if (teen !== undefined) return { value: teen, next: i + 1 };
  const unit = UNITS.get(t);
  if (unit !== undefined) return { value: unit, next: i + 1 };
  return undefined;
}

function twoDigits(value: number): string {
  return value < 10 ? String(value) : String(value).padStart(2, '0');
}

/**
 * Letter names that are also everyday words ("de", "en", "a", "elle", "see"): letters only while letters are
 * expected, skipped after the fourth letter so that "BOUM de 5508 1212" still reads.
 */
const COMMON_WORD_LETTERS = new Set([
  'a',
  'ah',
  'ce',
  'de',
  'e',
  'eu',
  'en',
  'es',
  'elle',
  'el',
  'em',
  'te',
  'eau',
  'aime',
  'aile',
  'haine',
  'see',
  'sea',
  'are',
  'you',
  'tea',
  'why',
  'ex',
]);

/** Reads letters and digits from spelled, spoken or keyed tokens, in order. */
function readTokens(tokens: string[]): Reading {
  const r: Reading = { letters: '', digits: '', misordered: false, unknown: 0 };
  const addLetter = (letter: string) => {
    if (r.digits.length > 0) r.misordered = true;
    r.letters += letter;
  };
  const addDigits = (digits: string) => {
    if (r.letters.length > 0 && r.letters.length < 4) r.misordered = true;
    r.digits += digits;
  };
  // Before the four letters are complete, an ambiguous word ("oh", "de") is a letter; after, it is not.
  const wantsLetters = () => r.letters.length < 4 && r.digits.length === 0;
  const isLetterToken = (token: string | undefined) => token !== undefined && LETTER_NAMES.has(token);
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    const next = tokens[i + 1];
    // "B comme Bernard", "B pour Bernard": the example confirms the letter just read. "comme Bernard" alone
    // gives its initial.
    if (SPELLING_MARKERS.has(t) && next && /^[a-z]+$/.test(next)) {
      if (isLetterToken(tokens[i - 1])) {
        i += 2;
        continue;
      }
      if (t === 'comme') {
        addLetter(next[0]);
        i += 2;
        continue;
      }
    }
    if (t === 'as' && next === 'in' && tokens[i + 2] && isLetterToken(tokens[i - 1])) {
      i += 3;
      continue;
    }
    if (/^\d+$/.test(t)) {
      addDigits(t);
      i += 1;
      continue;
    }
    // "boum55081212" or "boum5508": letters glued to digits.
    const glued = /^([a-z]+)(\d+)$/.exec(t);
    if (glued) {
      for (const ch of glued[1]) addLetter(ch);
      addDigits(glued[2]);
      i += 1;
      continue;
    }
    const pair = next ? LETTER_PAIRS.get(`${t} ${next}`) : undefined;
    if (pair) {
      addLetter(pair);
      i += 2;
      continue;
    }
    // "double five" is 55 in English dictation.
    if (t === 'double' && next) {
      const repeated = readNumberWords(tokens, i + 1);
      if (repeated && repeated.value < 10) {
        addDigits(String(repeated.value).repeat(2));
        i = repeated.next;
        continue;
      }
    }
    if ((t === 'oh' || t === 'o') && !wantsLetters()) {
      addDigits('0');
      i += 1;
      continue;
    }
    const letter = LETTER_NAMES.get(t);
    if (letter !== undefined) {
      if (wantsLetters() || !COMMON_WORD_LETTERS.has(t)) addLetter(letter);
      i += 1;
      continue;
    }
    const number = readNumberWords(tokens, i);
    if (number) {
      addDigits(twoDigits(number.value));
      i = number.next;
      continue;
    }
    if (FILLERS.has(t) || SPELLING_MARKERS.has(t)) {
      i += 1;
      continue;
    }
    // A typed letter block followed by digits ("boum 5508 1212", "BOUM cinquante-cinq ...", "bou 5508...").
    const alone = tokens.length === 1 && t.length === 4;
    if (/^[a-z]{2,6}$/.test(t) && r.letters.length === 0 && (alone || startsDigits(tokens, i + 1))) {
      for (const ch of t) addLetter(ch);
      i += 1;
      continue;
    }
    r.unknown += 1;
    i += 1;
  }
  return r;
}

function startsDigits(tokens: string[], i: number): boolean {
  const t = tokens[i];
  if (t === undefined) return false;
  return /^\d/.test(t) || t === 'double' || readNumberWords(tokens, i) !== undefined;
}

/**
 * Runs of digits said, spelled or typed in free text, in order: « zéro deux trois quatre trois cinq quatre un »
 * and « zéro deux trente-quatre trente-cinq quarante et un » both give "02343541". A digit, a number word up
 * to 99 (« trente-cinq » is two digits) or « oh » after a digit adds to the run; any other word ends it.
 */
export function spokenDigitRuns(normalized: string): string[] {
  const tokens = normalized.split(' ');
  const runs: string[] = [];
  let run = '';
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (/^\d+$/.test(t)) {
      run += t;
      i += 1;
      continue;
    }
    if (run && (t === 'oh' || t === 'o')) {
      run += '0';
      i += 1;
      continue;
    }
    const number = readNumberWords(tokens, i);
    if (number) {
      run += twoDigits(number.value);
      i = number.next;
      continue;
    }
    if (run) runs.push(run);
    run = '';
    i += 1;
  }
  if (run) runs.push(run);
  return runs;
}

// A typed NAM inside a sentence, after normalization (hyphens are spaces by then).
const TYPED = /(?:^| )([a-z]{4}) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?(\d{2})(?= |$)/;

/**
 * Reads a NAM from what the user typed, spelled, said or keyed, and validates it. Typed forms are tried
 * first with one regular expression; the token reader only runs when that fails.
 *
 * @param pendingLetters letters already heard in an earlier turn (the caller said the letters, then keys the
 *   digits on the phone keypad).
 */
export function parseNam(input: string, pendingLetters?: string): NamParseResult {
  const normalized = normalizeText(input).replace(/[*#]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!normalized) return { ok: false, problem: { reason: 'unreadable' } };
  const typed = TYPED.exec(normalized);
  // "... ixe ache 8001 0101" is spelled, not typed: a letter name just before the block means spelling.
  const before = typed ? normalized.slice(0, typed.index).trim().split(' ').pop() : undefined;
  if (typed && !(before && LETTER_NAMES.has(before))) return validateNam(typed[1], typed.slice(2).join(''));

  const reading = readTokens(normalized.split(' '));
  if (pendingLetters && reading.letters.length === 0 && reading.digits.length > 0) {
    return validateNam(pendingLetters, reading.digits);
  }
  if (reading.letters.length === 0 && reading.digits.length === 0) {
    return { ok: false, problem: { reason: 'unreadable' } };
  }
  if (reading.letters.length !== 4 || reading.misordered) {
    return { ok: false, problem: { reason: 'letters', letters: reading.letters.length } };
  }
  return validateNam(reading.letters, reading.digits);
}

/**
 * A NAM typed inside a longer sentence ("où en est la demande de BOUM 5508 1212 pour Humira"), or undefined.
 * Only the typed form is looked for: in free text, spelled-letter reading would see letters in ordinary words.
 */
export function findTypedNam(input: string): Nam | undefined {
  const typed = TYPED.exec(normalizeText(input));
  if (!typed) return undefined;
  const result = validateNam(typed[1], typed.slice(2).join(''));
  return result.ok ? result.nam : undefined;
}
