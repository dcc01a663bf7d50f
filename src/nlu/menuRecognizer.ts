import { LANGUAGES, type Messages } from '../i18n';
import type { Lexicon } from './lexicon';
import { containsPhrase, normalizeText } from './normalize';
import { recognizeSmallNumbers } from './numbers';

/** One choice of a menu, with the key the phone line uses for it. */
export interface MenuOption {
  /** Stable id, also the locale key under `menu:<menu>.options`. */
  id: string;
  /** The phone key: a digit. */
  key: string;
}

/** A menu as shown to the user: its locale section and its options in display order. */
export interface MenuDefinition {
  id: 'main' | 'onlineServices';
  options: MenuOption[];
}

/** What the user's answer to a menu means. */
export type MenuRecognition =
  | { kind: 'choice'; option: MenuOption }
  | { kind: 'repeat' }
  /** A form of another step sent again (an old card's button): not a misunderstanding. */
  | { kind: 'staleCard' }
  | { kind: 'none' };

/** Value posted by a menu button (Adaptive Card Action.Submit or messageBack). */
export interface MenuButtonValue {
  menuChoice?: unknown;
  /** The id of the menu whose card held the button. */
  menu?: unknown;
}

const MAX_TEXT_FOR_RECOGNIZERS = 80;

/**
 * Understands a menu answer given as a key ("1"), a number word or ordinal in French or English ("un",
 * "option un", "le premier", "one"), an option's label or synonym, or a button press. Exact matching comes
 * first; the number recognizers run only when nothing cheaper matched.
 */
export class MenuRecognizer {
  private readonly synonyms = new Map<string, string[]>();

  constructor(
    private readonly messages: Messages,
    private readonly lexicon: Lexicon,
  ) {}

  recognize(menu: MenuDefinition, text: string | undefined, value?: unknown): MenuRecognition {
    const pressed = value as MenuButtonValue | undefined;
    // A button from an older menu card: show the current menu rather than act on the wrong one.
    if (typeof pressed?.menu === 'string' && pressed.menu !== menu.id) return { kind: 'repeat' };
    const button = pressed?.menuChoice;
    if (typeof button === 'string') {
      if (button === '*') return { kind: 'repeat' };
      const option = menu.options.find((o) => o.key === button || o.id === button);
      if (option) return { kind: 'choice', option };
    }
    const normalized = normalizeText(text ?? '');
    if (!normalized)
      return value !== null && typeof value === 'object' ? { kind: 'staleCard' } : { kind: 'none' };
    if (this.lexicon.isRepeat(normalized)) return { kind: 'repeat' };

    const byKey =
      this.byKeyOrWord(menu, normalized) ?? this.byKeyOrWord(menu, this.lexicon.stripFillers(normalized));
    if (byKey) return { kind: 'choice', option: byKey };

    const bySynonym = this.bySynonym(menu, normalized);
    if (bySynonym) return { kind: 'choice', option: bySynonym };

    if (normalized.length <= MAX_TEXT_FOR_RECOGNIZERS && this.lexicon.mayContainNumber(normalized)) {
      const numbers = recognizeSmallNumbers(text ?? '');
      if (numbers.length === 1) {
        const option = menu.options.find((o) => o.key === String(numbers[0]));
        if (option) return { kind: 'choice', option };
      }
    }
    return { kind: 'none' };
  }

  private byKeyOrWord(menu: MenuDefinition, word: string): MenuOption | undefined {
    if (!word) return undefined;
    const digit = /^#?\d$/.test(word) ? word.replace('#', '') : this.lexicon.digitWord(word);
    if (digit !== undefined) return menu.options.find((o) => o.key === digit);
    const position = this.lexicon.ordinalWord(word);
    if (position !== undefined) return menu.options[Number(position) - 1];
    return undefined;
  }

  private bySynonym(menu: MenuDefinition, normalized: string): MenuOption | undefined {
    let best: { option: MenuOption; length: number } | undefined;
    let tie = false;
    for (const option of menu.options) {
      for (const synonym of this.synonymsOf(menu, option)) {
        if (!containsPhrase(normalized, synonym)) continue;
        if (!best || synonym.length > best.length) {
          tie = false;
          best = { option, length: synonym.length };
        } else if (synonym.length === best.length && best.option.id !== option.id) {
          tie = true;
        }
      }
    }
    return best && !tie ? best.option : undefined;
  }

  private synonymsOf(menu: MenuDefinition, option: MenuOption): string[] {
    const cacheKey = `${menu.id}.${option.id}`;
    let list = this.synonyms.get(cacheKey);
    if (!list) {
      const base = `menu:${menu.id}.options.${option.id}`;
      list = [
        ...new Set(
          LANGUAGES.flatMap((lang) => [
            ...this.messages.list(lang, `${base}.synonyms`),
            this.messages.forLanguage(lang)(`${base}.label`),
          ]).map(normalizeText),
        ),
      ].filter((s) => s.length > 0);
      this.synonyms.set(cacheKey, list);
    }
    return list;
  }
}
