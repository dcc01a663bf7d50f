import { checkNamDate, maskNam, parseNam, redactNams, spokenDigitRuns } from '../../nlu/nam';
import { normalizeText } from '../../nlu/normalize';

/** Longest line kept in a transcript; an agent needs the gist, not pasted documents. */
export const MAX_LINE_LENGTH = 500;

// Temporary passwords look like `K7PM-4QX2-9R` (accounts' generator, no 0/O/1/I): never in a transcript, even
// if some future message displayed one.
const TEMPORARY_PASSWORD = /\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{2}\b/gi;
// The same, copied from the dictation with spaces for the dashes (« K7PM 4QX2 9R »): three short words, which
// the password-shaped search never looks at. Masked only with a digit in it, or « avec elle un » would be.
const SPACED_TEMPORARY_PASSWORD = /\b[A-HJ-NP-Z2-9]{4}[\s-]+[A-HJ-NP-Z2-9]{4}[\s-]+[A-HJ-NP-Z2-9]{2}\b/gi;

/**
 * True for the letters and digits of a temporary password read in one piece (`K7PM4QX29R`), as a spelled answer
 * gives them; one without a digit is taken for a word.
 */
export function isTemporaryPasswordValue(value: string): boolean {
  return /^[A-HJ-NP-Z2-9]{10}$/i.test(value) && /\d/.test(value);
}

/** What replaces a temporary password in a redacted line. */
export const PASSWORD_MASK = '••••';

// A pre-filled form's single-use download link (`/forms/<43-character token>`): whoever reads the transcript
// could take the user's form with it before the user does.
const FORM_LINK_TOKEN = /\/forms\/[A-Za-z0-9_-]{43}/g;

// IP or CE followed by six digits: the online services' user names (issue 3).
const USER_NAME = /\b(IP|CE)[\s-]?(\d{3})\s?(\d{3})\b/i;

