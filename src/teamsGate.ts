import { ActivityTypes, type Activity, type Middleware, type TurnContext } from 'botbuilder';
import { phonesInline } from './dialogs/shared/contactInfo';
import type { Responder } from './dialogs/shared/responder';
import type { CentreInfo } from './services/centre';
import { hashId, type Logger } from './services/logger';

/** Teams conversations that other people can read: a team channel or a group chat. */
export function isSharedTeamsConversation(activity: Partial<Activity>): boolean {
  if (activity.channelId !== 'msteams') return false;
  const type = activity.conversation?.conversationType;
  return type === 'channel' || type === 'groupChat';
}

/** The tenant of a Teams activity, where Teams puts it. */
export function teamsTenantId(activity: Partial<Activity>): string | undefined {
  const fromChannelData = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return activity.conversation?.tenantId ?? fromChannelData;
}

/**
 * Teams rules applied before the bot sees a turn: only the allowed Entra tenants are served (politely
 * refused otherwise); in a channel or group chat the bot answers only when @mentioned, and the mention is
 * removed so the text reads as if typed in a personal chat.
 */
export class TeamsGate implements Middleware {
  constructor(
    private readonly allowedTenants: readonly string[],
    private readonly responder: Responder,
    private readonly centre: CentreInfo,
    private readonly logger: Logger,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { activity } = context;
    if (activity.channelId !== 'msteams') return next();

    const tenant = teamsTenantId(activity);
    if (this.allowedTenants.length > 0 && (!tenant || !this.allowedTenants.includes(tenant.toLowerCase()))) {
      this.logger.warn({ event: 'tenantRefused', tenant: hashId(tenant) }, 'Teams tenant not allowed');
      if (activity.type === ActivityTypes.Message) {
        const t = this.responder.translator(context);
        await this.responder.send(context, [
          { key: 'teams:channel.tenantRefused', vars: { phones: phonesInline(t, this.centre) } },
        ]);
      }
      return;
    }

    if (activity.type === ActivityTypes.Message && isSharedTeamsConversation(activity)) {
      const mentionsBot = (activity.entities ?? []).some(
        (e) =>
          e.type === 'mention' &&
          (e as { mentioned?: { id?: string } }).mentioned?.id === activity.recipient?.id,
      );
      // A card button press (value, no text) is addressed to the bot by construction; other messages in a
      // channel are colleagues talking among themselves unless they mention the bot.
      const cardSubmit = activity.value !== undefined && !(activity.text ?? '').trim();
      if (!mentionsBot && !cardSubmit) return;
      removeBotMention(activity);
    }
    return next();
  }
}

/** Removes the bot's <at>…</at> mention from the text, as TurnContext.removeRecipientMention does, plus spacing. */
function removeBotMention(activity: Partial<Activity>): void {
  for (const entity of activity.entities ?? []) {
    const mention = entity as { type?: string; text?: string; mentioned?: { id?: string } };
    if (mention.type !== 'mention' || mention.mentioned?.id !== activity.recipient?.id || !mention.text)
      continue;
    activity.text = (activity.text ?? '').split(mention.text).join(' ');
  }
  activity.text = (activity.text ?? '').replace(/\s+/g, ' ').trim();
}
