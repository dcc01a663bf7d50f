import { MemoryStorage, type Storage } from 'botbuilder';
import { GuardedStorage } from '../../src/services/guardedStorage';
import { IdleMemoryStorage } from '../../src/services/idleMemoryStorage';
import { type AppRedisClient, createRedisClient } from '../../src/services/redisClient';
import { RedisStorage } from '../../src/services/redisStorage';
import { type TextStorage, textStorageOf } from '../../src/services/textStorage';
import { ConcurrentTurnError } from '../../src/errors';
import { deleteKeysWithPrefix, describeWithRedis, redisTestUrl, uniqueTestPrefix } from '../helpers/redis';

const readOne = async (text: TextStorage, key: string) => (await text.readTexts([key]))[0];

/** What a text storage that writes several items at once must do: all or nothing. */
function writeTextsContract(make: () => TextStorage): void {
  let n = 0;
  const key = () => `webchat/conversations/many-${Date.now()}-${(n += 1)}/`;

  it('writes several items at once and returns their eTags, in order', async () => {
    const text = make();
    const [a, b] = [key(), key()];
    const eTags = await text.writeTexts!([
      { key: a, text: '{"a":1}', expectedETag: null },
      { key: b, text: '{"b":1}', expectedETag: undefined },
    ]);
    await expect(text.readTexts([a, b])).resolves.toEqual([
      { text: '{"a":1}', eTag: eTags[0] },
      { text: '{"b":1}', eTag: eTags[1] },
    ]);
  });

  const refusals: Array<[string, (eTag: string) => string | null]> = [
    ['a stale eTag', (eTag) => eTag],
    ['an item expected absent that exists', () => null],
  ];
  it.each(refusals)('writes nothing when one item is refused for %s', async (_label, expected) => {
    const text = make();
    const [conversation, user] = [key(), key()];
    const userETag = await text.writeText(user, '{"profile":{}}', undefined);
    await text.writeText(user, '{"profile":{"language":"fr"}}', userETag);
    await expect(
      text.writeTexts!([
        { key: conversation, text: '{"step":2}', expectedETag: null },
        { key: user, text: '{"profile":{"language":"en"}}', expectedETag: expected(userETag) },
      ]),
    ).rejects.toThrow(/eTag conflict/);
    await expect(text.readTexts([conversation, user])).resolves.toEqual([
      undefined,
      expect.objectContaining({ text: '{"profile":{"language":"fr"}}' }),
    ]);
  });
}

