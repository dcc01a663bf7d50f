import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { AccountRecord, AccountStore, ChallengeRecord, DraftRecord, FailureKind } from './accountStore';

/** How long a conversation's attempt count outlives its last attempt: as long as in Redis. */
const CONVERSATION_ATTEMPTS_TTL_MS = 24 * 3600 * 1000;
/** Expired counters and locks are looked for at most this often (each look goes through them all). */
const COUNTER_SWEEP_EVERY_MS = 60_000;

function copy<T>(value: T): T {
  return structuredClone(value);
}

/**
 * Accounts, counters and locks in process memory (STORAGE=memory): one instance only, lost on restart.
 * Records are copied in and out so that callers can never mutate stored state by accident.
 */
export class MemoryAccountStore implements AccountStore {
  private readonly accounts = new Map<string, AccountRecord>();
  private readonly challenges = new Map<string, ChallengeRecord>();
  private readonly drafts = new Map<string, DraftRecord>();
  // Counters and locks expire as their Redis keys do; otherwise every conversation that ever tried to sign in,
  // and every user name ever mistyped, would stay in memory until the process ends.
  private readonly failures = new Map<string, { times: number[]; expiresAt: number }>();
  private readonly locks = new Map<string, { until: number; expiresAt: number }>();
  private readonly attempts = new Map<string, { count: number; expiresAt: number }>();
  private lastCounterSweep = 0;
  private readonly key = randomBytes(32);

  /** @param clock - used only to expire challenges, drafts, counters and locks, so that memory stays bounded. */
  constructor(private readonly clock: Clock) {}

  async getAccount(userName: string): Promise<AccountRecord | undefined> {
    const record = this.accounts.get(userName);
    return record && copy(record);
  }

  async putAccount(record: AccountRecord): Promise<void> {
    this.accounts.set(record.userName, copy(record));
  }

  async replaceAccount(previous: AccountRecord, next: AccountRecord): Promise<boolean> {
    return replaceIfSame(this.accounts, next.userName, previous, next);
  }

  async seedAccount(record: AccountRecord): Promise<'written' | 'kept'> {
    const current = this.accounts.get(record.userName);
    if (current && !current.demoSeed) return 'kept';
    this.accounts.set(record.userName, copy(record));
    return 'written';
  }

  async secretKey(): Promise<Buffer> {
    return this.key;
  }

  async getChallenge(id: string): Promise<ChallengeRecord | undefined> {
    const record = this.challenges.get(id);
    return record && copy(record);
  }

  async putChallenge(id: string, record: ChallengeRecord): Promise<void> {
    this.sweep(this.challenges);
    this.challenges.set(id, copy(record));
  }

  async replaceChallenge(id: string, previous: ChallengeRecord, next: ChallengeRecord): Promise<boolean> {
    return replaceIfSame(this.challenges, id, previous, next);
  }

  async endChallenge(id: string): Promise<boolean> {
    const current = this.challenges.get(id);
    if (!current || current.ended) return false;
    this.challenges.set(id, { ...current, ended: true });
    return true;
  }

  async getDraft(id: string): Promise<DraftRecord | undefined> {
    const record = this.drafts.get(id);
    return record && copy(record);
  }

  async putDraft(id: string, record: DraftRecord): Promise<void> {
    this.sweep(this.drafts);
    this.drafts.set(id, copy(record));
  }

  async replaceDraft(id: string, previous: DraftRecord, next: DraftRecord): Promise<boolean> {
    return replaceIfSame(this.drafts, id, previous, next);
  }

  async deleteDraft(id: string): Promise<void> {
    this.drafts.delete(id);
  }

  async recordFailure(kind: FailureKind, userName: string, nowMs: number, windowMs: number): Promise<number> {
    this.sweepCounters();
    const key = `${kind}:${userName}`;
    const recent = (this.failures.get(key)?.times ?? []).filter((t) => t > nowMs - windowMs);
    recent.push(nowMs);
    this.failures.set(key, { times: recent, expiresAt: nowMs + windowMs * 2 });
    return recent.length;
  }

  async countFailures(kind: FailureKind, userName: string, nowMs: number, windowMs: number): Promise<number> {
    return (this.failures.get(`${kind}:${userName}`)?.times ?? []).filter((t) => t > nowMs - windowMs).length;
  }

  async clearFailures(userName: string): Promise<void> {
    this.failures.delete(`password:${userName}`);
    this.failures.delete(`secretQuestions:${userName}`);
  }

  async getLock(userName: string): Promise<number | undefined> {
    const lock = this.locks.get(userName);
    return lock && lock.expiresAt > this.now() ? lock.until : undefined;
  }

  async setLock(userName: string, untilMs: number, durationMs: number): Promise<void> {
    this.sweepCounters();
    this.locks.set(userName, { until: untilMs, expiresAt: this.now() + Math.max(1, durationMs) });
  }

  async clearLock(userName: string): Promise<void> {
    this.locks.delete(userName);
  }

  async conversationAttempts(conversationKey: string): Promise<number> {
    return this.attemptsNow(conversationKey);
  }

  async addConversationAttempt(conversationKey: string): Promise<number> {
    this.sweepCounters();
    // No await between the read and the write: two attempts at once both count.
    const total = this.attemptsNow(conversationKey) + 1;
    this.attempts.set(conversationKey, {
      count: total,
      expiresAt: this.now() + CONVERSATION_ATTEMPTS_TTL_MS,
    });
    return total;
  }

  /** Counters and locks held, expired ones not swept yet included; for tests and diagnostics. */
  get counterCount(): number {
    return this.failures.size + this.locks.size + this.attempts.size;
  }

  /** Drops expired entries when adding one, so abandoned challenges and drafts do not accumulate. */
  private sweep(map: Map<string, { expiresAt: number }>): void {
    const now = this.now();
    for (const [id, record] of map) if (record.expiresAt <= now) map.delete(id);
  }

  /** Drops expired failure counts, locks and conversation counts, at most every minute. */
  private sweepCounters(): void {
    if (this.now() - this.lastCounterSweep < COUNTER_SWEEP_EVERY_MS) return;
    this.lastCounterSweep = this.now();
    this.sweep(this.failures);
    this.sweep(this.locks);
    this.sweep(this.attempts);
  }

  private attemptsNow(conversationKey: string): number {
    const found = this.attempts.get(conversationKey);
    return found && found.expiresAt > this.now() ? found.count : 0;
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

/** Compare-and-set, as the Redis store's script does: `next` replaces the entry only if it is still `previous`. */
function replaceIfSame<T>(entries: Map<string, T>, key: string, previous: T, next: T): boolean {
  const current = entries.get(key);
  if (current === undefined || JSON.stringify(current) !== JSON.stringify(previous)) return false;
  entries.set(key, copy(next));
  return true;
}
