import { ConversationState, TestAdapter, type StoreItem } from 'botbuilder';
import {
  createRedisClient,
  pingRedis,
  watchForStalls,
  whenReady,
  writeProbeOnFreshConnection,
  type AppRedisClient,
  type StallWatchedClient,
  type RedisLogger,
} from '../../src/services/redisClient';
import { RedisStorage } from '../../src/services/redisStorage';
import {
  deleteKeysWithPrefix,
  describeWithRedis,
  describeWithRedisServer,
  redisTestUrl,
  startCuttingProxy,
  startThrowawayRedis,
  uniqueTestPrefix,
  type ThrowawayRedis,
} from '../helpers/redis';

const CONVERSATION_TTL = 120;
const conversationTtl = (key: string): number | undefined =>
  key.includes('/conversations/') ? CONVERSATION_TTL : undefined;

/** Runs `fn` and returns how long it took to settle, whether it resolved or rejected. */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; error: unknown; value?: T }> {
  const started = Date.now();
  try {
    const value = await fn();
    return { ms: Date.now() - started, error: undefined, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

/** The watch's view of `client`, calling `onPing` as each probe's PING is sent. */
function probedThrough(client: AppRedisClient, onPing: () => void): StallWatchedClient {
  return {
    get isReady() {
      return client.isReady;
    },
    ping: () => {
      const answer = client.ping();
      onPing();
      return answer;
    },
    destroy: () => client.destroy(),
    connect: () => client.connect(),
  };
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describeWithRedis('RedisStorage (shared Redis)', () => {
  const prefix = uniqueTestPrefix('test:redisStorage');
  let client: AppRedisClient;
  let secondClient: AppRedisClient;
  let storage: RedisStorage;

  beforeAll(async () => {
    client = createRedisClient(redisTestUrl());
    secondClient = createRedisClient(redisTestUrl());
    await Promise.all([client.connect(), secondClient.connect()]);
    storage = new RedisStorage({ client, keyPrefix: prefix, ttlSeconds: conversationTtl });
  });

  afterAll(async () => {
    if (!client) return;
    await deleteKeysWithPrefix(client, prefix);
    await Promise.all([client.close(), secondClient.close()]);
  });

  describe('read and write', () => {
    it('round-trips items and returns them with their eTag', async () => {
      const items = {
        'rt/a': { name: 'Élise Côté', nested: { list: [1, 'deux', { trois: true }], nothing: null } },
        'rt/b': { count: 42 },
      };
      await storage.write(items);
      const read = await storage.read(['rt/a', 'rt/b']);
      expect(Object.keys(read).sort()).toEqual(['rt/a', 'rt/b']);
      expect(read['rt/a']).toEqual({ ...items['rt/a'], eTag: expect.any(String) });
      expect(read['rt/b']).toEqual({ ...items['rt/b'], eTag: expect.any(String) });
      expect(read['rt/a'].eTag).not.toEqual(read['rt/b'].eTag);
    });

    it('does not modify the items passed to write', async () => {
      const item = { value: 1, eTag: '*' };
      await storage.write({ 'rt/untouched': item });
      expect(item).toEqual({ value: 1, eTag: '*' });
    });

    it('keeps integer-like property names and a stale eTag property out of the way', async () => {
      await storage.write({ 'rt/numeric': { 0: 'zéro', 1: 'un', eTag: 'ignored-on-first-write' } });
      const first = (await storage.read(['rt/numeric']))['rt/numeric'];
      expect(first).toEqual({ 0: 'zéro', 1: 'un', eTag: expect.any(String) });
      expect(first.eTag).not.toBe('ignored-on-first-write');
      // The eTag check must still work although "0" and "1" sort before "eTag" in a JS object.
      await storage.write({ 'rt/numeric': { ...first, 0: 'zero' } });
      await expect(storage.write({ 'rt/numeric': { ...first, 0: 'stale' } })).rejects.toThrow(
        /eTag conflict/,
      );
    });

    it('omits missing keys from the result', async () => {
      await storage.write({ 'missing/present': { ok: true } });
      const read = await storage.read(['missing/absent-1', 'missing/present', 'missing/absent-2']);
      expect(Object.keys(read)).toEqual(['missing/present']);
      expect(await storage.read(['missing/absent-1'])).toEqual({});
    });

    it('accepts empty key lists and empty change sets', async () => {
      await expect(storage.read([])).resolves.toEqual({});
      await expect(storage.write({})).resolves.toBeUndefined();
      await expect(storage.delete([])).resolves.toBeUndefined();
    });

    it('stores each item as one JSON string that carries its eTag, under the prefixed key', async () => {
      await storage.write({ 'format/x': { hello: 'monde' } });
      const raw = await client.get(`${prefix}format/x`);
      expect(raw).not.toBeNull();
      const parsed = JSON.parse(String(raw)) as StoreItem;
      const read = await storage.read(['format/x']);
      expect(parsed).toEqual({ hello: 'monde', eTag: read['format/x'].eTag });
      expect(await client.get('format/x')).toBeNull();
    });
  });

  describe('optimistic concurrency', () => {
    it('accepts a write carrying the current eTag and gives the item a new eTag', async () => {
      await storage.write({ 'cc/fresh': { step: 1 } });
      const v1 = (await storage.read(['cc/fresh']))['cc/fresh'];
      await storage.write({ 'cc/fresh': { ...v1, step: 2 } });
      const v2 = (await storage.read(['cc/fresh']))['cc/fresh'];
      expect(v2.step).toBe(2);
      expect(v2.eTag).toEqual(expect.any(String));
      expect(v2.eTag).not.toBe(v1.eTag);
    });

    it('rejects a write with a stale eTag and leaves the stored item unchanged', async () => {
      await storage.write({ 'cc/stale': { step: 1 } });
      const v1 = (await storage.read(['cc/stale']))['cc/stale'];
      await storage.write({ 'cc/stale': { ...v1, step: 2 } });
      const v2 = (await storage.read(['cc/stale']))['cc/stale'];

      const secret = 'NAM-SECRET-1234';
      const error = await storage
        .write({ 'cc/stale': { ...v1, step: 3, nam: secret } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/eTag conflict/);
      expect((error as Error).message).toContain('cc/stale');
      expect((error as Error).message).not.toContain(secret);
      expect((await storage.read(['cc/stale']))['cc/stale']).toEqual(v2);
    });

    it('accepts any eTag when nothing is stored yet, like MemoryStorage', async () => {
      await storage.write({ 'cc/new-with-etag': { eTag: 'from-elsewhere', v: 1 } });
      expect((await storage.read(['cc/new-with-etag']))['cc/new-with-etag'].v).toBe(1);
    });

    it.each([
      ['"*"', '*'],
      ['no', undefined],
      ['an empty', ''],
    ])('overwrites unconditionally with %s eTag', async (_label, eTag) => {
      const key = `cc/overwrite-${String(eTag)}`;
      await storage.write({ [key]: { v: 1 } });
      const before = (await storage.read([key]))[key];
      await storage.write({ [key]: { v: 2 } }); // makes before.eTag stale
      const item: StoreItem = { v: 3 };
      if (eTag !== undefined) item.eTag = eTag;
      await storage.write({ [key]: item });
      const after = (await storage.read([key]))[key];
      expect(after.v).toBe(3);
      expect(after.eTag).not.toBe(before.eTag);
    });

    it('lets exactly one of 20 concurrent writers with the same eTag win', async () => {
      const key = 'cc/race';
      const other = new RedisStorage({ client: secondClient, keyPrefix: prefix });
      await storage.write({ [key]: { winner: -1 } });
      const base = (await storage.read([key]))[key];

      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? storage : other).write({ [key]: { ...base, winner: i } }),
        ),
      );

      const fulfilled = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(19);
      for (const r of rejected) expect((r.reason as Error).message).toMatch(/eTag conflict/);
      const final = (await storage.read([key]))[key];
      expect(final.winner).toBe(fulfilled[0]);
      expect(final.eTag).not.toBe(base.eTag);
    });

    it('still writes the other keys of a multi-key write when one key conflicts, then rejects', async () => {
      await storage.write({ 'cc/multi-a': { v: 1 } });
      const a1 = (await storage.read(['cc/multi-a']))['cc/multi-a'];
      await storage.write({ 'cc/multi-a': { ...a1, v: 2 } });

      await expect(storage.write({ 'cc/multi-a': { ...a1, v: 3 }, 'cc/multi-b': { v: 1 } })).rejects.toThrow(
        /"cc\/multi-a" due to eTag conflict/,
      );
      const read = await storage.read(['cc/multi-a', 'cc/multi-b']);
      expect(read['cc/multi-a'].v).toBe(2);
      expect(read['cc/multi-b'].v).toBe(1);
    });
  });

  describe('delete', () => {
    it('removes items, and deleting absent keys is not an error', async () => {
      await storage.write({ 'del/a': { v: 1 }, 'del/b': { v: 2 }, 'del/keep': { v: 3 } });
      await storage.delete(['del/a', 'del/b', 'del/never-written']);
      expect(await storage.read(['del/a', 'del/b', 'del/keep'])).toEqual({
        'del/keep': { v: 3, eTag: expect.any(String) },
      });
    });

    it('lets an item be recreated after deletion even with its old eTag', async () => {
      await storage.write({ 'del/recreate': { v: 1 } });
      const old = (await storage.read(['del/recreate']))['del/recreate'];
      await storage.delete(['del/recreate']);
      await storage.write({ 'del/recreate': { ...old, v: 2 } });
      expect((await storage.read(['del/recreate']))['del/recreate'].v).toBe(2);
    });
  });

  describe('expiry', () => {
    it('sets the TTL for keys the ttl function selects, and no TTL for the others', async () => {
      await storage.write({
        'msteams/conversations/ttl-1': { dialogStack: [] },
        'msteams/users/ttl-1': { locale: 'fr-CA' },
      });
      const conversationTtlLeft = await client.ttl(`${prefix}msteams/conversations/ttl-1`);
      expect(conversationTtlLeft).toBeGreaterThan(CONVERSATION_TTL - 5);
      expect(conversationTtlLeft).toBeLessThanOrEqual(CONVERSATION_TTL);
      expect(await client.ttl(`${prefix}msteams/users/ttl-1`)).toBe(-1);
    });

    it('refreshes the TTL on every write', async () => {
      const key = 'msteams/conversations/ttl-2';
      await storage.write({ [key]: { turn: 1 } });
      await client.expire(`${prefix}${key}`, 5);
      expect(await client.ttl(`${prefix}${key}`)).toBeLessThanOrEqual(5);

      const item = (await storage.read([key]))[key];
      await storage.write({ [key]: { ...item, turn: 2 } });
      expect(await client.ttl(`${prefix}${key}`)).toBeGreaterThan(CONVERSATION_TTL - 5);
    });

    it('drops an old expiry when the ttl function no longer selects the key', async () => {
      const key = 'msteams/users/ttl-3';
      await client.set(`${prefix}${key}`, '{"eTag":"x"}', { EX: 60 });
      await storage.write({ [key]: { v: 1 } });
      expect(await client.ttl(`${prefix}${key}`)).toBe(-1);
    });

    it('rejects an invalid TTL before writing anything', async () => {
      const bad = new RedisStorage({
        client,
        keyPrefix: prefix,
        ttlSeconds: (k) => (k.endsWith('bad') ? 0 : undefined),
      });
      await expect(bad.write({ 'ttl/ok': { v: 1 }, 'ttl/bad': { v: 1 } })).rejects.toThrow(RangeError);
      expect(await storage.read(['ttl/ok', 'ttl/bad'])).toEqual({});
    });
  });

  describe('key prefix isolation', () => {
    it('keeps storages with different prefixes apart', async () => {
      const a = new RedisStorage({ client, keyPrefix: `${prefix}iso-a:` });
      const b = new RedisStorage({ client, keyPrefix: `${prefix}iso-b:` });
      await a.write({ shared: { owner: 'a' } });
      expect(await b.read(['shared'])).toEqual({});
      await b.write({ shared: { owner: 'b' } });
      expect((await a.read(['shared'])).shared.owner).toBe('a');
      expect((await b.read(['shared'])).shared.owner).toBe('b');
      await b.delete(['shared']);
      expect((await a.read(['shared'])).shared.owner).toBe('a');
    });
  });

  describe('errors', () => {
    it('rejects non-object items and unserializable items without echoing values', async () => {
      await expect(storage.write({ 'err/null': null })).rejects.toThrow(TypeError);
      const circular: Record<string, unknown> = { secret: 'do-not-echo' };
      circular.self = circular;
      const error = await storage.write({ 'err/circular': circular }).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/cannot be serialized/);
      expect((error as Error).message).not.toContain('do-not-echo');
    });

    it('reports a corrupt stored value without echoing it', async () => {
      await client.set(`${prefix}err/corrupt`, 'not json: secret-value');
      const error = await storage.read(['err/corrupt']).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/not valid JSON/);
      expect((error as Error).message).not.toContain('secret-value');
    });

    it('mirrors MemoryStorage argument checks', async () => {
      await expect(storage.read(undefined as unknown as string[])).rejects.toThrow(ReferenceError);
      await expect(storage.write(undefined as unknown as Record<string, StoreItem>)).rejects.toThrow(
        ReferenceError,
      );
    });
  });

  describe('with botbuilder state', () => {
    it('backs ConversationState across turns and applies the idle TTL to the conversation key', async () => {
      const botStorage = new RedisStorage({
        client,
        keyPrefix: `${prefix}bot:`,
        ttlSeconds: conversationTtl,
      });
      const conversationState = new ConversationState(botStorage);
      const turns = conversationState.createProperty<number>('turns');
      const adapter = new TestAdapter(async (context) => {
        const n = (await turns.get(context, 0)) + 1;
        await turns.set(context, n);
        await context.sendActivity(`turn ${n}`);
        await conversationState.saveChanges(context);
      });

      await adapter.send('bonjour').assertReply('turn 1').send('encore').assertReply('turn 2');

      // ConversationState appends its namespace ('' by default), hence the trailing slash.
      const key = `${adapter.conversation.channelId}/conversations/${adapter.conversation.conversation.id}/`;
      expect((await botStorage.read([key]))[key]).toMatchObject({ turns: 2 });
      expect(await client.ttl(`${prefix}bot:${key}`)).toBeGreaterThan(CONVERSATION_TTL - 5);
    });
  });
});

