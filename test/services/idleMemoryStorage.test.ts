import { IdleMemoryStorage } from '../../src/services/idleMemoryStorage';

describe('IdleMemoryStorage', () => {
  let now = 0;
  const storage = () =>
    new IdleMemoryStorage({
      idleMsFor: (key) =>
        key.includes('/conversations/') ? 1_000 : key.includes('/users/') ? 10_000 : undefined,
      sweepEveryMs: 100,
      now: () => now,
    });

  beforeEach(() => {
    now = 0;
  });

  it('keeps MemoryStorage eTag semantics', async () => {
    const store = storage();
    await store.write({ 'webchat/conversations/c1/': { n: 1 } });
    const read = await store.read(['webchat/conversations/c1/']);
    const eTag = read['webchat/conversations/c1/'].eTag as string;
    await store.write({ 'webchat/conversations/c1/': { n: 2, eTag } });
    await expect(store.write({ 'webchat/conversations/c1/': { n: 3, eTag } })).rejects.toThrow(
      /eTag conflict/,
    );
  });

  it('forgets an idle conversation, keeps an active one and keeps users longer', async () => {
    const store = storage();
    await store.write({ 'webchat/conversations/idle/': { a: 1 }, 'webchat/users/u1/': { language: 'en' } });
    await store.write({ 'webchat/conversations/active/': { a: 1 } });
    now = 900;
    await store.write({ 'webchat/conversations/active/': { a: 2, eTag: '*' } });
    now = 1_500;
    await store.write({ 'other/key': { x: 1 } });
    expect(Object.keys(await store.read(['webchat/conversations/idle/']))).toEqual([]);
    expect(Object.keys(await store.read(['webchat/conversations/active/']))).toEqual([
      'webchat/conversations/active/',
    ]);
    expect(Object.keys(await store.read(['webchat/users/u1/']))).toEqual(['webchat/users/u1/']);
    now = 20_000;
    store.sweep();
    expect(store.size).toBe(1);
    expect(Object.keys(await store.read(['other/key']))).toEqual(['other/key']);
  });

  it('stays bounded across many conversations', async () => {
    const store = storage();
    for (let i = 0; i < 5_000; i += 1) {
      now += 10;
      await store.write({ [`webchat/conversations/c${i}/`]: { i } });
    }
    // About a second's worth of conversations (100) plus one sweep period, never all 5,000.
    expect(store.size).toBeLessThan(120);
  });
});
