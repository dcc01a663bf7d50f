import { ActionTypes, InputHints, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
} from '../shared/dialogLibrary';
import { LANGUAGES, type Messages } from '../../i18n';
import { normalizeText } from '../../nlu/normalize';
import type { DialogDependencies } from '../shared/dependencies';
import type { Part } from '../shared/responder';

/** Dialog id, persisted. */
export const YES_NO_PROMPT = 'accounts.yesNo';

/** After this many answers that are neither yes nor no, the answer is taken as no. */
const MAX_MISSES = 2;

/** The question to ask. */
export interface YesNoPromptOptions {
  question: Part[];
}

interface YesNoState {
  question: Part[];
  misses: number;
}

/**
 * The accounts' yes and no, in both languages ("oui", "ben oui", "yes"), and keypad 1 = yes, 2 = no: read by
 * {@link YesNoPrompt}, and by whatever must tell such an answer from anything else typed there.
 */
export class YesNoWords {
  private readonly yes: Set<string>;
  private readonly no: Set<string>;

  constructor(messages: Messages) {
    const words = (key: string) =>
      new Set(LANGUAGES.flatMap((l) => messages.list(l, key)).map(normalizeText));
    this.yes = words('accounts:words.yes');
    this.no = words('accounts:words.no');
  }

  /** True for yes, false for no, undefined otherwise. */
  recognize(text: string | undefined): boolean | undefined {
    const normalized = normalizeText(text ?? '').replace(/#$/, '');
    if (!normalized) return undefined;
    if (normalized === '1' || this.yes.has(normalized)) return true;
    if (normalized === '2' || this.no.has(normalized)) return false;
    return undefined;
  }
}

/**
 * A yes/no question understood in both languages ("oui", "ben oui", "yes", keypad 1 = yes, 2 = no). It never
 * loops forever: after two answers it cannot read, it takes the answer as no. « * » or « répéter » asks again
 * without counting as an answer.
 */
export class YesNoPrompt extends Dialog<YesNoPromptOptions> {
  private readonly words: YesNoWords;

  constructor(private readonly deps: DialogDependencies) {
    super(YES_NO_PROMPT);
    this.words = new YesNoWords(deps.responder.messages);
  }

  override async beginDialog(dc: DialogContext, options?: YesNoPromptOptions): Promise<DialogTurnResult> {
    const state: YesNoState = { question: options?.question ?? [], misses: 0 };
    dc.activeDialog!.state = state;
    await this.ask(dc.context, state.question);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as YesNoState;
    const answer = this.recognize(dc.context.activity.text);
    if (answer !== undefined) return dc.endDialog(answer);
    // « * », « répéter », « pardon? »: the question again, not a miss (two misses are taken as no).
    if (this.deps.lexicon.isRepeat(normalizeText(dc.context.activity.text ?? ''))) {
      await this.ask(dc.context, state.question);
      return Dialog.EndOfTurn;
    }
    state.misses += 1;
    if (state.misses >= MAX_MISSES) return dc.endDialog(false);
    await this.ask(dc.context, ['accounts:yesNo.notUnderstood', ...state.question]);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.ask(context, (instance.state as YesNoState).question);
  }

  /** True for yes, false for no, undefined otherwise. */
  recognize(text: string | undefined): boolean | undefined {
    return this.words.recognize(text);
  }

  private async ask(context: TurnContext, question: Part[]): Promise<void> {
    const t = this.deps.responder.translator(context);
    await this.deps.responder.send(context, [...question, 'accounts:yesNo.hint'], {
      inputHint: InputHints.ExpectingInput,
      suggestedActions: [
        { type: ActionTypes.ImBack, title: t('accounts:yesNo.yes'), value: t('accounts:yesNo.yes') },
        { type: ActionTypes.ImBack, title: t('accounts:yesNo.no'), value: t('accounts:yesNo.no') },
      ],
    });
  }
}
