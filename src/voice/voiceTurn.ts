import {
  ActivityTypes,
  InputHints,
  TurnContext,
  type Activity,
  type Attachment,
  type ConversationState,
  type Middleware,
  type StatePropertyAccessor,
} from 'botbuilder';
import { isSsmlDocument, isVoiceChannel } from '../dialogs/shared/ssml';
import type { Responder } from '../dialogs/shared/responder';
import type { PendingWrites } from '../pendingWrites';
import type { NoInputTimers } from './noInputTimers';
import { estimatePlaybackMs } from './playback';

const EXPECT_INPUT = Symbol('voice.expectInput');
const SILENCE = Symbol('voice.silence');
const CALL_ENDED = Symbol('voice.callEnded');

/** The name of the event that starts a call transfer on the telephony channel. */
export const HANDOFF_EVENT = 'handoff.initiate';

/**
 * Tells the voice line that the bot is waiting for the caller although it sent no question this turn (a
 * keypad entry between two keys), so the no-input timer is armed all the same.
 */
export function expectInput(context: TurnContext): void {
  context.turnState.set(EXPECT_INPUT, true);
}

/** Tells the voice line that the call is over (transferred or hung up): no timer is armed. */
export function markCallEnded(context: TurnContext): void {
  context.turnState.set(CALL_ENDED, true);
}

/** What a proactive no-input turn knows: which silence it is reacting to. */
export interface SilenceTurn {
  /** Silent reprompts already made before this one. */
  attempt: number;
  /** When the timer was armed (ms since the epoch). */
  armedAt: number;
}

/** Marks a proactive turn as the reaction to the caller's silence; only the bot's own timers do this. */
export function markSilenceTurn(context: TurnContext, silence: SilenceTurn): void {
  context.turnState.set(SILENCE, silence);
}

/** The silence this turn reacts to, or undefined for an ordinary turn. */
export function silenceOf(context: TurnContext): SilenceTurn | undefined {
  return context.turnState.get(SILENCE) as SilenceTurn | undefined;
}

/** What the voice line remembers per conversation. Property name persisted: never rename it. */
export interface VoiceLineState {
  /** When the caller last said or keyed anything (ms since the epoch). */
  lastInputAt?: number;
}

/** The subset of a pino logger the middleware needs. */
export interface VoiceTurnLogger {
  warn(obj: object, msg: string): void;
}

/** Options of {@link VoiceTurnMiddleware}. */
export interface VoiceTurnOptions {
  responder: Responder;
  logger: VoiceTurnLogger;
  /** No-input timers; without them (unit tests) nothing is armed. */
  timers?: NoInputTimers;
  /** Where the caller's last input time is kept, to drop a reprompt that crossed the caller's answer. */
  conversationState?: ConversationState;
  /** Where the timers' writes go: the caller's answer does not wait for them. */
  pendingWrites: PendingWrites;
  /**
   * The voices' speaking rate (VOICE_SPEECH_CHARS_PER_SECOND), to count the caller's silence from the end of
   * what the turn said; 0 or absent counts it from the send.
   */
  speechCharsPerSecond?: number;
}

/**
 * Runs around every turn on a voice channel:
 * - any input from the caller cancels the no-input timer;
 * - every message sent, by whatever code path, leaves with well-formed SSML in `speak` (built from `text`
 *   when missing), an input hint, and nothing meant for the eye (cards, images, buttons);
 * - when the turn asked a question (an `expectingInput` message, or {@link expectInput}) and did not end the
 *   call, the no-input timer is armed.
 */
export class VoiceTurnMiddleware implements Middleware {
  private readonly lineState?: StatePropertyAccessor<VoiceLineState>;

  constructor(private readonly options: VoiceTurnOptions) {
    this.lineState = options.conversationState?.createProperty<VoiceLineState>('voiceLine');
  }

