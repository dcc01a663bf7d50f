import { PendingWrites } from '../src/pendingWrites';

/** A promise the test settles when it wants. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('PendingWrites', () => {
  it('counts a write until it settles, and settle() waits for it', async () => {
    const writes = new PendingWrites();
    const write = deferred();
    writes.track(write.promise, () => undefined);
    expect(writes.size).toBe(1);
    let settled = false;
    const settling = writes.settle().then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    write.resolve();
    await settling;
    expect(writes.size).toBe(0);
  });

  it.each([
    ['a write that fails', () => Promise.reject(new Error('down'))],
    [
      'a write that fails later',
      () => new Promise<void>((_, reject) => setTimeout(() => reject(new Error('down')), 5)),
    ],
  ])('hands %s to onError, and settle() still resolves', async (_label, start) => {
    const writes = new PendingWrites();
    const errors: unknown[] = [];
    writes.track(start(), (error) => errors.push(error));
    await writes.settle();
    expect(errors).toEqual([new Error('down')]);
    expect(writes.size).toBe(0);
  });

  it('waits for a write tracked while it was already settling', async () => {
    const writes = new PendingWrites();
    const first = deferred();
    const second = deferred();
    writes.track(first.promise, () => undefined);
    let settled = false;
    const settling = writes.settle().then(() => (settled = true));
    writes.track(second.promise, () => undefined);
    first.resolve();
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    second.resolve();
    await settling;
    expect(settled).toBe(true);
  });

  it('stops waiting after maxMs for a write that never settles', async () => {
    const writes = new PendingWrites();
    writes.track(new Promise<void>(() => undefined), () => undefined);
    const started = Date.now();
    await writes.settle(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(writes.size).toBe(1);
  });

  it('turns an error handler that throws into nothing, not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const writes = new PendingWrites();
      writes.track(Promise.reject(new Error('down')), () => {
        throw new Error('logger broken');
      });
      // Nobody settles here: a turn never awaits its pending writes.
      await new Promise((r) => setTimeout(r, 10));
      expect(unhandled).toEqual([]);
      expect(writes.size).toBe(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
