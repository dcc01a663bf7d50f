import type { Storage, StoreItems } from 'botbuilder';
import { ConcurrentTurnError, StorageUnavailableError } from '../errors';

/**
 * Translates storage failures into the bot's domain errors, so a Redis outage becomes a polite "temporarily
 * unavailable" and an eTag conflict a clean refusal, instead of a generic error.
 */
export class GuardedStorage implements Storage {
  constructor(private readonly inner: Storage) {}

  async read(keys: string[]): Promise<StoreItems> {
    try {
      return await this.inner.read(keys);
    } catch (error) {
      throw new StorageUnavailableError('read', error);
    }
  }

  async write(changes: StoreItems): Promise<void> {
    try {
      await this.inner.write(changes);
    } catch (error) {
      if (/etag conflict/i.test(String((error as Error)?.message))) throw new ConcurrentTurnError();
      throw new StorageUnavailableError('write', error);
    }
  }

  async delete(keys: string[]): Promise<void> {
    try {
      await this.inner.delete(keys);
    } catch (error) {
      throw new StorageUnavailableError('delete', error);
    }
  }
}
