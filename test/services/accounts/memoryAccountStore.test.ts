import { FixedClock } from '../../../src/services/clock';
import { MemoryAccountStore } from '../../../src/services/accounts/memoryAccountStore';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('MemoryAccountStore counters and locks', () => {
  it('forgets them as Redis does, so sign-in attempts from many conversations do not pile up', async () => {
    const clock = new FixedClock(new Date('2026-11-27T10:00:00-05:00'));
    const store = new MemoryAccountStore(clock);
    // Each conversation tries once with a user name that does not exist, and is never seen again.
    for (let n = 0; n < 5_000; n += 1) {
      const now = clock.now().getTime();
      await store.addConversationAttempt(`conversation-${n}`);
      await store.recordFailure('password', `CE9${String(n).padStart(5, '0')}`, now, 30 * MINUTE);
      await store.setLock(`CE8${String(n).padStart(5, '0')}`, now + 30 * MINUTE, 30 * MINUTE);
      clock.advance(30_000);
    }
    // 5 000 conversations over 41 hours: only those of the last day (their counts) and the last hour (failures,
    // locks) are still held, plus at most a minute's worth not swept yet.
    expect(store.counterCount).toBeLessThan(2_880 + 2 * 120 + 10);
  });

  it('counts a conversation’s attempts for a day after its last one, then starts again', async () => {
    const clock = new FixedClock(new Date('2026-11-27T10:00:00-05:00'));
    const store = new MemoryAccountStore(clock);
    await store.addConversationAttempt('c1');
    clock.advance(23 * HOUR);
    expect(await store.addConversationAttempt('c1')).toBe(2);
    clock.advance(23 * HOUR);
    expect(await store.conversationAttempts('c1')).toBe(2);
    clock.advance(2 * HOUR);
    expect(await store.conversationAttempts('c1')).toBe(0);
    expect(await store.addConversationAttempt('c1')).toBe(1);
  });

  it('keeps a lock until its end, then forgets it', async () => {
    const clock = new FixedClock(new Date('2026-11-27T10:00:00-05:00'));
    const store = new MemoryAccountStore(clock);
    const until = clock.now().getTime() + 30 * MINUTE;
    await store.setLock('CE100001', until, 30 * MINUTE);
    clock.advance(29 * MINUTE);
    expect(await store.getLock('CE100001')).toBe(until);
    clock.advance(2 * MINUTE);
    expect(await store.getLock('CE100001')).toBeUndefined();
  });
});