// A word of ten characters or more (the password policy's minimum) mixing letters with digits or symbols
// inside it: users do type passwords in the wrong place (« mon mot de passe est Pharmacie-Rimouski-2026 »).
// Hyphens, dots and apostrophes alone do not count, or « Saint-Jean-sur-Richelieu », « ramq.gouv.qc.ca » and
// « d'utilisateur » would be hidden; nor does what only ends a word (« renouvellement? », « infiniment! »).
const PASSWORD_LIKE = /^(?=.*\p{L})(?=.*[\d!@#$%^&*+=?_~|\\/<>{}[\]€£]).{10,}$/u;
const DIGIT_OR_SYMBOL = /[\d!@#$%^&*+=?_~|\\/<>{}[\]€£]/u;
// Quotes, brackets and Markdown emphasis around a word, and the punctuation that ends a sentence.
const EDGE_PUNCTUATION = /^[«»"'“”‘’(*_]+|[«»"'“”‘’)*_,.;:!?]+$/gu;
// What the bot and its agents write that looks like a password but is not: user names (CE100001, CE-100001),
// escalation ids (E-7K3M9Q), call-back references (R-261130-004), links and e-mail addresses.
const NOT_A_PASSWORD = [
  /^(IP|CE)[-\s]?\d{6}$/i,
  /^E-[A-Z2-9]{6}$/i,
  /^R-\d{6}-\d{3,}$/i,
  /^(https?:\/\/|www\.)/i,
  /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i,
];

/** What is hidden of a password-like word: all of it but quotes, brackets and a sentence's final « . , ; : ». */
const AROUND_A_PASSWORD = /^[«»"'“”‘’(*_]+|[«»"'“”‘’)*_,.;:]+$/gu;

/** Masks every word of the line that looks like a password (see {@link PASSWORD_LIKE}). */
function redactPasswordLike(line: string): string {
  // Words of ten characters or more only: most are shorter, and this runs on every line of every turn.
  return line.replace(/\S{10,}/g, (word) => {
    if (!DIGIT_OR_SYMBOL.test(word)) return word;
    const core = word.replace(EDGE_PUNCTUATION, '');
    if (!PASSWORD_LIKE.test(core) || NOT_A_PASSWORD.some((known) => known.test(core))) return word;
    // A final « ! » or « ? » may be the password's own last character: hidden with the rest.
    return word.replace(word.replace(AROUND_A_PASSWORD, ''), PASSWORD_MASK);
  });
}

// « mon mot de passe est … », « mdp : … », "my password is …": what follows, to the end of the clause, is most
// likely the password itself, even in plain words (« Pharmacie Rimouski 2026 »), which no shape gives away.
const DECLARED_PASSWORD =
  /\b((?:mots? de passe|mdp|password|passwd)(?:\s+(?:actuel|temporaire|provisoire|current|temporary|old|new))?\s*(?:(?:est|était|c'est|c’est|serait|is|was)(?!\p{L})|:|=)\s*)((?:[^.,;!?\n]|[.,;!?](?=[^\s.,;!?]))+?)(?=\s+(?:et|mais|qui|donc|car|and|but|which|so)\b|[.,;!?]+(?:\s|$)|\s*(?:\n|$))/giu;
// What a user says of a password rather than the password (« est expiré », "is not working"): kept.
const SAYS_OF_A_PASSWORD = new Set(
  (
    'expire expiree bloque bloquee barre barree verrouille verrouillee oublie perdu incorrect incorrecte ' +
    'invalide errone erronee faux refuse refusee pas plus toujours encore trop deja echu change changee ' +
    'reinitialise correct bon mauvais le la les un une celui celle quoi quel quelle inconnu valide ' +
    'desactive suspendu different meme identique vide requis obligatoire sensible long court nouveau ' +
    'expired locked blocked wrong invalid not no still too already forgotten lost changed reset right ' +
    'the a an what which same empty required valid disabled suspended new case longer shorter'
  ).split(' '),
);

/** Masks what a user declares to be a password (see {@link DECLARED_PASSWORD}), not what they say of it. */
function redactDeclaredPassword(line: string): string {
  if (!/passe|mdp|passw/i.test(line)) return line;
  return line.replace(DECLARED_PASSWORD, (whole, lead: string, value: string) => {
    const first = value.trim().split(/\s+/u)[0] ?? '';
    const folded = first
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z]/g, '');
    if (folded === '' ? value.trim() === PASSWORD_MASK : SAYS_OF_A_PASSWORD.has(folded)) return whole;
    return `${lead}${PASSWORD_MASK}`;
  });
}

/**
 * True for a short answer with a digit or a symbol and no user name: typed where the user name is asked, it
 * is most likely the password, even in several words (« Pharmacie Rimouski 2026 »). Sentences are not.
 */
export function looksLikeSecretAnswer(text: string): boolean {
  const words = text.trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0 || findUserName(text)) return false;
  if (words.length === 1) return words[0].length >= 8;
  return words.length <= 4 && /[\d!@#$%^&*+=?_~|\\/<>{}[\]€£]/u.test(text);
}

/**
 * Redacts one line for a transcript: every NAM typed in it is masked to its last four characters, anything
 * shaped like a temporary password is hidden, and the line is cut to {@link MAX_LINE_LENGTH}.
 *
 * @param nam when the line answers a NAM question: also masks a NAM given in spelled or spoken form, which the
 *   typed-form search cannot recognise.
 * @param passwords hides every word shaped like a password (the default): what users write to an agent or
 *   the bot, and what the bot says back of it (« aucun médicament ne correspond à … »).
 * @param spoken the line is the user's own words, which speech recognition may have written as a NAM in words
 *   (« BOUM cinquante-cinq zéro huit douze douze »): when it reads as one, only its last four are kept. What
 *   the user declares to be a password (« mon mot de passe est … ») is hidden too.
 */
export function redactLine(
  text: string,
  options: { nam?: boolean; passwords?: boolean; spoken?: boolean } = {},
): string {
  let line = redactNams(text)
    .replace(FORM_LINK_TOKEN, `/forms/${PASSWORD_MASK}`)
    .replace(TEMPORARY_PASSWORD, PASSWORD_MASK)
    .replace(SPACED_TEMPORARY_PASSWORD, (found) => (/\d/.test(found) ? PASSWORD_MASK : found));
  if (options.passwords !== false) line = redactPasswordLike(line);
  // The user's own words: what they declare to be a password (the bot's « est enregistré » is not one), and
  // what the typed-form search left that may still hold a NAM said in words, which keeps only its last four.
  if (options.spoken && options.passwords !== false) line = redactDeclaredPassword(line);
  if (options.spoken && !options.nam) line = maskSpokenNam(maskNamPart(line));
  if (options.nam) {
    const parsed = parseNam(line);
    if (parsed.ok) line = parsed.nam.masked();
    // Whatever could not be read as a NAM may still hold most of one: keep only the last four digits.
    else line = maskNam(line.replace(/\s+/g, ''));
  }
  return line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH - 1)}…` : line;
}

// Separators a NAM is typed with (« 7262 0314 », « 7262-0314 », « 7262.0314 »).
const NAM_PART_SEPARATORS = /[\s.\-/]/g;

/**
 * A whole message that is a NAM's part only, which the message before or after may complete: its eight digits
 * (« 7262 0314 », after « GAGS » alone) or its four letters with the first of its digits (« GAGS 7262 », before
 * « 0314 »). Read one line at a time, the two would give the whole number; masked to their last four, they do
 * not. Eight digits only when they read as a NAM's date (month 01–12 or 51–62, a day of that month), and the
 * letters only with a month after them, so that a DIN, a date or a year is almost always kept as it was typed.
 */
function maskNamPart(line: string): string {
  const compact = line.trim().replace(NAM_PART_SEPARATORS, '');
  if (/^\d{8}$/.test(compact)) return checkNamDate(compact) ? line : maskNam(compact);
  const started = /^[A-Za-z]{4}(\d{4,7})$/.exec(compact);
  if (started && !checkNamDate(`${started[1].slice(0, 4)}01`)) return maskNam(compact);
  return line;
}

/** How many of the bot's clean lines {@link redactBotLine} remembers before it starts again. */
const CLEAN_BOT_LINES_KEPT = 2000;
const cleanBotLines = new Set<string>();

/**
 * {@link redactLine} for what the bot itself says, which is mostly the same few hundred menu and prompt lines:
 * a line already found to need no masking is not searched again. Only such lines are remembered, so the memo
 * holds nothing a transcript would not show; it starts again when full rather than growing with the quotes
 * and results that make lines unique.
 */
export function redactBotLine(text: string): string {
  if (cleanBotLines.has(text)) return text;
  const line = redactLine(text);
  if (line === text) {
    if (cleanBotLines.size >= CLEAN_BOT_LINES_KEPT) cleanBotLines.clear();
    cleanBotLines.add(text);
  }
  return line;
}

/** The most words a NAM said in words takes: four letters and eight digits, each a word, and a little slack. */
const SPOKEN_NAM_MAX_WORDS = 16;

/**
 * Masks a NAM said in words somewhere in the line (« le dossier de BOUM cinquante-cinq zéro huit douze douze
 * pour Humira »): the shortest run of words from each word on that reads as one, so that the words around it
 * (« de » is also a letter's name) neither hide it nor are lost.
 */
function maskSpokenNam(line: string): string {
  if (!mayHoldEightDigits(line)) return line;
  const words = line.split(/\s+/).filter(Boolean);
  for (let i = 0; i + 1 < words.length; i += 1) {
    // Four letters and eight digits take at least two words.
    for (let j = i + 2; j <= Math.min(words.length, i + SPOKEN_NAM_MAX_WORDS); j += 1) {
      let parsed = parseNam(words.slice(i, j).join(' '));
      if (!parsed.ok) continue;
      // The reading skips words it does not know (« pour », « et »): they stay in the line.
      let start = i;
      for (let next = parseNam(words.slice(start + 1, j).join(' ')); next.ok;) {
        parsed = next;
        start += 1;
        next = parseNam(words.slice(start + 1, j).join(' '));
      }
      const rest = maskSpokenNam(words.slice(j).join(' '));
      return [...words.slice(0, start), parsed.nam.masked(), ...(rest ? [rest] : [])].join(' ');
    }
  }
  return line;
}

/**
 * Whether the line says enough digits for a NAM's eight, « double » counted as two more: reading every run of
 * words costs milliseconds, and almost no line says a NAM.
 */
function mayHoldEightDigits(line: string): boolean {
  const normalized = normalizeText(line);
  const digits = spokenDigitRuns(normalized).reduce((sum, run) => sum + run.length, 0);
  const doubled = normalized.split(' ').filter((t) => t === 'double' || t === 'fois').length;
  return digits + 2 * doubled >= 8;
}

/** The user name in a message (« CE100001 », « ip 123 456 »), normalised, or undefined. */
export function findUserName(text: string): string | undefined {
  const match = USER_NAME.exec(text);
  return match ? `${match[1].toUpperCase()}${match[2]}${match[3]}` : undefined;
}
