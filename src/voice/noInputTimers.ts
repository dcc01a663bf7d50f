import type { ConversationReference } from 'botbuilder';
import type { RedisClientType } from 'redis';

/** A pending "the caller said nothing" timer for one phone conversation. */
export interface NoInputTimer {
  /** One timer per conversation: `<channelId>/<conversationId>`. */
  key: string;
  /** Where to send the reprompt: saved when the bot asked its question. */
  reference: Partial<ConversationReference>;
  /** Silent reprompts already made before this timer (0 after the caller's last input). */
  attempt: number;
  /** When the timer was armed (ms since the epoch); a reprompt is dropped if the caller spoke after it. */
  armedAt: number;
  /** When it fires (ms since the epoch). */
  dueAt: number;
  /**
   * Set when a reprompt re-arms: the `armedAt` of the timer it answered. Such a timer does not replace one armed
   * after that by the caller's own turn (an answer that crossed the reprompt), which starts the count again.
   */
  follows?: number;
}

/**
 * Where timers wait. Implementations must make {@link claimDue} atomic: when several bot instances poll the
 * same store, each timer is handed to exactly one of them, once.
 */
export interface NoInputTimerStore {
  /**
   * Arms (or re-arms, replacing) the conversation's timer; one that {@link NoInputTimer.follows} a timer is not
   * armed over a timer armed after that one.
   */
  schedule(timer: NoInputTimer): Promise<void>;
  /** Disarms the conversation's timer, if any. */
  cancel(key: string): Promise<void>;
  /**
   * Hands out up to `limit` timers due at `now`, each to one caller. A store shared by instances keeps each one,
   * postponed by a lease, until {@link complete}: if the instance sending its reprompt dies on the way, the
   * timer falls due again for another instance instead of leaving the caller in silence for good.
   */
  claimDue(now: number, limit: number): Promise<NoInputTimer[]>;
  /**
   * The claimed timer's reprompt was sent (or failed for good): removes it unless the conversation re-armed or
   * cancelled it meanwhile. Absent: {@link claimDue} already removed it.
   */
  complete?(timer: NoInputTimer): Promise<void>;
  /**
   * False while the store's connection is being made or remade: polling then waits without a warning (the
   * connection logs its own trouble). Absent: always reachable.
   */
  reachable?(): boolean;
}

/** The conversation's timer key. */
export function timerKey(reference: Partial<ConversationReference>): string {
  return `${reference.channelId ?? ''}/${reference.conversation?.id ?? ''}`;
}

/** Timers in this process only: enough for one instance (STORAGE=memory). */
export class MemoryNoInputTimerStore implements NoInputTimerStore {
  private readonly timers = new Map<string, NoInputTimer>();

  async schedule(timer: NoInputTimer): Promise<void> {
    const current = this.timers.get(timer.key);
    if (timer.follows !== undefined && current && current.armedAt > timer.follows) return;
    this.timers.set(timer.key, timer);
  }

  async cancel(key: string): Promise<void> {
    this.timers.delete(key);
  }

  async claimDue(now: number, limit: number): Promise<NoInputTimer[]> {
    const due = [...this.timers.values()]
      .filter((t) => t.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, limit);
    for (const t of due) this.timers.delete(t.key);
    return due;
  }

  /** Timers waiting, for tests and diagnostics. */
  get size(): number {
    return this.timers.size;
  }
}

/** The node-redis commands {@link RedisNoInputTimerStore} uses. */
export type NoInputRedisClient = Pick<RedisClientType, 'eval'> & { readonly isReady?: boolean };

// KEYS[1]: sorted set of keys by due time; KEYS[2]: hash of key → timer JSON. Both carry the same hash tag so
// they live in one Redis Cluster slot, as a script touching both requires.
// ARGV[4]: the armedAt the new timer follows, or '' (see NoInputTimer.follows).
const SCHEDULE_LUA = `
if ARGV[4] ~= '' then
  local current = redis.call('HGET', KEYS[2], ARGV[1])
  if current and tonumber(cjson.decode(current).armedAt) > tonumber(ARGV[4]) then return 0 end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
`;
const CANCEL_LUA = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`;
// The whole claim runs atomically in Redis: a timer is postponed by the lease (ARGV[3], ms) in the same step
// that hands it out, so two instances polling at the same moment can never both get it; it is removed only
// once its reprompt went out (COMPLETE_LUA), so that an instance killed on the way does not lose it.
const CLAIM_LUA = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local claimed = {}
for _, key in ipairs(due) do
  local timer = redis.call('HGET', KEYS[2], key)
  if timer then
    redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[3]), key)
    table.insert(claimed, timer)
  else
    redis.call('ZREM', KEYS[1], key)
  end
end
return claimed
`;
// Removes the claimed timer only if it is still the one claimed (ARGV[2], its JSON): the reprompt's own turn,
// or the caller's answer, may have re-armed or cancelled it meanwhile.
const COMPLETE_LUA = `
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return 1
`;

/**
 * How long a claimed timer waits for its reprompt before another instance may claim it again: well beyond a
 * proactive turn's usual few hundred milliseconds, so that a slow one is not repeated, and short enough that a
 * caller whose instance died hears the reprompt within half a minute.
 */
export const NO_INPUT_CLAIM_LEASE_MS = 20_000;

/**
 * Timers shared by every bot instance (STORAGE=redis): a sorted set of due times plus a hash of timers, under
 * the bot's key prefix. Each operation is one Lua script, so it is atomic.
 */
