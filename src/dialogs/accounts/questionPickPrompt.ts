import { InputHints, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
} from '../shared/dialogLibrary';
import type { Lexicon } from '../../nlu/lexicon';
import { normalizeText } from '../../nlu/normalize';
import { recognizeSmallNumbers } from '../../nlu/numbers';
import type { SecretQuestionCatalogue } from '../../services/accounts';
import type { DialogDependencies } from '../shared/dependencies';
import { gatherKey, isDtmf, type KeypadEntry } from '../shared/dtmf';
import { settleKeys } from '../shared/keyEntry';
import { isCardOnlySubmission } from '../shared/cards';
import type { Part } from '../shared/responder';

/** Dialog id, persisted. */
export const QUESTION_PICK_PROMPT = 'accounts.questionPick';

/** Which questions may still be chosen. */
export interface QuestionPickOptions {
  /** Ids of the questions not chosen yet, in catalogue order. */
  available: string[];
  /** How many are chosen already, and how many are needed. */
  chosen: number;
  total: number;
  lead?: Part[];
}

interface QuestionPickState {
  options: QuestionPickOptions;
  misses: number;
  /** Keys pressed so far on the phone: "1" may be question 1 or the start of 12. */
  keys?: KeypadEntry;
}

/**
 * Shows the questions still available, numbered as in the catalogue, and returns the id of the one chosen by
 * its number (typed, said or keyed). A question already chosen or a number not in the list gets a precise
 * answer; the list is shown again.
 */
export class QuestionPickPrompt extends Dialog<QuestionPickOptions> {
  constructor(
    private readonly deps: DialogDependencies,
    private readonly catalogue: SecretQuestionCatalogue,
    private readonly lexicon: Lexicon,
  ) {
    super(QUESTION_PICK_PROMPT);
  }

  override async beginDialog(dc: DialogContext, options?: QuestionPickOptions): Promise<DialogTurnResult> {
    if (!options?.available?.length) throw new TypeError('QuestionPickPrompt needs available questions');
    const state: QuestionPickState = { options: { ...options, lead: undefined }, misses: 0 };
    dc.activeDialog!.state = state;
    await this.show(dc.context, state.options, options.lead ?? []);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== 'message') return Dialog.EndOfTurn;
    const { context } = dc;
    const state = dc.activeDialog!.state as QuestionPickState;
    if (isCardOnlySubmission(context.activity)) {
      await this.show(context, state.options, ['common:staleCard']);
      return Dialog.EndOfTurn;
    }
    const highest = Math.max(...state.options.available.map((id) => this.catalogue.numberOf(id)));
    // Only real keypresses are gathered: a lone "1" from speech recognition is question 1.
    const gathered = isDtmf(context.activity)
      ? gatherKey(context.activity, state.keys, {
          finishedEarly: (digits) => digits.length >= 2 || Number(digits) * 10 > highest,
        })
      : { kind: 'notKey' as const };
    state.keys = undefined;
    const turnOver = await settleKeys(context, this.deps.state, gathered, {
      keep: (entry) => (state.keys = entry),
      repeat: () => this.show(context, state.options, []),
    });
    if (turnOver) return Dialog.EndOfTurn;
    if (gathered.kind === 'notKey' && this.lexicon.isRepeat(normalizeText(context.activity.text ?? ''))) {
      await this.show(context, state.options, []);
      return Dialog.EndOfTurn;
    }
    const number = this.numberIn(gathered.kind === 'done' ? gathered.keys : (context.activity.text ?? ''));
    const id = number === undefined ? undefined : this.catalogue.idAt(number);
    if (id && state.options.available.includes(id)) return dc.endDialog(id);
    state.misses += 1;
    const example = this.catalogue.numberOf(state.options.available[0]);
    const lastInList = Math.max(...this.catalogue.ids.map((q) => this.catalogue.numberOf(q)));
    let problem: Part;
    if (id !== undefined) problem = { key: 'accounts:pick.alreadyChosen', vars: { number: number ?? '' } };
    // « 19 » or « zéro »: a number was understood, only it is not one of the list's.
    else if (number !== undefined) {
      problem = { key: 'accounts:pick.outOfRange', vars: { number, highest: lastInList } };
    } else problem = { key: 'accounts:pick.notUnderstood', vars: { example } };
    // From the second miss in a row, how to stop and how to reach a person, as every other question does.
    await this.show(
      context,
      state.options,
      state.misses >= 2 ? [problem, 'accounts:pick.howToStop', 'accounts:contact.agentOffer'] : [problem],
    );
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    const state = instance.state as QuestionPickState;
    state.keys = undefined;
    await this.show(context, state.options, []);
  }

  /** "5", "5#", "cinq", "numéro 12", "la douzième"; the recognizers run only when nothing cheaper matched. */
  private numberIn(text: string): number | undefined {
    const normalized = this.lexicon.stripFillers(normalizeText(text)).replace(/#$/, '').trim();
    if (/^\d{1,2}$/.test(normalized)) return Number(normalized);
    const digit = this.lexicon.digitWord(normalized);
    if (digit !== undefined) return Number(digit);
    if (normalized.length === 0 || normalized.length > 40) return undefined;
    const values = recognizeSmallNumbers(text);
    return values.length === 1 ? values[0] : undefined;
  }

  private async show(context: TurnContext, options: QuestionPickOptions, lead: Part[]): Promise<void> {
    const language = this.deps.responder.language(context);
    const lines: Part[] = options.available.map((id) => ({
      key: 'accounts:pick.line',
      vars: { number: this.catalogue.numberOf(id), question: this.catalogue.text(id, language) },
    }));
    await this.deps.responder.send(
      context,
      [
        ...lead,
        { key: 'accounts:pick.ask', vars: { position: options.chosen + 1, total: options.total } },
        { lines },
      ],
      { inputHint: InputHints.ExpectingInput },
    );
  }
}
