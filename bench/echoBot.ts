import { ActivityHandler, MessageFactory } from 'botbuilder';
import type { ReplyActivity } from './scenarios';

/** Path of the echo floor on the bot's own server. */
export const ECHO_PATH = '/api/echo';

/** The echo floor's reply to a message. */
export function echoText(text: string | undefined): string {
  return `echo: ${text ?? ''}`;
}

/**
 * The benchmark's floor: the smallest bot the same adapter and server can run. No state, no dialogs, no
 * recognizers: one reply per message. Whatever the assistant costs above this is the assistant's own cost.
 */
export class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(MessageFactory.text(echoText(context.activity.text)));
      await next();
    });
  }
}

/** Why the floor's replies to a message are wrong, or undefined when they are right. */
export function checkEchoReplies(text: string, replies: readonly ReplyActivity[]): string | undefined {
  const expected = echoText(text);
  return replies.some((r) => r.type === 'message' && r.text === expected)
    ? undefined
    : `echo reply to "${text}" missing`;
}
