import { type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from './shared/dialogLibrary';
import { DEFAULT_LANGUAGE } from '../i18n';
import {
  type Answers,
  type FieldDefinition,
  fieldById,
  FIELDS,
  type FormSection,
  SHARED_WORKPLACE_FIELDS,
  toForm,
} from '../services/forms/accessRequestModel';
import type { Form4313Text } from '../services/forms/form4313Text';
import { FORM_LINK_TTL_MS, type FormDownloadStore } from '../services/forms/formDownloads';
import { hashId } from '../services/logger';
import { commitReplies } from '../replyHold';
import { AccessRequestWords, type PromptKind } from './accessRequest/accessRequestWords';
import {
  FIELD_PROMPT,
  FieldPrompt,
  type FieldPromptOptions,
  type FieldPromptResult,
} from './accessRequest/fieldPrompt';
import {
  REVIEW_PROMPT,
  ReviewPrompt,
  type ReviewPromptOptions,
  type ReviewResult,
} from './accessRequest/reviewPrompt';
import { displayValue } from './accessRequest/summary';
import { formatTime, phonesInline, scheduleText } from './shared/contactInfo';
import type { DialogDependencies } from './shared/dependencies';
import { FlowDialog } from './shared/flowDialog';
import type { Part } from './shared/responder';

/** Persisted dialog ids. */
export const ACCESS_REQUEST = 'accessRequest' as const;
const MAIN = 'accessRequest.main';
const COLLECT = 'accessRequest.collect';
const REVIEW = 'accessRequest.reviewLoop';

/** What the flow needs beyond the common dependencies. */
export interface AccessRequestSettings {
  /** Where the filled form waits for its single download. */
  store: FormDownloadStore;
  /** The bot's public URL, without trailing slash: the link is `<publicBaseUrl>/forms/<token>`. */
  publicBaseUrl: string;
  /** The official form's fixed French text (data/form4313.json). */
  formText: Form4313Text;
}

/** One question of the collection, in order. */
interface Question {
  id: string;
  section: FormSection;
  kind: PromptKind;
  optional: boolean;
}

/** What the review loop remembers between asking a correction and recording it. */
interface CorrectionValues {
  fieldId?: string;
}

/** Asked between section 3's identity and its workplace, to spare retyping the same pharmacy. */
const SAME_WORKPLACE = 'authorization.sameWorkplace';

const QUESTIONS: readonly Question[] = FIELDS.flatMap((f: FieldDefinition): Question[] => {
  const question: Question = { id: f.id, section: f.section, kind: f.kind, optional: f.optional };
  return f.id === 'authorization.practiceNumber'
    ? [question, { id: SAME_WORKPLACE, section: 'authorization', kind: 'yesNo', optional: false }]
    : [question];
});

/** The collection loop's state, carried from one question to the next in dialog state only. */
interface CollectState {
  answers: Answers;
  index: number;
  /** Indexes of the questions answered, to go back through them. */
  history: number[];
}

/**
 * Online-services option 4: guides a pharmacy through form 4313 « Demande d'accès aux services en ligne »
 * and hands over the form pre-filled as a PDF, ready to sign by hand and mail. Answers live only in this
 * dialog's state while it runs; the PDF waits behind a single-use link for 15 minutes at most. On voice
 * channels it explains the process and the directives and sends the caller to the chat instead.
 */
export class AccessRequestDialog extends FlowDialog {
  private readonly words: AccessRequestWords;

  constructor(
    deps: DialogDependencies,
    private readonly settings: AccessRequestSettings,
  ) {
    super(ACCESS_REQUEST, deps);
    this.words = new AccessRequestWords(deps.responder.messages);
    this.addDialog(new FieldPrompt(deps, this.words));
    this.addDialog(new ReviewPrompt(deps, this.words));
    this.addDialog(
      new WaterfallDialog(MAIN, [
        this.explain.bind(this),
        this.collect.bind(this),
        this.review.bind(this),
        this.produce.bind(this),
      ]),
    );
    this.addDialog(new WaterfallDialog(COLLECT, [this.askQuestion.bind(this), this.recordAnswer.bind(this)]));
    this.addDialog(
      new WaterfallDialog(REVIEW, [
        this.showSummary.bind(this),
        this.startCorrection.bind(this),
        this.recordCorrection.bind(this),
      ]),
    );
    this.initialDialogId = MAIN;
  }

  /** Who fills what and what happens next; on voice, also the directives, then the flow ends. */
  private async explain(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { responder, centre } = this.deps;
    if (responder.isVoice(step.context)) {
      const address = centre.mailingAddress.slice(1).join(', ').replace(/\s+/g, ' ');
      await responder.send(step.context, [
        'accessRequest:voice.explain',
        { key: 'accessRequest:voice.directives', vars: { address } },
        'accessRequest:voice.chat',
      ]);
      return step.endDialog();
    }
    await responder.send(step.context, [
      'accessRequest:intro.title',
      'accessRequest:intro.purpose',
      'accessRequest:intro.who',
      'accessRequest:intro.next',
      'accessRequest:intro.commands',
    ]);
    return step.next();
  }

  private async collect(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const start: CollectState = { answers: {}, index: 0, history: [] };
    return step.beginDialog(COLLECT, start);
  }

  private async review(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options: ReviewPromptOptions = { answers: step.result as Answers };
    return step.beginDialog(REVIEW, options);
  }

  /** Renders the PDF, puts it behind a single-use link, and says how to sign and mail it. */
  private async produce(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { responder, centre, clock, logger } = this.deps;
    const { context } = step;
    const t = responder.translator(context);
    const french = responder.messages.forLanguage(DEFAULT_LANGUAGE);
    try {
      const now = clock.now();
      // pdf-lib loads on the first form rather than at start-up, where it cost 80 ms before /readyz.
      const { renderForm4313 } = await import('../services/forms/form4313Pdf');
      const rendered = await renderForm4313(
        toForm(step.result as Answers),
        this.settings.formText,
        { centre, schedule: scheduleText(french, centre) },
        now,
      );
      const token = await this.settings.store.put(rendered.bytes, french('accessRequest:filename'));
      // The form now waits for its download whatever happens to this turn's state: « confirmer » sent twice
      // at once (a double click, two instances) must give the loser its link too, not ask to send « confirmer »
      // again to a conversation whose form is already made and no longer expects it.
      commitReplies(context);
      const url = `${this.settings.publicBaseUrl}/forms/${token}`;
      const expires = new Date(now.getTime() + FORM_LINK_TTL_MS);
      const address = centre.mailingAddress.join(', ').replace(/\s+/g, ' ');
      // Only the fact is logged: no token, no names, nothing from the form.
      logger.info(
        { event: 'accessRequestForm', conversation: hashId(context.activity.conversation?.id) },
        'form ready',
      );
      await responder.send(context, [
        { key: 'accessRequest:done.ready', vars: { url } },
        { key: 'accessRequest:done.expiry', vars: { time: formatTime(t, this.localTime(expires)) } },
        {
          lines: [
            'accessRequest:done.stepsTitle',
            'accessRequest:done.print',
            'accessRequest:done.sign',
            { key: 'accessRequest:done.mail', vars: { address } },
            'accessRequest:done.after',
          ],
        },
      ]);
    } catch (error) {
      logger.error({ err: { name: (error as Error)?.name }, event: 'accessRequestForm' }, 'form failed');
      await responder.send(context, [
        { key: 'accessRequest:done.failed', vars: { phones: phonesInline(t, centre) } },
      ]);
    }
    return step.endDialog();
  }

  /** « HH:MM » in the centre's time zone, whatever the server's. */
  private localTime(date: Date): string {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone: this.deps.centre.timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(date);
  }

  // ——— Collection: one question per turn, « retour » walks back through the questions answered. ———

  private async askQuestion(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = step.options as CollectState;
    const question = QUESTIONS[state.index];
    if (!question) return step.endDialog(state.answers);
    const firstOfSection = QUESTIONS.findIndex((q) => q.section === question.section) === state.index;
    const lead: Part[] = firstOfSection ? [`accessRequest:sectionStart.${question.section}`] : [];
    const options: FieldPromptOptions = {
      fieldId: question.id,
      kind: question.kind,
      optional: question.optional,
      canGoBack: state.history.length > 0,
      lead,
      vars: question.id === SAME_WORKPLACE ? this.workplaceOf(step, state.answers) : undefined,
    };
    return step.beginDialog(FIELD_PROMPT, options);
  }

  private async recordAnswer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = step.options as CollectState;
    const result = step.result as FieldPromptResult;
    const answers: Answers = { ...state.answers };
    const history = [...state.history];
    let index: number;
    if (result.kind === 'back') {
      index = history.pop() ?? 0;
    } else {
      const question = QUESTIONS[state.index];
      answers[question.id] = result.kind === 'answer' ? result.value : null;
      if (question.id === SAME_WORKPLACE && result.kind === 'answer' && result.value === 'yes') {
        for (const name of SHARED_WORKPLACE_FIELDS)
          answers[`authorization.${name}`] = answers[`user.${name}`];
      }
      history.push(state.index);
      index = this.nextIndex(state.index, answers);
    }
    const next: CollectState = { answers, index, history };
    return step.replaceDialog(COLLECT, next);
  }

  /** The next question, past the workplace boxes already copied from section 2. */
  private nextIndex(current: number, answers: Answers): number {
    let index = current + 1;
    const copied = answers[SAME_WORKPLACE] === 'yes';
    while (
      copied &&
      QUESTIONS[index] &&
      QUESTIONS[index].section === 'authorization' &&
      SHARED_WORKPLACE_FIELDS.some((name) => QUESTIONS[index].id === `authorization.${name}`)
    ) {
      index += 1;
    }
    return index;
  }

  private workplaceOf(step: WaterfallStepContext, answers: Answers): Record<string, string> {
    const t = this.deps.responder.translator(step.context);
    return Object.fromEntries(
      SHARED_WORKPLACE_FIELDS.map((name) => {
        const field = fieldById(`user.${name}`)!;
        return [name, displayValue(t, field, answers[field.id])];
      }),
    );
  }

  // ——— Review: summary, corrections by name or number, then confirmation. ———

  private async showSummary(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.beginDialog(REVIEW_PROMPT, step.options as ReviewPromptOptions);
  }

  private async startCorrection(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answers } = step.options as ReviewPromptOptions;
    const result = step.result as ReviewResult;
    if (result.kind === 'confirm') return step.endDialog(answers);
    const field = fieldById(result.fieldId)!;
    (step.values as CorrectionValues).fieldId = field.id;
    const t = this.deps.responder.translator(step.context);
    const options: FieldPromptOptions = {
      fieldId: field.id,
      kind: field.kind,
      optional: field.optional,
      canGoBack: true,
      current: displayValue(t, field, answers[field.id]),
    };
    return step.beginDialog(FIELD_PROMPT, options);
  }

  /**
   * Section 3's workplace copied from section 2 (« même endroit »: oui) follows a correction of section 2's; a
   * correction of section 3's own workplace ends the copy, so that a later change to section 2 leaves it alone.
   */
  private keepWorkplaceInStep(answers: Answers, fieldId: string): void {
    if (answers[SAME_WORKPLACE] !== 'yes') return;
    const [section, name] = fieldId.split('.');
    if (!SHARED_WORKPLACE_FIELDS.some((shared) => shared === name)) return;
    if (section === 'user') answers[`authorization.${name}`] = answers[fieldId];
    else answers[SAME_WORKPLACE] = 'no';
  }

  private async recordCorrection(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answers } = step.options as ReviewPromptOptions;
    const result = step.result as FieldPromptResult;
    const updated: Answers = { ...answers };
    const { fieldId } = step.values as Required<CorrectionValues>;
    if (result.kind === 'answer') updated[fieldId] = result.value;
    if (result.kind === 'skip') updated[fieldId] = null;
    if (result.kind !== 'back') this.keepWorkplaceInStep(updated, fieldId);
    const next: ReviewPromptOptions = {
      answers: updated,
      lead: result.kind === 'back' ? [] : ['accessRequest:review.updated'],
    };
    return step.replaceDialog(REVIEW, next);
  }
}
