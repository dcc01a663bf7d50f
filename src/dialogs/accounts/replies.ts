import type { TurnContext } from 'botbuilder';
import type { Translate } from '../../i18n';
import type { CentreInfo } from '../../services/centre';
import { agentLineOpen } from '../shared/callControl';
import { contactParts, formatTime, scheduleText } from '../shared/contactInfo';
import type { DialogDependencies } from '../shared/dependencies';
import type { Part } from '../shared/responder';

/** "14 h 35" or "2:35 p.m.": a moment as the centre's clock shows it (locks end at a time of day). */
export function timeOfDay(t: Translate, centre: CentreInfo, date: Date): string {
  const hhmm = new Intl.DateTimeFormat('en-GB', {
    timeZone: centre.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
  return formatTime(t, hhmm);
}

/**
 * The Centre's hours and numbers by region (with "après avoir établi votre identité, faites le 1...") and how
 * to reach an agent, after the given lead: what the user gets whenever the bot cannot go further. A caller is
 * already on the Centre's line: during business hours an agent is the way forward, otherwise the hours (where
 * « agent » then offers a call-back); reading out the line's own numbers would only send them to redial it.
 */
export function contactOffer(context: TurnContext, deps: DialogDependencies, lead: Part[]): Part[] {
  const { responder, centre } = deps;
  const t = responder.translator(context);
  if (responder.isVoice(context)) {
    const hours: Part[] = agentLineOpen(deps, deps.clock.now())
      ? []
      : [{ key: 'hours:hoursLine', vars: { schedule: scheduleText(t, centre) } }];
    return [...lead, ...hours, 'accounts:contact.agentOffer'];
  }
  return [...lead, ...contactParts(t, centre, true, true), 'accounts:contact.agentOffer'];
}

/** Tells a locked user when the lock ends and how to reach a person. */
export async function sendLocked(context: TurnContext, deps: DialogDependencies, until: Date): Promise<void> {
  const time = timeOfDay(deps.responder.translator(context), deps.centre, until);
  await deps.responder.send(
    context,
    contactOffer(context, deps, [{ key: 'accounts:locked', vars: { time } }]),
  );
}

/** Tells the user that this conversation has had too many attempts. */
export async function sendConversationLimit(context: TurnContext, deps: DialogDependencies): Promise<void> {
  await deps.responder.send(context, contactOffer(context, deps, ['accounts:conversationLimit']));
}