describeWithRedisServer('RedisStorage when Redis fails (throw-away redis-server)', () => {
  const password = 'pw-Not-For-Logs-7781';
  const logs: { level: string; obj: object; msg: string }[] = [];
  const logger: RedisLogger = {
    warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
    info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
  };
  let server: ThrowawayRedis;
  let client: AppRedisClient;

  beforeAll(async () => {
    server = await startThrowawayRedis({ password });
    // Short backoff so recovery is observed quickly; production keeps the default cap.
    client = createRedisClient(server.url, logger, { maxReconnectDelayMs: 200, outageLogIntervalMs: 0 });
    await client.connect();
  });

  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('re-loads the Lua script after the script cache is flushed', async () => {
    const storage = new RedisStorage({ client, keyPrefix: 'noscript:' });
    await storage.write({ k: { v: 1 } });
    await client.scriptFlush();
    const item = (await storage.read(['k'])).k;
    await storage.write({ k: { ...item, v: 2 } });
    await expect(storage.write({ k: { ...item, v: 3 } })).rejects.toThrow(/eTag conflict/);
    expect((await storage.read(['k'])).k.v).toBe(2);
  });

  it('fails fast while Redis is down, then the same client recovers once it is back', async () => {
    const storage = new RedisStorage({ client, keyPrefix: 'fault:' });
    await storage.write({ k: { v: 'before', patient: 'Marie Tremblay' } });
    expect(await pingRedis(client, 1000)).toBe(true);

    await server.stop();

    const read = await timed(() => storage.read(['k']));
    const write = await timed(() => storage.write({ k: { v: 'during', patient: 'Marie Tremblay' } }));
    const del = await timed(() => storage.delete(['k']));
    for (const outcome of [read, write, del]) {
      expect(outcome.error).toBeInstanceOf(Error);
      expect(outcome.ms).toBeLessThan(2000);
    }
    expect(await pingRedis(client, 500)).toBe(false);

    await server.start();
    await waitUntil(() => pingRedis(client, 200), 10_000);

    // Nothing was persisted across the restart; the script cache is empty too (EVALSHA fallback).
    expect(await storage.read(['k'])).toEqual({});
    await storage.write({ k: { v: 'after' } });
    expect((await storage.read(['k'])).k.v).toBe('after');

    expect(logs.some((l) => l.level === 'error' && l.msg === 'Redis connection error')).toBe(true);
    expect(logs.some((l) => l.msg === 'Redis connection restored')).toBe(true);
    const logged = JSON.stringify(logs);
    expect(logged).not.toContain(password);
    expect(logged).not.toContain('Marie Tremblay');
  });

  it.each([
    ['reads it once reconnected', true],
    ['fails as before without a reconnection wait', false],
  ])('when Redis closes the connection (CLIENT KILL) just before a read: %s', async (_name, waits) => {
    const storage = new RedisStorage({
      client,
      keyPrefix: 'killed:',
      awaitReconnection: waits ? (maxMs) => whenReady(client, maxMs) : undefined,
    });
    await waitUntil(() => pingRedis(client, 200), 10_000);
    await storage.write({ k: { v: 'saved' } });
    expect(await server.command('CLIENT', 'KILL', 'TYPE', 'normal')).toMatch(/^:[1-9]/);
    const read = await timed(() => storage.readTexts(['k']));
    if (waits) {
      expect(read.error).toBeUndefined();
      expect(read.ms).toBeLessThan(1000);
      expect((await storage.read(['k'])).k.v).toBe('saved');
    } else {
      expect((read.error as Error).constructor.name).toMatch(
        /ClientOfflineError|SocketClosedUnexpectedlyError/,
      );
    }
    await waitUntil(() => pingRedis(client, 200), 10_000);
  });

  it.each([
    ['reports it done, since it finds its own eTag stored', true],
    ['reports it failed without a reconnection wait, as before', false],
  ])('when a write lands but its answer is lost with the connection: %s', async (_name, waits) => {
    const proxy = await startCuttingProxy(server, password);
    const proxied = createRedisClient(proxy.url, logger, { maxReconnectDelayMs: 50, outageLogIntervalMs: 0 });
    await proxied.connect();
    try {
      const storage = new RedisStorage({
        client: proxied,
        keyPrefix: `lost-answer-${waits}:`,
        awaitReconnection: waits ? (maxMs) => whenReady(proxied, maxMs) : undefined,
      });
      const first = await storage.writeText('k', '{"step":1}', null);
      proxy.cutAfter(`lost-answer-${waits}:k`);
      const write = await timed(() => storage.writeText('k', '{"step":2}', first));
      await waitUntil(() => pingRedis(proxied, 200), 10_000);
      // Applied either way: only what the caller is told differs.
      const [stored] = await storage.readTexts(['k']);
      expect(stored?.text).toBe('{"step":2}');
      if (waits) {
        expect(write.error).toBeUndefined();
        expect(write.value).toBe(stored?.eTag);
        expect(write.ms).toBeLessThan(1_000);
      } else {
        expect((write.error as Error).constructor.name).toMatch(
          /SocketClosedUnexpectedlyError|ClientOfflineError/,
        );
      }
    } finally {
      proxied.destroy();
      await proxy.close();
    }
  });

  /**
   * A storage under a stall watch whose write of step 2 over step 1 was sent just before Redis froze: reported
   * failed, it is applied once Redis answers again. Returns once Redis answers, with step 1's eTag.
   */
  async function writeFailedInFreeze(keyPrefix: string) {
    const stopWatching = watchForStalls(client, { probeEveryMs: 100, stallAfterMs: 400, logger });
    try {
      const storage = new RedisStorage({
        client,
        keyPrefix,
        awaitReconnection: (maxMs) => whenReady(client, maxMs),
      });
      const first = await storage.writeText('k', '{"step":1}', null);
      server.pause();
      let write: Awaited<ReturnType<typeof timed>>;
      try {
        // Sent before the freeze is noticed: Redis runs it once it answers again, after the watch dropped it.
        write = await timed(() =>
          storage.writeTexts([
            { key: 'k', text: '{"step":2}', expectedETag: first, previousText: '{"step":1}' },
          ]),
        );
      } finally {
        server.resume();
      }
      expect(write.error).toBeInstanceOf(Error);
      await waitUntil(() => pingRedis(client, 200), 10_000);
      return { storage, first, stopWatching };
    } catch (error) {
      stopWatching();
      throw error;
    }
  }

  it('puts back what a write replaced when Redis applies it after reporting it failed (frozen server)', async () => {
    const { storage, first, stopWatching } = await writeFailedInFreeze('undo:');
    try {
      // The caller was told the write failed: the state is as it was, eTag included, so its retry applies.
      await waitUntil(async () => (await storage.readTexts(['k']))[0]?.text === '{"step":1}', 3_000);
      expect((await storage.readTexts(['k']))[0]).toEqual({ eTag: first, text: '{"step":1}' });
      await expect(storage.writeText('k', '{"step":2}', first)).resolves.toEqual(expect.any(String));
    } finally {
      stopWatching();
    }
  });

  it('reads what a failed write replaced, not that write, when read as soon as Redis answers again', async () => {
    const { storage, first, stopWatching } = await writeFailedInFreeze('undo-read:');
    try {
      // The user's retry, at once: it must find the step the user was told is still current.
      const read = await timed(() => storage.readTexts(['k']));
      expect(read.value).toEqual([{ eTag: first, text: '{"step":1}' }]);
      expect(read.ms).toBeLessThan(1_000);
    } finally {
      stopWatching();
    }
  });

  it('bounds calls when the server stops answering without closing the connection', async () => {
    const storage = new RedisStorage({ client, keyPrefix: 'stall:', operationTimeoutMs: 500 });
    await storage.write({ k: { v: 1 } });
    server.pause();
    try {
      const read = await timed(() => storage.read(['k']));
      expect((read.error as Error).message).toMatch(/did not complete within 500 ms/);
      expect(read.ms).toBeLessThan(2000);
      expect(await pingRedis(client, 300)).toBe(false);
    } finally {
      server.resume();
    }
    // Replies held back by the stall arrive in order, so later calls are not mismatched with them.
    const item = (await storage.read(['k'])).k;
    await storage.write({ k: { ...item, v: 2 } });
    expect((await storage.read(['k'])).k.v).toBe(2);
  });

  it('rejects what waits on a frozen server within a second, fails new calls at once, then recovers', async () => {
    const stopWatching = watchForStalls(client, { probeEveryMs: 100, stallAfterMs: 400, logger });
    try {
      await client.set('stall-watch', 'before');
      server.pause();
      try {
        // Written to the socket before the stall is noticed: only the watch can end this wait.
        const waiting = await timed(() => client.get('stall-watch'));
        expect(waiting.error).toBeInstanceOf(Error);
        expect(waiting.ms).toBeLessThan(1000);
        const next = await timed(() => client.get('stall-watch'));
        expect(next.error).toBeInstanceOf(Error);
        expect(next.ms).toBeLessThan(50);
        expect(logs.some((l) => l.level === 'error' && /stopped answering/.test(l.msg))).toBe(true);
      } finally {
        server.resume();
      }
      await waitUntil(() => pingRedis(client, 200), 10_000);
      await client.set('stall-watch', 'after');
      expect(await client.get('stall-watch')).toBe('after');
      await waitUntil(async () => logs.some((l) => l.msg === 'Redis answering again'), 2_000);
    } finally {
      stopWatching();
    }
  });

  it('fails writes at once, not one stall each, while Redis holds writes but takes connections (CLIENT PAUSE WRITE)', async () => {
    const admin = client.duplicate();
    admin.on('error', () => undefined);
    await admin.connect();
    const stopWatching = watchForStalls(client, {
      probeEveryMs: 100,
      stallAfterMs: 400,
      logger,
      verifyBeforeReconnect: () => writeProbeOnFreshConnection(client, 'pause-probe', 300),
    });
    try {
      await client.set('paused', 'before');
      await admin.sendCommand(['CLIENT', 'PAUSE', '4000', 'WRITE']);
      try {
        const first = await timed(() => client.set('paused', '1'));
        expect(first.error).toBeInstanceOf(Error);
        expect(first.ms).toBeLessThan(1000);
        // A turn writes several times (rate limits, account, state): each must not wait out a new stall.
        for (const value of ['2', '3', '4']) {
          await new Promise((r) => setTimeout(r, 150));
          const next = await timed(() => client.set('paused', value));
          expect(next.error).toBeInstanceOf(Error);
          expect(next.ms).toBeLessThan(100);
        }
      } finally {
        await admin.sendCommand(['CLIENT', 'UNPAUSE']);
      }
      await waitUntil(() => pingRedis(client, 200, 'pause-probe'), 10_000);
      await client.set('paused', 'after');
      expect(await client.get('paused')).toBe('after');
    } finally {
      stopWatching();
      admin.destroy();
    }
  });

  it('probes again as soon as the previous probe was answered, not after the stall delay', async () => {
    let probes = 0;
    const counting = probedThrough(client, () => {
      probes += 1;
    });
    const stopWatching = watchForStalls(counting, { probeEveryMs: 50, stallAfterMs: 2_000, logger });
    try {
      await new Promise((r) => setTimeout(r, 600));
    } finally {
      stopWatching();
    }
    // One probe per 50 ms tick; a probe that waited out the 2-second delay would leave room for one only.
    expect(probes).toBeGreaterThanOrEqual(5);
  });

  it('does not take a pause of this process for a stall when the answer is waiting to be read', async () => {
    const errorsBefore = logs.filter((l) => l.level === 'error').length;
    let probes = 0;
    // Each probe's PING is written, then this process blocks past stallAfterMs before it reads the answer.
    const busy = probedThrough(client, () => {
      probes += 1;
      setImmediate(() => {
        const until = Date.now() + 250;
        while (Date.now() < until);
      });
    });
    const stopWatching = watchForStalls(busy, { probeEveryMs: 20, stallAfterMs: 100, logger });
    try {
      await waitUntil(async () => probes >= 3, 5_000);
      await new Promise((r) => setTimeout(r, 400));
    } finally {
      stopWatching();
    }
    expect(client.isReady).toBe(true);
    expect(logs.filter((l) => l.level === 'error').length).toBe(errorsBefore);
  });
});
