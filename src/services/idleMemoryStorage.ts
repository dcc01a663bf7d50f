import { MemoryStorage, type StoreItems } from 'botbuilder';

/** Options for {@link IdleMemoryStorage}. */
export interface IdleMemoryStorageOptions {
  /** How long an item may go without a write before it is forgotten; undefined keeps it. */
  idleMsFor: (key: string) => number | undefined;
  /** How often, at most, idle items are looked for. */
  sweepEveryMs: number;
  /** Current time in ms; injectable for tests. */
  now?: () => number;
}

/**
 * botbuilder's MemoryStorage (same eTag semantics) that forgets idle items — conversations, and users who
 * have not come back — so a long-running process on the embedded default does not grow with every
 * conversation it ever had.
 */
export class IdleMemoryStorage extends MemoryStorage {
  private readonly expiry = new Map<string, number>();
  private readonly now: () => number;
  private lastSweep: number;

  constructor(private readonly options: IdleMemoryStorageOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.lastSweep = this.now();
  }

  override async write(changes: StoreItems): Promise<void> {
    await super.write(changes);
    const now = this.now();
    for (const key of Object.keys(changes)) {
      const idleMs = this.options.idleMsFor(key);
      if (idleMs !== undefined) this.expiry.set(key, now + idleMs);
    }
    // Sweeping at most every so often keeps the cost per write constant on average.
    if (now - this.lastSweep >= this.options.sweepEveryMs) this.sweep(now);
  }

  override async delete(keys: string[]): Promise<void> {
    await super.delete(keys);
    for (const key of keys) this.expiry.delete(key);
  }

  /** Forgets every item whose idle period has passed. */
  sweep(now: number = this.now()): void {
    this.lastSweep = now;
    for (const [key, expiresAt] of this.expiry) {
      if (now <= expiresAt) continue;
      delete this.memory[key];
      this.expiry.delete(key);
    }
  }

  /** Number of items held, for tests and the benchmark. */
  get size(): number {
    return Object.keys(this.memory).length;
  }
}
