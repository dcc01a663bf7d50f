import { z } from 'zod';
import { extraClosureProblem } from './services/businessHours';

/** Thrown when the environment does not describe a runnable bot; its message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * How long shutdown waits for requests in flight before it drops their connections. Once the server is closed
 * Node no longer enforces its request timeouts, so a client sending its body a byte at a time (or never
 * finishing it) kept a SIGTERM waiting forever. Longer than any turn takes with the default settings, and
 * shorter than the 30 seconds a platform (Kubernetes, App Service) waits before it kills the process.
 */
export const SHUTDOWN_DRAIN_MS = 25_000;

/** The random pause before the request API is tried again (milliseconds). */
const REQUESTS_API_RETRY_PAUSE_MS = { min: 100, max: 400 } as const;

/**
 * The longest a request-status lookup may take, all attempts and pauses included: what is left of the drain
 * once the user has been answered and the state saved, so that a lookup in flight at an upgrade still ends
 * with its answer instead of a dropped connection.
 */
export const REQUESTS_API_LONGEST_LOOKUP_MS = SHUTDOWN_DRAIN_MS - 5_000;
const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (what: string) =>
  z.coerce
    .number({ message: `expected ${what}` })
    .int({ message: `expected ${what}` })
    .positive({
      message: `expected ${what}`,
    });

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test'], {
      message: 'expected development, production or test',
    }),
    PORT: z.coerce
      .number({ message: 'expected a TCP port number (1-65535)' })
      .int({ message: 'expected a TCP port number (1-65535)' })
      .min(0, { message: 'expected a TCP port number (1-65535)' })
      .max(65535, { message: 'expected a TCP port number (1-65535)' }),
    HOST: z.string().min(1, { message: 'expected a host name or address' }),
    STORAGE: z.enum(['memory', 'redis'], { message: 'expected memory or redis' }),
    REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, { message: 'expected a redis:// or rediss:// URL' }),
    REDIS_KEY_PREFIX: z.string().min(1, { message: 'expected a non-empty key prefix' }),
    CONVERSATION_IDLE_MINUTES: positiveInt('a whole number of minutes greater than 0'),
    MEMORY_STORAGE_MAX_ITEMS: positiveInt('a whole number of items greater than 0'),
    DEMO_DATA: booleanString.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'expected fatal, error, warn, info, debug, trace or silent',
    }),
    MicrosoftAppId: z.string(),
    MicrosoftAppPassword: z.string(),
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
      message: 'expected MultiTenant, SingleTenant or UserAssignedMSI',
    }),
    MicrosoftAppTenantId: z.string(),
    CLOCK_NOW: z
      .string()
      .refine((v) => v === '' || !Number.isNaN(Date.parse(v)), {
        message: 'expected an ISO 8601 date-time such as 2026-11-27T10:00:00-05:00',
      })
      .optional(),
    LOCAL_CHAT: booleanString.optional(),
    MAX_BODY_KIB: positiveInt('a whole number of KiB greater than 0'),
    VOICE_FR: z.string().regex(/^[a-z]{2}-[A-Z]{2}-\w+$/, {
      message: 'expected an Azure voice name such as fr-CA-SylvieNeural',
    }),
    VOICE_EN: z.string().regex(/^[a-z]{2}-[A-Z]{2}-\w+$/, {
      message: 'expected an Azure voice name such as en-CA-ClaraNeural',
    }),
    VOICE_NO_INPUT_SECONDS: z.coerce
      .number({ message: 'expected a number of seconds greater than 0' })
      .positive({ message: 'expected a number of seconds greater than 0' }),
    VOICE_SPEECH_CHARS_PER_SECOND: z.coerce
      .number({ message: 'expected a number of characters per second, 0 or more' })
      .min(0, { message: 'expected a number of characters per second, 0 or more' }),
    VOICE_TRANSFER_NUMBER: z
      .string()
      .regex(/^\+[1-9]\d{7,14}$/, { message: 'expected a phone number in E.164 form such as +18004634776' })
      .optional(),
    BotOpenIdMetadata: z
      .string()
      .regex(/^https?:\/\/\S+$/, { message: 'expected the URL of an OpenID metadata document' })
      .optional(),
    ToBotFromChannelTokenIssuer: z.string().min(1, { message: 'expected a token issuer' }).optional(),
    TEAMS_ALLOWED_TENANTS: z
      .string()
      .regex(/^[0-9a-fA-F-]{36}(\s*,\s*[0-9a-fA-F-]{36})*$/, {
        message: 'expected Entra tenant ids (GUIDs) separated by commas',
      })
      .optional(),
    RATE_LIMIT_CONVERSATION_PER_MINUTE: z.coerce
      .number({ message: 'expected a whole number of requests per minute (0 disables)' })
      .int({ message: 'expected a whole number of requests per minute (0 disables)' })
      .min(0, { message: 'expected a whole number of requests per minute (0 disables)' }),
    RATE_LIMIT_CLIENT_PER_MINUTE: z.coerce
      .number({ message: 'expected a whole number of requests per minute (0 disables)' })
      .int({ message: 'expected a whole number of requests per minute (0 disables)' })
      .min(0, { message: 'expected a whole number of requests per minute (0 disables)' }),
    TRUST_PROXY_HOPS: z.coerce
      .number({ message: 'expected the number of proxies in front of the bot, 0 to 5' })
      .int({ message: 'expected the number of proxies in front of the bot, 0 to 5' })
      .min(0, { message: 'expected the number of proxies in front of the bot, 0 to 5' })
      .max(5, { message: 'expected the number of proxies in front of the bot, 0 to 5' }),
    PUBLIC_BASE_URL: z
      .string()
      .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
        message: 'expected the public http(s) URL of the bot, such as https://bot.example.ca',
      })
      .optional(),
    REQUESTS_API_URL: z
      .string()
      .regex(/^https?:\/\/\S+$/, { message: 'expected the http(s) base URL of the request API' })
      .optional(),
    // Node's timers overflow past 2^31 - 1 ms and then fire after 1 ms: every call would time out at once. A
    // turn waiting more than a minute for the API is of no use anyway: the channel gave up long before.
    REQUESTS_API_TIMEOUT_MS: positiveInt('a whole number of milliseconds from 1 to 60000').max(60_000, {
      message: 'expected a whole number of milliseconds from 1 to 60000',
    }),
    REQUESTS_API_RETRIES: z.coerce
      .number({ message: 'expected 0, 1 or 2 retries' })
      .int({ message: 'expected 0, 1 or 2 retries' })
      .min(0, { message: 'expected 0, 1 or 2 retries' })
      .max(2, { message: 'expected 0, 1 or 2 retries' }),
    REQUESTS_API_BREAKER_THRESHOLD: positiveInt('a whole number of failures greater than 0'),
    REQUESTS_API_BREAKER_COOLDOWN_MS: positiveInt('a whole number of milliseconds greater than 0'),
    REQUESTS_API_TOKEN: z.string().min(1).optional(),
    STATE_SEAL_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, {
        message: 'expected 32 random bytes in base64 (openssl rand -base64 32)',
      })
      .optional(),
    AGENT_IDS: z
      .string()
      .regex(/^[0-9a-fA-F-]{36}(\s*,\s*[0-9a-fA-F-]{36})*$/, {
        message: 'expected Entra object ids (GUIDs) separated by commas',
      })
      .optional(),
    AGENT_HUB_CONVERSATION: z
      .string()
      .regex(/^\S+$/, { message: 'expected a Teams channel conversation id such as 19:abc@thread.tacv2' })
      .optional(),
    HANDOFF_STATUS_SENDERS: z
      .string()
      .regex(/^[^\s,]+(\s*,\s*[^\s,]+)*$/, {
        message: 'expected the external hub sender ids (from.id) separated by commas',
      })
      .optional(),
    ESCALATION_WAIT_MINUTES: positiveInt('a whole number of minutes greater than 0'),
    CENTRE_EXTRA_CLOSURES: z
      .string()
      .superRefine((v, ctx) => {
        for (const entry of v.split(',').map((e) => e.trim())) {
          const problem = extraClosureProblem(entry);
          if (problem) ctx.addIssue({ code: 'custom', message: `"${entry}": ${problem}` });
        }
      })
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && env.CLOCK_NOW) {
      ctx.addIssue({
        code: 'custom',
        path: ['CLOCK_NOW'],
        message: 'must not be set when NODE_ENV=production',
      });
    }
    if (env.NODE_ENV === 'production' && env.LOCAL_CHAT) {
      ctx.addIssue({
        code: 'custom',
        path: ['LOCAL_CHAT'],
        message: 'the local Web Chat endpoint cannot be enabled when NODE_ENV=production',
      });
    }
    const retries = env.REQUESTS_API_RETRIES;
    const longest = env.REQUESTS_API_TIMEOUT_MS * (retries + 1) + REQUESTS_API_RETRY_PAUSE_MS.max * retries;
    if (longest > REQUESTS_API_LONGEST_LOOKUP_MS) {
      const most = Math.floor(
        (REQUESTS_API_LONGEST_LOOKUP_MS - REQUESTS_API_RETRY_PAUSE_MS.max * retries) / (retries + 1),
      );
      ctx.addIssue({
        code: 'custom',
        path: ['REQUESTS_API_TIMEOUT_MS'],
        message:
          `with REQUESTS_API_RETRIES=${retries}, at most ${most} ms, so that a lookup with all its attempts ` +
          `ends within ${REQUESTS_API_LONGEST_LOOKUP_MS} ms, before the ${SHUTDOWN_DRAIN_MS} ms shutdown drain`,
      });
    }
    if (env.MicrosoftAppType === 'SingleTenant' && env.MicrosoftAppId && !env.MicrosoftAppTenantId) {
      ctx.addIssue({
        code: 'custom',
        path: ['MicrosoftAppTenantId'],
        message: 'required when MicrosoftAppType=SingleTenant',
      });
    }
  });

