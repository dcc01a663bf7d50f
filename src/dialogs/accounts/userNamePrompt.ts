import { InputHints, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
} from '../shared/dialogLibrary';
import { USER_NAME_DIGITS, type UserNameRecognizer } from '../../nlu/userName';
import type { DialogDependencies } from '../shared/dependencies';
import { gatherKey, type KeypadEntry } from '../shared/dtmf';
import { settleKeys } from '../shared/keyEntry';
import { isCardOnlySubmission } from '../shared/cards';
import type { Part } from '../shared/responder';
import { contactOffer } from './replies';

/** Dialog id, persisted. */
export const USER_NAME_PROMPT = 'accounts.userName';

/** After this many answers that are not a user name, the bot offers the Centre and an agent instead. */
export const MAX_USER_NAME_FAILURES = 3;

/** How to ask for the user name. */
export interface UserNamePromptOptions {
  /** Said before the question. */
  lead?: Part[];
}

interface UserNamePromptState {
  failures: number;
  /** Keys pressed so far on the phone, one message each, until "#". */
  keys?: KeypadEntry;
}

/** The prefix key and six digits: a longer entry is already wrong, and is read (and explained) at once. */
const KEYS_IN_A_USER_NAME = 1 + USER_NAME_DIGITS;

/**
 * Asks for the user name (IP or CE and six digits) and returns it normalized (`CE100001`), or undefined
 * after three answers that are not one, once the contact offer has been made. Each wrong answer gets a
 * precise explanation with an example.
 */
export class UserNamePrompt extends Dialog<UserNamePromptOptions> {
  constructor(
    private readonly deps: DialogDependencies,
    private readonly recognizer: UserNameRecognizer,
  ) {
    super(USER_NAME_PROMPT);
  }

  override async beginDialog(dc: DialogContext, options?: UserNamePromptOptions): Promise<DialogTurnResult> {
    const state: UserNamePromptState = { failures: 0 };
    dc.activeDialog!.state = state;
    await this.ask(dc.context, [...(options?.lead ?? []), 'accounts:userName.ask']);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { context } = dc;
    if (context.activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as UserNamePromptState;
    if (isCardOnlySubmission(context.activity)) {
      await this.ask(context, ['common:staleCard', 'accounts:userName.ask']);
      return Dialog.EndOfTurn;
    }
    const gathered = gatherKey(context.activity, state.keys, {
      finishedEarly: (digits) => digits.length > KEYS_IN_A_USER_NAME,
    });
    state.keys = undefined;
    const turnOver = await settleKeys(context, this.deps.state, gathered, {
      keep: (entry) => (state.keys = entry),
      repeat: () => this.ask(context, ['accounts:userName.ask']),
    });
    if (turnOver) return Dialog.EndOfTurn;
    const answer = gathered.kind === 'done' ? `${gathered.keys}#` : context.activity.text;
    const result = this.recognizer.recognize(answer, { keypad: this.deps.responder.isVoice(context) });
    if (result.ok) return dc.endDialog(result.userName);
    state.failures += 1;
    if (state.failures >= MAX_USER_NAME_FAILURES) {
      await this.deps.responder.send(context, contactOffer(context, this.deps, ['accounts:userName.giveUp']));
      return dc.endDialog(undefined);
    }
    const vars = { count: result.digitCount ?? 0, digits: USER_NAME_DIGITS };
    await this.ask(context, [
      { key: `accounts:userName.problem.${result.problem}`, vars },
      // The last try left: say how to reach a person before it.
      ...(state.failures === MAX_USER_NAME_FAILURES - 1 ? ['accounts:contact.agentOffer'] : []),
      'accounts:userName.retry',
    ]);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    // After a silence the caller starts over: half an entry heard again would only confuse.
    (instance.state as UserNamePromptState).keys = undefined;
    await this.ask(context, ['accounts:userName.ask']);
  }

  private async ask(context: TurnContext, parts: Part[]): Promise<void> {
    await this.deps.responder.send(context, parts, { inputHint: InputHints.ExpectingInput });
  }
}
