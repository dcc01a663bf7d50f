import type { TurnContext } from 'botbuilder';
import type { StateAccessors } from '../../state';
import { expectInput } from '../../voice/voiceTurn';
import { isDtmf, type KeyGathering, type KeypadEntry, keypadKey } from './dtmf';

/**
 * Callers end keypad entries with "#" out of habit, or because the prompt said so, even when the entry was
 * already complete (the sixth digit, question 5 of 18). That "#" arrives as the next message and must not
 * answer the next question. A prompt that completed an entry without "#" marks the conversation; the bot
 * then lets one "#" that comes straight after pass unanswered ({@link takeTrailingPound}).
 */
export async function allowTrailingPound(context: TurnContext, state: StateAccessors): Promise<void> {
  const flags = await state.conversationFlags.get(context, {});
  flags.poundAfterEntry = true;
}

/**
 * True when this message is the "#" that followed an entry completed without it: nothing is to be done
 * with it. Any other message clears the mark.
 */
export async function takeTrailingPound(context: TurnContext, state: StateAccessors): Promise<boolean> {
  const flags = await state.conversationFlags.get(context, {});
  if (!flags.poundAfterEntry) return false;
  flags.poundAfterEntry = undefined;
  return isDtmf(context.activity) && keypadKey(context.activity) === '#';
}

/** Drops the mark of {@link allowTrailingPound}: a silence came between the entry and the next key. */
export async function forgetTrailingPound(context: TurnContext, state: StateAccessors): Promise<void> {
  const flags = await state.conversationFlags.get(context, {});
  if (flags.poundAfterEntry) flags.poundAfterEntry = undefined;
}

/** What a prompt does with the keys it gathers: where it keeps an entry in progress, how it asks again. */
export interface KeyEntryHandlers {
  keep(entry: KeypadEntry): void;
  repeat(): Promise<void>;
}

/**
 * The part of {@link gatherKey}'s outcome that every prompt handles alike: another key to wait for (nothing
 * said, the no-input timer kept running), "*" (the question again), and an entry complete without "#" (the
 * caller's "#" may follow, see {@link allowTrailingPound}). Returns true when the turn is over.
 */
export async function settleKeys(
  context: TurnContext,
  state: StateAccessors,
  gathered: KeyGathering,
  handlers: KeyEntryHandlers,
): Promise<boolean> {
  switch (gathered.kind) {
    case 'more':
      handlers.keep(gathered.entry);
      expectInput(context);
      return true;
    case 'repeat':
      await handlers.repeat();
      return true;
    case 'done':
      if (gathered.early) await allowTrailingPound(context, state);
      return false;
    default:
      return false;
  }
}