  /**
   * True when this silence turn is stale: the caller spoke after the timer was armed. Strictly after: the turn
   * that arms the timer stamps the caller's input at its start, often in the same millisecond as the arming,
   * and that input is the one the silence follows.
   */
  async callerSpokeSince(context: TurnContext, armedAt: number): Promise<boolean> {
    if (!this.lineState) return false;
    const state = await this.lineState.get(context, {});
    return (state.lastInputAt ?? 0) > armedAt;
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (!isVoiceChannel(context.activity.channelId)) return next();
    const { timers } = this.options;
    const silence = silenceOf(context);
    const reference = TurnContext.getConversationReference(context.activity);
    if (context.activity.type === ActivityTypes.EndOfConversation) {
      // The caller hung up: nobody is left to reprompt.
      this.inBackground(timers?.cancel(reference));
      return next();
    }
    if (context.activity.type === ActivityTypes.Message && !silence) {
      // Sent now, ahead of anything this turn writes; a reprompt that crossed the answer anyway is dropped
      // by callerSpokeSince.
      this.inBackground(timers?.cancel(reference));
      if (this.lineState) await this.lineState.set(context, { lastInputAt: Date.now() });
    }

    let askedQuestion = false;
    let endedCall = false;
    let playbackMs = 0;
    context.onSendActivities(async (ctx, activities, nextSend) => {
      for (let i = activities.length - 1; i >= 0; i -= 1) {
        const activity = activities[i];
        if (activity.type === ActivityTypes.Message && !prepareForListener(ctx, activity, this.options)) {
          activities.splice(i, 1);
          continue;
        }
        if (activity.type === ActivityTypes.Message && activity.speak) {
          playbackMs += estimatePlaybackMs(activity.speak, this.options.speechCharsPerSecond ?? 0);
        }
        if (activity.inputHint === InputHints.ExpectingInput) askedQuestion = true;
        if (
          activity.type === ActivityTypes.EndOfConversation ||
          (activity.type === ActivityTypes.Event && activity.name === HANDOFF_EVENT)
        ) {
          endedCall = true;
        }
      }
      return activities.length > 0 ? nextSend() : [];
    });

    await next();

    if (!timers) return;
    if (endedCall || context.turnState.get(CALL_ENDED)) {
      this.inBackground(timers.cancel(reference));
    } else if (askedQuestion || context.turnState.get(EXPECT_INPUT)) {
      this.inBackground(
        // A reprompt's timer must not replace the one the caller's answer, crossing it, has just armed.
        timers.arm(reference, silence ? silence.attempt + 1 : 0, playbackMs, silence?.armedAt),
        'no-input timer not armed',
      );
    }
  }

  /**
   * Leaves a timer write to {@link PendingWrites}: the caller hears the question without waiting for it, and
   * a missed timer only costs a reprompt. Only a failed arm is worth a log line.
   */
  private inBackground(write: Promise<void> | undefined, failure?: string): void {
    if (!write) return;
    this.options.pendingWrites.track(write, (error) => {
      if (failure) this.options.logger.warn({ err: { name: (error as Error)?.name } }, failure);
    });
  }
}

/**
 * Makes one outgoing message fit for a listener; returns false when nothing in it can be heard (a card
 * without text or `speak`), in which case it must not be sent. Idempotent: SSML already there is kept.
 */
export function prepareForListener(
  context: TurnContext,
  activity: Partial<Activity>,
  options: Pick<VoiceTurnOptions, 'responder' | 'logger'>,
): boolean {
  const { responder } = options;
  const audible = (activity.attachments ?? []).filter((a) => a.contentType?.startsWith('audio/'));
  const cardSpeak = (activity.attachments ?? [])
    .map((a: Attachment) => (a.content as { speak?: unknown } | undefined)?.speak)
    .find((s): s is string => typeof s === 'string' && s.trim().length > 0);
  activity.attachments = audible.length ? audible : undefined;
  delete activity.suggestedActions;
  if (activity.speak && !isSsmlDocument(activity.speak)) {
    activity.speak = responder.ssml(context, activity.speak);
  }
  if (!activity.speak) {
    const source = activity.text?.trim() ? activity.text : cardSpeak;
    if (!source) {
      options.logger.warn({ channel: context.activity.channelId }, 'voice: dropped a silent message');
      return false;
    }
    activity.speak = responder.ssml(context, source);
  }
  activity.inputHint ??= InputHints.AcceptingInput;
  return true;
}

/**
 * The same SSML safety net for the adapter, so that a message sent outside the bot's turn handler (an error
 * reply, a proactive message of another feature) still reaches a caller as speech.
 */
export class SpeechSafetyNet implements Middleware {
  constructor(private readonly options: Pick<VoiceTurnOptions, 'responder' | 'logger'>) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (isVoiceChannel(context.activity.channelId)) {
      context.onSendActivities(async (ctx, activities, nextSend) => {
        for (let i = activities.length - 1; i >= 0; i -= 1) {
          const activity = activities[i];
          if (activity.type === ActivityTypes.Message && !prepareForListener(ctx, activity, this.options)) {
            activities.splice(i, 1);
          }
        }
        return activities.length > 0 ? nextSend() : [];
      });
    }
    await next();
  }
}
