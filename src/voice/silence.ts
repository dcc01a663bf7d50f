import { ActivityTypes, EndOfConversationCodes, type TurnContext } from 'botbuilder';
import type { DialogContext } from '../dialogs/shared/dialogLibrary';
import { phonesInline } from '../dialogs/shared/contactInfo';
import type { Responder } from '../dialogs/shared/responder';
import type { CentreInfo } from '../services/centre';
import { markCallEnded, silenceOf } from './voiceTurn';

/** Silent reprompts before the bot gives the phone numbers and hangs up. */
export const MAX_SILENT_REPROMPTS = 2;

/** What {@link handleSilence} needs. */
export interface SilenceDependencies {
  responder: Responder;
  centre: CentreInfo;
}

/**
 * Reacts to the caller's silence in a proactive turn marked by the no-input timer: the first two times it
 * says so and repeats the pending question (the active dialog's reprompt); the third time it gives the phone
 * numbers and hangs up.
 *
 * @param startOver begins the conversation's root dialog when nothing is pending.
 */
export async function handleSilence(
  context: TurnContext,
  dc: DialogContext,
  deps: SilenceDependencies,
  startOver: () => Promise<unknown>,
): Promise<void> {
  const attempt = silenceOf(context)?.attempt ?? 0;
  const { responder, centre } = deps;
  if (attempt >= MAX_SILENT_REPROMPTS) {
    const phones = phonesInline(responder.translator(context), centre);
    await responder.send(context, [{ key: 'voice:noInput.hangUp', vars: { phones } }]);
    await context.sendActivity({
      type: ActivityTypes.EndOfConversation,
      code: EndOfConversationCodes.CompletedSuccessfully,
    });
    markCallEnded(context);
    await dc.cancelAllDialogs();
    return;
  }
  await responder.send(context, [attempt === 0 ? 'voice:noInput.first' : 'voice:noInput.second']);
  if (dc.activeDialog) await dc.repromptDialog();
  else await startOver();
}
