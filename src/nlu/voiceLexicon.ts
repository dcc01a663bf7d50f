import { LANGUAGES, type Messages } from '../i18n';
import { containsPhrase, normalizeText } from './normalize';

/** A yes/no answer. */
export type YesNo = 'yes' | 'no';

const cache = new WeakMap<Messages, VoiceLexicon>();

function normalizedList(messages: Messages, key: string): string[] {
  return [
    ...new Set(LANGUAGES.flatMap((lang) => messages.list(lang, key)).map((w) => normalizeText(w))),
  ].filter((w) => w.length > 0);
}

/**
 * The short answers the phone line understands in both languages at once: yes/no (by voice or keys 1/2),
 * goodbye (« c'est tout », "non merci") and "more choices" ("#"). Words live under `voice:understand`.
 */
export class VoiceLexicon {
  private readonly yesNo: Array<{ phrase: string; answer: YesNo }>;
  private readonly goodbye: string[];
  private readonly goodbyeAtMenu: Set<string>;
  private readonly more: Set<string>;
  private readonly digitWords = new Map<string, string>();

  /** One lexicon per message set. */
  static for(messages: Messages): VoiceLexicon {
    let lexicon = cache.get(messages);
    if (!lexicon) {
      lexicon = new VoiceLexicon(messages);
      cache.set(messages, lexicon);
    }
    return lexicon;
  }

  constructor(messages: Messages) {
    // Longest first, so that "pas correct" is taken as a no before "correct" could count as a yes.
    this.yesNo = [
      ...normalizedList(messages, 'voice:understand.yes').map((phrase) => ({
        phrase,
        answer: 'yes' as const,
      })),
      ...normalizedList(messages, 'voice:understand.no').map((phrase) => ({ phrase, answer: 'no' as const })),
    ].sort((a, b) => b.phrase.length - a.phrase.length);
    this.goodbye = normalizedList(messages, 'voice:understand.goodbye');
    this.goodbyeAtMenu = new Set(normalizedList(messages, 'voice:understand.goodbyeAtMenu'));
    this.more = new Set(normalizedList(messages, 'voice:understand.more'));
    for (const digit of ['1', '2']) {
      for (const lang of LANGUAGES) {
        for (const word of messages.list(lang, `voice:spelling.heard.${digit}`)) {
          this.digitWords.set(normalizeText(word), digit);
        }
      }
    }
  }

  /**
   * Yes or no from "oui", "non merci", "that's right", the key 1 (yes) or 2 (no), or the words for them;
   * undefined when the answer says neither, or both.
   */
  yesOrNo(text: string | undefined): YesNo | undefined {
    const normalized = normalizeText(text ?? '');
    const key = /^[12]$/.test(normalized) ? normalized : this.digitWords.get(normalized);
    if (key) return key === '1' ? 'yes' : 'no';
    let rest = ` ${normalized} `;
    const found = new Set<YesNo>();
    for (const { phrase, answer } of this.yesNo) {
      if (rest.includes(` ${phrase} `)) {
        found.add(answer);
        rest = rest.replace(` ${phrase} `, ' ');
      }
    }
    return found.size === 1 ? [...found][0] : undefined;
  }

  /**
   * True when the whole answer is a yes or a no and nothing else (« oui », « non merci », "yes"): such an
   * answer never fills a free-text question such as the best time to call.
   */
  isOnlyYesOrNo(text: string | undefined): boolean {
    const normalized = normalizeText(text ?? '');
    if (!normalized) return false;
    let rest = ` ${normalized} `;
    let found = false;
    for (const { phrase } of this.yesNo) {
      while (rest.includes(` ${phrase} `)) {
        found = true;
        rest = rest.replace(` ${phrase} `, ' ');
      }
    }
    return found && rest.trim() === '';
  }

  /**
   * True when the caller is done: a farewell anywhere in the answer (« au revoir », « c'est tout »), or, at a
   * menu, a short "no thanks" (« non merci », « merci »), which elsewhere could answer a question.
   */
  isGoodbye(text: string | undefined, atMenu: boolean): boolean {
    const normalized = normalizeText(text ?? '');
    if (!normalized) return false;
    if (atMenu && this.goodbyeAtMenu.has(normalized)) return true;
    return this.goodbye.some((phrase) => containsPhrase(normalized, phrase));
  }

  /** True when the caller asks for the rest of a long menu ("#", « autres choix »). */
  isMore(text: string | undefined): boolean {
    return this.more.has(normalizeText(text ?? ''));
  }
}
