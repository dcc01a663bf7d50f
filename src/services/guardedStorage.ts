import type { Storage, StoreItems } from 'botbuilder';
import { ConcurrentTurnError, StorageUnavailableError } from '../errors';
import { type StoredText, type TextStorage, type TextWrite, textStorageOf } from './textStorage';

/**
 * Translates storage failures into the bot's domain errors, so a Redis outage becomes a polite "temporarily
 * unavailable" and an eTag conflict a clean refusal, instead of a generic error. Serves {@link TextStorage}
 * too, natively when the inner storage does.
 */
export class GuardedStorage implements Storage, TextStorage {
  private readonly text: TextStorage;

  constructor(private readonly inner: Storage) {
    this.text = textStorageOf(inner);
  }

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
      throw writeError(error);
    }
  }

  async delete(keys: string[]): Promise<void> {
    try {
      await this.inner.delete(keys);
    } catch (error) {
      throw new StorageUnavailableError('delete', error);
    }
  }

  async readTexts(keys: string[]): Promise<Array<StoredText | undefined>> {
    try {
      return await this.text.readTexts(keys);
    } catch (error) {
      throw new StorageUnavailableError('read', error);
    }
  }

  async writeText(key: string, text: string, expectedETag: string | null | undefined): Promise<string> {
    try {
      return await this.text.writeText(key, text, expectedETag);
    } catch (error) {
      throw writeError(error);
    }
  }

  /** All or nothing when the inner storage can; otherwise one write after the other, the best it allows. */
  async writeTexts(writes: TextWrite[]): Promise<string[]> {
    try {
      if (this.text.writeTexts) return await this.text.writeTexts(writes);
      const eTags: string[] = [];
      for (const w of writes) eTags.push(await this.text.writeText(w.key, w.text, w.expectedETag));
      return eTags;
    } catch (error) {
      throw writeError(error);
    }
  }
}

function writeError(error: unknown): Error {
  if (/etag conflict/i.test(String((error as Error)?.message))) return new ConcurrentTurnError();
  return new StorageUnavailableError('write', error);
}
