/**
 * The PDF uses pdf-lib's standard fonts, which only know the WinAnsi character set: Latin-1 plus a few
 * typographic signs. French is fully covered (é, è, ç, œ, «, », ’), other scripts are not, and pdf-lib throws
 * on a character it cannot encode. Answers are checked with {@link isWinAnsi} when typed, and
 * {@link toWinAnsi} is the PDF's last line of defence.
 */

// WinAnsi's 0x80–0x9F block, which differs from Latin-1: € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ
const WIN_ANSI_EXTRA = new Set(
  [
    0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017d,
    0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x017e,
    0x0178,
  ].map((c) => String.fromCodePoint(c)),
);

function isWinAnsiChar(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch);
}

/** True when every character can be printed with the standard PDF fonts. */
export function isWinAnsi(text: string): boolean {
  return [...text].every(isWinAnsiChar);
}

/**
 * The text with each character the standard fonts cannot print replaced: by its letter without accent when
 * it has one (ő → o), else by « ? », so that printing never fails.
 */
export function toWinAnsi(text: string): string {
  return [...text]
    .map((ch) => {
      if (isWinAnsiChar(ch)) return ch;
      const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      return base && isWinAnsi(base) ? base : '?';
    })
    .join('');
}
