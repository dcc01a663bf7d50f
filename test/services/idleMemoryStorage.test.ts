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

  describe('with a capacity', () => {
    const conversation = (n: number) => `webchat/conversations/c${n}/`;

    it('forgets the least recently written items beyond it, at once, and says how many', async () => {
      const evictions: number[] = [];
      const store = new IdleMemoryStorage({
        idleMsFor: () => 60_000,
        sweepEveryMs: 60_000,
        now: () => now,
        maxItems: 3,
        onEvicted: (count) => evictions.push(count),
      });
      for (const n of [1, 2, 3]) await store.writeText(conversation(n), '{}', null);
      // Written again, c1 becomes the most recent: c2 is now the oldest.
      await store.writeText(conversation(1), '{"n":2}', undefined);
      await store.writeText(conversation(4), '{}', null);
      await store.write({ [conversation(5)]: { a: 1 } });
      expect(store.size).toBe(3);
      const kept = await store.readTexts([1, 2, 3, 4, 5].map(conversation));
      expect(kept.map((item) => item !== undefined)).toEqual([true, false, false, true, true]);
      expect(evictions).toEqual([1, 1]);
    });

    it('counts a read as use: a user read on every turn outlives conversations written since', async () => {
      const store = new IdleMemoryStorage({ idleMsFor: () => 60_000, sweepEveryMs: 60_000, maxItems: 3 });
      const user = 'webchat/users/u1/';
      await store.writeText(user, '{"profile":{"language":"en"}}', null);
      for (const n of [1, 2, 3, 4]) {
        await store.readTexts([user]);
        await store.writeText(conversation(n), '{}', null);
      }
      expect(await store.readTexts([user])).toEqual([
        expect.objectContaining({ text: '{"profile":{"language":"en"}}' }),
      ]);
      expect(store.size).toBe(3);
    });

    it('keeps a user read every day for more than a day after the write', async () => {
      const store = new IdleMemoryStorage({ idleMsFor: () => 1_000, sweepEveryMs: 100, now: () => now });
      const user = 'webchat/users/u1/';
      await store.writeText(user, '{"profile":{"language":"en"}}', null);
      for (let day = 1; day <= 5; day += 1) {
        now = day * 900;
        await store.write({ [conversation(day)]: { a: 1 } });
        expect((await store.readTexts([user]))[0]?.text).toBe('{"profile":{"language":"en"}}');
      }
    });

    it('stays within it under a flood of new conversations', async () => {
      const store = new IdleMemoryStorage({ idleMsFor: () => 60_000, sweepEveryMs: 60_000, maxItems: 100 });
      for (let n = 0; n < 5_000; n += 1) await store.writeText(conversation(n), '{"x":1}', null);
      expect(store.size).toBe(100);
      expect(await store.readTexts([conversation(4_999)])).toEqual([
        expect.objectContaining({ text: '{"x":1}' }),
      ]);
    });
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

  it('forgets an idle conversation after a quiet spell, before any write sweeps it', async () => {
    const store = storage();
    await store.write({ 'webchat/conversations/c1/': { step: 'secretQuestion' } });
    const { eTag } = (await store.readTexts(['webchat/conversations/c1/']))[0]!;
    // Nothing written since (a quiet night): the next read is the conversation's own next turn.
    now = 5_000;
    expect(await store.read(['webchat/conversations/c1/'])).toEqual({});
    expect(await store.readTexts(['webchat/conversations/c1/'])).toEqual([undefined]);
    // Begun afresh, it is written as new, not refused as a conflict with the forgotten item.
    await expect(store.writeText('webchat/conversations/c1/', '{}', null)).resolves.not.toBe(eTag);
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
