import { MemoryStorage, type StoreItems } from 'botbuilder';

/** Options for {@link IdleMemoryStorage}. */
export interface IdleMemoryStorageOptions {
  /** Items whose key this selects are forgotten after `idleMs` without a write. */
  expires: (key: string) => boolean;
  idleMs: number;
  /** Current time in ms; injectable for tests. */
  now?: () => number;
}

/**
 * botbuilder's MemoryStorage (same eTag semantics) that forgets idle conversations, so a long-running
 * process on the embedded default does not grow with every conversation it ever had.
 */
export class IdleMemoryStorage extends MemoryStorage {
  private readonly touched = new Map<string, number>();
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
      if (this.options.expires(key)) this.touched.set(key, now);
    }
    // Sweeping at most once per tenth of the idle period keeps the cost per write constant on average.
    if (now - this.lastSweep >= this.options.idleMs / 10) this.sweep(now);
  }

  override async delete(keys: string[]): Promise<void> {
    await super.delete(keys);
    for (const key of keys) this.touched.delete(key);
  }

  /** Forgets every selected item idle for longer than the idle period. */
  sweep(now: number = this.now()): void {
    this.lastSweep = now;
    for (const [key, at] of this.touched) {
      if (now - at <= this.options.idleMs) continue;
      delete this.memory[key];
      this.touched.delete(key);
    }
  }

  /** Number of items held, for tests and the benchmark. */
  get size(): number {
    return Object.keys(this.memory).length;
  }
}
