/** Settings of a {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial call is let through. */
  cooldownMs: number;
  now?: () => number;
}

/** closed: calls go through; open: calls fail at once; halfOpen: one trial call decides. */
export type CircuitState = 'closed' | 'open' | 'halfOpen';

/**
 * A circuit breaker: after repeated failures the bot stops waiting on a service that is down and answers at
 * once; after a cool-down, a single trial call closes the circuit again if it succeeds.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private current: CircuitState = 'closed';
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The state, moving from open to halfOpen once the cool-down is over. */
  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.cooldownMs) {
      this.current = 'halfOpen';
      this.trialInFlight = false;
    }
    return this.current;
  }

  /** True when a call may be made now; in halfOpen, only the first caller gets the trial. */
  tryAcquire(): boolean {
    switch (this.state) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'halfOpen':
        if (this.trialInFlight) return false;
        this.trialInFlight = true;
        return true;
    }
  }

  onSuccess(): void {
    this.failures = 0;
    this.current = 'closed';
    this.trialInFlight = false;
  }

  onFailure(): void {
    this.failures += 1;
    if (this.current === 'halfOpen' || this.failures >= this.options.failureThreshold) {
      this.current = 'open';
      this.openedAt = this.now();
      this.trialInFlight = false;
    }
  }
}
