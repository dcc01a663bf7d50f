import { createClient } from 'redis';
import { StorageUnavailableError } from '../../src/errors';
import { FixedSealKey, RedisSharedSealKey, SEAL_KEY_BYTES } from '../../src/services/sealKey';
import { Sealer } from '../../src/services/requestStatus/sealer';
import type { Application } from '../../src/index';
import { MARC, passwordCardValue } from '../helpers/accounts';
import { createTestApp, postTurn, textOf } from '../helpers/bot';
import { deleteKeysWithPrefix, describeWithRedis, redisTestUrl, uniqueTestPrefix } from '../helpers/redis';

describe('FixedSealKey', () => {
  it('keeps the key it is given, refuses one of the wrong length, and draws a random one otherwise', () => {
    const key = Buffer.alloc(SEAL_KEY_BYTES, 3);
    expect(new FixedSealKey(key).current()).toBe(key);
    expect(() => new FixedSealKey(Buffer.alloc(16))).toThrow('32 bytes');
    expect(new FixedSealKey().current()).not.toEqual(new FixedSealKey().current());
  });
});

describeWithRedis('RedisSharedSealKey', () => {
  const prefix = uniqueTestPrefix('seal');
  const client = createClient({ url: redisTestUrl() });
  const redisKey = `${prefix}state-seal-key`;

  beforeAll(() => client.connect());
  afterAll(async () => {
    await deleteKeysWithPrefix(client, prefix);
    await client.close();
  });

  it('is unknown until read, then the same on every instance: what one seals, another opens', async () => {
    const one = new RedisSharedSealKey(client, redisKey);
    const two = new RedisSharedSealKey(client, redisKey);
    expect(() => one.current()).toThrow(StorageUnavailableError);
    // Both ask at once, as two instances starting together do.
    const [a, b] = await Promise.all([one.ensure(), two.ensure()]);
    expect(a.length).toBe(SEAL_KEY_BYTES);
    expect(b).toEqual(a);
    const token = new Sealer(one, 60_000).seal('BOUM55081212', 'webchat/conv-1');
    expect(new Sealer(two, 60_000).open(token, 'webchat/conv-1')).toBe('BOUM55081212');
    // A restart reads the same key again.
    await expect(new RedisSharedSealKey(client, redisKey).ensure()).resolves.toEqual(a);
  });

  it('puts its key back into a Redis that lost it, so that an instance started afterwards adopts it', async () => {
    const running = new RedisSharedSealKey(client, `${redisKey}-lost`);
    const key = await running.ensure();
    await client.del(`${redisKey}-lost`);
    // As on the reconnection after Redis restarted empty.
    await expect(running.refresh()).resolves.toEqual(key);
    await expect(new RedisSharedSealKey(client, `${redisKey}-lost`).ensure()).resolves.toEqual(key);
  });

  it('fails as storage does when Redis cannot give the key, and reads it once Redis can', async () => {
    let down = true;
    const refused = () => Promise.reject(new Error('connection refused'));
    const flaky = {
      set: (key: string, value: string, options: { condition: 'NX' }) =>
        down ? refused() : client.set(key, value, options),
      get: (key: string) => (down ? refused() : client.get(key)),
    };
    const shared = new RedisSharedSealKey(flaky, `${redisKey}-flaky`);
    await expect(shared.ensure()).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(() => new Sealer(shared, 60_000).seal('x', 'c')).toThrow(StorageUnavailableError);
    // /readyz says 503 meanwhile.
    await expect(shared.available()).resolves.toBe(false);
    down = false;
    await expect(shared.available()).resolves.toBe(true);
    const key = await shared.ensure();
    expect(shared.current()).toEqual(key);
    expect(new Sealer(shared, 60_000).open(new Sealer(shared, 60_000).seal('x', 'c'), 'c')).toBe('x');
  });
});

describeWithRedis('two instances on one Redis without STATE_SEAL_KEY', () => {
  const prefix = uniqueTestPrefix('seal-app');
  const env = { STORAGE: 'redis', REDIS_URL: redisTestUrl(), REDIS_KEY_PREFIX: prefix };
  const apps: Application[] = [];

  afterAll(async () => {
    for (const app of apps) await app.stop();
    const client = createClient({ url: redisTestUrl() });
    await client.connect();
    await deleteKeysWithPrefix(client, prefix);
    await client.close();
  });

  async function started(): Promise<string> {
    const app = await createTestApp(env);
    apps.push(app);
    return app.start();
  }

  it('opens on one what the other sealed, and after a restart: the NAM is not asked again', async () => {
    const urls = [await started(), await started()];
    const conversation = { id: `seal-${Date.now()}` };
    let n = 0;
    const say = async (input: { text?: string; value?: unknown }, url = urls[n++ % 2]) => {
      const { status, activities } = await postTurn(url, { conversation, text: input.text ?? '', ...input });
      expect(status).toBe(200);
      return textOf(activities);
    };
    for (const text of ['bonjour', '1', '2', MARC.userName]) await say({ text });
    await say({ value: passwordCardValue('current', MARC.password) });
    expect(await say({ text: 'BOUM 5508 1212' })).toMatch(/se terminant par 1212/);
    // The NAM was sealed by one instance; the other reads it to look the request up.
    expect(await say({ text: 'Humira' })).toMatch(/adalimumab \(Humira\)/);
    // Restarted, an instance gets the same key back from Redis.
    const restarted = await started();
    const again = await say({ text: 'un autre médicament' }, restarted);
    expect(again).toMatch(/Pour quel médicament\?/);
    expect(again).not.toMatch(/numéro d'assurance maladie/);
    expect(await say({ text: 'Humira' }, restarted)).toMatch(/adalimumab \(Humira\)/);
  }, 60_000);
});
