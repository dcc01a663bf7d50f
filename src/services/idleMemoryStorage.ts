import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { type StoredText, type TextStorage, type TextWrite, eTagAllows, eTagConflict } from './textStorage';

/** Options for {@link IdleMemoryStorage}. */
export interface IdleMemoryStorageOptions {
  /** How long an item may go without a write before it is forgotten; undefined keeps it. */
  idleMsFor: (key: string) => number | undefined;
  /** How often, at most, idle items are looked for. */
  sweepEveryMs: number;
  /** Current time in ms; injectable for tests. */
  now?: () => number;
  /**
   * Most items kept. Beyond it the least recently used are forgotten at once: idle expiry alone lets a flood
   * of new conversations fill the memory within the idle period.
   */
  maxItems?: number;
  /** Told how many items a write made room for by forgetting others (for a log line). */
  onEvicted?: (count: number) => void;
}

/** One item: its JSON text without the eTag, its eTag, and when it is forgotten if nothing writes it. */
interface Entry {
  text: string;
  eTag: string;
  expiresAt: number | undefined;
}

/**
 * In-process storage with botbuilder MemoryStorage's semantics (items kept as JSON, so a read returns a copy;
 * eTags; a write with a stale eTag rejects) that forgets idle items — conversations, and users who have not
 * come back — so a long-running process on the embedded default does not grow with every conversation it
 * ever had. It also serves {@link TextStorage}, the bot state's cheaper path.
 */
export class IdleMemoryStorage implements Storage, TextStorage {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private lastSweep: number;
  private nextETag = 1;

  constructor(private readonly options: IdleMemoryStorageOptions) {
    this.now = options.now ?? Date.now;
    this.lastSweep = this.now();
  }

  read(keys: string[]): Promise<StoreItems> {
    if (!keys) return Promise.reject(new ReferenceError('Keys are required when reading.'));
    const items: StoreItems = {};
    for (const key of keys) {
      const entry = this.live(key);
      if (!entry) continue;
      this.touch(key, entry);
      const item = JSON.parse(entry.text) as StoreItem;
      item.eTag = entry.eTag;
      items[key] = item;
    }
    return Promise.resolve(items);
  }

  write(changes: StoreItems): Promise<void> {
    if (!changes) return Promise.reject(new ReferenceError('Changes are required when writing.'));
    let conflict: Error | undefined;
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...rest } = item as StoreItem;
      if (!this.store(key, JSON.stringify(rest), eTag === undefined ? undefined : String(eTag))) {
        conflict ??= eTagConflict(key);
      }
    }
    return conflict ? Promise.reject(conflict) : Promise.resolve();
  }

  delete(keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
    return Promise.resolve();
  }

  readTexts(keys: string[]): Promise<Array<StoredText | undefined>> {
    return Promise.resolve(
      keys.map((key) => {
        const entry = this.live(key);
        if (!entry) return undefined;
        this.touch(key, entry);
        return { text: entry.text, eTag: entry.eTag };
      }),
    );
  }

  writeText(key: string, text: string, expectedETag: string | null | undefined): Promise<string> {
    const eTag = this.store(key, text, expectedETag);
    return eTag === undefined ? Promise.reject(eTagConflict(key)) : Promise.resolve(eTag);
  }

  writeTexts(writes: TextWrite[]): Promise<string[]> {
    // Everything is checked before anything is stored: all or nothing.
    const refused = writes.find((w) => !eTagAllows(w.expectedETag, this.live(w.key)?.eTag));
    if (refused) return Promise.reject(eTagConflict(refused.key));
    return Promise.resolve(writes.map((w) => this.store(w.key, w.text, w.expectedETag) as string));
  }

  /**
   * The item, unless its idle period has passed: sweeps run only on writes, at most every `sweepEveryMs`, so
   * after a quiet spell an item past its time may still be held; it is gone all the same, as in Redis.
   */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry || !expired(entry, this.now())) return entry;
    this.entries.delete(key);
    return undefined;
  }

  /**
   * A read is use too: a user's language, written once and read on every turn, is neither the first forgotten
   * when memory is full nor forgotten a day after it was chosen by a user who comes back every day.
   */
  private touch(key: string, entry: Entry): void {
    const idleMs = this.options.idleMsFor(key);
    if (idleMs !== undefined) entry.expiresAt = this.now() + idleMs;
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  /** Forgets every item whose idle period has passed. */
  sweep(now: number = this.now()): void {
    this.lastSweep = now;
    for (const [key, entry] of this.entries) {
      if (expired(entry, now)) this.entries.delete(key);
    }
  }

  /** Number of items held, for tests and the benchmark. */
  get size(): number {
    return this.entries.size;
  }

  /** Stores the text unless the eTag forbids it; returns the new eTag, or undefined on a conflict. */
  private store(key: string, text: string, expectedETag: string | null | undefined): string | undefined {
    if (!eTagAllows(expectedETag, this.live(key)?.eTag)) return undefined;
    const now = this.now();
    const idleMs = this.options.idleMsFor(key);
    const eTag = String(this.nextETag++);
    // Deleted first so that the Map's order stays the order of last use (reads move entries too), oldest first.
    this.entries.delete(key);
    this.entries.set(key, { text, eTag, expiresAt: idleMs === undefined ? undefined : now + idleMs });
    // Sweeping at most every so often keeps the cost per write constant on average.
    if (now - this.lastSweep >= this.options.sweepEveryMs) this.sweep(now);
    this.evictBeyondCapacity();
    return eTag;
  }

  private evictBeyondCapacity(): void {
    const { maxItems, onEvicted } = this.options;
    if (maxItems === undefined || this.entries.size <= maxItems) return;
    let evicted = 0;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= maxItems) break;
      this.entries.delete(key);
      evicted += 1;
    }
    onEvicted?.(evicted);
  }
}

/** Whether the item's idle period has passed at `now`: the same test for a read and for a sweep. */
function expired(entry: Entry, now: number): boolean {
  return entry.expiresAt !== undefined && now > entry.expiresAt;
}