/** The bot's settings, parsed once from the environment at start-up. */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  storage: 'memory' | 'redis';
  redisUrl: string;
  redisKeyPrefix: string;
  conversationIdleMinutes: number;
  /** STORAGE=memory: most conversations and users kept; beyond it the least recently used are forgotten. */
  memoryStorageMaxItems: number;
  demoData: boolean;
  logLevel: string;
  microsoftApp: {
    appId: string;
    appPassword: string;
    appType: string;
    tenantId: string;
    /** Sovereign clouds (and tests) validate channel tokens against another OpenID document and issuer. */
    openIdMetadataUrl?: string;
    tokenIssuer?: string;
  };
  /** Fixed clock for tests and demos; undefined means the real clock. */
  clockNow?: Date;
  /** Serve the browser chat page and its local Direct Line endpoint (never in production). */
  localChat: boolean;
  maxBodyBytes: number;
  voices: { fr: string; en: string };
  /** Silence allowed after a question on the phone before the caller is reprompted (decimals allowed). */
  voiceNoInputSeconds: number;
  /**
   * The voices' speaking rate, to estimate how long a prompt plays before the no-input timeout starts; 0
   * counts the timeout from the moment the prompt is sent.
   */
  voiceSpeechCharsPerSecond: number;
  /** Where phone callers asking for an agent are transferred (E.164); unset: the centre's toll-free line. */
  voiceTransferNumber?: string;
  /** Entra tenants whose Teams users are served; empty serves any tenant. */
  teamsAllowedTenants: string[];
  /** Requests per minute per conversation and per client address; 0 disables. */
  rateLimits: { perConversationPerMinute: number; perClientPerMinute: number };
  /**
   * Proxies in front of the bot that append the address they saw to X-Forwarded-For (Azure App Service's
   * front end is one); the per-client limit counts the address the outermost of them saw. 0: the TCP peer.
   */
  trustProxyHops: number;
  /** Where users' browsers reach the bot, without a trailing slash: download links are built on it. */
  publicBaseUrl: string;
  /** The request-status back end (issue 4): HTTP client when `url` is set, embedded service otherwise. */
  requestsApi: {
    url?: string;
    timeoutMs: number;
    retries: number;
    /** The random pause before a retry; see {@link REQUESTS_API_LONGEST_LOOKUP_MS}. */
    retryPauseMs: { min: number; max: number };
    breakerThreshold: number;
    breakerCooldownMs: number;
    token?: string;
  };
  /** Key sealing personal data kept in conversation state; unset, see src/services/sealKey.ts. */
  stateSealKey?: Buffer;
  /** Escalation to agents (issue 7). */
  escalation: {
    /** AGENT_IDS: the agents' Entra object ids (lower case). */
    agentIds: string[];
    /** AGENT_HUB_CONVERSATION: the agents' Teams channel, if any. */
    hubConversation?: string;
    /**
     * HANDOFF_STATUS_SENDERS: the `from.id` of an external hub allowed to post `handoff.status`; none by default,
     * since a Direct Line client can post any event under any id it is not bound to.
     */
    handoffStatusSenders: string[];
    /** ESCALATION_WAIT_MINUTES: after this long without an agent, the user is offered a call-back. */
    waitMinutes: number;
    /** CENTRE_EXTRA_CLOSURES: the Centre's own closed days (YYYY-MM-DD, ranges with "..", yearly MM-DD). */
    extraClosures: string[];
  };
}

