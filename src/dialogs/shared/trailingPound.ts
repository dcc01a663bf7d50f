import type { TurnContext } from 'botbuilder';
import type { StateAccessors } from '../../state';
import { isDtmf, keypadKey } from './dtmf';

/**
 * Callers end keypad entries with "#" out of habit, or because the prompt said so, even when the entry was
 * already complete (the sixth digit, question 5 of 18). That "#" arrives as the next message and must not
 * answer the next question. A prompt that completed an entry without "#" marks the conversation; the root
 * dialog then lets one "#" that comes straight after pass unanswered ({@link takeTrailingPound}).
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
