import {
  ActivityTypes,
  EndOfConversationCodes,
  EventFactory,
  InputHints,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import type { DialogContext, DialogTurnResult } from './dialogLibrary';
import type { CentreInfo } from '../../services/centre';
import { markCallEnded } from '../../voice/voiceTurn';
import type { DialogDependencies } from './dependencies';
import type { Part } from './responder';

/** The context of the telephony channel's call-transfer event. */
export interface TransferContext {
  /** Where the call goes, in E.164 (+18004634776). */
  TargetPhoneNumber: string;
}

/** The support line callers are transferred to when VOICE_TRANSFER_NUMBER is not set: the toll-free number. */
export function defaultTransferNumber(centre: CentreInfo): string {
  return (centre.phones.find((p) => p.region === 'elsewhere') ?? centre.phones[0]).e164;
}

/**
 * Whether a call can be transferred to an agent right now. THE one place where the centre's business hours
 * decide: open per BusinessHours (America/Toronto, Québec holidays, CENTRE_EXTRA_CLOSURES); without them (tests
 * that build their own dependencies) the line is considered open.
 */
export function agentLineOpen(deps: DialogDependencies, now: Date): boolean {
  return deps.businessHours ? deps.businessHours.isOpen(now) : true;
}

/** The telephony channel's call-transfer event (`handoff.initiate`) with the target number in its context. */
export function createTransferEvent(context: TurnContext, targetPhoneNumber: string): Partial<Activity> {
  const handoff: TransferContext = { TargetPhoneNumber: targetPhoneNumber };
  return EventFactory.createHandoffInitiation(context, handoff);
}

/**
 * Transfers the call to an agent: announces it (a message that must not be interrupted), sends the
 * `handoff.initiate` event and ends every dialog, since the conversation with the bot is over.
 * Call it only on voice channels, after checking {@link agentLineOpen}.
 *
 * @param lead locale parts said before the announcement (e.g. why the bot is transferring).
 */
export async function transferToAgent(
  dc: DialogContext,
  deps: DialogDependencies,
  lead: Part[] = [],
): Promise<DialogTurnResult> {
  const { context } = dc;
  await deps.responder.send(context, [...lead, 'voice:transfer.announce'], {
    inputHint: InputHints.IgnoringInput,
  });
  const target = deps.voice?.transferNumber ?? defaultTransferNumber(deps.centre);
  await context.sendActivity(createTransferEvent(context, target));
  markCallEnded(context);
  deps.logger.info({ event: 'voice', action: 'transfer', channel: context.activity.channelId }, 'voice');
  return dc.cancelAllDialogs(true);
}

/**
 * The caller is done (« c'est tout », « au revoir »): says goodbye and, on a voice channel, hangs up with
 * `endOfConversation`. Every dialog ends; a later message starts afresh.
 */
export async function endCall(dc: DialogContext, deps: DialogDependencies): Promise<DialogTurnResult> {
  const { context } = dc;
  await deps.responder.send(context, ['voice:goodbye']);
  if (deps.responder.isVoice(context)) {
    await context.sendActivity({
      type: ActivityTypes.EndOfConversation,
      code: EndOfConversationCodes.CompletedSuccessfully,
    });
    markCallEnded(context);
  }
  return dc.cancelAllDialogs(true);
}
