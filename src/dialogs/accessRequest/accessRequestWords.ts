import { LANGUAGES, type Messages } from '../../i18n';
import { containsPhrase, normalizeText } from '../../nlu/normalize';
import {
  AUTHORIZER_FUNCTIONS,
  type FieldDefinition,
  type FieldKind,
  FIELDS,
  type FieldName,
  type FormSection,
  USER_FUNCTIONS,
} from '../../services/forms/accessRequestModel';
import type { ChoiceWords } from '../../services/forms/fieldValidation';

/** A question's answer kind: a form field's, or the yes/no of « same workplace as the user? ». */
export type PromptKind = FieldKind | 'yesNo';

/** The locale group holding each multiple-choice kind's options. */
export const CHOICE_GROUPS: Partial<Record<PromptKind, { group: string; values: readonly string[] }>> = {
  sex: { group: 'sex', values: ['M', 'F'] },
  userFunction: { group: 'userFunction', values: USER_FUNCTIONS },
  authorizerFunction: { group: 'authorizerFunction', values: AUTHORIZER_FUNCTIONS },
  yesNo: { group: 'yesNo', values: ['yes', 'no'] },
};

/** What a review answer asks for. */
export type ReviewIntent =
  | { kind: 'confirm' }
  | { kind: 'correct'; fieldIds: string[] }
  | { kind: 'correctWhich' }
  /** « corriger 99 »: a number, but no line of the summary has it. */
  | { kind: 'noSuchNumber'; number: number; count: number }
  | { kind: 'none' };

/**
 * The words of the access-request flow in both languages at once, as the rest of the bot understands them:
 * a French user who types "skip" is understood. Lists come from the locale files and are normalized once.
 */
export class AccessRequestWords {
  private readonly skip: Set<string>;
  private readonly back: Set<string>;
  private readonly confirm: Set<string>;
  private readonly correctVerbs: string[];
  private readonly choiceWords = new Map<PromptKind, ChoiceWords>();
  private readonly fieldNames: Array<{ name: FieldName; phrase: string }> = [];
  private readonly sectionWords: Array<{ section: FormSection; phrase: string }> = [];

  constructor(private readonly messages: Messages) {
    const all = (key: string) =>
      [...new Set(LANGUAGES.flatMap((l) => messages.list(l, key)).map(normalizeText))].filter(Boolean);
    this.skip = new Set(all('accessRequest:commands.skip'));
    this.back = new Set(all('accessRequest:commands.back'));
    this.confirm = new Set(all('accessRequest:commands.confirm'));
    this.correctVerbs = all('accessRequest:commands.correct');
    for (const [kind, choice] of Object.entries(CHOICE_GROUPS) as Array<
      [PromptKind, { group: string; values: string[] }]
    >) {
      this.choiceWords.set(
        kind,
        choice.values.map((value) => ({
          value,
          words: [
            ...all(`accessRequest:choices.${choice.group}.${value}.words`),
            ...(kind === 'yesNo' ? all(`accessRequest:${value}`) : []),
            ...LANGUAGES.map((l) =>
              normalizeText(messages.forLanguage(l)(`accessRequest:choices.${choice.group}.${value}.label`)),
            ),
          ],
        })),
      );
    }
    const names = [...new Set(FIELDS.map((f) => f.name))];
    for (const name of names) {
      for (const phrase of all(`accessRequest:fieldNames.${name}`)) this.fieldNames.push({ name, phrase });
    }
    for (const section of ['user', 'authorization'] as const) {
      for (const phrase of all(`accessRequest:sectionWords.${section}`))
        this.sectionWords.push({ section, phrase });
    }
    // Longest first, so that « nom d'utilisateur » wins over « nom ».
    this.fieldNames.sort((a, b) => b.phrase.length - a.phrase.length);
  }

  /** True when the answer means « leave this optional box empty ». */
  isSkip(normalized: string): boolean {
    return this.skip.has(normalized);
  }

  /** True when the answer means « go back to the previous question ». */
  isBack(normalized: string): boolean {
    return this.back.has(normalized);
  }

  /** The words naming each choice of a multiple-choice kind, or [] for a free-text kind. */
  choices(kind: PromptKind): ChoiceWords {
    return this.choiceWords.get(kind) ?? [];
  }

  /**
   * Reads an answer to the summary: « confirmer », « corriger le code postal de l'utilisateur », « corriger 9 »,
   * « 9 » or a field's name alone. A field named without its section returns both sections' ids, for the
   * caller to ask which one.
   */
  reviewIntent(normalized: string, fields: readonly FieldDefinition[]): ReviewIntent {
    if (!normalized) return { kind: 'none' };
    if (this.confirm.has(normalized)) return { kind: 'confirm' };
    const verb = this.correctVerbs.find((v) => normalized === v || normalized.startsWith(`${v} `));
    const rest = verb ? normalized.slice(verb.length).trim() : normalized;
    const number = /^(?:no |numero |number |#)?(\d{1,2})$/.exec(rest);
    if (number) {
      const field = fields[Number(number[1]) - 1];
      return field
        ? { kind: 'correct', fieldIds: [field.id] }
        : { kind: 'noSuchNumber', number: Number(number[1]), count: fields.length };
    }
    const named = this.fieldNames.find((f) => containsPhrase(rest, f.phrase));
    if (!named) return verb ? { kind: 'correctWhich' } : { kind: 'none' };
    // The field's own words are removed first, so « nom d'utilisateur » does not also read as section 2.
    const remainder = ` ${rest} `.replace(` ${named.phrase} `, ' ').trim();
    const sections = new Set(
      this.sectionWords.filter((s) => containsPhrase(remainder, s.phrase)).map((s) => s.section),
    );
    const candidates = fields.filter(
      (f) => f.name === named.name && (sections.size !== 1 || sections.has(f.section)),
    );
    return candidates.length ? { kind: 'correct', fieldIds: candidates.map((f) => f.id) } : { kind: 'none' };
  }
}
