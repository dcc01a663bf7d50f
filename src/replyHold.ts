import { ActivityTypes, DeliveryModes, type ResourceResponse, type TurnContext } from 'botbuilder';

/** Turn-state keys; symbols, so nothing else in the turn can set them by accident. */
const HOLD = Symbol('replyHold');
const SEND_NOW = Symbol('replyHold.sendNow');

/**
 * Activities that go out at once even while replies are held: a typing indicator says nothing about the
 * state, and an invoke's answer belongs to the HTTP response the channel is waiting for.
 */
const PASS_THROUGH = new Set<string>([ActivityTypes.Typing, ActivityTypes.InvokeResponse]);

/**
 * Holds a turn's replies until the turn's state is saved, so that what the user is told and what is saved
 * never disagree. A reply that announces the next step ("What is your user name?") is a promise that the
 * step was recorded: if Redis refuses the state write (out of memory, read-only, gone between the read and
 * the write) or another turn of the conversation saved first, the held replies are dropped and the error
 * reply alone goes out, so the user's retry lands where the conversation really is.
 *
 * With `expectReplies` the adapter buffers replies anyway; elsewhere (Teams, Web Chat) they reach the channel
 * a few milliseconds later than they would have, when the state is saved.
 */
export class ReplyHold {
  private readonly held: Array<() => Promise<ResourceResponse[]>> = [];
  private holding = true;
  private committed = false;
  private resendHelps = false;

  private constructor() {}

  /**
   * Starts holding the context's replies. Register it after every middleware that changes or records
   * outgoing activities, so that they still see each reply when it is sent.
   */
  static begin(context: TurnContext): ReplyHold {
    const hold = new ReplyHold();
    context.turnState.set(HOLD, hold);
    context.onSendActivities(async (ctx, activities, next) => {
      if (!hold.holding || activities.every((a) => PASS_THROUGH.has(a.type ?? ''))) return next();
      if (ctx.turnState.get(SEND_NOW)) {
        await hold.flush();
        return next();
      }
      hold.held.push(next);
      // Prompts re-ask only when nothing was said this turn; a held reply counts as said.
      if (activities.some((a) => a.type !== ActivityTypes.Trace)) ctx.responded = true;
      // Like the adapter's own expectReplies buffer: no channel id yet.
      return activities.map(() => ({}) as ResourceResponse);
    });
    return hold;
  }

  /** The state is saved: stops holding and sends what was held, in order. */
  async release(): Promise<void> {
    // First, so that if the channel refuses a reply, the error reply that follows is not held in turn.
    this.holding = false;
    await this.flush();
  }

  /**
   * The turn failed before its state was saved: drops what was held, unless the turn already changed
   * something outside the conversation ({@link commitReplies}), whose confirmation the user must see.
   * Replies sent afterwards (the error reply) go out at once.
   */
  async abandon(): Promise<void> {
    this.holding = false;
    if (this.committed) {
      await this.flush().catch(() => undefined);
    } else {
      this.held.length = 0;
    }
  }

  private async flush(): Promise<void> {
    for (let send = this.held.shift(); send; send = this.held.shift()) await send();
  }

  /** @internal */
  markCommitted(resendHelps: boolean): void {
    this.committed = true;
    this.resendHelps ||= resendHelps;
  }

  /** @internal */
  isCommittedForGood(): boolean {
    return this.committed && !this.resendHelps;
  }
}

/**
 * Declares that this turn changed something outside the conversation's state (a password, a temporary
 * password shown once, saved secret questions, a place in the agents' queue, a call-back request): its
 * replies are true whatever happens to the state write, so they are delivered even if that write fails.
 *
 * @param options.resendHelps when the conversation's next turns also need this turn's state (the link to a
 *   queued escalation): if that state is lost, the user is still asked to send the message again, which finds
 *   the same change and restores the state, instead of being left where the queue no longer hears them.
 */
export function commitReplies(context: TurnContext, options: { resendHelps?: boolean } = {}): void {
  (context.turnState.get(HOLD) as ReplyHold | undefined)?.markCommitted(options.resendHelps ?? false);
}

/**
 * True when this turn declared a change outside the conversation ({@link commitReplies}) that needs nothing
 * more: its replies went out even though its state was not saved, so the user must not be asked to send the
 * message again.
 */
export function repliesCommitted(context: TurnContext): boolean {
  return (context.turnState.get(HOLD) as ReplyHold | undefined)?.isCommittedForGood() ?? false;
}

/**
 * Sends an activity now, with everything held before it, for a caller that needs the channel's activity
 * id (to replace a card later). With `expectReplies` there is no id to wait for, so it is held like any
 * reply; without a hold it is a plain send.
 */
export async function sendImmediately(
  context: TurnContext,
  activity: Parameters<TurnContext['sendActivity']>[0],
): Promise<ResourceResponse | undefined> {
  if (context.activity.deliveryMode === DeliveryModes.ExpectReplies) return context.sendActivity(activity);
  context.turnState.set(SEND_NOW, true);
  try {
    return await context.sendActivity(activity);
  } finally {
    context.turnState.delete(SEND_NOW);
  }
}
