import { RedisEscalationStore } from '../../../src/services/escalation/redisEscalationStore';
import {
  createRedisClient,
  watchForStalls,
  whenReady,
  type AppRedisClient,
} from '../../../src/services/redisClient';
import { sampleEscalation } from '../../helpers/escalation';
import { describeWithRedisServer, startThrowawayRedis, type ThrowawayRedis } from '../../helpers/redis';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithRedisServer('RedisEscalationStore while Redis freezes (throw-away redis-server)', () => {
  let server: ThrowawayRedis;
  let client: AppRedisClient;
  let stopWatching: () => void;
  let store: RedisEscalationStore;

  beforeAll(async () => {
    server = await startThrowawayRedis();
    client = createRedisClient(server.url, undefined, { maxReconnectDelayMs: 100 });
    await client.connect();
    // As in the application: a frozen Redis gets its connection dropped, and what waited on it rejected.
    stopWatching = watchForStalls(client, { probeEveryMs: 50, stallAfterMs: 200 });
    store = new RedisEscalationStore(client, 'freeze:', (maxMs) => whenReady(client, maxMs));
  });

  afterAll(async () => {
    stopWatching?.();
    server?.resume();
    client?.destroy();
    await server?.stop();
  });

  it('withdraws a request reported as failed that Redis queues once it answers again', async () => {
    const escalation = sampleEscalation();
    server.pause();
    try {
      // The script is on the socket when the connection is dropped; Redis runs it when it wakes up.
      await expect(store.create(escalation)).rejects.toThrow();
    } finally {
      server.resume();
    }
    await sleep(1_500);
    expect((await store.waiting()).map((e) => e.id)).not.toContain(escalation.id);
    // The conversation can ask again, and is queued.
    await expect(store.create({ ...escalation, id: `${escalation.id}X` })).resolves.toMatchObject({
      kind: 'created',
    });
  }, 20_000);
});
