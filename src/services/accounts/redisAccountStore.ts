import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { RedisTimeoutError, writeMayHaveLanded } from '../../errors';
import type { AppRedisClient } from '../redisClient';
import { repairOnceRedisAnswers } from '../redisStorage';
import type { AccountRecord, AccountStore, ChallengeRecord, DraftRecord, FailureKind } from './accountStore';

/** The node-redis commands the account store and audit log use. */
export type AccountRedisClient = Pick<
  AppRedisClient,
  'get' | 'set' | 'del' | 'incr' | 'expire' | 'pExpire' | 'eval' | 'evalSha' | 'xAdd' | 'xRevRange' | 'zCount'
>;

/** Options of {@link RedisAccountStore}. */
export interface RedisAccountStoreOptions {
  client: AccountRedisClient;
  /** Prepended to every key (the bot's REDIS_KEY_PREFIX followed by `accounts:`). */
  keyPrefix: string;
  /** Upper bound for one Redis call; default 3000 ms (a stalled server must not freeze a turn). */
  operationTimeoutMs?: number;
  /**
   * Resolves true once the client is connected again (at once if it is), false after `maxMs`: lets an account
   * write reported as failed be undone if Redis applies it later. Without it, such a write is left as it is.
   */
  awaitReconnection?: (maxMs: number) => Promise<boolean>;
}

// Redis TTLs here only collect garbage, in real time: the rules themselves (windows, lock ends, expiry of
// challenges) compare stored times with the bot's clock, which tests and demos may fix.
const CHALLENGE_TTL_MS = 60 * 60_000;
const DRAFT_TTL_MS = 2 * 60 * 60_000;
const CONVERSATION_TTL_S = 24 * 3600;

// KEYS[1]: failure set; ARGV: now (ms), window (ms), unique member, TTL (ms). Adds the failure, forgets
// those outside the window and counts the rest in one atomic step, so instances never miscount.
const RECORD_FAILURE_LUA = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return redis.call('ZCARD', KEYS[1])
`;

// KEYS[1]: account key; ARGV[1]: demo record. Writes where absent or over an untouched demo seed (whose
// temporary password would otherwise expire a day after the first start), never over a changed account.
const SEED_LUA = `
local current = redis.call('GET', KEYS[1])
if current and not string.find(current, '"demoSeed":true', 1, true) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`;

/** Accounts whose stored text this process last read, for undoing a failed write; more are forgotten. */
const MAX_REMEMBERED_READS = 1000;

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
// KEYS[1]: challenge key. Marks it ended, keeping its expiry; 1 for the one call that did.
const END_CHALLENGE_LUA = `
local current = redis.call('GET', KEYS[1])
if not current or string.find(current, '"ended":true', 1, true) then
  return 0
end
redis.call('SET', KEYS[1], '{"ended":true,' .. string.sub(current, 2), 'KEEPTTL')
return 1
`;

// KEYS[1]: a record's key; ARGV[1]: the record as read, ARGV[2]: its replacement ('' = none: the key is deleted),
// ARGV[3]: time to live (ms; 0: none). Compare-and-set: nothing is written over a record another turn changed
// meanwhile. It also undoes a failed write that landed: ARGV[1] is that write, ARGV[2] what it replaced.
const REPLACE_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
elseif ARGV[3] == '0' then
  redis.call('SET', KEYS[1], ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
`;

const SCRIPTS = {
  replace: { lua: REPLACE_LUA, sha: sha1(REPLACE_LUA) },
  endChallenge: { lua: END_CHALLENGE_LUA, sha: sha1(END_CHALLENGE_LUA) },
  recordFailure: { lua: RECORD_FAILURE_LUA, sha: sha1(RECORD_FAILURE_LUA) },
  seed: { lua: SEED_LUA, sha: sha1(SEED_LUA) },
};

/**
 * Accounts, counters and locks in Redis (STORAGE=redis), shared by every bot instance. Records are JSON
 * strings that hold only hashes. Errors never include stored values.
 */
export class RedisAccountStore implements AccountStore {
  private readonly client: AccountRedisClient;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly awaitReconnection: ((maxMs: number) => Promise<boolean>) | undefined;
  /** Each account's text as last read here ('' when absent): what a failed write replaced. */
  private readonly lastRead = new Map<string, string>();

