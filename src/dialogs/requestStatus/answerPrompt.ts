import { InputHints, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
} from '../shared/dialogLibrary';
import type { DialogDependencies } from '../shared/dependencies';
import { isCardOnlySubmission } from '../shared/cards';
import { gatherKey, isDtmf, type KeypadEntry } from '../shared/dtmf';
import { settleKeys } from '../shared/keyEntry';
import type { Part } from '../shared/responder';

/** Persisted dialog id. */
export const REQUEST_ANSWER = 'requestStatus.answer';

/** What to ask. */
export interface AnswerPromptOptions {
  question: Part;
}

interface AnswerPromptState extends AnswerPromptOptions {
  /** Empty answers so far: every second one brings the agent offer, so an empty line never loops. */
  empties?: number;
  /** Digits keyed so far on the phone (a DIN), one message each. */
  keys?: KeypadEntry;
}

/** A DIN's digits: keyed one by one, the eighth completes it without "#". */
const DIN_DIGITS = 8;

/**
 * Asks a free question and returns the text of the answer. The question is rendered at show time, so a
 * language switch in the middle is honoured; the answer itself is never stored in dialog state.
 */
export class AnswerPrompt extends Dialog<AnswerPromptOptions> {
  constructor(private readonly deps: DialogDependencies) {
    super(REQUEST_ANSWER);
  }

  override async beginDialog(dc: DialogContext, options?: AnswerPromptOptions): Promise<DialogTurnResult> {
    if (!options?.question) throw new TypeError('AnswerPrompt needs a question');
    dc.activeDialog!.state = { question: options.question };
    await this.ask(dc.context, options.question);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as AnswerPromptState;
    const gathered = isDtmf(activity) ? gatherKey(activity, state.keys, { length: DIN_DIGITS }) : undefined;
    state.keys = undefined;
    if (gathered) {
      const turnOver = await settleKeys(dc.context, this.deps.state, gathered, {
        keep: (entry) => (state.keys = entry),
        repeat: () => this.ask(dc.context, state.question),
      });
      if (turnOver) return Dialog.EndOfTurn;
      if (gathered.kind === 'done') return dc.endDialog(gathered.keys);
    }
    // A lone "#" is an empty answer.
    const text = gathered?.kind === 'empty' ? '' : (activity.text ?? '').trim();
    if (isCardOnlySubmission(activity)) {
      await this.ask(dc.context, (dc.activeDialog!.state as AnswerPromptState).question, [
        'common:staleCard',
      ]);
      return Dialog.EndOfTurn;
    }
    if (!text) {
      state.empties = (state.empties ?? 0) + 1;
      const lead: Part[] = ['accounts:answer.empty'];
      if (state.empties % 2 === 0) lead.push('accounts:contact.agentOffer');
      await this.ask(dc.context, state.question, lead);
      return Dialog.EndOfTurn;
    }
    return dc.endDialog(text);
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.ask(context, (instance.state as AnswerPromptState).question);
  }

  private async ask(context: TurnContext, question: Part, lead: Part[] = []): Promise<void> {
    await this.deps.responder.send(context, [...lead, question], { inputHint: InputHints.ExpectingInput });
  }
}
