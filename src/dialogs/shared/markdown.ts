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
