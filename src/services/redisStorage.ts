import { createHash, randomUUID } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type { RedisClientType } from 'redis';
import { RedisTimeoutError, writeMayHaveLanded } from '../errors';
import { type StoredText, type TextStorage, type TextWrite, eTagConflict } from './textStorage';

/** The node-redis commands {@link RedisStorage} uses; a client from `createRedisClient` satisfies it. */
export type RedisStorageClient = Pick<RedisClientType, 'mGet' | 'del' | 'eval' | 'evalSha'>;

/** Options of {@link RedisStorage}. */
export interface RedisStorageOptions {
  /** A connected (or connecting) node-redis client; the storage never connects or closes it. */
  client: RedisStorageClient;
  /**
   * Prepended verbatim to every botbuilder key (include your own separator, e.g. `ramq:`). It lets several
   * bots or environments share one Redis and lets tests clean up only their own keys.
   */
  keyPrefix: string;
  /**
   * Returns the idle expiry, in seconds, for a botbuilder key (without the prefix), or `undefined` for no
   * expiry. Consulted on every write, so an item that keeps being written never expires while one that is
   * left alone disappears, e.g. `(k) => (k.includes('/conversations/') ? 3600 : undefined)`.
   */
  ttlSeconds?: (key: string) => number | undefined;
  /**
   * Upper bound, in milliseconds, for one read, write or delete. Default 3000 ms.
   *
   * `disableOfflineQueue` already makes calls fail fast while the connection is down; this bound covers a
   * connection that is up but whose server has stopped answering (stalled process, half-open TCP), which
   * node-redis would otherwise wait on indefinitely. A write that times out may still be applied later.
   */
  operationTimeoutMs?: number;
  /**
   * Resolves true once the client is connected again, or false after `maxMs`. Given, a read that fails
   * because the connection was just dropped (Redis closed it: a failover, `CLIENT KILL`, a restart) is tried
   * once more after the reconnection, instead of failing the user's turn for a blip of a few hundred ms.
   * Only reads are retried: a write may have been applied before its connection went.
   */
  awaitReconnection?: (maxMs: number) => Promise<boolean>;
}

/** How long a read waits for the connection to come back before failing as it would have. */
const READ_RECONNECTION_GRACE_MS = 500;

/**
 * node-redis's errors for a connection that went away under a command or before it: worth one more try once
 * reconnected. A connection the stall watch dropped (`DisconnectsClientError`) is not: its server is frozen.
 * Known by class name (their `name` is plain "Error"), so that this module needs no value from node-redis,
 * which memory storage never loads.
 */
const DROPPED_CONNECTION_ERRORS = new Set(['ClientOfflineError', 'SocketClosedUnexpectedlyError']);

// Stored values always start with `{"eTag":"<uuid>"` (see serialize()), so the script can read the stored
// eTag with an anchored pattern instead of cjson-decoding the whole item on every write.
// For each key KEYS[i], four arguments from ARGV[4(i-1)+1]: the eTag the caller read ('' = unconditional
// write); the serialized item, already carrying its new eTag; its expiry in seconds ('0' = none; a plain SET
// also drops an older expiry); '1' when nothing may be stored yet (the caller read nothing), else '0'.
// Every key is checked before any is written: all or nothing, atomically.
const WRITE_IF_MATCH_LUA = `
for i = 1, #KEYS do
  local base = (i - 1) * 4
  if ARGV[base + 4] == '1' then
    if redis.call('EXISTS', KEYS[i]) == 1 then
      return 0
    end
  elseif ARGV[base + 1] ~= '' then
    local current = redis.call('GET', KEYS[i])
    if current and string.match(current, '^{"eTag":"([^"]*)"') ~= ARGV[base + 1] then
      return 0
    end
  end
end
for i = 1, #KEYS do
  local base = (i - 1) * 4
  local ttl = tonumber(ARGV[base + 3])
  if ttl > 0 then
    redis.call('SET', KEYS[i], ARGV[base + 2], 'EX', ttl)
  else
    redis.call('SET', KEYS[i], ARGV[base + 2])
  end
end
return 1
`;
const WRITE_IF_MATCH_SHA1 = createHash('sha1').update(WRITE_IF_MATCH_LUA).digest('hex');

