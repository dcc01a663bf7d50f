import { LANGUAGES, type Messages } from '../i18n';

/** What a spelled answer may contain: digits only (a keypad-style number), or letters and digits. */
export type SpelledKind = 'digits' | 'alphanumeric';

/** How the answer reached the bot. */
export interface SpelledOptions {
  /**
   * Typed rather than transcribed: a short unknown word ("ip", "boum") is then taken letter by letter, as a
   * person typing a code means it. Speech recognition writes spelled letters as capitals or letter names.
   */
  typed?: boolean;
}

/** The result of {@link SpelledInputParser.parse}. */
export interface SpelledReading {
  /** Upper-case letters and digits, in the order heard ("IP123456"). */
  value: string;
  /** True when every word was understood and something was read. */
  complete: boolean;
  /** Words that were neither letters, digits, number words nor fillers (for logs: may hold personal data). */
  unknown: string[];
}

type Entry =
  | { type: 'letter'; letter: string }
  | { type: 'number'; value: number }
  | { type: 'and' }
  | { type: 'like' }
  | { type: 'times'; count: number }
  | { type: 'filler' };

interface Token {
  word: string;
  /** As typed or transcribed: an all-capitals token ("IP", "CE") is a literal, not a letter name. */
  original: string;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Folds one phrase into tokens the way input is folded: no accents, lower case, apostrophes kept on the left. */
function tokenize(text: string): Token[] {
  const folded = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’‘`´]/g, "'");
  const tokens: Token[] = [];
  for (const raw of folded.split(/[^A-Za-z0-9']+/)) {
    // "c'est" → "c'" + "est", "j'ai" → "j'" + "ai": the same split as the lexicon's phrases.
    for (const piece of raw.split(/(?<=')/)) {
      const original = piece.replace(/^'+/, '');
      if (original && original !== "'") tokens.push({ word: original.toLowerCase(), original });
    }
  }
  return tokens;
}

function key(tokens: Token[]): string {
  return tokens.map((t) => t.word).join(' ');
}

const cache = new WeakMap<Messages, SpelledInputParser>();

/**
 * Reads letters and digits spelled aloud or typed, in French or English at once: letter names ("bé",
 * "double vé", "i grec", "zède", "see"), « B comme Bernard » / "B as in Bravo", digits as words or number
 * words ("zéro", "cinquante-deux", "soixante et onze", "forty two"), "double" / « deux fois », and compact
 * tokens ("IP123456"). Its vocabulary lives in the `voice:spelling` locale keys.
 */
export class SpelledInputParser {
  private readonly entries = new Map<string, Entry>();
  private readonly longest: number;

  /** One parser per message set: building it walks every locale list once. */
  static for(messages: Messages): SpelledInputParser {
    let parser = cache.get(messages);
    if (!parser) {
      parser = new SpelledInputParser(messages);
      cache.set(messages, parser);
    }
    return parser;
  }

  constructor(messages: Messages) {
    // Letters and digits first so that a filler never hides one; French first, then English.
    for (const lang of LANGUAGES) {
      for (const letter of LETTERS) {
        this.add(letter, { type: 'letter', letter });
        for (const word of messages.list(lang, `voice:spelling.heard.${letter}`)) {
          this.add(word, { type: 'letter', letter });
        }
      }
      for (let digit = 0; digit <= 9; digit += 1) {
        this.add(String(digit), { type: 'number', value: digit });
        for (const word of messages.list(lang, `voice:spelling.heard.${digit}`)) {
          this.add(word, { type: 'number', value: digit });
        }
      }
      for (let value = 10; value <= 90; value += value < 20 ? 1 : 10) {
        for (const word of messages.list(lang, `voice:spelling.numbers.${value}`)) {
          this.add(word, { type: 'number', value });
        }
      }
    }
    for (const lang of LANGUAGES) {
      for (const word of messages.list(lang, 'voice:spelling.and')) this.add(word, { type: 'and' });
      for (const word of messages.list(lang, 'voice:spelling.like')) this.add(word, { type: 'like' });
      for (const word of messages.list(lang, 'voice:spelling.double'))
        this.add(word, { type: 'times', count: 2 });
      for (const word of messages.list(lang, 'voice:spelling.triple'))
        this.add(word, { type: 'times', count: 3 });
      for (const word of messages.list(lang, 'voice:spelling.fillers')) this.add(word, { type: 'filler' });
    }
    this.longest = Math.max(...[...this.entries.keys()].map((k) => k.split(' ').length));
  }

  private add(phrase: string, entry: Entry): void {
    const k = key(tokenize(phrase));
    if (k && !this.entries.has(k)) this.entries.set(k, entry);
  }

  /** The longest known phrase starting at `i`. */
  private match(tokens: Token[], i: number): { entry: Entry; next: number } | undefined {
    for (let n = Math.min(this.longest, tokens.length - i); n >= 1; n -= 1) {
      const entry = this.entries.get(key(tokens.slice(i, i + n)));
      if (entry) return { entry, next: i + n };
    }
    return undefined;
  }

  /**
   * Reads the answer. `kind: 'digits'` refuses letters (but hears "o"/"oh" as zero); `'alphanumeric'` keeps
   * both. Nothing is guessed: a word that is not understood is reported in `unknown` and `complete` is false.
   */
  parse(text: string, kind: SpelledKind = 'alphanumeric', options: SpelledOptions = {}): SpelledReading {
    const tokens = tokenize(text);
    const out: string[] = [];
    const unknown: string[] = [];
    let times = 1;
    // Only a letter said by its name can be corrected by the example word that follows (« B comme Bernard »).
    let lastWasLetterName = false;
    const emit = (item: string, isLetter: boolean, byName = false) => {
      if (kind === 'digits' && isLetter) {
        if (item === 'O') item = '0';
        else {
          unknown.push(item);
          return;
        }
      }
      out.push(item.repeat(times));
      times = 1;
      lastWasLetterName = byName;
    };

    let i = 0;
    while (i < tokens.length) {
      const token = tokens[i];
      // An all-capitals word ("IP", "CE", "BOUM") or a typed code ("ip123456") is what it spells.
      const literal =
        (/^[A-Z0-9]{2,}$/.test(token.original) && /[A-Z]/.test(token.original)) ||
        (/^[a-z0-9]+$/i.test(token.original) && /\d/.test(token.original) && /[a-z]/i.test(token.original));
      const found = this.match(tokens, i);
      // Typed, "ce" or "boum" is a code, not letter names: only number words and fillers keep their meaning.
      const typedCode =
        options.typed === true &&
        /^[a-z]{2,4}$/i.test(token.original) &&
        (!found || found.entry.type === 'letter');
      if ((literal || typedCode) && found?.entry.type !== 'filler') {
        for (const ch of token.original.toUpperCase()) emit(ch, /[A-Z]/.test(ch));
        i += 1;
        continue;
      }
      if (/^\d+$/.test(token.word) && token.word.length > 1) {
        emit(token.word, false);
        i += 1;
        continue;
      }
      if (!found) {
        unknown.push(token.word);
        i += 1;
        continue;
      }
      const { entry } = found;
      i = found.next;
      switch (entry.type) {
        case 'letter':
          emit(entry.letter.toUpperCase(), true, true);
          break;
        case 'number': {
          let value = entry.value;
          // "vingt et un", "soixante-douze", "quatre-vingt-dix-neuf", "forty two": a tens word takes what follows.
          if (value >= 20 && value % 10 === 0) {
            let j = i;
            const conjunction = this.match(tokens, j);
            if (conjunction?.entry.type === 'and') j = conjunction.next;
            const low = this.match(tokens, j);
            if (low?.entry.type === 'number') {
              const teen = low.entry.value >= 10 && low.entry.value < 20 && (value === 60 || value === 80);
              if ((low.entry.value >= 1 && low.entry.value <= 9) || teen) {
                value += low.entry.value;
                i = low.next;
              }
            }
          }
          emit(String(value), false);
          break;
        }
        case 'like': {
          // « B comme Bernard »: the example word decides, since it is heard more reliably than a letter name.
          const example = tokens[i];
          if (example && /^[a-z]{2,}$/.test(example.word) && this.match(tokens, i)?.entry.type !== 'number') {
            const letter = example.word[0].toUpperCase();
            if (lastWasLetterName && out.length > 0 && times === 1) out.pop();
            emit(letter, true);
            i += 1;
          }
          break;
        }
        case 'times':
          times = entry.count;
          break;
        default:
          break;
      }
    }
    if (times !== 1) unknown.push('(repeat)');
    // "five oh eight": an O heard between two digits is the digit zero.
    for (let k = 1; k < out.length - 1; k += 1) {
      if (out[k] === 'O' && /\d$/.test(out[k - 1]) && /^\d/.test(out[k + 1])) out[k] = '0';
    }
    const value = out.join('');
    return { value, complete: unknown.length === 0 && value.length > 0, unknown };
  }
}
