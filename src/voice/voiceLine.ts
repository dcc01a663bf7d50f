import type { ConversationReference, ConversationState, TurnContext } from 'botbuilder';
import type { BotDependencies } from '../bot';
import type { Responder } from '../dialogs/shared/responder';
import type { CentreInfo } from '../services/centre';
import type { PendingWrites } from '../pendingWrites';
import type { AppRedisClient } from '../services/redisClient';
import {
  MemoryNoInputTimerStore,
  NoInputTimers,
  RedisNoInputTimerStore,
  type NoInputTimerStore,
  type TimerLogger,
} from './noInputTimers';
import { handleSilence } from './silence';
import { markSilenceTurn, silenceOf, SpeechSafetyNet, VoiceTurnMiddleware } from './voiceTurn';

/** What the composition root hands to {@link createVoiceLine}. */
export interface VoiceLineOptions {
  responder: Responder;
  centre: CentreInfo;
  logger: TimerLogger;
  conversationState: ConversationState;
  /** VOICE_NO_INPUT_SECONDS. */
  noInputSeconds: number;
  /** VOICE_SPEECH_CHARS_PER_SECOND: the silence is counted from the estimated end of each prompt. */
  speechCharsPerSecond: number;
  /** Shared timers across instances when given (STORAGE=redis); this process's memory otherwise. */
  redis?: { client: AppRedisClient; keyPrefix: string };
  /** A store chosen by a test, overriding the above. */
  store?: NoInputTimerStore;
  /** Resumes the conversation for a proactive turn (the adapter's continueConversationAsync). */
  continueConversation: (
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ) => Promise<void>;
  /** Runs the bot on the proactive turn's context. */
  runBot: (context: TurnContext) => Promise<void>;
  /** Where timer writes go, so that a caller's answer does not wait for them. */
  pendingWrites: PendingWrites;
}

/** The phone line's moving parts, wired into the bot by the composition root. */
export interface VoiceLine {
  timers: NoInputTimers;
  middleware: VoiceTurnMiddleware;
  /** For the adapter: SSML on messages sent outside the bot's turns too. */
  safetyNet: SpeechSafetyNet;
  /** Spread into the bot's dependencies. */
  botHooks: Pick<BotDependencies, 'turnMiddleware' | 'onSilence'>;
}

/**
 * Builds the voice line: the per-turn middleware (SSML safety net, timers armed and cancelled) and the
 * no-input timers, whose due timers become proactive turns marked as silences, answered by
 * {@link handleSilence}.
 */
export function createVoiceLine(options: VoiceLineOptions): VoiceLine {
  const store =
    options.store ??
    (options.redis
      ? new RedisNoInputTimerStore(options.redis.client, options.redis.keyPrefix)
      : new MemoryNoInputTimerStore());
  const timers = new NoInputTimers({
    store,
    noInputMs: Math.round(options.noInputSeconds * 1000),
    logger: options.logger,
    fire: (timer) =>
      options.continueConversation(timer.reference, async (context) => {
        markSilenceTurn(context, { attempt: timer.attempt, armedAt: timer.armedAt });
        await options.runBot(context);
      }),
  });
  const middleware = new VoiceTurnMiddleware({
    responder: options.responder,
    logger: options.logger,
    timers,
    conversationState: options.conversationState,
    pendingWrites: options.pendingWrites,
    speechCharsPerSecond: options.speechCharsPerSecond,
  });
  return {
    timers,
    middleware,
    safetyNet: new SpeechSafetyNet({ responder: options.responder, logger: options.logger }),
    botHooks: {
      turnMiddleware: [middleware],
      onSilence: async (context, dc, startOver) => {
        const silence = silenceOf(context);
        // The caller answered while this reprompt was on its way: their answer wins.
        if (!silence || (await middleware.callerSpokeSince(context, silence.armedAt))) return;
        await handleSilence(context, dc, { responder: options.responder, centre: options.centre }, startOver);
      },
    },
  };
}
