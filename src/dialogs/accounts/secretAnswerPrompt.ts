import { InputHints, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
} from '../shared/dialogLibrary';
import type { SecretQuestionCatalogue } from '../../services/accounts';
import { normalizeAnswer } from '../../services/accounts/answers';
import { normalizeText } from '../../nlu/normalize';
import type { DialogDependencies } from '../shared/dependencies';
import { isCardOnlySubmission } from '../shared/cards';
import { isDtmf, keypadKey } from '../shared/dtmf';
import type { Part } from '../shared/responder';

/** Dialog id, persisted. */
export const SECRET_ANSWER_PROMPT = 'accounts.secretAnswer';

/** Which question to ask and where it stands in the series. */
export interface SecretAnswerPromptOptions {
  questionId: string;
  /** 1-based position and series length, e.g. question 2 of 3. */
  position: number;
  total: number;
  lead?: Part[];
}

interface SecretAnswerPromptState extends SecretAnswerPromptOptions {
  /** Empty answers to this question so far. */
  empties?: number;
}

/**
 * Asks one secret question and returns the answer typed or said, to the calling step only: the answer is
 * never echoed, and never kept in dialog state (the prompt's state holds the question id alone).
 */
export class SecretAnswerPrompt extends Dialog<SecretAnswerPromptOptions> {
  constructor(
    private readonly deps: DialogDependencies,
    private readonly catalogue: SecretQuestionCatalogue,
  ) {
    super(SECRET_ANSWER_PROMPT);
  }

  override async beginDialog(
    dc: DialogContext,
    options?: SecretAnswerPromptOptions,
  ): Promise<DialogTurnResult> {
    if (!options?.questionId) throw new TypeError('SecretAnswerPrompt needs a question');
    dc.activeDialog!.state = { ...options, lead: undefined };
    await this.ask(dc.context, options, options.lead ?? []);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== 'message') return Dialog.EndOfTurn;
    const options = dc.activeDialog!.state as SecretAnswerPromptState;
    const text = dc.context.activity.text ?? '';
    if (isCardOnlySubmission(dc.context.activity)) {
      await this.ask(dc.context, options, ['common:staleCard']);
      return Dialog.EndOfTurn;
    }
    // A key is never an answer (nor an attempt against the lockout): "*" repeats, any other asks for speech.
    if (isDtmf(dc.context.activity)) {
      const repeat = keypadKey(dc.context.activity) === '*';
      await this.ask(dc.context, options, repeat ? [] : ['accounts:answer.sayAloud']);
      return Dialog.EndOfTurn;
    }
    // « Pouvez-vous répéter? » asks for the question again: taken as an answer, it would cost a try.
    if (this.deps.lexicon.isRepeatRequest(normalizeText(text))) {
      await this.ask(dc.context, options, []);
      return Dialog.EndOfTurn;
    }
    if (!normalizeAnswer(text)) {
      options.empties = (options.empties ?? 0) + 1;
      // Every second empty answer also says how to reach a person, so that an empty line never loops.
      // An emoji or punctuation alone was received, only it holds nothing to compare: « rien reçu » is untrue.
      const lead: Part[] = [text.trim() ? 'accounts:answer.noLetters' : 'accounts:answer.empty'];
      if (options.empties % 2 === 0) lead.push('accounts:contact.agentOffer');
      await this.ask(dc.context, options, lead);
      return Dialog.EndOfTurn;
    }
    return dc.endDialog(text);
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.ask(context, instance.state as SecretAnswerPromptOptions, []);
  }

  private async ask(context: TurnContext, options: SecretAnswerPromptOptions, lead: Part[]): Promise<void> {
    const language = this.deps.responder.language(context);
    const question = this.catalogue.text(options.questionId, language);
    await this.deps.responder.send(
      context,
      [
        ...lead,
        { key: 'accounts:answer.ask', vars: { position: options.position, total: options.total, question } },
      ],
      { inputHint: InputHints.ExpectingInput },
    );
  }
}
