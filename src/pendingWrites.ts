/**
 * Writes a turn starts but does not wait for before it replies: bookkeeping whose loss costs little and whose
 * delay costs nothing (a transcript line for agents, a phone caller's no-input timer). Each one the turn
 * awaited kept its reply waiting for one more round trip to Redis, on every message.
 *
 * They are issued during the turn, so they reach the store before anything a later turn of the same process
 * sends (node-redis keeps one connection's commands in order; the memory stores apply them at once). Shutdown
 * waits for them before it closes the storage.
 */
export class PendingWrites {
  private readonly writes = new Set<Promise<void>>();

  /** Tracks a write; `onError` is told of its failure, since no turn awaits it. */
  track(write: Promise<unknown>, onError: (error: unknown) => void): void {
    const tracked: Promise<void> = write
      .then(
        () => undefined,
        (error: unknown) => {
          try {
            onError(error);
          } catch {
            // A failing error handler must not become an unhandled rejection.
          }
        },
      )
      .finally(() => this.writes.delete(tracked));
    this.writes.add(tracked);
  }

  /** Writes not settled yet. */
  get size(): number {
    return this.writes.size;
  }

  /**
   * Waits until every write tracked so far has settled, and those tracked meanwhile, or until `maxMs` have
   * passed (a store that answers nothing must not hold a shutdown forever). Never rejects.
   */
  async settle(maxMs = Infinity): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let late = false;
    const deadline = Number.isFinite(maxMs)
      ? new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            late = true;
            resolve();
          }, maxMs);
        })
      : undefined;
    try {
      while (this.writes.size > 0 && !late) {
        const all = Promise.allSettled([...this.writes]);
        await (deadline ? Promise.race([all, deadline]) : all);
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
