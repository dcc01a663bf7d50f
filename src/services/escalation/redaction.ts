import { maskNam, parseNam, redactNams } from '../../nlu/nam';

/** Longest line kept in a transcript; an agent needs the gist, not pasted documents. */
export const MAX_LINE_LENGTH = 500;

// Temporary passwords look like `K7PM-4QX2-9R` (accounts' generator, no 0/O/1/I): never in a transcript, even
// if some future message displayed one.
const TEMPORARY_PASSWORD = /\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{2}\b/gi;

/** What replaces a temporary password in a redacted line. */
export const PASSWORD_MASK = '••••';

// IP or CE followed by six digits: the online services' user names (issue 3).
const USER_NAME = /\b(IP|CE)[\s-]?(\d{3})\s?(\d{3})\b/i;

// A word of eight characters or more mixing letters with digits or symbols, as passwords must (issue 3's
// policy): users do type them in the wrong place ("mon mot de passe est Pharmacie-Rimouski-2026").
const PASSWORD_LIKE = /^(?=.*\p{L})(?=.*[\d!@#$%^&*+=?_~|\\/<>{}[\]]).{8,}$/u;
const EDGE_PUNCTUATION = /^[«»"'“”‘’(),.;:!?]+|[«»"'“”‘’(),.;:!?]+$/gu;

/** Masks every word of the line that looks like a password, except user names, addresses and links. */
function redactPasswordLike(line: string): string {
  return line.replace(/\S+/gu, (word) => {
    const core = word.replace(EDGE_PUNCTUATION, '');
    if (!PASSWORD_LIKE.test(core) || /^(IP|CE)\d{6}$/i.test(core)) return word;
    if (/^(https?:\/\/|www\.)/i.test(core) || /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(core)) return word;
    return word.replace(core, PASSWORD_MASK);
  });
}

/**
 * Redacts one line for a transcript: every NAM typed in it is masked to its last four characters, anything
 * shaped like a temporary password is hidden, and the line is cut to {@link MAX_LINE_LENGTH}.
 *
 * @param nam when the line answers a NAM question: also masks a NAM given in spelled or spoken form, which the
 *   typed-form search cannot recognise.
 * @param passwords for what a user wrote: also hides every word shaped like a password.
 */
export function redactLine(text: string, options: { nam?: boolean; passwords?: boolean } = {}): string {
  let line = redactNams(text).replace(TEMPORARY_PASSWORD, PASSWORD_MASK);
  if (options.passwords) line = redactPasswordLike(line);
  if (options.nam) {
    const parsed = parseNam(line);
    if (parsed.ok) line = parsed.nam.masked();
    // Whatever could not be read as a NAM may still hold most of one: keep only the last four digits.
    else line = maskNam(line.replace(/\s+/g, ''));
  }
  return line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH - 1)}…` : line;
}

/** The user name in a message (« CE100001 », « ip 123 456 »), normalised, or undefined. */
export function findUserName(text: string): string | undefined {
  const match = USER_NAME.exec(text);
  return match ? `${match[1].toUpperCase()}${match[2]}${match[3]}` : undefined;
}
