import { z } from 'zod';

/** Thrown when the environment does not describe a runnable bot; its message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

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
  demoData: boolean;
  logLevel: string;
  microsoftApp: { appId: string; appPassword: string; appType: string; tenantId: string };
  /** Fixed clock for tests and demos; undefined means the real clock. */
  clockNow?: Date;
  /** Serve the browser chat page and its local Direct Line endpoint (never in production). */
  localChat: boolean;
  maxBodyBytes: number;
  voices: { fr: string; en: string };
}

const DEFAULTS: Record<string, string> = {
  NODE_ENV: 'development',
  PORT: '3978',
  HOST: '0.0.0.0',
  STORAGE: 'memory',
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_KEY_PREFIX: 'ramq-bot:',
  CONVERSATION_IDLE_MINUTES: '60',
  LOG_LEVEL: 'info',
  MicrosoftAppId: '',
  MicrosoftAppPassword: '',
  MicrosoftAppType: 'MultiTenant',
  MicrosoftAppTenantId: '',
  MAX_BODY_KIB: '256',
  VOICE_FR: 'fr-CA-SylvieNeural',
  VOICE_EN: 'en-CA-ClaraNeural',
};

/**
 * Parses the environment once. Empty strings count as unset so that a copied .env.example works as is.
 * @throws ConfigError naming each invalid variable and what it expects.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const raw: Record<string, string | undefined> = {};
  for (const key of [...Object.keys(DEFAULTS), 'DEMO_DATA', 'CLOCK_NOW', 'LOCAL_CHAT']) {
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
    demoData: e.DEMO_DATA ?? !production,
    logLevel: e.LOG_LEVEL,
    microsoftApp: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
    },
    clockNow: e.CLOCK_NOW ? new Date(e.CLOCK_NOW) : undefined,
    localChat: e.LOCAL_CHAT ?? !production,
    maxBodyBytes: e.MAX_BODY_KIB * 1024,
    voices: { fr: e.VOICE_FR, en: e.VOICE_EN },
  };
}
