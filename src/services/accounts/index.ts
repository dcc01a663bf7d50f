import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { AppRedisClient } from '../redisClient';
import { AccountManager, type AccountRules } from './accountManager';
import type { AccountService } from './accountService';
import type { AccountStore } from './accountStore';
import { MemoryAuditLog, type AuditLog } from './auditLog';
import { demoAccountRecords } from './demoAccounts';
import { MemoryAccountStore } from './memoryAccountStore';
import type { StrengthEstimator } from './strengthEstimator';
import { PasswordPolicy } from './passwordPolicy';
import { RedisAccountStore } from './redisAccountStore';
import { RedisAuditLog } from './redisAuditLog';
import { loadSecretQuestionCatalogue, type SecretQuestionCatalogue } from './secretQuestionCatalogue';

export type * from './accountService';
export type { AuditAction, AuditEvent, AuditLog } from './auditLog';
export type { PolicyReason, PolicyVerdict } from './passwordPolicy';
export type { SecretQuestionCatalogue } from './secretQuestionCatalogue';
export { QUESTIONS_PER_ACCOUNT, QUESTIONS_PER_CHALLENGE } from './secretQuestionCatalogue';

/** How to build the account services. */
export interface AccountServicesOptions {
  storage: 'memory' | 'redis';
  /** Required with `storage: 'redis'`: a client from createRedisClient, connected or connecting. */
  redisClient?: AppRedisClient;
  /** With Redis: resolves true once the client is ready again (whenReady), so failed writes can be undone. */
  awaitRedisReconnection?: (maxMs: number) => Promise<boolean>;
  /** The bot's REDIS_KEY_PREFIX; account keys go under `<keyPrefix>accounts:`. */
  keyPrefix: string;
  /** DEMO_DATA: create the demo accounts of data/demoAccounts.json. */
  demoData: boolean;
  clock: Clock;
  logger: Logger;
  /** Test overrides of the data files. */
  catalogueFile?: string;
  demoFile?: string;
  rules?: Partial<AccountRules>;
  /** How password strength is estimated (a worker thread in the application; on the calling thread by default). */
  strength?: StrengthEstimator;
}

/** What the account flows need, built once at start-up. */
export interface AccountServices {
  accounts: AccountService;
  audit: AuditLog;
  catalogue: SecretQuestionCatalogue;
}

/**
 * Builds the account services. The password dictionaries are loaded here, once. Demo accounts are reloaded
 * at each start in memory mode; in Redis mode they are written only where absent (or still untouched demo
 * seeds), never over an account whose password or questions have changed. If Redis is not reachable yet,
 * the demo accounts are written as soon as it is, and again (where absent) after each reconnection.
 */
export async function createAccountServices(options: AccountServicesOptions): Promise<AccountServices> {
  const catalogue = loadSecretQuestionCatalogue(options.catalogueFile);
  const policy = new PasswordPolicy(options.strength);
  let store: AccountStore;
  let audit: AuditLog;
  if (options.storage === 'redis') {
    if (!options.redisClient)
      throw new TypeError('createAccountServices: storage "redis" needs a redisClient');
    const keyPrefix = `${options.keyPrefix}accounts:`;
    store = new RedisAccountStore({
      client: options.redisClient,
      keyPrefix,
      awaitReconnection: options.awaitRedisReconnection,
    });
    audit = new RedisAuditLog({ client: options.redisClient, key: `${keyPrefix}audit` });
  } else {
    store = new MemoryAccountStore(options.clock);
    audit = new MemoryAuditLog();
  }
  const accounts = new AccountManager({
    store,
    audit,
    catalogue,
    policy,
    clock: options.clock,
    logger: options.logger,
    rules: options.rules,
  });

  if (options.demoData) {
    // A broken demo file stops start-up; only writing to the store may wait for Redis.
    const records = await demoAccountRecords(options.clock, catalogue, options.demoFile);
    const seed = async () => {
      const outcomes = await Promise.all(records.map((r) => store.seedAccount(r)));
      options.logger.info(
        {
          event: 'accounts',
          written: outcomes.filter((o) => o === 'written').length,
          kept: outcomes.filter((o) => o === 'kept').length,
        },
        'demo accounts loaded',
      );
    };
    const retry = () => {
      seed().catch(() => options.logger.error({ event: 'accounts' }, 'demo accounts could not be written'));
    };
    // Redis still connecting (every start): its first 'ready' writes them, without a warning for nothing.
    const connecting = options.redisClient !== undefined && !options.redisClient.isReady;
    if (connecting) {
      options.logger.info({ event: 'accounts' }, 'demo accounts: written once Redis is ready');
    } else {
      try {
        await seed();
      } catch (error) {
        options.logger.warn(
          { event: 'accounts', err: { name: (error as Error)?.name } },
          'demo accounts not written yet: waiting for Redis',
        );
        // Redis answered but refused (loading, a timeout): nothing may come to fire 'ready' again.
        if (options.redisClient?.isReady) retry();
      }
    }
    // Written again, where absent, each time the connection comes back: a Redis that keeps nothing on disk
    // restarts empty, and the demo would otherwise lose its accounts until the bot itself restarts.
    options.redisClient?.on('ready', retry);
  }
  return { accounts, audit, catalogue };
}
