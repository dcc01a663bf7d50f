import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Language } from '../../i18n';
import { DATA_DIR } from '../centre';

/** How many questions an account chooses (the seed: eight). */
export const QUESTIONS_PER_ACCOUNT = 8;
/** How many of them a reset asks (the seed: three of the eight). */
export const QUESTIONS_PER_CHALLENGE = 3;

const catalogueSchema = z.object({
  questions: z
    .array(
      z.object({
        id: z.string().regex(/^[a-zA-Z]+$/),
        fr: z.string().min(1),
        en: z.string().min(1),
      }),
    )
    .min(15)
    .refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, { message: 'duplicate question id' }),
});

/** One question of the catalogue in both languages. */
export type SecretQuestion = z.infer<typeof catalogueSchema>['questions'][number];

/** The secret questions a user may choose from, in display order (their 1-based position is their number). */
export class SecretQuestionCatalogue {
  private readonly byId: ReadonlyMap<string, SecretQuestion>;

  constructor(readonly questions: readonly SecretQuestion[]) {
    this.byId = new Map(questions.map((q) => [q.id, q]));
  }

  /** Every question id, in display order. */
  get ids(): string[] {
    return this.questions.map((q) => q.id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The question's wording in the given language. */
  text(id: string, language: Language): string {
    const question = this.byId.get(id);
    if (!question) throw new RangeError(`unknown secret question: ${id}`);
    return question[language];
  }

  /** The question's number as shown to users (1-based position in the catalogue). */
  numberOf(id: string): number {
    return this.questions.findIndex((q) => q.id === id) + 1;
  }

  /** The id of the question shown with that number, if any. */
  idAt(number: number): string | undefined {
    return this.questions[number - 1]?.id;
  }
}

/** Loads and validates data/secretQuestions.json; a malformed file stops start-up. */
export function loadSecretQuestionCatalogue(
  file: string = path.join(DATA_DIR, 'secretQuestions.json'),
): SecretQuestionCatalogue {
  return new SecretQuestionCatalogue(
    catalogueSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))).questions,
  );
}
