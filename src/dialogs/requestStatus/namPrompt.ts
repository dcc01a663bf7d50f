import { InputHints, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
} from '../shared/dialogLibrary';
import { type NamProblem, parseNam } from '../../nlu/nam';
import { normalizeText } from '../../nlu/normalize';
import type { Sealer } from '../../services/requestStatus/sealer';
import { contactParts } from '../shared/contactInfo';
import type { DialogDependencies } from '../shared/dependencies';
import { gatherKey } from '../shared/dtmf';
import { settleKeys } from '../shared/keyEntry';
import { isCardOnlySubmission } from '../shared/cards';
import { silenceOf } from '../../voice/voiceTurn';
import type { Part } from '../shared/responder';

/** Persisted dialog id. */
export const NAM_PROMPT = 'requestStatus.nam';

/** After this many refused numbers, the bot stops asking and offers the centre and an agent. */
export const MAX_NAM_ATTEMPTS = 3;

/** How the question is put. */
export interface NamPromptOptions {
  question?: 'ask' | 'askWithContext' | 'askAgain';
}

/** A sealed NAM (see {@link Sealer}), or the user gave up after {@link MAX_NAM_ATTEMPTS} refused numbers. */
export type NamPromptResult = { sealed: string } | { gaveUp: true };

interface NamPromptState {
  question: NonNullable<NamPromptOptions['question']>;
  attempts: number;
  /** Letters said before keying the digits, sealed like the NAM itself. */
  pendingLetters?: string;
  /** Digits keyed so far on the phone, one message each, sealed too: they are part of the NAM. */
  pendingKeys?: string;
}

/** The digits of a NAM: keyed one by one, the eighth completes the number without "#". */
const NAM_DIGITS = 8;

/** The key under which a conversation's sealed values are bound. */
export function sealBinding(context: TurnContext): string {
  return `${context.activity.channelId}/${context.activity.conversation?.id ?? ''}`;
}

/**
 * Asks for the insured person's NAM and validates it, saying precisely which part is wrong. The number is
 * returned sealed: dialog state never holds it in clear, and no reply repeats more than its last four
 * characters.
 */
export class NamPrompt extends Dialog<NamPromptOptions> {
  constructor(
    private readonly deps: DialogDependencies,
    private readonly sealer: Sealer,
  ) {
    super(NAM_PROMPT);
  }