const DEFAULTS: Record<string, string> = {
  NODE_ENV: 'development',
  PORT: '3978',
  HOST: '0.0.0.0',
  STORAGE: 'memory',
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_KEY_PREFIX: 'ramq-bot:',
  CONVERSATION_IDLE_MINUTES: '60',
  MEMORY_STORAGE_MAX_ITEMS: '50000',
  LOG_LEVEL: 'info',
  MicrosoftAppId: '',
  MicrosoftAppPassword: '',
  MicrosoftAppType: 'MultiTenant',
  MicrosoftAppTenantId: '',
  MAX_BODY_KIB: '256',
  VOICE_FR: 'fr-CA-SylvieNeural',
  VOICE_EN: 'en-CA-ClaraNeural',
  VOICE_NO_INPUT_SECONDS: '8',
  // A little slower than Azure's French and English neural voices at their default rate: a reprompt while the
  // prompt still plays is worse than one that comes a second late.
  VOICE_SPEECH_CHARS_PER_SECOND: '14',
  RATE_LIMIT_CONVERSATION_PER_MINUTE: '60',
  RATE_LIMIT_CLIENT_PER_MINUTE: '3000',
  TRUST_PROXY_HOPS: '0',
  REQUESTS_API_TIMEOUT_MS: '3000',
  REQUESTS_API_RETRIES: '1',
  REQUESTS_API_BREAKER_THRESHOLD: '5',
  REQUESTS_API_BREAKER_COOLDOWN_MS: '30000',
  ESCALATION_WAIT_MINUTES: '10',
};