/** What every text storage must do, whatever holds the items. */
function textStorageContract(make: () => { storage: Storage; text: TextStorage }): void {
  let n = 0;
  const key = () => `webchat/conversations/text-${Date.now()}-${(n += 1)}/`;

  it('has nothing under a key never written', async () => {
    const { text } = make();
    await expect(readOne(text, key())).resolves.toBeUndefined();
  });

  it('gives back the text written, without the eTag, and the eTag the write returned', async () => {
    const { text } = make();
    const k = key();
    const written = JSON.stringify({ 0: 'zéro', dialogState: { stack: [{ id: 'menu' }] }, note: '« » "' });
    const eTag = await text.writeText(k, written, undefined);
    await expect(readOne(text, k)).resolves.toEqual({ text: written, eTag });
    const empty = key();
    const emptyETag = await text.writeText(empty, '{}', undefined);
    await expect(readOne(text, empty)).resolves.toEqual({ text: '{}', eTag: emptyETag });
  });

  it('refuses a write with a stale eTag and keeps what the first writer wrote', async () => {
    const { text } = make();
    const k = key();
    const first = await text.writeText(k, '{"n":1}', undefined);
    const second = await text.writeText(k, '{"n":2}', first);
    expect(second).not.toBe(first);
    await expect(text.writeText(k, '{"n":3}', first)).rejects.toThrow(/eTag conflict/);
    await expect(readOne(text, k)).resolves.toEqual({ text: '{"n":2}', eTag: second });
    // '*' overwrites whatever is there, as botbuilder's storages do.
    await text.writeText(k, '{"n":4}', '*');
    await expect(readOne(text, k)).resolves.toMatchObject({ text: '{"n":4}' });
  });

  it('reads several keys at once, in order, with undefined where nothing is stored', async () => {
    const { text } = make();
    const [a, b, missing] = [key(), key(), key()];
    const eTagA = await text.writeText(a, '{"a":1}', undefined);
    const eTagB = await text.writeText(b, '{"b":2}', undefined);
    await expect(text.readTexts([b, missing, a])).resolves.toEqual([
      { text: '{"b":2}', eTag: eTagB },
      undefined,
      { text: '{"a":1}', eTag: eTagA },
    ]);
  });

  it('creates an item expected absent only once', async () => {
    const { text } = make();
    const k = key();
    const created = await text.writeText(k, '{"first":true}', null);
    await expect(text.writeText(k, '{"second":true}', null)).rejects.toThrow(/eTag conflict/);
    await expect(readOne(text, k)).resolves.toEqual({ text: '{"first":true}', eTag: created });
  });

  it('agrees with the same storage’s read and write', async () => {
    const { storage, text } = make();
    const k = key();
    await storage.write({ [k]: { language: 'en', eTag: '*' } });
    const viaText = await readOne(text, k);
    expect(viaText?.text).toBe('{"language":"en"}');
    const item = (await storage.read([k]))[k];
    expect(item).toEqual({ language: 'en', eTag: viaText?.eTag });
    const eTag = await text.writeText(k, '{"language":"fr"}', viaText?.eTag);
    expect((await storage.read([k]))[k]).toEqual({ language: 'fr', eTag });
    await expect(storage.write({ [k]: { language: 'en', eTag: viaText?.eTag } })).rejects.toThrow(
      /eTag conflict/,
    );
  });
}

describe('IdleMemoryStorage as a text storage', () => {
  const make = () => new IdleMemoryStorage({ idleMsFor: () => undefined, sweepEveryMs: 60_000 });
  textStorageContract(() => {
    const storage = make();
    return { storage, text: storage };
  });
  writeTextsContract(make);
});

describe('textStorageOf(botbuilder MemoryStorage)', () => {
  textStorageContract(() => {
    const storage = new MemoryStorage();
    return { storage, text: textStorageOf(storage) };
  });
});

describeWithRedis('RedisStorage as a text storage', () => {
  const prefix = uniqueTestPrefix('test:textStorage');
  let client: AppRedisClient;

  beforeAll(async () => {
    client = createRedisClient(redisTestUrl());
    await client.connect();
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(client, prefix);
    await client.close();
  });

  textStorageContract(() => {
    const storage = new RedisStorage({ client, keyPrefix: prefix, ttlSeconds: () => 60 });
    return { storage, text: storage };
  });
  writeTextsContract(() => new RedisStorage({ client, keyPrefix: prefix, ttlSeconds: () => 60 }));

  it('sets the expiry on writeText as on write', async () => {
    const storage = new RedisStorage({ client, keyPrefix: prefix, ttlSeconds: () => 60 });
    await storage.writeText('ttl/key', '{"a":1}', undefined);
    const ttl = await client.ttl(`${prefix}ttl/key`);
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
  });
});

describe('GuardedStorage as a text storage', () => {
  it('turns an eTag conflict into a ConcurrentTurnError', async () => {
    const guarded = new GuardedStorage(
      new IdleMemoryStorage({ idleMsFor: () => undefined, sweepEveryMs: 1 }),
    );
    const eTag = await guarded.writeText('k', '{}', undefined);
    await guarded.writeText('k', '{"a":1}', eTag);
    await expect(guarded.writeText('k', '{"a":2}', eTag)).rejects.toBeInstanceOf(ConcurrentTurnError);
  });
});
