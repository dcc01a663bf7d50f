import { createClient } from 'redis';
import { MemoryEscalationStore } from '../../../src/services/escalation/escalationStore';
import { RedisEscalationStore } from '../../../src/services/escalation/redisEscalationStore';
import { escalationStoreContract, sampleCallback, sampleEscalation } from '../../helpers/escalation';
import {
  deleteKeysWithPrefix,
  describeWithRedis,
  describeWithRedisServer,
  redisTestUrl,
  startThrowawayRedis,
  uniqueTestPrefix,
  type ThrowawayRedis,
} from '../../helpers/redis';

describe('MemoryEscalationStore', () => {
  escalationStoreContract(async () => new MemoryEscalationStore());
});

describeWithRedis('RedisEscalationStore', () => {
  const client = createClient({ url: redisTestUrl() });
  const prefixes: string[] = [];

  beforeAll(async () => {
    await client.connect();
  });

  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeysWithPrefix(client, prefix);
    client.destroy();
  });

  escalationStoreContract(async () => {
    const prefix = uniqueTestPrefix('escalation');
    prefixes.push(prefix);
    return new RedisEscalationStore(client, prefix);
  });

  it('lets two instances race for the same escalation with one winner (two clients)', async () => {
    const prefix = uniqueTestPrefix('escalation');
    prefixes.push(prefix);
    const other = createClient({ url: redisTestUrl() });
    await other.connect();
    try {
      const a = new RedisEscalationStore(client, prefix);
      const b = new RedisEscalationStore(other, prefix);
      const e = sampleEscalation();
      await a.create(e);
      const outcomes = await Promise.all([
        a.accept(e.id, { id: 'agent-a' }, 'now'),
        b.accept(e.id, { id: 'agent-b' }, 'now'),
        a.accept(e.id, { id: 'agent-c' }, 'now'),
        b.accept(e.id, { id: 'agent-d' }, 'now'),
      ]);
      expect(outcomes.filter((o) => o.kind === 'accepted')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'taken')).toHaveLength(3);
    } finally {
      other.destroy();
    }
  });

  it('tells the user who leaves what happened, when the accept notice and « annuler » race on two instances', async () => {
    const prefix = uniqueTestPrefix('escalation');
    prefixes.push(prefix);
    const other = createClient({ url: redisTestUrl() });
    await other.connect();
    try {
      const agentSide = new RedisEscalationStore(client, prefix);
      const userSide = new RedisEscalationStore(other, prefix);
      const seen = new Set<boolean>();
      for (let i = 0; i < 40; i += 1) {
        const e = sampleEscalation();
        await agentSide.create(e);
        await agentSide.accept(e.id, { id: 'agent-a' }, 'now');
        // The notice a little later every other time, so that each side sometimes comes first.
        const pause = i % 2 === 0 ? 0 : Math.random() * 2;
        const [claimed, closed] = await Promise.all([
          new Promise((r) => setTimeout(r, pause)).then(() =>
            agentSide.claimAcceptNotice(e.id, 'at', 'user'),
          ),
          userSide.close(e.id, 'userCancelled', 'now'),
        ]);
        expect(closed?.userToldAcceptedAt !== undefined).toBe(claimed);
        seen.add(claimed);
      }
      // Both orders happened at least once, or the race was not run.
      expect(seen.size).toBe(2);
    } finally {
      other.destroy();
    }
  });
});

describeWithRedisServer('RedisEscalationStore across a Redis restart', () => {
  let redis: ThrowawayRedis;

  beforeAll(async () => {
    redis = await startThrowawayRedis({ persist: true });
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('keeps the queue, positions, pending messages, agents and call-backs', async () => {
    const prefix = uniqueTestPrefix('escalation');
    const first = createClient({ url: redis.url });
    await first.connect();
    const before = new RedisEscalationStore(first, prefix);
    const [a, b] = [sampleEscalation(), sampleEscalation()];
    await before.create(a);
    await before.create(b);
    await before.addPending(b.id, { at: 't', text: 'je patiente' });
    await before.saveCallback(sampleCallback('R-261128-001', '2026-11-30T13:30:00.000Z'));
    await before.saveAgent({
      id: 'aad-1',
      language: 'fr',
      reference: { conversation: { id: 'a:1' } },
    } as never);
    first.destroy();

    await redis.stop();
    await redis.start();

    const second = createClient({ url: redis.url });
    await second.connect();
    try {
      const after = new RedisEscalationStore(second, prefix);
      expect((await after.waiting()).map((e) => e.id)).toEqual([a.id, b.id]);
      expect(await after.position(b.id)).toBe(2);
      expect(await after.get(a.id)).toEqual(a);
      expect(await after.pending(b.id)).toEqual([{ at: 't', text: 'je patiente' }]);
      expect((await after.pendingCallbacks()).map((c) => c.reference)).toEqual(['R-261128-001']);
      expect((await after.agents()).map((x) => x.id)).toEqual(['aad-1']);
      // The queue still works after the restart: a third escalation goes last, the first accept wins.
      expect(await after.create(sampleEscalation())).toEqual({ kind: 'created', position: 3 });
      expect((await after.accept(a.id, { id: 'agent' }, 'now')).kind).toBe('accepted');
      expect(await after.position(b.id)).toBe(1);
    } finally {
      second.destroy();
    }
  });
});
