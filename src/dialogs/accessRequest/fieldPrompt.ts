import { ActionTypes, type CardAction, InputHints, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
} from '../shared/dialogLibrary';
import { normalizeText } from '../../nlu/normalize';
import type { FieldValue } from '../../services/forms/accessRequestModel';
import { validateChoice, validateField } from '../../services/forms/fieldValidation';
import { MAX_MISSES } from '../menuPrompt';
import { isCardOnlySubmission } from '../shared/cards';
import type { DialogDependencies } from '../shared/dependencies';
import type { Part } from '../shared/responder';
import { type AccessRequestWords, CHOICE_GROUPS, type PromptKind } from './accessRequestWords';

/** Persisted dialog id. */
export const FIELD_PROMPT = 'accessRequest.field';

/** One question of the form. */
export interface FieldPromptOptions {
  /** `<section>.<name>`: the locale keys under `accessRequest:fields`. */
  fieldId: string;
  kind: PromptKind;
  optional: boolean;
  /** False on the very first question, where « retour » has nowhere to go. */
  canGoBack: boolean;
  /** Said before the question (a section's start, a confirmation). */
  lead?: Part[];
  /** What the user wrote that the question says back (their workplace, for « same workplace? »). */
  vars?: Record<string, string>;
  /** When correcting from the summary: the value shown now, and « retour » returns to the summary. */
  current?: string;
}

/** What the user did with the question. */
export type FieldPromptResult = { kind: 'answer'; value: FieldValue } | { kind: 'skip' } | { kind: 'back' };

/** Value posted by a button of the flow (Adaptive Card Action.Submit or messageBack). */
export interface AccessRequestButtonValue {
  accessRequest?: unknown;
  field?: unknown;
}

interface FieldPromptState {
  options: FieldPromptOptions;
  misses: number;
}

/**
 * Asks one field of form 4313 and returns a validated value. It understands « passer » for an optional field
 * and « retour » to go back; a refused answer gets a message saying exactly what is wrong with an example,
 * and after {@link MAX_MISSES} refusals in a row it offers help and an agent, as the menus do, without
 * ever looping silently.
 */
export class FieldPrompt extends Dialog<FieldPromptOptions> {
  constructor(
    private readonly deps: DialogDependencies,
    private readonly words: AccessRequestWords,
  ) {
    super(FIELD_PROMPT);
  }

  override async beginDialog(dc: DialogContext, options?: FieldPromptOptions): Promise<DialogTurnResult> {
    if (!options?.fieldId) throw new TypeError('FieldPrompt needs a field');
    const state: FieldPromptState = { options, misses: 0 };
    dc.activeDialog!.state = state;
    await this.ask(dc.context, options, options.lead ?? []);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as FieldPromptState;
    const { options } = state;
    // A card's button from an earlier step (the menu, the summary's « Confirmer » during a correction): it
    // answers nothing, so it is neither a miss nor a value (« confirm » was taken as a pharmacy's name).
    if (isCardOnlySubmission(activity)) {
      await this.ask(dc.context, options, ['common:staleCard']);
      return Dialog.EndOfTurn;
    }
    const input = activity.text ?? '';
    const normalized = normalizeText(input);

    if (this.words.isBack(normalized)) {
      if (options.canGoBack || options.current !== undefined) return dc.endDialog({ kind: 'back' });
      await this.ask(dc.context, options, ['accessRequest:noPrevious']);
      return Dialog.EndOfTurn;
    }
    if (this.deps.lexicon.isRepeat(normalized)) {
      await this.ask(dc.context, options, []);
      return Dialog.EndOfTurn;
    }
    // Yes/no is read before « passer », whose words include « non ».
    if (options.kind !== 'yesNo' && this.words.isSkip(normalized)) {
      if (options.optional) return dc.endDialog({ kind: 'skip' });
      return this.refuse(dc, state, 'accessRequest:required');
    }
    // A choice said as a number word, an ordinal or with fillers (« trois », « le premier », « option 1 »)
    // is read as its key, as the menus and the other questions read it.
    const given = CHOICE_GROUPS[options.kind] ? (this.choiceKey(normalized) ?? input) : input;
    const checked =
      options.kind === 'yesNo'
        ? validateChoice(given, this.words.choices('yesNo'))
        : validateField(options.kind, given, this.words.choices(options.kind));
    if (checked.ok) return dc.endDialog({ kind: 'answer', value: checked.value });
    return this.refuse(dc, state, `accessRequest:errors.${checked.error}`);
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.ask(context, (instance.state as FieldPromptState).options, []);
  }

  /** The key (« 3 ») of an answer that names a choice by its number, or undefined. */
  private choiceKey(normalized: string): string | undefined {
    const { lexicon } = this.deps;
    for (const candidate of [normalized, lexicon.stripFillers(normalized)]) {
      if (/^\d$/.test(candidate)) return candidate;
      const key = lexicon.digitWord(candidate) ?? lexicon.ordinalWord(candidate);
      if (key) return key;
    }
    return undefined;
  }

  private async refuse(dc: DialogContext, state: FieldPromptState, error: string): Promise<DialogTurnResult> {
    state.misses += 1;
    const example = {
      key: 'accessRequest:example',
      vars: { example: this.example(dc.context, state.options) },
    };
    if (state.misses >= MAX_MISSES) {
      state.misses = 0;
      await this.ask(dc.context, state.options, [error, 'accessRequest:retryOffer'], false);
    } else {
      await this.ask(dc.context, state.options, [{ lines: [error, example] }], false);
    }
    return Dialog.EndOfTurn;
  }

  private example(context: TurnContext, options: FieldPromptOptions): string {
    return this.deps.responder.translator(context)(`accessRequest:fields.${options.fieldId}.example`);
  }

  /** Sends the lead, then the question with its hints and buttons. */
  private async ask(
    context: TurnContext,
    options: FieldPromptOptions,
    lead: Part[],
    withHints = true,
  ): Promise<void> {
    const { responder } = this.deps;
    const t = responder.translator(context);
    const question: Part = { key: `accessRequest:fields.${options.fieldId}.question`, echo: options.vars };
    const parts: Part[] = [...lead, question];
    if (options.current !== undefined) {
      parts.push({ key: 'accessRequest:correcting', echo: { value: options.current } });
    } else if (options.optional && withHints) {
      parts.push('accessRequest:optionalHint');
    }
    const buttons: CardAction[] = [];
    const choice = CHOICE_GROUPS[options.kind];
    for (const value of choice?.values ?? []) {
      const label = t(`accessRequest:choices.${choice!.group}.${value}.label`);
      buttons.push({ type: ActionTypes.ImBack, title: label, value: label });
    }
    if (options.optional) {
      const skip = t('accessRequest:buttons.skip');
      buttons.push({ type: ActionTypes.ImBack, title: skip, value: skip });
    }
    await responder.send(context, parts, { inputHint: InputHints.ExpectingInput, suggestedActions: buttons });
  }
}
