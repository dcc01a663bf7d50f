/**
 * Display text is markdown: Web Chat and Teams render it, in messages and in Adaptive Cards. These helpers keep
 * text that only looks like markdown shown exactly as written. Backslash escapes are honoured by both renderers
 * and show no backslash; plain text (a card's fallback, speech) is never escaped.
 */

// A number then a period or a bracket opens an ordered list that renumbers from 1 (« 2. » is shown « 1. »);
// a dash or a plus followed by a space opens a bulleted one.
const LINE_START_MARKER = /^(\s*)(?:(\d+)([.)])|([-+])(?=\s))/;

/** Escapes the list marker a line starts with (« 2. etanercept » → « 2\. etanercept »): shown as written. */
export function escapeLineStart(line: string): string {
  return line.replace(
    LINE_START_MARKER,
    (_m, space: string, number?: string, mark?: string, bullet?: string) =>
      number !== undefined ? `${space}${number}\\${mark}` : `${space}\\${bullet}`,
  );
}

// Emphasis, code, links and images, autolinks and HTML, strike-through, tables, headings: and the backslash.
const INLINE_MARKS = /[\\`*_[\]<>~|#]/g;
// A period inside a word makes a domain that becomes a link (www.example.com, f.cote@pharmacie.ca), a colon
// before anything but a space a scheme (https://, mailto:): escaped, they are plain text again.
const LINK_PUNCTUATION = /(?<=[^\s.])\.(?=[^\s.])|:(?=\S)/g;

/**
 * What the user wrote, made safe to interpolate into display text: no bold, no link, no list, exactly the
 * characters typed. Lines are joined: an answer is said back on one line. Only for display text: speech
 * takes the raw text (its SSML is escaped), and a card's plain-text fallback is not markdown.
 */
export function escapeMarkdown(text: string): string {
  const oneLine = text.replace(/\s*[\r\n]+\s*/g, ' ');
  return escapeLineStart(oneLine.replace(INLINE_MARKS, '\\$&').replace(LINK_PUNCTUATION, '\\$&'));
}
