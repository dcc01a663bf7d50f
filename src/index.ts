import { type Activity, ActivityTypes, CloudAdapter, type Storage, TurnContext } from 'botbuilder';
import { RamqBot } from './bot';
import { PendingWrites } from './pendingWrites';
import { ConcurrentTurnError, TEMPORARILY_UNAVAILABLE_KEY, userMessageKeyOf } from './errors';
import { repliesCommitted } from './replyHold';
import { GuardedStorage } from './services/guardedStorage';
import { isLoopbackServiceUrl } from './services/inboundActivity';
import { StrictBotFrameworkAuthentication } from './services/strictAuthentication';
import { TeamsGate } from './teamsGate';
import { ConfigError, loadConfig, SHUTDOWN_DRAIN_MS, type Config } from './config';
import { AccessRequestDialog } from './dialogs/accessRequestDialog';
import { createAccountFlows } from './dialogs/accounts';
import { WorkerStrengthEstimator } from './services/accounts/strengthEstimator';
import { RootDialog } from './dialogs/rootDialog';
import { createRequestStatusFlow } from './dialogs/requestStatus/flow';
import type { FlowDialog } from './dialogs/shared/flowDialog';
import { phonesInline } from './dialogs/shared/contactInfo';
import { LANGUAGE_KEY } from './dialogs/shared/responder';
import { createDialogDependencies } from './dialogs/shared/dependencies';
import { FLOW_TRACES_DROPPED } from './dialogs/shared/flowTrace';
import { DEFAULT_LANGUAGE, LANGUAGES, Messages, REPLY_LOCALES } from './i18n';
import { registerLocalChat } from './localChat';
import { warmNumberRecognizers } from './nlu/numbers';
import { createBotServer, type BotServer } from './server';
import { loadCentreInfo } from './services/centre';
import { FixedClock, systemClock, type Clock } from './services/clock';
import { IdleMemoryStorage } from './services/idleMemoryStorage';
import { createLogger, type Logger } from './services/logger';
import { createRateLimiters } from './services/rateLimiter';
import type { AppRedisClient } from './services/redisClient';
import { RedisStorage } from './services/redisStorage';
import { AuditLogConsultationAudit, createRequestStatusSetup } from './services/requestStatus';
import { loadForm4313Text } from './services/forms/form4313Text';
import {
  type FormDownloadStore,
  MemoryFormDownloadStore,
  RedisFormDownloadStore,
  registerFormDownloads,
} from './services/forms/formDownloads';
import { createAccountServices } from './services/accounts';
import type { AuditLog } from './services/accounts/auditLog';
import { BusinessHours } from './services/businessHours';
import { createEscalationFeature, type EscalationFeature } from './escalation';
import { createStateAccessors } from './state';
import { defaultTransferNumber } from './dialogs/shared/callControl';
import type { NoInputTimers, NoInputTimerStore } from './voice/noInputTimers';
import { createVoiceLine } from './voice/voiceLine';
import { TrackedConversationState, TrackedUserState } from './services/trackedState';
import { FixedSealKey, RedisSharedSealKey, sealKeyFirst, type SealKeySource } from './services/sealKey';

/**
 * How long shutdown waits for Redis to answer what was sent (pending writes, then the connection's close)
 * before it drops the connection: a frozen Redis must not keep a SIGTERM waiting.
 */
const REDIS_CLOSE_TIMEOUT_MS = 2_000;

/** How long the memory storage keeps a user who does not come back (user state: language, Teams link). */
const USER_STATE_IDLE_MS = 24 * 60 * 60_000;

/** Replacements for tests: real local implementations, never mocks of the bot's own logic. */
export interface ApplicationOverrides {
  logger?: Logger;
  storage?: Storage;
  clock?: Clock;
  /** Where the phone line's no-input timers wait (tests share one between two applications). */
  noInputTimerStore?: NoInputTimerStore;
  /** With DEMO_DATA: another file of demo accounts than data/demoAccounts.json (the benchmark's own). */
  demoAccountsFile?: string;
}

/** The running assistant, built by {@link buildApplication}. */
export interface Application {
  config: Config;
  logger: Logger;
  adapter: CloudAdapter;
  bot: RamqBot;
  http: BotServer;
  messages: Messages;
  /** The phone line's no-input timers (polled once started). */
  noInputTimers: NoInputTimers;
  /** Escalation to agents: its hub (swept once started), stores and audit trail. */
  escalation: EscalationFeature;
  /** The accounts' audit log (resets, lockouts, consultations…), for support tools and tests. */
  audit: AuditLog;
  /** Starts listening; resolves with the base URL. */
  start(): Promise<string>;
  /**
   * Stops accepting, lets turns in flight finish (for at most `drainMs`, {@link SHUTDOWN_DRAIN_MS} by default),
   * closes storage.
   */
  stop(options?: { drainMs?: number }): Promise<void>;
  isReady(): Promise<boolean>;
}

