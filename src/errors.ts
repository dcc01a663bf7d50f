/**
 * The bot's own failures that a user may hear about. Messages name what failed, never user input: they are
 * logged as they are. What the user is told comes from the locales, chosen by the error's `userMessageKey`.
 */
export abstract class DomainError extends Error {
  /** Locale key of the sentence the user gets. */
  abstract readonly userMessageKey: string;
}

/** Conversation or user state could not be read or saved (Redis unreachable or timing out). */
export class StorageUnavailableError extends DomainError {
  readonly userMessageKey = 'common:temporarilyUnavailable';
  constructor(operation: string, cause?: unknown) {
    super(`storage ${operation} failed: ${(cause as Error)?.name ?? 'unknown'}`);
    this.name = 'StorageUnavailableError';
  }
}

/** Another turn of the same conversation saved state first; this turn's changes were not applied. */
export class ConcurrentTurnError extends DomainError {
  readonly userMessageKey = 'common:concurrentTurn';
  constructor() {
    super('state changed by a concurrent turn');
    this.name = 'ConcurrentTurnError';
  }
}