// Puts back what a write reported as failed replaced, if it landed all the same and nothing was written since:
// every key must still hold that write's eTag. For each key KEYS[i], three arguments from ARGV[3(i-1)+1]: the
// eTag the failed write gave it; the value to put back ('' = none, the key is deleted); its expiry in seconds.
const UNDO_IF_LANDED_LUA = `
for i = 1, #KEYS do
  local current = redis.call('GET', KEYS[i])
  if not current or string.match(current, '^{"eTag":"([^"]*)"') ~= ARGV[(i - 1) * 3 + 1] then
    return 0
  end
end
for i = 1, #KEYS do
  local base = (i - 1) * 3
  local ttl = tonumber(ARGV[base + 3])
  if ARGV[base + 2] == '' then
    redis.call('DEL', KEYS[i])
  elseif ttl > 0 then
    redis.call('SET', KEYS[i], ARGV[base + 2], 'EX', ttl)
  else
    redis.call('SET', KEYS[i], ARGV[base + 2])
  end
end
return 1
`;

/** How long a write that may have been applied waits for Redis to answer again before it is left as it is. */
const UNDO_WAIT_MS = 60_000;
/** After the reconnection: time for Redis to run what the dropped connection had already delivered. */
const UNDO_SETTLE_MS = 250;

/**
 * In the background, for a write reported as failed that Redis may still apply (its connection dropped after
 * sending it, or it timed out): runs `repair` once Redis answers again and has had time to run what it had
 * received, or never if it does not answer within a minute. A repair that fails is dropped.
 */
export function repairOnceRedisAnswers(
  awaitReconnection: ((maxMs: number) => Promise<boolean>) | undefined,
  repair: () => Promise<unknown>,
): Promise<void> | undefined {
  if (!awaitReconnection) return undefined;
  const run = async () => {
    if (!(await awaitReconnection(UNDO_WAIT_MS))) return;
    await new Promise((resolve) => setTimeout(resolve, UNDO_SETTLE_MS).unref());
    await repair();
  };
  return run().catch(() => undefined);
}

/**
 * How long a read of a key whose failed write is being undone waits for the undo: long enough for the undo to
 * run once Redis answers again, short enough that a turn during the outage still gets its answer within 2 s.
 */
const READ_AFTER_UNDO_WAIT_MS = 750;

const DEFAULT_OPERATION_TIMEOUT_MS = 3000;

/**
 * botbuilder `Storage` backed by Redis, with the same optimistic-concurrency semantics as botbuilder's own
 * `MemoryStorage`:
 *
 * - a write whose item carries an eTag other than `'*'` succeeds only if it equals the stored eTag (or
 *   nothing is stored under that key), otherwise it rejects with an "eTag conflict" error;
 * - a write with `'*'`, an empty or no eTag overwrites unconditionally;
 * - every successful write assigns a fresh eTag, which `read` returns in the item's `eTag` property;
 * - in a multi-key write each key is checked and written on its own, so keys without a conflict are still
 *   written when another key conflicts (the call then rejects with the first conflict).
 *
 * The check-and-set of one key runs as a single Lua script, so it is atomic even with many bot instances
 * sharing the Redis. Values are stored as JSON strings; neither logs nor errors ever include them, since
 * conversation state may hold personal health information.
 */
export class RedisStorage implements Storage, TextStorage {
  private readonly client: RedisStorageClient;
  private readonly keyPrefix: string;
  private readonly ttlSeconds: ((key: string) => number | undefined) | undefined;
  private readonly operationTimeoutMs: number;
  private readonly awaitReconnection: ((maxMs: number) => Promise<boolean>) | undefined;
  /** Undos of failed writes not run yet, by Redis key (see {@link undoIfLanded}). */
  private readonly pendingUndos = new Map<string, Promise<void>>();