/**
 * The composition root: the one place where configuration, services, dialogs, the bot and the server are
 * built and wired.
 */
export async function buildApplication(
  config: Config,
  overrides: ApplicationOverrides = {},
): Promise<Application> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? (config.clockNow ? new FixedClock(config.clockNow) : systemClock);
  const messages = new Messages();
  const centre = loadCentreInfo();
  // Started now, not after listening: the warm-up runs on this thread in short slices while the demo
  // accounts' secrets are hashed on the thread pool, instead of one after the other before /readyz.
  let warmed = false;
  const warmStart = Date.now();
  void warmNumberRecognizers().then(() => {
    warmed = true;
    logger.info({ warmMs: Date.now() - warmStart }, 'recognizers warm');
  });

  const isConversationKey = (key: string) => key.includes('/conversations/');
  const idleSeconds = config.conversationIdleMinutes * 60;
  let storage: Storage;
  let closeStorage = async () => undefined as void;
  let pingStorage = async () => true;
  let redisClient: AppRedisClient | undefined;
  let awaitRedisReconnection: ((maxMs: number) => Promise<boolean>) | undefined;
  if (overrides.storage) {
    storage = overrides.storage;
  } else if (config.storage === 'redis') {
    // Loaded only here: the Redis client's modules cost 170 ms of start-up that memory storage does not need.
    const { createRedisClient, pingRedis, watchForStalls, whenReady, writeProbeOnFreshConnection } =
      await import('./services/redisClient');
    const client = createRedisClient(config.redisUrl, logger);
    redisClient = client;
    // Not awaited: connect() only settles once Redis answers; until then /readyz says 503 and turns fail politely.
    client.connect().catch(() => undefined);
    const stopWatching = watchForStalls(client, {
      logger,
      // A Redis that holds writes but answers connections and PINGs would otherwise stall each new connection.
      verifyBeforeReconnect: () => writeProbeOnFreshConnection(client, `${config.redisKeyPrefix}readyz`, 750),
    });
    storage = new RedisStorage({
      client,
      keyPrefix: config.redisKeyPrefix,
      ttlSeconds: (key) => (isConversationKey(key) ? idleSeconds : undefined),
      awaitReconnection: (maxMs) => whenReady(client, maxMs),
    });
    awaitRedisReconnection = (maxMs) => whenReady(client, maxMs);
    // A write, not a PING: ready means able to save conversations.
    pingStorage = () => pingRedis(client, 1000, `${config.redisKeyPrefix}readyz`);
    closeStorage = async () => {
      stopWatching();
      // close() waits for every command sent to be answered: a frozen Redis would keep a SIGTERM waiting forever.
      let deadline: NodeJS.Timeout | undefined;
      const closed = await Promise.race([
        client.close().then(
          () => true,
          () => true,
        ),
        new Promise<false>((resolve) => {
          deadline = setTimeout(() => resolve(false), REDIS_CLOSE_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(deadline);
      if (!closed) client.destroy();
    };
  } else {
    // User state (language, Teams link) outlives conversations, but not a day without any visit.
    let lastFullWarning = 0;
    storage = new IdleMemoryStorage({
      idleMsFor: (key) => (isConversationKey(key) ? idleSeconds * 1000 : USER_STATE_IDLE_MS),
      sweepEveryMs: Math.min(idleSeconds * 100, 60_000),
      maxItems: config.memoryStorageMaxItems,
      onEvicted: () => {
        // Once a minute at most: under a flood this happens on every write.
        if (Date.now() - lastFullWarning < 60_000) return;
        lastFullWarning = Date.now();
        const { memoryStorageMaxItems: maxItems } = config;
        logger.warn(
          { maxItems },
          'memory storage full: the least recently active conversations are forgotten',
        );
      },
    });
  }

  // The key that seals the NAM in conversation state: every instance, and every restart, must use the same one.
  let sealKey: SealKeySource;
  let sharedSealKey: RedisSharedSealKey | undefined;
  if (config.stateSealKey) {
    sealKey = new FixedSealKey(config.stateSealKey);
  } else if (redisClient) {
    const shared = new RedisSharedSealKey(redisClient, `${config.redisKeyPrefix}state-seal-key`);
    // On every (re)connection: a Redis restarted empty gets the key back before conversations need it.
    redisClient.on('ready', () => void shared.refresh().catch(() => undefined));
    sealKey = sharedSealKey = shared;
    logger.warn(
      'STATE_SEAL_KEY is not set: the instances share a random sealing key kept in Redis, next to the data it seals; set STATE_SEAL_KEY in production',
    );
  } else {
    sealKey = new FixedSealKey();
    logger.info('STATE_SEAL_KEY is not set: sealed conversation data lasts as long as this process');
  }

  const guarded = new GuardedStorage(storage);
  const state = createStateAccessors(new TrackedConversationState(guarded), new TrackedUserState(guarded));
  const deps = createDialogDependencies({
    messages,
    logger,
    centre,
    clock,
    state,
    voices: config.voices,
    voice: { transferNumber: config.voiceTransferNumber ?? defaultTransferNumber(centre) },
    businessHours: new BusinessHours(centre, { extraClosures: config.escalation.extraClosures }),
  });
  const { responder } = deps;
  // Bookkeeping writes a reply need not wait for (transcript lines, no-input timers); stop() waits for them.
  const pendingWrites = new PendingWrites();
  // The phone line: SSML on every message, and no-input timers (shared in Redis when instances share it).
  const voiceLine = createVoiceLine({
    responder,
    centre,
    logger,
    conversationState: state.conversationState,
    noInputSeconds: config.voiceNoInputSeconds,
    speechCharsPerSecond: config.voiceSpeechCharsPerSecond,
    redis: redisClient ? { client: redisClient, keyPrefix: config.redisKeyPrefix } : undefined,
    store: overrides.noInputTimerStore,
    continueConversation: (reference, logic) =>
      adapter.continueConversationAsync(config.microsoftApp.appId, reference, logic),
    runBot: (context) => bot.run(context),
    pendingWrites,
  });
  // Pre-filled forms wait for their single download in Redis when instances share it (any instance can serve
  // the link), else in this process's memory; either way they are gone after 15 minutes.
  const formStore: FormDownloadStore = redisClient
    ? new RedisFormDownloadStore(redisClient, config.redisKeyPrefix, clock)
    : new MemoryFormDownloadStore({ clock });
  const accessRequest = new AccessRequestDialog(deps, {
    store: formStore,
    publicBaseUrl: config.publicBaseUrl,
    formText: loadForm4313Text(),
  });
  // Accounts (issue 3): in Redis with the conversation state when instances share it, else in memory.
  // zxcvbn takes up to about 100 ms for a long password: on a worker thread, other conversations do not wait.
  const strength = new WorkerStrengthEstimator();
  const accountServices = await createAccountServices({
    strength,
    storage: redisClient ? 'redis' : 'memory',
    redisClient,
    awaitRedisReconnection,
    keyPrefix: config.redisKeyPrefix,
    demoData: config.demoData,
    demoFile: overrides.demoAccountsFile,
    clock,
    logger,
  });
  const flows: FlowDialog[] = [accessRequest, ...createAccountFlows(deps, accountServices)];
  // After the flows it may need: it takes the accounts feature's `authenticate` dialog from this list.
  const requestStatus = createRequestStatusSetup(config, logger, messages, sealKey);
  requestStatus.audit = new AuditLogConsultationAudit(accountServices.audit);
  flows.push(createRequestStatusFlow(deps, requestStatus, flows));
  // Escalation to agents (issue 7): queue and agent hub in Redis when instances share it, else in memory.
  const escalation = createEscalationFeature({
    deps,
    hours: deps.businessHours as BusinessHours,
    settings: {
      agentIds: new Set(config.escalation.agentIds),
      hubConversation: config.escalation.hubConversation,
      handoffStatusSenders: new Set(config.escalation.handoffStatusSenders),
      waitMinutes: config.escalation.waitMinutes,
      passwordCardSeconds: 120,
    },
    redis: redisClient
      ? { client: redisClient, keyPrefix: config.redisKeyPrefix, awaitReconnection: awaitRedisReconnection }
      : undefined,
    transcriptTtlSeconds: idleSeconds,
    accounts: accountServices.accounts,
    continueConversation: (reference, logic) =>
      adapter.continueConversationAsync(config.microsoftApp.appId, reference, logic),
    runBot: (context) => bot.run(context),
    pendingWrites,
    sealKey,
  });
  flows.push(escalation.dialog);
  const bot = new RamqBot({
    ...voiceLine.botHooks,
    turnMiddleware: [
      // First: the recorder and the dialogs need the key; until Redis gives it, the turn fails politely.
      ...(sharedSealKey ? [sealKeyFirst(sharedSealKey)] : []),
      ...(voiceLine.botHooks.turnMiddleware ?? []),
      escalation.recorder,
    ],
    turnInterceptor: escalation.hub,
    state,
    rootDialog: new RootDialog(deps, flows),
    responder,
  });

  if (!config.microsoftApp.appId) {
    logger.warn(
      config.nodeEnv === 'production'
        ? 'MicrosoftAppId is not set: running in local anonymous mode, only for clients on this machine'
        : 'MicrosoftAppId is not set: running in local anonymous mode, requests are not authenticated',
    );
  }
  const authentication = new StrictBotFrameworkAuthentication(
    {
      MicrosoftAppId: config.microsoftApp.appId,
      MicrosoftAppPassword: config.microsoftApp.appPassword,
      MicrosoftAppType: config.microsoftApp.appType,
      MicrosoftAppTenantId: config.microsoftApp.tenantId,
      ...(config.microsoftApp.openIdMetadataUrl
        ? { ToBotFromChannelOpenIdMetadataUrl: config.microsoftApp.openIdMetadataUrl }
        : {}),
      ...(config.microsoftApp.tokenIssuer
        ? { ToBotFromChannelTokenIssuer: config.microsoftApp.tokenIssuer }
        : {}),
    },
    logger,
  );
  const adapter = new CloudAdapter(authentication);
  // Callers hear every message, including those sent outside the bot's turns (error replies, other features).
  adapter.use(voiceLine.safetyNet);
  // Trace activities are for the Emulator; with expectReplies they would otherwise reach every client.
  adapter.use({
    onTurn: async (context: TurnContext, next: () => Promise<void>) => {
      if (context.activity.channelId !== 'emulator') {
        // The flows' own traces are not even built; the filter catches any other.
        context.turnState.set(FLOW_TRACES_DROPPED, true);
        context.onSendActivities(async (_ctx, activities, nextSend) => {
          const visible = activities.filter((a) => a.type !== ActivityTypes.Trace);
          // The adapter refuses an empty batch, so a batch of traces alone is answered here.
          if (visible.length === 0) return [];
          activities.splice(0, activities.length, ...visible);
          return nextSend();
        });
      }
      await next();
    },
  });
  // A reply carries the language it is written in, not the client's (Teams always says en-US), proactive ones
  // (an agent's words relayed, a reprompt) included.
  adapter.use({
    onTurn: async (context: TurnContext, next: () => Promise<void>) => {
      context.onSendActivities(async (ctx, activities, nextSend) => {
        const locale = REPLY_LOCALES[responder.language(ctx)];
        for (const activity of activities)
          if (activity.type === ActivityTypes.Message) activity.locale = locale;
        return nextSend();
      });
      await next();
    },
  });
  adapter.use(new TeamsGate(config.teamsAllowedTenants, responder, centre, logger));
  /**
   * What the user is told of a failed turn, in the turn's language. When the storage could not be read, this
   * process only knows the users it last saw choose English: anyone else may have chosen English on another
   * instance, or before a restart, so the "temporarily unavailable" apology then comes in French and in English,
   * in one message on screen and each in its own voice on the phone.
   */
  const errorReplies = (context: TurnContext, key: string): Array<Partial<Activity>> => {
    const known = context.turnState.get(LANGUAGE_KEY) !== undefined;
    const languages =
      known || key !== TEMPORARILY_UNAVAILABLE_KEY ? [responder.language(context)] : LANGUAGES;
    const replies = languages.flatMap((language) => {
      if (!known) context.turnState.set(LANGUAGE_KEY, language);
      const phones = phonesInline(responder.translator(context), centre);
      return responder.replies(context, [{ key, vars: { phones } }]);
    });
    // Unknown it stays: the reply's locale is the default one.
    if (!known) context.turnState.delete(LANGUAGE_KEY);
    if (replies.length < 2 || responder.isVoice(context)) return replies;
    return [{ ...replies[0], text: replies.map((r) => r.text).join('\n\n') }];
  };
  adapter.onTurnError = async (context, error) => {
    logger.error(
      {
        // Our errors never carry user input, so the message is safe and useful to log.
        err: {
          name: (error as Error)?.name,
          message: String((error as Error)?.message ?? '').slice(0, 300),
          at: String((error as Error)?.stack ?? '')
            .split('\n')[1]
            ?.trim(),
        },
      },
      'turn failed',
    );
    // A timer's or an agent hub's turn that lost the race to the user's own turn: the user's turn was saved
    // and answered; telling them their message is still being processed would be false. Nor is it true of a
    // message whose turn made a change outside the conversation and said so (a card submitted twice at once, a
    // call-back confirmed twice): its confirmation went out, and sending the message again would repeat it.
    if (
      error instanceof ConcurrentTurnError &&
      (context.activity.type !== ActivityTypes.Message || repliesCommitted(context))
    ) {
      return;
    }
    // The channel could not be reached with a reply (after the connector's own retries, about 5 s): an apology
    // would fail the same way, and keep the channel's request waiting as long again.
    if (replyUndeliverable(context, error)) return;
    try {
      await context.sendActivities(errorReplies(context, userMessageKeyOf(error)));
    } catch {
      // The channel itself may be what failed; nothing more can be said to the user.
    }
  };

  let localChat: { close(): void } | undefined;
  const isReady = async () =>
    warmed && (await pingStorage()) && (!sharedSealKey || (await sharedSealKey.available()));
  const http = createBotServer({
    adapter,
    bot,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    isReady,
    rateLimiters: createRateLimiters(config.rateLimits, config.redisKeyPrefix, redisClient),
    trustProxyHops: config.trustProxyHops,
    // Anonymous mode has no token to check: anyone may claim any conversation there anyway. In production it
    // serves only clients on this machine, so that nobody can have the bot POST its replies elsewhere.
    authenticate: config.microsoftApp.appId
      ? (activity, authHeader) => authentication.authenticateRequest(activity, authHeader).then(() => true)
      : config.nodeEnv === 'production'
        ? async (activity) => isLoopbackServiceUrl(activity.serviceUrl)
        : undefined,
    throttledText: (seconds, language) =>
      messages.forLanguage(language ?? DEFAULT_LANGUAGE)('common:throttled', { seconds }),
    // One read of the sender's user state, as a turn would do, without running one.
    languageOf: async (activity) =>
      (await state.userProfile.get(new TurnContext(adapter, activity), {})).language,
  });
  registerFormDownloads(http.server, { store: formStore, logger });

  return {
    config,
    logger,
    adapter,
    bot,
    http,
    messages,
    noInputTimers: voiceLine.timers,
    escalation,
    audit: accountServices.audit,
    isReady,
    async start() {
      // A port already taken rejects here, so main() says so in one line instead of crashing on 'error'.
      await new Promise<void>((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(config.port, config.host, () => {
          http.server.off('error', reject);
          resolve();
        });
      });
      const address = http.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const baseUrl = `http://127.0.0.1:${port}`;
      if (config.localChat) {
        localChat = registerLocalChat(http.server, {
          botUrl: `${baseUrl}/api/messages`,
          publicBaseUrl: baseUrl,
          t: messages.forLanguage(DEFAULT_LANGUAGE),
          logger,
        });
      }
      voiceLine.timers.start();
      escalation.hub.start();
      return baseUrl;
    },
    async stop({ drainMs = SHUTDOWN_DRAIN_MS } = {}) {
      localChat?.close();
      await new Promise<void>((resolve) => {
        const drained = () => {
          clearInterval(waitForTurns);
          clearTimeout(deadline);
          resolve();
        };
        http.server.close(drained);
        http.server.server.closeIdleConnections?.();
        const waitForTurns = setInterval(() => {
          http.server.server.closeIdleConnections?.();
          if (http.inFlight() === 0) drained();
        }, 50);
        const deadline = setTimeout(() => {
          logger.warn({ inFlight: http.inFlight(), drainMs }, 'shutdown: requests still open are dropped');
          http.server.server.closeAllConnections?.();
          drained();
        }, drainMs);
      });
      await voiceLine.timers.stop();
      await escalation.hub.stop();
      // After the turns and the proactive ones: what they left to write reaches the store before it closes.
      await pendingWrites.settle(REDIS_CLOSE_TIMEOUT_MS);
      await formStore.close();
      await strength.close();
      await closeStorage();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await buildApplication(config);
  const url = await app.start();
  app.logger.info({ url, storage: config.storage, demoData: config.demoData }, 'bot listening');
  if (config.localChat) app.logger.info(`chat page: http://localhost:${config.port}/`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    app
      .stop()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`The bot could not start: ${(error as Error)?.message ?? String(error)}`);
    process.exit(1);
  });
}

/** True when the error is a reply that could not be delivered to the conversation's channel (its serviceUrl). */
function replyUndeliverable(context: TurnContext, error: unknown): boolean {
  const serviceUrl = context.activity.serviceUrl;
  const url = (error as { request?: { url?: unknown } } | undefined)?.request?.url;
  return (
    (error as Error | undefined)?.name === 'RestError' &&
    typeof serviceUrl === 'string' &&
    serviceUrl.length > 0 &&
    typeof url === 'string' &&
    url.startsWith(serviceUrl.replace(/\/+$/, ''))
  );
}
