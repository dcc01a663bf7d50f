import { LANGUAGES, type Messages } from '../../i18n';
import type { Lexicon } from '../../nlu/lexicon';
import { containsPhrase, normalizeText } from '../../nlu/normalize';
import { VoiceLexicon } from '../../nlu/voiceLexicon';
import type { CentreInfo, PhoneRegion } from '../../services/centre';
import {
  parseCanadianPhone,
  regionForPhone,
  type CanadianPhone,
  type PhoneProblem,
} from '../../services/escalation/phone';
import { redactLine } from '../../services/escalation/redaction';
import type { CallbackSlot, CallbackTopic } from '../../services/escalation/types';

/** The questions of the outside-hours and call-back steps; `correction` asks what to change in the read-back. */
export type FieldKind = 'region' | 'name' | 'phone' | 'bestTime' | 'reason' | 'correction';

/** What the user may change in a call-back request read back to them, or `cancel` to drop it. */
export type CallbackCorrection = 'name' | 'phone' | 'bestTime' | 'reason' | 'cancel';

/** What each question returns. */
export interface FieldValues {
  region: { region: PhoneRegion; phone?: CanadianPhone };
  name: string;
  phone: CanadianPhone;
  bestTime: { slot: CallbackSlot } | { text: string };
  reason: { topic: CallbackTopic } | { text: string };
  correction: CallbackCorrection;
}

/** A reading of one answer: the value, or the locale key saying what is wrong. */
export type FieldReading<K extends FieldKind> =
  { ok: true; value: FieldValues[K] } | { ok: false; problem: string };

/** The keypad choices of the questions that have them, in key order (1, 2, 3…). */
export const FIELD_CHOICES = {
  region: ['quebec', 'montreal', 'elsewhere'],
  bestTime: ['morning', 'afternoon', 'anytime'],
  reason: ['password', 'secretQuestions', 'request', 'other'],
  correction: ['name', 'phone', 'bestTime', 'reason', 'cancel'],
} as const satisfies Partial<Record<FieldKind, readonly string[]>>;

/** Names: letters (any script), spaces, hyphens, apostrophes and periods, 2 to 80 characters. */
const NAME = /^[\p{L}][\p{L}\p{M}' .-]{1,79}$/u;
const MAX_FREE_TEXT = { bestTime: 80, reason: 300 } as const;

/**
 * Reads answers to the call-back questions. Choices are understood by key (« 2 », « deux »), by their words
 * in either language (from locales/*\/escalation.json), and, for the region, from a phone number.
 */
export class FieldReader {
  private readonly synonyms = new Map<string, Array<{ phrase: string; choice: string }>>();

  private readonly yesNo: VoiceLexicon;

  constructor(
    messages: Messages,
    private readonly lexicon: Lexicon,
    private readonly centre: CentreInfo,
  ) {
    this.yesNo = VoiceLexicon.for(messages);
    for (const [kind, choices] of Object.entries(FIELD_CHOICES)) {
      const list: Array<{ phrase: string; choice: string }> = [];
      for (const choice of choices) {
        for (const lang of LANGUAGES) {
          for (const word of messages.list(lang, `escalation:field.${kind}.synonyms.${choice}`)) {
            const phrase = normalizeText(word);
            if (phrase) list.push({ phrase, choice });
          }
        }
      }
      // Longest first, so that « n'importe quand » wins over a shorter phrase inside it.
      this.synonyms.set(
        kind,
        list.sort((a, b) => b.phrase.length - a.phrase.length),
      );
    }
  }

  /**
   * The choice named by a key, a digit word (« deux », « option 2 »), an ordinal (« le deuxième ») or a
   * synonym, or undefined. A reason is a choice only when the
   * whole answer is one (« mot de passe »): a sentence about it is kept in the user's own words.
   */
  choice(kind: keyof typeof FIELD_CHOICES, text: string): string | undefined {
    const normalized = normalizeText(text);
    const choices: readonly string[] = FIELD_CHOICES[kind];
    const stripped = this.lexicon.stripFillers(normalized);
    const digit = /^\d$/.test(stripped)
      ? stripped
      : (this.lexicon.digitWord(stripped) ?? this.lexicon.ordinalWord(stripped));
    if (digit) return choices[Number(digit) - 1];
    const exact = kind === 'reason';
    return this.synonyms
      .get(kind)
      ?.find((s) =>
        exact ? normalized === s.phrase || stripped === s.phrase : containsPhrase(normalized, s.phrase),
      )?.choice;
  }

  read<K extends FieldKind>(kind: K, text: string): FieldReading<K> {
    return this.readAny(kind, text) as FieldReading<K>;
  }

  private readAny(kind: FieldKind, raw: string): FieldReading<FieldKind> {
    const text = raw.trim().replace(/\s+/g, ' ');
    switch (kind) {
      case 'region': {
        const phone = parseCanadianPhone(text);
        if (phone.ok)
          return {
            ok: true,
            value: { region: regionForPhone(this.centre, phone.phone), phone: phone.phone },
          };
        const choice = this.choice('region', text);
        return choice
          ? { ok: true, value: { region: choice as PhoneRegion } }
          : { ok: false, problem: 'escalation:field.region.invalid' };
      }
      case 'name':
        return NAME.test(text) && /\p{L}.*\p{L}/u.test(text)
          ? { ok: true, value: text }
          : { ok: false, problem: 'escalation:field.name.invalid' };
      case 'phone': {
        const phone = parseCanadianPhone(text);
        return phone.ok
          ? { ok: true, value: phone.phone }
          : { ok: false, problem: phoneProblemKey(phone.problem) };
      }
      case 'bestTime':
      case 'reason': {
        const choice = this.choice(kind, text);
        if (choice) {
          return {
            ok: true,
            value:
              kind === 'bestTime' ? { slot: choice as CallbackSlot } : { topic: choice as CallbackTopic },
          };
        }
        // A lone digit that is not a choice is a slip on the keypad, not a sentence.
        // Nor is an emoji or punctuation alone a time or a reason the agent could act on.
        const words = /[\p{L}\p{N}]/u.test(text);
        if (/^\d*$/.test(text) || !words || text.length < 2 || text.length > MAX_FREE_TEXT[kind]) {
          return { ok: false, problem: `escalation:field.${kind}.invalid` };
        }
        // « oui » answers the previous question, not this one: it is neither a time nor a reason.
        const normalized = normalizeText(text);
        const yesNo = [normalized, this.lexicon.stripFillers(normalized)].some((t) =>
          this.yesNo.isOnlyYesOrNo(t),
        );
        if (yesNo) return { ok: false, problem: `escalation:field.${kind}.yesNo` };
        return { ok: true, value: { text: redactLine(text, { spoken: true }) } };
      }
      case 'correction': {
        const choice = this.choice('correction', text);
        return choice
          ? { ok: true, value: choice as CallbackCorrection }
          : { ok: false, problem: 'escalation:field.correction.invalid' };
      }
      default:
        return { ok: false, problem: 'escalation:field.name.invalid' };
    }
  }
}

/** The locale key explaining why a phone number was refused. */
export function phoneProblemKey(problem: PhoneProblem): string {
  return `escalation:field.phone.${problem}`;
}
