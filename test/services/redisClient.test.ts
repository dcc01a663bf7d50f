import { EventEmitter } from 'node:events';
import { whenReady } from '../../src/services/redisClient';

/** A client that becomes ready when the test says so. */
class FakeClient extends EventEmitter {
  isReady = false;

  becomeReady(): void {
    this.isReady = true;
    this.emit('ready');
  }
}

describe('whenReady', () => {
  it('answers at once for a ready client', async () => {
    const client = new FakeClient();
    client.isReady = true;
    await expect(whenReady(client, 10)).resolves.toBe(true);
    expect(client.listenerCount('ready')).toBe(0);
  });

  it('wakes every turn waiting on a reconnection through one listener, and none after', async () => {
    const client = new FakeClient();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const waits = Array.from({ length: 50 }, () => whenReady(client, 5_000));
      expect(client.listenerCount('ready')).toBe(1);
      client.becomeReady();
      await expect(Promise.all(waits)).resolves.toEqual(Array(50).fill(true));
      expect(client.listenerCount('ready')).toBe(0);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('gives up after maxMs, and a later reconnection still wakes those who wait longer', async () => {
    const client = new FakeClient();
    const short = whenReady(client, 20);
    const long = whenReady(client, 5_000);
    await expect(short).resolves.toBe(false);
    client.becomeReady();
    await expect(long).resolves.toBe(true);
    client.isReady = false;
    // A new outage: a new listener for the next reconnection.
    const next = whenReady(client, 5_000);
    expect(client.listenerCount('ready')).toBe(1);
    client.becomeReady();
    await expect(next).resolves.toBe(true);
  });
});
