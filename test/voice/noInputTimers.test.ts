import { createRedisClient, type AppRedisClient } from '../../src/services/redisClient';
import { createLogger } from '../../src/services/logger';
import {
  MemoryNoInputTimerStore,
  NoInputTimers,
  RedisNoInputTimerStore,
  timerKey,
  type NoInputTimer,
  type NoInputTimerStore,
} from '../../src/voice/noInputTimers';
import { deleteKeysWithPrefix, describeWithRedis, redisTestUrl, uniqueTestPrefix } from '../helpers/redis';

const reference = (id: string) => ({
  channelId: 'telephony',
  conversation: { id, isGroup: false, conversationType: 'personal', name: '' },
  serviceUrl: 'http://127.0.0.1:9',
});
const timer = (id: string, dueAt: number, attempt = 0): NoInputTimer => ({
  key: timerKey(reference(id)),
  reference: reference(id),
  attempt,
  armedAt: dueAt - 1000,
  dueAt,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The contract every store keeps, whatever holds the timers. */
function storeContract(make: () => NoInputTimerStore) {
  it('hands out only due timers, oldest first, within the limit, and each once', async () => {
    const store = make();
    await store.schedule(timer('b', 2000));
    await store.schedule(timer('a', 1000));
    await store.schedule(timer('c', 9000));
    expect(await store.claimDue(500, 10)).toEqual([]);
    expect((await store.claimDue(5000, 1)).map((t) => t.key)).toEqual(['telephony/a']);
    expect((await store.claimDue(5000, 10)).map((t) => t.key)).toEqual(['telephony/b']);
    expect(await store.claimDue(5000, 10)).toEqual([]);
    expect(await store.claimDue(9000, 10)).toEqual([timer('c', 9000)]);
  });

  it('keeps one timer per conversation: re-arming replaces it, cancelling removes it', async () => {
    const store = make();
    await store.schedule(timer('a', 1000, 0));
    await store.schedule(timer('a', 3000, 1));
    expect(await store.claimDue(2000, 10)).toEqual([]);
    expect(await store.claimDue(3000, 10)).toEqual([timer('a', 3000, 1)]);
    await store.schedule(timer('b', 1000));
    await store.cancel('telephony/b');
    expect(await store.claimDue(5000, 10)).toEqual([]);
  });

  it("does not let a reprompt's timer replace the one armed since by the caller's answer that crossed it", async () => {
    const store = make();
    const fired = timer('a', 1000, 0);
    await store.schedule(fired);
    await store.claimDue(1000, 10);
    // The caller answered while the reprompt was on its way; their turn armed the next question's timer.
    const answered = { ...timer('a', 4000, 0), armedAt: 1100 };
    await store.schedule(answered);
    // The reprompt's turn ends after it and re-arms, counting one more silence.
    await store.schedule({ ...timer('a', 4500, 1), armedAt: 1500, follows: fired.armedAt });
    expect(await store.claimDue(5000, 10)).toEqual([answered]);
    // With no answer in between, the reprompt's timer is armed as usual.
    await store.schedule(timer('b', 6000, 0));
    await store.claimDue(6000, 10);
    const next = { ...timer('b', 9000, 1), follows: 5000 };
    await store.schedule(next);
    expect(await store.claimDue(9000, 10)).toEqual([next]);
  });
}

describe('MemoryNoInputTimerStore', () => {
  storeContract(() => new MemoryNoInputTimerStore());
});

describe('NoInputTimers', () => {
  function setUp(noInputMs = 60) {
    const fired: NoInputTimer[] = [];
    const store = new MemoryNoInputTimerStore();
    const timers = new NoInputTimers({
      store,
      noInputMs,
      pollMs: 10,
      logger: createLogger('silent'),
      fire: async (t) => {
        fired.push(t);
      },
    });
    return { fired, store, timers };
  }

  it('fires once, after the delay, with the attempt count', async () => {
    const { fired, timers } = setUp();
    await timers.arm(reference('x'), 1);
    await timers.poll();
    expect(fired).toEqual([]);
    await sleep(80);
    await timers.poll();
    await timers.poll();
    expect(fired.map((t) => [t.key, t.attempt])).toEqual([['telephony/x', 1]]);
  });

  it('does not fire a cancelled timer', async () => {
    const { fired, timers } = setUp();
    await timers.arm(reference('x'), 0);
    await timers.cancel(reference('x'));
    await sleep(80);
    await timers.poll();
    expect(fired).toEqual([]);
  });

  it('polls by itself once started, and stop waits for reprompts in flight', async () => {
    const { fired, timers } = setUp(20);
    timers.start();
    await timers.arm(reference('y'), 0);
    await sleep(120);
    await timers.stop();
    expect(fired).toHaveLength(1);
  });

  it('logs a failing reprompt instead of throwing', async () => {
    const errors: string[] = [];
    const timers = new NoInputTimers({
      store: new MemoryNoInputTimerStore(),
      noInputMs: 0,
      logger: { warn: () => undefined, error: (_o, msg) => errors.push(msg) },
      fire: async () => {
        throw new Error('connector down');
      },
    });
    await timers.arm(reference('z'), 0);
    await timers.poll();
    await timers.stop();
    expect(errors).toEqual(['no-input reprompt failed']);
  });
});

describeWithRedis('RedisNoInputTimerStore (shared Redis)', () => {
  const prefix = uniqueTestPrefix('test:noInput');
  let clients: AppRedisClient[] = [];

  beforeAll(async () => {
    clients = [createRedisClient(redisTestUrl()), createRedisClient(redisTestUrl())];
    await Promise.all(clients.map((c) => c.connect()));
  });

  afterAll(async () => {
    if (!clients.length) return;
    await deleteKeysWithPrefix(clients[0], prefix);
    await Promise.all(clients.map((c) => c.close()));
  });

  let n = 0;
  storeContract(() => new RedisNoInputTimerStore(clients[0], `${prefix}${(n += 1)}:`));

  it('hands each timer to exactly one of two instances polling at the same time', async () => {
    const [a, b] = clients.map((c) => new RedisNoInputTimerStore(c, `${prefix}race:`));
    for (let i = 0; i < 200; i += 1) await a.schedule(timer(`conv-${i}`, 1000 + i));
    const claimed: string[][] = [[], []];
    await Promise.all(
      [a, b].map(async (store, which) => {
        for (;;) {
          const batch = await store.claimDue(5000, 7);
          if (batch.length === 0) break;
          claimed[which].push(...batch.map((t) => t.key));
        }
      }),
    );
    const all = [...claimed[0], ...claimed[1]];
    expect(all).toHaveLength(200);
    expect(new Set(all).size).toBe(200);
    expect(claimed[0].length).toBeGreaterThan(0);
    expect(claimed[1].length).toBeGreaterThan(0);
  });

  it('hands a timer again, after a lease, when the instance that claimed it died before its reprompt went out', async () => {
    const [a, b] = clients.map((c) => new RedisNoInputTimerStore(c, `${prefix}lease:`, 300));
    await a.schedule(timer('x', 1000));
    // Instance a claims it, then is killed before the reprompt's turn ends: it never completes it.
    expect(await a.claimDue(1000, 10)).toEqual([timer('x', 1000)]);
    expect(await b.claimDue(1200, 10)).toEqual([]);
    expect(await b.claimDue(1300, 10)).toEqual([timer('x', 1000)]);
    await b.complete(timer('x', 1000));
    expect(await b.claimDue(99_000, 10)).toEqual([]);

    // Re-armed by the reprompt's own turn before the claim completes: the new timer stays.
    await a.schedule(timer('y', 2000, 0));
    expect(await a.claimDue(2000, 10)).toEqual([timer('y', 2000, 0)]);
    await a.schedule(timer('y', 5000, 1));
    await a.complete(timer('y', 2000, 0));
    expect(await b.claimDue(5000, 10)).toEqual([timer('y', 5000, 1)]);
  });

  it('waits without a warning while its client is still connecting, then fires what is due', async () => {
    const connecting = createRedisClient(redisTestUrl());
    const warnings: string[] = [];
    const fired: string[] = [];
    const timers = new NoInputTimers({
      store: new RedisNoInputTimerStore(connecting, `${prefix}connecting:`),
      noInputMs: 0,
      logger: { warn: (_o, msg) => warnings.push(msg), error: (_o, msg) => warnings.push(msg) },
      fire: async (t) => {
        fired.push(t.key);
      },
    });
    try {
      const connected = connecting.connect();
      await timers.poll();
      expect(warnings).toEqual([]);
      await connected;
      await timers.arm(reference('late'), 0);
      await timers.poll();
      await timers.stop();
      expect(fired).toHaveLength(1);
      expect(warnings).toEqual([]);
    } finally {
      // Not close(): it would wait for a connection still being made, should an expectation fail first.
      connecting.destroy();
    }
  });

  it('keeps its keys under the bot prefix', async () => {
    const store = new RedisNoInputTimerStore(clients[0], `${prefix}keys:`);
    await store.schedule(timer('k', 1));
    const keys: string[] = [];
    for await (const batch of clients[0].scanIterator({ MATCH: `${prefix}keys:*` })) keys.push(...batch);
    expect(keys.sort()).toEqual([
      `${prefix}keys:{voice-no-input}:due`,
      `${prefix}keys:{voice-no-input}:timers`,
    ]);
  });
});
