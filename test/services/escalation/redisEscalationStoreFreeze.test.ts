import { RedisEscalationStore } from '../../../src/services/escalation/redisEscalationStore';
import {
  createRedisClient,
  watchForStalls,
  whenReady,
  type AppRedisClient,
} from '../../../src/services/redisClient';
import { sampleCallback, sampleEscalation } from '../../helpers/escalation';
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

  it('puts back in the queue an accept reported as failed that Redis runs once it answers again', async () => {
    const [first, escalation] = [sampleEscalation(), sampleEscalation()];
    await store.create(first);
    await store.create(escalation);
    server.pause();
    try {
      await expect(store.accept(escalation.id, { id: 'agent-a' }, 'now')).rejects.toThrow();
    } finally {
      server.resume();
    }
    await sleep(1_500);
    // Still waiting, at its place: the agent was told nothing was done, and can take it (or another agent).
    const ids = [first.id, escalation.id];
    expect((await store.waiting()).map((e) => e.id).filter((id) => ids.includes(id))).toEqual(ids);
    expect((await store.get(escalation.id))?.agent).toBeUndefined();
    await expect(store.accept(escalation.id, { id: 'agent-b' }, 'later')).resolves.toMatchObject({
      kind: 'accepted',
    });
    await store.close(first.id, 'userCancelled', 'now');
    await store.close(escalation.id, 'userCancelled', 'now');
  }, 20_000);

  it('puts back an accept that took effect when reading the accepted request then fails', async () => {
    const escalation = sampleEscalation();
    await store.create(escalation);
    // Redis freezes right after running the accept, as the store reads the request back.
    const freezingRead = new Proxy(client, {
      get(target, name) {
        if (name === 'hGetAll') {
          return (...args: Parameters<AppRedisClient['hGetAll']>) => {
            server.pause();
            return target.hGetAll(...args);
          };
        }
        const value: unknown = Reflect.get(target, name);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const agentSide = new RedisEscalationStore(freezingRead, 'freeze:', (maxMs) => whenReady(client, maxMs));
    try {
      await expect(agentSide.accept(escalation.id, { id: 'agent-a' }, 'now')).rejects.toThrow();
    } finally {
      server.resume();
    }
    await sleep(1_500);
    expect((await store.get(escalation.id))?.status).toBe('waiting');
    expect((await store.waiting()).map((e) => e.id)).toContain(escalation.id);
    await store.close(escalation.id, 'userCancelled', 'now');
  }, 20_000);

  it('withdraws a call-back reported as failed that Redis saves once it answers again', async () => {
    const request = sampleCallback('R-261130-042', '2026-11-30T13:30:00.000Z');
    server.pause();
    try {
      await expect(store.saveCallbackOnce(request, 'confirmation-freeze', 3600)).rejects.toThrow();
    } finally {
      server.resume();
    }
    await sleep(1_500);
    // No agent calls back a user who was told the request could not be taken.
    expect(await store.callback(request.reference)).toBeUndefined();
    expect((await store.pendingCallbacks()).map((c) => c.reference)).not.toContain(request.reference);
    // The user can confirm again, and is saved this time.
    await expect(store.saveCallbackOnce(request, 'confirmation-freeze', 3600)).resolves.toEqual({
      request,
      saved: true,
    });
    expect((await store.pendingCallbacks()).map((c) => c.reference)).toContain(request.reference);
  }, 20_000);

  it('keeps a call-back saved late that the same confirmation, sent again, was told is saved', async () => {
    const request = sampleCallback('R-261130-044', '2026-11-30T13:30:00.000Z');
    const retry = sampleCallback('R-261130-045', '2026-11-30T13:30:00.000Z');
    server.pause();
    const saving = store.saveCallbackOnce(request, 'confirmation-again', 3600).catch((e: unknown) => e);
    await sleep(300);
    server.resume();
    expect(await saving).toBeInstanceOf(Error);
    // Before the repair (250 ms after the reconnection), the user sends « oui » again (another instance, or
    // this one once reconnected): Redis ran the first script, and the user is told its reference is saved.
    expect(await whenReady(client, 5_000)).toBe(true);
    await expect(store.saveCallbackOnce(retry, 'confirmation-again', 3600)).resolves.toEqual({
      request,
      saved: false,
    });
    await sleep(1_500);
    // What the user was told is saved stays saved, and an agent calls back.
    expect(await store.callback(request.reference)).toEqual(request);
    expect((await store.pendingCallbacks()).map((c) => c.reference)).toContain(request.reference);
  }, 20_000);

  it('leaves a call-back that an agent completed after the late save', async () => {
    const request = sampleCallback('R-261130-043', '2026-11-30T13:30:00.000Z');
    const { reference } = request;
    server.pause();
    const saving = store.saveCallbackOnce(request, 'confirmation-done', 3600).catch((e: unknown) => e);
    await sleep(300);
    server.resume();
    expect(await saving).toBeInstanceOf(Error);
    // Before the repair (250 ms after the reconnection), an agent completes what Redis saved late.
    expect(await whenReady(client, 5_000)).toBe(true);
    await expect(
      store.completeCallback(reference, { id: 'agent-a', name: 'Julie Agente' }),
    ).resolves.toMatchObject({
      status: 'done',
    });
    await sleep(1_500);
    expect((await store.callback(reference))?.status).toBe('done');
  }, 20_000);
});
