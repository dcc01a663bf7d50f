import type { Translate } from '../../i18n';
import { SSML_LONG_PAUSE, SSML_PAUSE } from './ssml';

/** Locale names (`voice:spelling.symbols.*`) of the symbols a code may contain. */
const SYMBOL_NAMES: Readonly<Record<string, string>> = {
  '-': 'dash',
  '.': 'dot',
  _: 'underscore',
  '@': 'at',
  '#': 'hash',
  '*': 'star',
  '+': 'plus',
  '!': 'exclamation',
  '?': 'question',
  $: 'dollar',
  '%': 'percent',
  '&': 'ampersand',
  '=': 'equals',
  '/': 'slash',
  ',': 'comma',
  ':': 'colon',
};

/** How {@link spellCode} reads a code. */
export interface SpellOptions {
  /** Say « majuscule » / « minuscule » for each letter (passwords are case-sensitive). Default true. */
  caseSensitive?: boolean;
}

/**
 * A code spelled for the ear, one character at a time with a pause after each: letters with the spelling
 * alphabet (« bé majuscule, comme Bernard », "capital B, as in Bravo"), digits as digits, symbols by name.
 * The result is voice text for a `_voice` template variable; the responder turns its pauses into SSML
 * breaks and escapes the rest. Send it with `inputHint: ignoringInput` so the caller cannot cut it off.
 *
 * @example responder.send(ctx, [{ key: tempPasswordKey, vars: { password, spelled: spellCode(t, password) } }],
 *   { inputHint: InputHints.IgnoringInput })
 */
export function spellCode(t: Translate, code: string, options: SpellOptions = {}): string {
  const caseSensitive = options.caseSensitive ?? true;
  const pieces = [...code].map((ch) => {
    const lower = ch.toLowerCase();
    if (/^[a-z]$/.test(lower)) {
      const vars = { name: t(`voice:spelling.say.${lower}`), word: t(`voice:spelling.as.${lower}`) };
      if (!caseSensitive) return t('voice:spelling.letterAs', vars);
      return t(ch === lower ? 'voice:spelling.lowerAs' : 'voice:spelling.upperAs', vars);
    }
    if (/^\d$/.test(ch)) return ch;
    const symbol = SYMBOL_NAMES[ch];
    return symbol
      ? t('voice:spelling.symbol', { name: t(`voice:spelling.symbols.${symbol}`) })
      : t('voice:spelling.unknownSymbol');
  });
  return pieces.join(`,${SSML_PAUSE} `);
}

/**
 * A captured value read back for confirmation: letters by name (« i, pé »), digits one by one in groups of
 * three or four, with pauses between groups, e.g. "IP123456" → « i, pé ‖ 1 2 3 ‖ 4 5 6 ». Voice text for a
 * `_voice` template variable (the display text should show the value itself).
 */
export function readBack(t: Translate, value: string): string {
  const runs = value.toUpperCase().match(/[A-Z]+|\d+|[^A-Z\d]+/g) ?? [];
  const spoken: string[] = [];
  for (const run of runs) {
    if (/^[A-Z]+$/.test(run)) {
      spoken.push([...run].map((l) => t(`voice:spelling.say.${l.toLowerCase()}`)).join(', '));
    } else if (/^\d+$/.test(run)) {
      const size = run.length % 4 === 0 && run.length % 3 !== 0 ? 4 : 3;
      const groups = run.match(new RegExp(`\\d{1,${size}}`, 'g')) ?? [];
      spoken.push(groups.map((g) => [...g].join(' ')).join(`,${SSML_PAUSE} `));
    } else {
      spoken.push(spellCode(t, run.trim(), { caseSensitive: false }));
    }
  }
  return spoken.filter((s) => s.length > 0).join(`,${SSML_LONG_PAUSE} `);
}