  constructor(options: RedisAccountStoreOptions) {
    this.client = options.client;
    this.prefix = options.keyPrefix;
    this.timeoutMs = options.operationTimeoutMs ?? 3000;
    this.awaitReconnection = options.awaitReconnection;
  }

  async getAccount(userName: string): Promise<AccountRecord | undefined> {
    const raw = await this.bounded(this.client.get(this.key(`user:${userName}`)));
    this.lastRead.delete(userName);
    this.lastRead.set(userName, typeof raw === 'string' ? raw : '');
    if (this.lastRead.size > MAX_REMEMBERED_READS) this.lastRead.delete(this.lastRead.keys().next().value!);
    return parseJson<AccountRecord>('user', raw);
  }

  /**
   * Writes the account. A write reported as failed may still be applied later (Redis frozen once it was sent):
   * the user was told the service is unavailable, so a new password or new secret questions must not take
   * effect behind their back. Once Redis answers again, what it replaced is put back, unless written since.
   */
  async putAccount(record: AccountRecord): Promise<void> {
    const key = this.key(`user:${record.userName}`);
    const text = JSON.stringify(record);
    const replaced = this.lastRead.get(record.userName);
    try {
      await this.bounded(this.client.set(key, text));
    } catch (error) {
      if (replaced !== undefined && writeMayHaveLanded(error)) this.undoIfLanded(key, text, replaced);
      throw error;
    }
    this.lastRead.set(record.userName, text);
  }

  /** In the background: puts `replaced` back under `key` if Redis, once it answers, holds `written` there. */
  private undoIfLanded(key: string, written: string, replaced: string): void {
    repairOnceRedisAnswers(this.awaitReconnection, () =>
      this.script('replace', [key], [written, replaced, '0']),
    );
  }

  /** Like {@link putAccount}, a replacement reported as failed is undone if Redis applies it later. */
  async replaceAccount(previous: AccountRecord, next: AccountRecord): Promise<boolean> {
    const key = this.key(`user:${next.userName}`);
    const [read, text] = [JSON.stringify(previous), JSON.stringify(next)];
    try {
      if (!(await this.replaceText(key, read, text, 0))) return false;
    } catch (error) {
      if (writeMayHaveLanded(error)) this.undoIfLanded(key, text, read);
      throw error;
    }
    this.lastRead.set(next.userName, text);
    return true;
  }

  async seedAccount(record: AccountRecord): Promise<'written' | 'kept'> {
    const written = await this.script(
      'seed',
      [this.key(`user:${record.userName}`)],
      [JSON.stringify(record)],
    );
    return Number(written) === 1 ? 'written' : 'kept';
  }

  async secretKey(): Promise<Buffer> {
    const key = this.key('secret');
    // NX: the first instance to start chooses the key and every other one adopts it.
    await this.bounded(this.client.set(key, randomBytes(32).toString('hex'), { condition: 'NX' }));
    const stored = await this.bounded(this.client.get(key));
    if (typeof stored !== 'string') throw new Error('Accounts: the shared secret key could not be read.');
    return Buffer.from(stored, 'hex');
  }

  async getChallenge(id: string): Promise<ChallengeRecord | undefined> {
    return this.getJson<ChallengeRecord>(`challenge:${id}`);
  }

  async putChallenge(id: string, record: ChallengeRecord): Promise<void> {
    await this.setJson(`challenge:${id}`, record, CHALLENGE_TTL_MS);
  }

  async replaceChallenge(id: string, previous: ChallengeRecord, next: ChallengeRecord): Promise<boolean> {
    const key = this.key(`challenge:${id}`);
    return this.replaceText(key, JSON.stringify(previous), JSON.stringify(next), CHALLENGE_TTL_MS);
  }

  async endChallenge(id: string): Promise<boolean> {
    return Number(await this.script('endChallenge', [this.key(`challenge:${id}`)], [])) === 1;
  }

  async getDraft(id: string): Promise<DraftRecord | undefined> {
    return this.getJson<DraftRecord>(`draft:${id}`);
  }

  async putDraft(id: string, record: DraftRecord): Promise<void> {
    await this.setJson(`draft:${id}`, record, DRAFT_TTL_MS);
  }

