/**
 * The bot's own failures that a user may hear about. Messages name what failed, never user input: they are
 * logged as they are. What the user is told comes from the locales, chosen by the error's `userMessageKey`.
 */
export abstract class DomainError extends Error {
  /** Locale key of the sentence the user gets. */
  abstract readonly userMessageKey: string;
}

/** Locale key of the "temporarily unavailable" apology, with the Centre's numbers. */
export const TEMPORARILY_UNAVAILABLE_KEY = 'common:temporarilyUnavailable';

/** Conversation or user state could not be read or saved (Redis unreachable or timing out). */
export class StorageUnavailableError extends DomainError {
  readonly userMessageKey = TEMPORARILY_UNAVAILABLE_KEY;
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

/** A Redis call that got no answer in time (a frozen or overloaded server). */
export class RedisTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisTimeoutError';
  }
}

/**
 * Errors after which a write may still be applied: its connection dropped once it was sent (Redis frozen, the
 * network cut), or no answer came in time. Not ClientOfflineError (never sent) nor an error reply (refused).
 */
const MAYBE_APPLIED_ERRORS = new Set([
  'SocketClosedUnexpectedlyError',
  'DisconnectsClientError',
  RedisTimeoutError.name,
]);

/**
 * Whether a Redis write that failed with `error` may take effect all the same: Redis runs what a dropped
 * connection had delivered once it answers again, and a command that timed out is still queued.
 */
export function writeMayHaveLanded(error: unknown): boolean {
  return MAYBE_APPLIED_ERRORS.has((error as Error)?.constructor?.name);
}

/**
 * node-redis's errors for a Redis that is unreachable, stalled, or refusing commands (out of memory, read-only):
 * known by class name, so that memory storage never loads node-redis.
 */
const REDIS_FAILURES = new Set([
  'ClientOfflineError',
  'ClientClosedError',
  'SocketClosedUnexpectedlyError',
  'DisconnectsClientError',
  'ConnectionTimeoutError',
  'SocketTimeoutError',
  'ErrorReply',
  'SimpleError',
  RedisTimeoutError.name,
]);

/**
 * The locale key of what the user is told about a failed turn. The error may come wrapped: botbuilder-dialogs
 * wraps what a dialog throws (a Redis outage met by the accounts or escalation stores in the middle of a turn) in
 * a DialogContextError that keeps it as `error`.
 */
export function userMessageKeyOf(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof DomainError) return current.userMessageKey;
    if (REDIS_FAILURES.has(current.constructor?.name)) return TEMPORARILY_UNAVAILABLE_KEY;
    const wrapped = current as Error & { error?: unknown };
    current = wrapped.error instanceof Error ? wrapped.error : wrapped.cause;
  }
  return 'common:error';
}
