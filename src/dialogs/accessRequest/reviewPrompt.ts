import { InputHints, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
} from '../shared/dialogLibrary';
import { normalizeText } from '../../nlu/normalize';
import { type Answers, fieldById, FIELDS } from '../../services/forms/accessRequestModel';
import { MAX_MISSES } from '../menuPrompt';
import type { DialogDependencies } from '../shared/dependencies';
import type { Part } from '../shared/responder';
import type { AccessRequestWords } from './accessRequestWords';
import type { AccessRequestButtonValue } from './fieldPrompt';
import { CARD_CHANNELS, fieldNumber, summaryCard, summaryParts } from './summary';

/** Persisted dialog id. */
export const REVIEW_PROMPT = 'accessRequest.review';

/** How to show the summary. */
export interface ReviewPromptOptions {
  answers: Answers;
  /** Said before the summary (e.g. « C'est noté »). */
  lead?: Part[];
}

/** The user's decision on the summary. */
export type ReviewResult = { kind: 'confirm' } | { kind: 'correct'; fieldId: string };

interface ReviewPromptState {
  options: ReviewPromptOptions;
  misses: number;
}

/**
 * Shows the summary — an Adaptive Card where cards render, numbered text elsewhere — and waits for
 * « confirmer » or a field to correct, named (« corriger le code postal de l'utilisateur »), numbered
 * (« corriger 9 ») or picked on the card. A name found in both sections is asked about rather than guessed.
 */
export class ReviewPrompt extends Dialog<ReviewPromptOptions> {
  constructor(
    private readonly deps: DialogDependencies,
    private readonly words: AccessRequestWords,
  ) {
    super(REVIEW_PROMPT);
  }

  override async beginDialog(dc: DialogContext, options?: ReviewPromptOptions): Promise<DialogTurnResult> {
    if (!options?.answers) throw new TypeError('ReviewPrompt needs the answers');
    const state: ReviewPromptState = { options, misses: 0 };
    dc.activeDialog!.state = state;
    await this.showSummary(dc.context, options);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as ReviewPromptState;

    const button = activity.value as AccessRequestButtonValue | undefined;
    if (button?.accessRequest === 'confirm') return dc.endDialog({ kind: 'confirm' } satisfies ReviewResult);
    if (button?.accessRequest === 'correct' && typeof button.field === 'string' && fieldById(button.field)) {
      return dc.endDialog({ kind: 'correct', fieldId: button.field } satisfies ReviewResult);
    }

    const normalized = normalizeText(activity.text ?? '');
    if (this.deps.lexicon.isRepeat(normalized)) {
      await this.showSummary(dc.context, { ...state.options, lead: [] });
      return Dialog.EndOfTurn;
    }
    const intent = this.words.reviewIntent(normalized, FIELDS);
    if (intent.kind === 'confirm') return dc.endDialog({ kind: 'confirm' } satisfies ReviewResult);
    if (intent.kind === 'correct' && intent.fieldIds.length === 1) {
      return dc.endDialog({ kind: 'correct', fieldId: intent.fieldIds[0] } satisfies ReviewResult);
    }
    if (intent.kind === 'correct') {
      await this.askWhichSection(dc.context, intent.fieldIds);
      return Dialog.EndOfTurn;
    }
    if (intent.kind === 'noSuchNumber') {
      // A precise answer rather than « je n'ai pas compris »: the user did say which line, only a wrong one.
      const vars = { number: intent.number, count: intent.count };
      await this.deps.responder.send(dc.context, [{ key: 'accessRequest:review.noSuchNumber', vars }], {
        inputHint: InputHints.ExpectingInput,
      });
      return Dialog.EndOfTurn;
    }
    if (intent.kind === 'correctWhich') {
      await this.deps.responder.send(dc.context, ['accessRequest:review.which'], {
        inputHint: InputHints.ExpectingInput,
      });
      return Dialog.EndOfTurn;
    }
    state.misses += 1;
    const lead: Part[] =
      state.misses >= MAX_MISSES
        ? ['accessRequest:review.notUnderstood', 'accessRequest:review.offer']
        : ['accessRequest:review.notUnderstood'];
    if (state.misses >= MAX_MISSES) state.misses = 0;
    await this.deps.responder.send(dc.context, lead, { inputHint: InputHints.ExpectingInput });
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.showSummary(context, { ...(instance.state as ReviewPromptState).options, lead: [] });
  }

  private async askWhichSection(context: TurnContext, fieldIds: string[]): Promise<void> {
    const t = this.deps.responder.translator(context);
    const [first, second] = fieldIds.map((id) => fieldById(id)!);
    await this.deps.responder.send(
      context,
      [
        {
          key: 'accessRequest:review.ambiguous',
          vars: {
            label: t(`accessRequest:fields.${first.id}.label`),
            first: fieldNumber(first),
            second: fieldNumber(second),
          },
        },
      ],
      { inputHint: InputHints.ExpectingInput },
    );
  }

  private async showSummary(context: TurnContext, options: ReviewPromptOptions): Promise<void> {
    const { responder } = this.deps;
    const t = responder.translator(context);
    const lead = options.lead ?? [];
    if (CARD_CHANNELS.has(context.activity.channelId)) {
      const activity = responder.compose(
        context,
        [...lead, 'accessRequest:review.intro', 'accessRequest:review.prompt'],
        {
          inputHint: InputHints.ExpectingInput,
        },
      );
      activity.attachments = [summaryCard(t, options.answers)];
      await context.sendActivity(activity);
      return;
    }
    const confirm = t('accessRequest:buttons.confirm');
    await responder.send(
      context,
      [
        ...lead,
        'accessRequest:review.intro',
        ...summaryParts(t, options.answers),
        'accessRequest:review.prompt',
      ],
      {
        inputHint: InputHints.ExpectingInput,
        suggestedActions: [{ type: 'imBack', title: confirm, value: confirm }],
      },
    );
  }
}