  async replaceDraft(id: string, previous: DraftRecord, next: DraftRecord): Promise<boolean> {
    // The text read back: getJson parsed what setJson wrote, and JSON.stringify gives the same text again.
    const key = this.key(`draft:${id}`);
    return this.replaceText(key, JSON.stringify(previous), JSON.stringify(next), DRAFT_TTL_MS);
  }

  async deleteDraft(id: string): Promise<void> {
    await this.bounded(this.client.del(this.key(`draft:${id}`)));
  }

  async recordFailure(kind: FailureKind, userName: string, nowMs: number, windowMs: number): Promise<number> {
    const count = await this.script(
      'recordFailure',
      [this.key(`failures:${kind}:${userName}`)],
      [String(nowMs), String(windowMs), `${nowMs}:${randomUUID()}`, String(windowMs * 2)],
    );
    return Number(count);
  }

  async countFailures(kind: FailureKind, userName: string, nowMs: number, windowMs: number): Promise<number> {
    const key = this.key(`failures:${kind}:${userName}`);
    return Number(await this.bounded(this.client.zCount(key, `(${nowMs - windowMs}`, '+inf')));
  }

  async clearFailures(userName: string): Promise<void> {
    await this.bounded(
      this.client.del([
        this.key(`failures:password:${userName}`),
        this.key(`failures:secretQuestions:${userName}`),
      ]),
    );
  }

  async getLock(userName: string): Promise<number | undefined> {
    const value = await this.bounded(this.client.get(this.key(`lock:${userName}`)));
    return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  }

  async setLock(userName: string, untilMs: number, durationMs: number): Promise<void> {
    await this.bounded(
      this.client.set(this.key(`lock:${userName}`), String(untilMs), {
        expiration: { type: 'PX', value: Math.max(1, durationMs) },
      }),
    );
  }

  async clearLock(userName: string): Promise<void> {
    await this.bounded(this.client.del(this.key(`lock:${userName}`)));
  }

  async conversationAttempts(conversationKey: string): Promise<number> {
    const value = await this.bounded(this.client.get(this.key(`conversation:${conversationKey}`)));
    return typeof value === 'string' ? Number(value) || 0 : 0;
  }

  async addConversationAttempt(conversationKey: string): Promise<number> {
    const key = this.key(`conversation:${conversationKey}`);
    const total = await this.bounded(this.client.incr(key));
    await this.bounded(this.client.expire(key, CONVERSATION_TTL_S));
    return Number(total);
  }

  private key(suffix: string): string {
    return `${this.prefix}${suffix}`;
  }

  private async getJson<T>(suffix: string): Promise<T | undefined> {
    return parseJson<T>(suffix.split(':')[0], await this.bounded(this.client.get(this.key(suffix))));
  }

  private async setJson(suffix: string, value: object, ttlMs: number): Promise<void> {
    await this.bounded(
      this.client.set(this.key(suffix), JSON.stringify(value), { expiration: { type: 'PX', value: ttlMs } }),
    );
  }

  /** Compare-and-set of a record's text (see REPLACE_LUA); true when replaced. */
  private async replaceText(key: string, read: string, next: string, ttlMs: number): Promise<boolean> {
    return Number(await this.script('replace', [key], [read, next, String(ttlMs)])) === 1;
  }

  private async script(name: keyof typeof SCRIPTS, keys: string[], args: string[]): Promise<unknown> {
    const options = { keys, arguments: args };
    try {
      return await this.bounded(this.client.evalSha(SCRIPTS[name].sha, options));
    } catch (err) {
      // The script cache is empty after a Redis restart or failover; EVAL loads it again.
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.bounded(this.client.eval(SCRIPTS[name].lua, options));
    }
  }

  private async bounded<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RedisTimeoutError(`Accounts: Redis did not answer within ${this.timeoutMs} ms.`)),
        this.timeoutMs,
      );
    });
    // The losing promise must not surface later as an unhandled rejection.
    work.catch(() => undefined);
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A stored record, or undefined when absent; `kind` names it in the error (never the value). */
function parseJson<T>(kind: string, raw: unknown): T | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    // No cause and no value: the text could hold hashes, which have no place in logs.
    throw new Error(`Accounts: stored value for "${kind}" is not valid JSON.`);
  }
}
