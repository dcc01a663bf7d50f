import type { TurnContext } from 'botbuilder';
import type { AttemptContext } from '../../services/accounts';

/** Where the current attempt comes from, for counting per conversation and for the audit log. */
export function attemptOf(context: TurnContext): AttemptContext {
  return {
    conversationId: context.activity.conversation?.id ?? '',
    channel: context.activity.channelId ?? 'unknown',
  };
}