/**
 * Parses the environment once. Empty strings count as unset so that a copied .env.example works as is.
 * @throws ConfigError naming each invalid variable and what it expects.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const raw: Record<string, string | undefined> = {};
  const optional = [
    'TEAMS_ALLOWED_TENANTS',
    'DEMO_DATA',
    'CLOCK_NOW',
    'LOCAL_CHAT',
    'PUBLIC_BASE_URL',
    'VOICE_TRANSFER_NUMBER',
    'BotOpenIdMetadata',
    'ToBotFromChannelTokenIssuer',
    'REQUESTS_API_URL',
    'REQUESTS_API_TOKEN',
    'STATE_SEAL_KEY',
    'AGENT_IDS',
    'AGENT_HUB_CONVERSATION',
    'HANDOFF_STATUS_SENDERS',
    'CENTRE_EXTRA_CLOSURES',
  ];
  for (const key of [...Object.keys(DEFAULTS), ...optional]) {
    const value = env[key];
    raw[key] = value === undefined || value.trim() === '' ? DEFAULTS[key] : value.trim();
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    storage: e.STORAGE,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    conversationIdleMinutes: e.CONVERSATION_IDLE_MINUTES,
    memoryStorageMaxItems: e.MEMORY_STORAGE_MAX_ITEMS,
    demoData: e.DEMO_DATA ?? !production,
    logLevel: e.LOG_LEVEL,
    microsoftApp: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
      openIdMetadataUrl: e.BotOpenIdMetadata,
      tokenIssuer: e.ToBotFromChannelTokenIssuer,
    },
    clockNow: e.CLOCK_NOW ? new Date(e.CLOCK_NOW) : undefined,
    localChat: e.LOCAL_CHAT ?? !production,
    maxBodyBytes: e.MAX_BODY_KIB * 1024,
    voices: { fr: e.VOICE_FR, en: e.VOICE_EN },
    voiceNoInputSeconds: e.VOICE_NO_INPUT_SECONDS,
    voiceSpeechCharsPerSecond: e.VOICE_SPEECH_CHARS_PER_SECOND,
    voiceTransferNumber: e.VOICE_TRANSFER_NUMBER,
    teamsAllowedTenants: (e.TEAMS_ALLOWED_TENANTS ?? '')
      .split(',')
      .map((id) => id.trim().toLowerCase())
      .filter(Boolean),
    rateLimits: {
      perConversationPerMinute: e.RATE_LIMIT_CONVERSATION_PER_MINUTE,
      perClientPerMinute: e.RATE_LIMIT_CLIENT_PER_MINUTE,
    },
    trustProxyHops: e.TRUST_PROXY_HOPS,
    // The default only suits a bot reached on this machine; behind a proxy or in Azure it must be set.
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    requestsApi: {
      url: e.REQUESTS_API_URL,
      timeoutMs: e.REQUESTS_API_TIMEOUT_MS,
      retries: e.REQUESTS_API_RETRIES,
      retryPauseMs: { ...REQUESTS_API_RETRY_PAUSE_MS },
      breakerThreshold: e.REQUESTS_API_BREAKER_THRESHOLD,
      breakerCooldownMs: e.REQUESTS_API_BREAKER_COOLDOWN_MS,
      token: e.REQUESTS_API_TOKEN,
    },
    stateSealKey: e.STATE_SEAL_KEY ? Buffer.from(e.STATE_SEAL_KEY, 'base64') : undefined,
    escalation: {
      agentIds: (e.AGENT_IDS ?? '')
        .split(',')
        .map((id) => id.trim().toLowerCase())
        .filter(Boolean),
      hubConversation: e.AGENT_HUB_CONVERSATION,
      handoffStatusSenders: (e.HANDOFF_STATUS_SENDERS ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
      waitMinutes: e.ESCALATION_WAIT_MINUTES,
      extraClosures: (e.CENTRE_EXTRA_CLOSURES ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    },
  };
}