  override async beginDialog(dc: DialogContext, options?: NamPromptOptions): Promise<DialogTurnResult> {
    const state: NamPromptState = { question: options?.question ?? 'ask', attempts: 0 };
    dc.activeDialog!.state = state;
    await this.ask(dc.context, [`requests:nam.${state.question}`]);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { context } = dc;
    if (context.activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as NamPromptState;
    if (isCardOnlySubmission(context.activity)) {
      await this.ask(context, ['common:staleCard', `requests:nam.${state.question}`]);
      return Dialog.EndOfTurn;
    }
    const binding = sealBinding(context);
    const keyed = this.sealer.open(state.pendingKeys, binding);
    state.pendingKeys = undefined;
    const gathered = gatherKey(
      context.activity,
      { digits: typeof keyed === 'string' ? keyed : '' },
      { length: NAM_DIGITS },
    );
    const turnOver = await settleKeys(context, this.deps.state, gathered, {
      keep: (entry) => (state.pendingKeys = this.sealer.seal(entry.digits, binding)),
      repeat: () =>
        this.ask(context, [
          state.pendingLetters ? 'requests:nam.askDigits' : `requests:nam.${state.question}`,
        ]),
    });
    if (turnOver) return Dialog.EndOfTurn;
    // « répéter », or « * » typed in chat: the question again, without counting a wrong number.
    if (
      gathered.kind === 'notKey' &&
      this.deps.lexicon.isRepeat(normalizeText(context.activity.text ?? ''))
    ) {
      if (typeof keyed === 'string') state.pendingKeys = this.sealer.seal(keyed, binding);
      await this.ask(context, [
        state.pendingLetters ? 'requests:nam.askDigits' : `requests:nam.${state.question}`,
      ]);
      return Dialog.EndOfTurn;
    }
    // Digits keyed, then the rest said: « 5 5 0 8 » on the keypad, then « douze douze ».
    const keyedBefore = gathered.kind === 'notKey' && typeof keyed === 'string' ? keyed : '';
    const answer =
      gathered.kind === 'done' ? gathered.keys : `${keyedBefore} ${context.activity.text ?? ''}`.trim();
    const pending = this.sealer.open(state.pendingLetters, binding);
    const letters = typeof pending === 'string' ? pending : undefined;
    let result = parseNam(answer, letters);
    // The whole number said again after a few keys: what was said stands on its own.
    if (!result.ok && keyedBefore) {
      const spoken = parseNam(context.activity.text ?? '', letters);
      if (spoken.ok) result = spoken;
    }
    if (result.ok) {
      const outcome: NamPromptResult = { sealed: this.sealer.seal(result.nam.reveal(), binding) };
      return dc.endDialog(outcome);
    }
    if (result.letters) {
      // The letters alone: on the phone the digits are often keyed next. Not counted as a failure.
      state.pendingLetters = this.sealer.seal(result.letters, binding);
      await this.ask(context, ['requests:nam.askDigits']);
      return Dialog.EndOfTurn;
    }
    state.pendingLetters = undefined;
    state.attempts += 1;
    if (state.attempts >= MAX_NAM_ATTEMPTS) {
      const { responder, centre } = this.deps;
      const t = responder.translator(context);
      await responder.send(context, [
        this.problemPart(context, result.problem),
        'requests:nam.tooManyAttempts',
        ...contactParts(t, centre, false, !responder.isVoice(context)),
      ]);
      const outcome: NamPromptResult = { gaveUp: true };
      return dc.endDialog(outcome);
    }
    await this.ask(context, [
      this.problemPart(context, result.problem),
      // The last try left: say how to reach a person before it.
      ...(state.attempts === MAX_NAM_ATTEMPTS - 1 ? ['accounts:contact.agentOffer'] : []),
      'requests:nam.askAgain',
    ]);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    const state = instance.state as NamPromptState;
    // Half a number heard again would confuse; the letters already said are kept, except after a silence,
    // when the question starts over (after « aide » or a change of language the caller goes on).
    state.pendingKeys = undefined;
    if (silenceOf(context)) state.pendingLetters = undefined;
    await this.ask(context, [
      state.pendingLetters ? 'requests:nam.askDigits' : `requests:nam.${state.question}`,
    ]);
  }

  /** The precise reason, in the user's language. */
  private problemPart(context: TurnContext, problem: NamProblem): Part {
    switch (problem.reason) {
      case 'unreadable':
        return 'requests:nam.problem.unreadable';
      case 'letters':
        return problem.letters === 0
          ? 'requests:nam.problem.lettersNone'
          : { key: 'requests:nam.problem.letters', vars: { count: problem.letters } };
      case 'digits':
        return problem.digits === 0
          ? 'requests:nam.problem.digitsNone'
          : { key: 'requests:nam.problem.digits', vars: { count: problem.digits } };
      case 'month':
        return { key: 'requests:nam.problem.month', vars: { month: problem.month } };
      case 'day': {
        const { responder } = this.deps;
        const months = responder.messages.list(responder.language(context), 'requests:date.months');
        return {
          key: 'requests:nam.problem.day',
          vars: { day: problem.day, monthName: months[problem.month - 1] ?? String(problem.month) },
        };
      }
    }
  }

  private async ask(context: TurnContext, parts: Part[]): Promise<void> {
    await this.deps.responder.send(context, parts, { inputHint: InputHints.ExpectingInput });
  }
}