export class RedisNoInputTimerStore implements NoInputTimerStore {
  private readonly keys: [string, string];

  constructor(
    private readonly client: NoInputRedisClient,
    keyPrefix: string,
    private readonly leaseMs = NO_INPUT_CLAIM_LEASE_MS,
  ) {
    this.keys = [`${keyPrefix}{voice-no-input}:due`, `${keyPrefix}{voice-no-input}:timers`];
  }

  async schedule(timer: NoInputTimer): Promise<void> {
    await this.client.eval(SCHEDULE_LUA, {
      keys: this.keys,
      arguments: [timer.key, String(timer.dueAt), JSON.stringify(timer), String(timer.follows ?? '')],
    });
  }

  async cancel(key: string): Promise<void> {
    await this.client.eval(CANCEL_LUA, { keys: this.keys, arguments: [key] });
  }

  reachable(): boolean {
    return this.client.isReady !== false;
  }

  async claimDue(now: number, limit: number): Promise<NoInputTimer[]> {
    const claimed = (await this.client.eval(CLAIM_LUA, {
      keys: this.keys,
      arguments: [String(now), String(limit), String(this.leaseMs)],
    })) as unknown;
    if (!Array.isArray(claimed)) return [];
    return claimed.flatMap((raw) => {
      try {
        return [JSON.parse(String(raw)) as NoInputTimer];
      } catch {
        return [];
      }
    });
  }

  async complete(timer: NoInputTimer): Promise<void> {
    // The same text as scheduled: JSON.parse then JSON.stringify keeps the keys' order and the numbers.
    await this.client.eval(COMPLETE_LUA, { keys: this.keys, arguments: [timer.key, JSON.stringify(timer)] });
  }
}

/** The subset of a pino logger the timers need. */
export interface TimerLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Options of {@link NoInputTimers}. */
export interface NoInputTimersOptions {
  store: NoInputTimerStore;
  /** Silence allowed after a question before the caller is reprompted (VOICE_NO_INPUT_SECONDS). */
  noInputMs: number;
  /** Sends the reprompt for a due timer (a proactive turn). Errors are logged, never thrown. */
  fire: (timer: NoInputTimer) => Promise<void>;
  logger: TimerLogger;
  /** How often due timers are looked for; defaults to a quarter of the timeout, between 50 and 500 ms. */
  pollMs?: number;
  /** Timers claimed per poll. */
  batchSize?: number;
}

/**
 * The bot's own no-input timers for voice channels, which send no silence event: armed when the bot asks a
 * question, cancelled by any input, fired by a poller that any instance may run.
 */
export class NoInputTimers {
  private interval: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly inFlight = new Set<Promise<void>>();
  private lastStoreError = 0;

  constructor(private readonly options: NoInputTimersOptions) {}

  /**
   * Arms the conversation's timer; `attempt` is the number of silent reprompts already made, `playbackMs` how
   * long the caller will still be hearing what was just sent: the silence starts when the prompt ends.
   * `follows`: for a reprompt's turn, the `armedAt` of the timer that fired it (see NoInputTimer.follows).
   */
  async arm(
    reference: Partial<ConversationReference>,
    attempt: number,
    playbackMs = 0,
    follows?: number,
  ): Promise<void> {
    const now = Date.now();
    await this.options.store.schedule({
      key: timerKey(reference),
      reference,
      attempt,
      armedAt: now,
      dueAt: now + playbackMs + this.options.noInputMs,
      ...(follows === undefined ? {} : { follows }),
    });
  }

  /** Disarms the conversation's timer. */
  async cancel(reference: Partial<ConversationReference>): Promise<void> {
    await this.options.store.cancel(timerKey(reference));
  }

  /** Starts polling (idempotent). The interval is unref'd: it never keeps the process alive. */
  start(): void {
    if (this.interval) return;
    const pollMs = this.options.pollMs ?? Math.min(500, Math.max(50, Math.floor(this.options.noInputMs / 4)));
    this.interval = setInterval(() => void this.poll(), pollMs);
    this.interval.unref();
  }

  /** Stops polling and waits for reprompts being sent. */
  async stop(): Promise<void> {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Claims and fires the due timers once; exposed for tests. */
  async poll(): Promise<void> {
    // At every start the first polls come before Redis has answered: not an outage worth a warning.
    if (this.polling || this.options.store.reachable?.() === false) return;
    this.polling = true;
    try {
      const due = await this.options.store.claimDue(Date.now(), this.options.batchSize ?? 50);
      for (const timer of due) {
        const firing = this.options
          .fire(timer)
          .catch((error: unknown) => {
            this.options.logger.error({ err: { name: (error as Error)?.name } }, 'no-input reprompt failed');
          })
          // Left in place if this fails: the lease runs out and the reprompt is tried again.
          .then(() => this.options.store.complete?.(timer))
          .catch(() => undefined)
          .finally(() => this.inFlight.delete(firing));
        this.inFlight.add(firing);
      }
    } catch (error) {
      // A Redis outage must not flood the logs at the polling rate: one line every 30 s is enough.
      if (Date.now() - this.lastStoreError > 30_000) {
        this.lastStoreError = Date.now();
        this.options.logger.warn({ err: { name: (error as Error)?.name } }, 'no-input timers unavailable');
      }
    } finally {
      this.polling = false;
    }
  }
}