  constructor(options: RedisStorageOptions) {
    if (typeof options.keyPrefix !== 'string') {
      throw new TypeError('RedisStorage: keyPrefix must be a string');
    }
    const timeout = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    if (!Number.isFinite(timeout) || timeout <= 0) {
      throw new RangeError('RedisStorage: operationTimeoutMs must be a positive number');
    }
    this.client = options.client;
    this.keyPrefix = options.keyPrefix;
    this.ttlSeconds = options.ttlSeconds;
    this.operationTimeoutMs = timeout;
    this.awaitReconnection = options.awaitReconnection;
  }

  /**
   * Reads items in one MGET. Keys with nothing stored are absent from the result.
   *
   * @param keys - botbuilder keys, without the prefix.
   * @returns the items found, each with its `eTag`.
   */
  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    // MGET with no key is a Redis error, and an empty list is a legitimate request.
    if (keys.length === 0) return {};
    const values = await this.readValues(keys);
    const items: StoreItems = {};
    keys.forEach((key, i) => {
      const raw = values[i];
      if (raw === null || raw === undefined) return;
      items[key] = parseStored(key, String(raw));
    });
    return items;
  }

  /**
   * Writes items, enforcing eTags as described on the class.
   *
   * @param changes - items indexed by botbuilder key (without the prefix).
   */
  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const entries = Object.entries(changes);
    if (entries.length === 0) return;
    // Serialize (and validate TTLs) for every key before sending anything, so that a programming error
    // in one item does not leave the others half-written.
    const prepared = entries.map(([key, item]) => this.prepare(key, item));
    const outcomes = await this.bounded(
      'write',
      Promise.allSettled(prepared.map((p) => this.writeIfMatch(p.redisKey, p.args))),
    );
    let conflict: Error | undefined;
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'rejected') throw outcome.reason;
      if (outcome.value !== 1 && !conflict) {
        conflict = eTagConflict(prepared[i].key);
      }
    }
    if (conflict) throw conflict;
  }

  /**
   * Deletes items in one DEL; deleting a key that does not exist is not an error.
   *
   * @param keys - botbuilder keys, without the prefix.
   */
  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    if (keys.length === 0) return;
    await this.bounded('delete', this.client.del(keys.map((k) => this.keyPrefix + k)));
  }

  /**
   * Reads items, in one MGET, as their JSON text without the eTag (see {@link TextStorage}).
   *
   * @param keys - botbuilder keys, without the prefix.
   */
  async readTexts(keys: string[]): Promise<Array<StoredText | undefined>> {
    if (keys.length === 0) return [];
    const values = await this.readValues(keys);
    return keys.map((key, i) => {
      const raw = values[i];
      return raw === null || raw === undefined ? undefined : splitStored(key, String(raw));
    });
  }

  /**
   * Writes one item given as JSON text without an eTag, enforcing `expectedETag` as described on the class.
   *
   * @param key - botbuilder key, without the prefix.
   * @returns the item's new eTag.
   */
  async writeText(key: string, text: string, expectedETag: string | null | undefined): Promise<string> {
    const [eTag] = await this.writeTexts([{ key, text, expectedETag }]);
    return eTag;
  }

  /**
   * Writes several items given as JSON text, all or nothing, in one script (see {@link TextStorage}). A single
   * Redis (with or without replicas) takes any keys; Redis Cluster would refuse keys of two slots (CROSSSLOT),
   * as it refuses the turn's MGET of its conversation and user state: the bot does not support it.
   *
   * @returns the items' new eTags, in order.
   */
  async writeTexts(writes: TextWrite[]): Promise<string[]> {
    if (writes.length === 0) return [];
    const eTags = writes.map(() => randomUUID());
    const args = writes.flatMap(({ key, text, expectedETag }, i) => {
      if (!text.startsWith('{')) throw new TypeError(`Storage: item "${key}" must be a JSON object.`);
      const expected = !expectedETag || expectedETag === '*' ? '' : expectedETag;
      return [expected, withETag(eTags[i], text), this.ttlArgument(key), expectedETag === null ? '1' : '0'];
    });
    const redisKeys = writes.map((w) => this.keyPrefix + w.key);
    let outcome: unknown;
    try {
      outcome = await this.bounded('write', this.writeIfMatch(redisKeys, args));
    } catch (error) {
      if (await this.landedDespite(error, redisKeys, eTags)) return eTags;
      this.undoIfLanded(error, writes, redisKeys, eTags);
      throw error;
    }
    if (outcome !== 1) throw eTagConflict(writes.map((w) => w.key).join('", "'));
    return eTags;
  }

  /**
   * Whether a write whose connection dropped before its answer came back was applied all the same: the
   * eTags are this process's own random UUIDs, so finding them stored proves it. Without this, a write that
   * landed would be reported as failed, and the turn's replies dropped while its state moved on.
   */
  private async landedDespite(error: unknown, redisKeys: string[], eTags: string[]): Promise<boolean> {
    // Only a connection that closed under the command: an offline client never sent it.
    if ((error as Error)?.constructor?.name !== 'SocketClosedUnexpectedlyError') return false;
    if (!(await this.awaitReconnection?.(READ_RECONNECTION_GRACE_MS))) return false;
    try {
      const stored = await this.bounded('read', this.client.mGet(redisKeys));
      return stored.every(
        (value, i) => typeof value === 'string' && STORED_HEAD.exec(value)?.[1] === eTags[i],
      );
    } catch {
      return false;
    }
  }

  /**
   * A write reported as failed may still be applied later: Redis runs what a dropped connection had delivered
   * once it answers again, and a command that timed out is still queued. The turn's replies were dropped and the
   * user told to try again, so such a write must not take effect: once Redis answers, what it replaced is put
   * back, provided nothing was written since. Runs in the background; needs every write's `previousText`.
   */
  private undoIfLanded(error: unknown, writes: TextWrite[], redisKeys: string[], eTags: string[]): void {
    if (!writeMayHaveLanded(error)) return;
    const restored: string[] = [];
    for (const [i, w] of writes.entries()) {
      if (w.previousText === undefined || w.expectedETag === undefined || w.expectedETag === '*') return;
      const before = w.expectedETag === null ? '' : withETag(w.expectedETag, w.previousText);
      restored.push(eTags[i], before, this.ttlArgument(w.key));
    }
    const undo = repairOnceRedisAnswers(this.awaitReconnection, () =>
      this.bounded('write', this.client.eval(UNDO_IF_LANDED_LUA, { keys: redisKeys, arguments: restored })),
    );
    if (!undo) return;
    // Until it runs, the write may be there: a turn reading it (the user's retry, as soon as Redis is back)
    // would go on from a step the user was told failed, and its save would then keep the undo from running.
    for (const key of redisKeys) this.pendingUndos.set(key, undo);
    void undo.finally(() => {
      for (const key of redisKeys) if (this.pendingUndos.get(key) === undo) this.pendingUndos.delete(key);
    });
  }

  /** Waits, a little at most, for the undos of failed writes to these keys (see {@link undoIfLanded}). */
  private async afterPendingUndos(redisKeys: string[]): Promise<void> {
    const undos = redisKeys.map((k) => this.pendingUndos.get(k)).filter((u) => u !== undefined);
    if (undos.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(undos),
      new Promise((resolve) => {
        timer = setTimeout(resolve, READ_AFTER_UNDO_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  private ttlArgument(key: string): string {
    const ttl = this.ttlSeconds?.(key);
    if (ttl !== undefined && (!Number.isFinite(ttl) || ttl <= 0)) {
      throw new RangeError(`Storage: ttlSeconds for "${key}" must be a positive number or undefined.`);
    }
    return String(ttl === undefined ? 0 : Math.ceil(ttl));
  }

  private prepare(key: string, item: StoreItem) {
    if (typeof item !== 'object' || item === null) {
      throw new TypeError(`Storage: item "${key}" must be an object.`);
    }
    const { eTag: expected, ...rest } = item;
    // Same test as MemoryStorage: any falsy eTag, like '*', means "overwrite whatever is there".
    const expectedETag = !expected || expected === '*' ? '' : String(expected);
    return {
      key,
      redisKey: this.keyPrefix + key,
      args: [expectedETag, serialize(key, randomUUID(), rest), this.ttlArgument(key), '0'],
    };
  }

  private async writeIfMatch(redisKeys: string | string[], args: string[]): Promise<unknown> {
    const options = { keys: Array.isArray(redisKeys) ? redisKeys : [redisKeys], arguments: args };
    try {
      return await this.client.evalSha(WRITE_IF_MATCH_SHA1, options);
    } catch (err) {
      // The script cache is empty after a Redis restart, failover or SCRIPT FLUSH; EVAL reloads it.
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.client.eval(WRITE_IF_MATCH_LUA, options);
    }
  }

  /** One MGET of the keys, tried again once after a reconnection (see `awaitReconnection`). */
  private async readValues(keys: string[]): Promise<Array<string | null | undefined>> {
    const redisKeys = keys.map((k) => this.keyPrefix + k);
    // Checked here, not in the callee: an await on every read of every turn for what is almost never there.
    if (this.pendingUndos.size > 0) await this.afterPendingUndos(redisKeys);
    try {
      return await this.bounded('read', this.client.mGet(redisKeys));
    } catch (error) {
      const dropped = DROPPED_CONNECTION_ERRORS.has((error as Error)?.constructor?.name);
      if (!dropped || !(await this.awaitReconnection?.(READ_RECONNECTION_GRACE_MS))) throw error;
      return this.bounded('read', this.client.mGet(redisKeys));
    }
  }

  private async bounded<T>(operation: string, work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RedisTimeoutError(
              `Storage: Redis ${operation} did not complete within ${this.operationTimeoutMs} ms.`,
            ),
          ),
        this.operationTimeoutMs,
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

/**
 * JSON of the item with `eTag` as its very first property. Built by hand because JavaScript always orders
 * integer-like keys ("0", "1") before others, so `{ eTag, ...rest }` would not guarantee the prefix the Lua
 * script relies on.
 */
function serialize(key: string, eTag: string, rest: Record<string, unknown>): string {
  let body: string | undefined;
  try {
    body = JSON.stringify(rest);
  } catch (err) {
    // JSON.stringify errors name properties and constructors, never values, so they are safe to keep.
    throw new Error(`Storage: item "${key}" cannot be serialized to JSON.`, { cause: err });
  }
  // An own toJSON() could turn the item into a non-object, which would break the eTag prefix.
  if (body === undefined || !body.startsWith('{')) {
    throw new TypeError(`Storage: item "${key}" must serialize to a JSON object.`);
  }
  return withETag(eTag, body);
}

/** The stored form: `text`, a JSON object, with `eTag` inserted as its first property. */
function withETag(eTag: string, text: string): string {
  const head = `{"eTag":${JSON.stringify(eTag)}`;
  return text === '{}' ? `${head}}` : `${head},${text.slice(1)}`;
}

/** A stored value as an item. */
function parseStored(key: string, stored: string): StoreItem {
  try {
    return JSON.parse(stored) as StoreItem;
  } catch {
    // Deliberately no `cause`: a JSON SyntaxError quotes the offending text.
    throw new Error(`Storage: stored value for "${key}" is not valid JSON.`);
  }
}

/** A stored value taken apart into its eTag and the JSON text of the rest. */
function splitStored(key: string, stored: string): StoredText {
  const head = STORED_HEAD.exec(stored);
  if (head) return { eTag: head[1], text: head[2] === '}' ? '{}' : `{${stored.slice(head[0].length)}` };
  // Not written by this class: take it apart the slow way.
  const { eTag, ...rest } = parseStored(key, stored);
  return { eTag: eTag === undefined ? '*' : String(eTag), text: JSON.stringify(rest) };
}

/** The head {@link withETag} writes: the eTag (a UUID, never escaped) and what follows it. */
const STORED_HEAD = /^\{"eTag":"([^"\\]*)"([,}])/;
