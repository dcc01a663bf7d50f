import { InputHints, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
} from '../shared/dialogLibrary';
import type { DialogDependencies } from '../shared/dependencies';
import type { Part } from '../shared/responder';

/** Persisted dialog id. */
export const REQUEST_ANSWER = 'requestStatus.answer';

/** What to ask. */
export interface AnswerPromptOptions {
  question: Part;
}

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
    const text = (activity.text ?? '').trim();
    if (!text) {
      await this.ask(dc.context, (dc.activeDialog!.state as AnswerPromptOptions).question);
      return Dialog.EndOfTurn;
    }
    return dc.endDialog(text);
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.ask(context, (instance.state as AnswerPromptOptions).question);
  }

  private async ask(context: TurnContext, question: Part): Promise<void> {
    await this.deps.responder.send(context, [question], { inputHint: InputHints.ExpectingInput });
  }
}
