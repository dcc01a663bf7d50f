import { RedisTimeoutError } from '../../../src/errors';
import type { AccountRecord } from '../../../src/services/accounts/accountStore';
import { RedisAccountStore } from '../../../src/services/accounts/redisAccountStore';
import { createRedisClient, whenReady, type AppRedisClient } from '../../../src/services/redisClient';
import { describeWithRedisServer, startThrowawayRedis, type ThrowawayRedis } from '../../helpers/redis';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function account(hash: string, userName = 'CE100001'): AccountRecord {
  return {
    userName,
    displayName: 'Julie',
    role: 'pharmacist',
    password: { hash, temporary: false, setAt: '2026-11-27T15:00:00.000Z' },
    passwordHistory: [hash],
    secretAnswers: [],
    updatedAt: '2026-11-27T15:00:00.000Z',
  } as AccountRecord;
}

describeWithRedisServer('RedisAccountStore while Redis freezes (throw-away redis-server)', () => {
  let server: ThrowawayRedis;
  let client: AppRedisClient;
  let store: RedisAccountStore;

  beforeAll(async () => {
    server = await startThrowawayRedis();
    client = createRedisClient(server.url);
    await client.connect();
    store = new RedisAccountStore({
      client,
      keyPrefix: 'freeze:accounts:',
      operationTimeoutMs: 300,
      awaitReconnection: (maxMs) => whenReady(client, maxMs),
    });
  });

  afterAll(async () => {
    server?.resume();
    client?.destroy();
    await server?.stop();
  });

  it('puts the account back when a write reported as failed is applied once Redis answers again', async () => {
    await store.putAccount(account('old-hash'));
    const before = await store.getAccount('CE100001');
    server.pause();
    try {
      // The SET is on the socket; Redis runs it when it wakes up, after the caller was told it failed.
      await expect(store.putAccount({ ...before!, ...account('new-hash') })).rejects.toThrow(
        RedisTimeoutError,
      );
    } finally {
      server.resume();
    }
    await sleep(1_000);
    expect(await store.getAccount('CE100001')).toEqual(before);
  }, 20_000);

  it('puts the account back when a replacement (a new password) reported as failed is applied later', async () => {
    await store.putAccount(account('first-hash', 'CE100003'));
    // Once before the freeze, so that Redis has the script and runs the frozen call when it wakes up.
    expect(
      await store.replaceAccount(account('first-hash', 'CE100003'), account('old-hash', 'CE100003')),
    ).toBe(true);
    const before = (await store.getAccount('CE100003'))!;
    server.pause();
    try {
      await expect(store.replaceAccount(before, account('new-hash', 'CE100003'))).rejects.toThrow(
        RedisTimeoutError,
      );
    } finally {
      server.resume();
    }
    await sleep(1_000);
    expect(await store.getAccount('CE100003')).toEqual(before);
  }, 20_000);

  it('keeps a write made after the failed one', async () => {
    await store.putAccount(account('first', 'CE100002'));
    await store.getAccount('CE100002');
    server.pause();
    try {
      await expect(store.putAccount(account('failed', 'CE100002'))).rejects.toThrow(RedisTimeoutError);
    } finally {
      server.resume();
    }
    // Written once Redis answers, before the undo looks: the undo must leave it.
    await store.putAccount(account('later', 'CE100002'));
    await sleep(1_000);
    expect((await store.getAccount('CE100002'))?.password?.hash).toBe('later');
  }, 20_000);
});
