import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { AccountRecord, AccountStore, ChallengeRecord, DraftRecord, FailureKind } from './accountStore';

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
  private readonly failures = new Map<string, number[]>();
  private readonly locks = new Map<string, number>();
  private readonly attempts = new Map<string, number>();
  private readonly key = randomBytes(32);

  /** @param clock - used only to drop expired challenges and drafts, so that memory stays bounded. */
  constructor(private readonly clock: Clock) {}

  async getAccount(userName: string): Promise<AccountRecord | undefined> {
    const record = this.accounts.get(userName);
    return record && copy(record);
  }

  async putAccount(record: AccountRecord): Promise<void> {
    this.accounts.set(record.userName, copy(record));
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

  async updateChallenge(id: string, record: ChallengeRecord): Promise<void> {
    if (this.challenges.has(id)) this.challenges.set(id, copy(record));
  }

  async deleteChallenge(id: string): Promise<boolean> {
    return this.challenges.delete(id);
  }

  async getDraft(id: string): Promise<DraftRecord | undefined> {
    const record = this.drafts.get(id);
    return record && copy(record);
  }

  async putDraft(id: string, record: DraftRecord): Promise<void> {
    this.sweep(this.drafts);
    this.drafts.set(id, copy(record));
  }

  async deleteDraft(id: string): Promise<void> {
    this.drafts.delete(id);
  }

  async recordFailure(kind: FailureKind, userName: string, nowMs: number, windowMs: number): Promise<number> {
    const key = `${kind}:${userName}`;
    const recent = (this.failures.get(key) ?? []).filter((t) => t > nowMs - windowMs);
    recent.push(nowMs);
    this.failures.set(key, recent);
    return recent.length;
  }

  async countFailures(kind: FailureKind, userName: string, nowMs: number, windowMs: number): Promise<number> {
    return (this.failures.get(`${kind}:${userName}`) ?? []).filter((t) => t > nowMs - windowMs).length;
  }

  async clearFailures(userName: string): Promise<void> {
    this.failures.delete(`password:${userName}`);
    this.failures.delete(`secretQuestions:${userName}`);
  }

  async getLock(userName: string): Promise<number | undefined> {
    return this.locks.get(userName);
  }

  async setLock(userName: string, untilMs: number): Promise<void> {
    this.locks.set(userName, untilMs);
  }

  async clearLock(userName: string): Promise<void> {
    this.locks.delete(userName);
  }

  async conversationAttempts(conversationKey: string): Promise<number> {
    return this.attempts.get(conversationKey) ?? 0;
  }

  async addConversationAttempt(conversationKey: string): Promise<number> {
    const total = (this.attempts.get(conversationKey) ?? 0) + 1;
    this.attempts.set(conversationKey, total);
    return total;
  }

  /** Drops expired entries when adding one, so abandoned challenges and drafts do not accumulate. */
  private sweep(map: Map<string, { expiresAt: number }>): void {
    const now = this.clock.now().getTime();
    for (const [id, record] of map) if (record.expiresAt <= now) map.delete(id);
  }
}
