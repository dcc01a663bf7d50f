import type { Storage, StoreItem } from 'botbuilder';

/** One stored item as JSON text without its eTag, and the eTag it had when read. */
export interface StoredText {
  text: string;
  eTag: string;
}

/**
 * Storage that keeps each item as JSON text and can hand it over as is. Bot state reads it once per turn and
 * writes it when it changed: with the text, the change check needs no serialization at load and the write
 * none of its own, and the eTag check never parses what is stored.
 */
export interface TextStorage {
  /**
   * The items under `keys`, in the same order, undefined where nothing is stored: one round trip for all, so
   * a turn reads its user and conversation state together.
   */
  readTexts(keys: string[]): Promise<Array<StoredText | undefined>>;
  /**
   * Stores `text` (a JSON object without an eTag) under `key` and returns its new eTag. The same rule as
   * botbuilder's MemoryStorage: with an expected eTag other than `'*'`, the write succeeds only if nothing is
   * stored or the stored eTag is still that one; otherwise it rejects with {@link eTagConflict}. With `null`
   * (the writer read nothing), it succeeds only if nothing is stored yet: two first turns of a conversation
   * at once do not both create it. `undefined` and `'*'` overwrite whatever is there.
   */
  writeText(key: string, text: string, expectedETag: string | null | undefined): Promise<string>;
  /**
   * Several {@link writeText} as one, all or nothing: when one eTag forbids its write, nothing is written and
   * it rejects with {@link eTagConflict}. Resolves with the new eTags, in order. A turn that changed both its
   * conversation and its user state saves them together, so that neither is kept without the other.
   */
  writeTexts?(writes: TextWrite[]): Promise<string[]>;
}

/** One write of {@link TextStorage.writeTexts}. */
export interface TextWrite {
  key: string;
  text: string;
  expectedETag: string | null | undefined;
  /**
   * The text read with `expectedETag`, which this write replaces: given, a storage that cannot tell whether a
   * failed write was applied (its connection dropped after sending it) may put it back, so that a write
   * reported as failed does not take effect all the same.
   */
  previousText?: string;
}

/** The error every storage gives on an eTag conflict (GuardedStorage recognizes its wording). */
export function eTagConflict(key: string): Error {
  return new Error(`Storage: error writing "${key}" due to eTag conflict.`);
}

/** Whether a write that expects `expected` (see {@link TextStorage.writeText}) may replace `stored`. */
export function eTagAllows(expected: string | null | undefined, stored: string | undefined): boolean {
  if (expected === null) return stored === undefined;
  return !expected || expected === '*' || stored === undefined || stored === expected;
}

/** True when the storage implements {@link TextStorage} itself. */
export function isTextStorage(storage: Storage): storage is Storage & TextStorage {
  const candidate = storage as Partial<TextStorage>;
  return typeof candidate.readTexts === 'function' && typeof candidate.writeText === 'function';
}

/**
 * {@link TextStorage} over any botbuilder storage, for those that do not implement it (tests, a future
 * Cosmos DB storage): the same results, at the price of a serialization per read and a read after each write
 * to learn the new eTag.
 */
export function textStorageOf(storage: Storage): TextStorage {
  if (isTextStorage(storage)) return storage;
  const eTagOf = (item: StoreItem | undefined) => (item?.eTag === undefined ? '*' : String(item.eTag));
  return {
    async readTexts(keys) {
      const items = await storage.read(keys);
      return keys.map((key) => {
        const item = items[key] as StoreItem | undefined;
        if (!item) return undefined;
        const { eTag, ...rest } = item;
        return { text: JSON.stringify(rest), eTag: eTagOf({ eTag }) };
      });
    },
    async writeText(key, text, expectedETag) {
      // Not atomic, unlike the storages that implement TextStorage: the best a plain Storage allows.
      if (expectedETag === null && (await storage.read([key]))[key]) throw eTagConflict(key);
      const item = JSON.parse(text) as StoreItem;
      item.eTag = expectedETag || '*';
      await storage.write({ [key]: item });
      return eTagOf((await storage.read([key]))[key] as StoreItem | undefined);
    },
  };
}
