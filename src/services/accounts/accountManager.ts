import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { hashId, type Logger } from '../logger';
import type {
  AccessRefusal,
  AccountService,
  AccountSummary,
  AttemptContext,
  ChallengeOutcome,
  ChallengeStart,
  DraftAnswerVerdict,
  DraftCommit,
  ChallengeAnswerVerdict,
  PasswordChangeVerdict,
  PasswordChangeReason,
  PasswordOutcome,
  TemporaryPassword,
} from './accountService';
import type { AccountRecord, AccountStore, DraftRecord, FailureKind } from './accountStore';
import { MAX_ANSWER_LENGTH, MIN_ANSWER_LENGTH, normalizeAnswer } from './answers';
import type { AuditAction, AuditEvent, AuditLog } from './auditLog';
import type { PasswordPolicy } from './passwordPolicy';
import { hashSecret, verifySecret } from './secretHash';
import {
  QUESTIONS_PER_ACCOUNT,
  QUESTIONS_PER_CHALLENGE,
  type SecretQuestionCatalogue,
} from './secretQuestionCatalogue';

const MINUTE = 60_000;

/**
 * How long after choosing a password the same password, sent again, is taken as that choice confirmed rather
 * than refused as one of the last five: long enough for a retry after a "temporarily unavailable".
 */
const SAME_PASSWORD_AGAIN_MS = 15 * 60_000;

/** The numbers of the security rules (issue 3); tests may shorten none of them, only move the clock. */
export interface AccountRules {
  failedRoundsBeforeLock: number;
  failedPasswordsBeforeLock: number;
  failureWindowMs: number;
  lockMs: number;
  attemptsPerConversation: number;
  temporaryPasswordMs: number;
  challengeMs: number;
  draftMs: number;
  passwordHistory: number;
}

/** 3 failed rounds or 5 failed passwords within 30 minutes lock 30 minutes; 10 attempts per conversation. */
export const DEFAULT_ACCOUNT_RULES: AccountRules = {
  failedRoundsBeforeLock: 3,
  failedPasswordsBeforeLock: 5,
  failureWindowMs: 30 * MINUTE,
  lockMs: 30 * MINUTE,
  attemptsPerConversation: 10,
  temporaryPasswordMs: 24 * 60 * MINUTE,
  challengeMs: 15 * MINUTE,
  draftMs: 30 * MINUTE,
  passwordHistory: 5,
};

// No 0/O or 1/I: a temporary password is read out on the phone and copied by hand.
const TEMPORARY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random temporary password such as `K7PM-4QX2-9R` (about 50 bits). */
export function generateTemporaryPassword(): string {
  const chars = Array.from({ length: 10 }, () => TEMPORARY_ALPHABET[randomInt(TEMPORARY_ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

/** Temporary passwords are dictated and typed by hand: case and surrounding spaces do not matter. */
export function foldTemporary(password: string): string {
  return password.trim().toUpperCase();
}

/** Dependencies of {@link AccountManager}. */
export interface AccountManagerOptions {
  store: AccountStore;
  audit: AuditLog;
  catalogue: SecretQuestionCatalogue;
  policy: PasswordPolicy;
  clock: Clock;
  logger: Logger;
  rules?: Partial<AccountRules>;
}

/**
 * The {@link AccountService} over an {@link AccountStore}: with a MemoryAccountStore it is the in-memory
 * implementation, with a RedisAccountStore the Redis one. All business rules live here, once.
 */
export class AccountManager implements AccountService {
  readonly catalogue: SecretQuestionCatalogue;
  private readonly store: AccountStore;
  private readonly audit: AuditLog;
  private readonly policy: PasswordPolicy;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly rules: AccountRules;
  /** Unknown user names are checked against this hash, so that they cost as much time as real ones. */
  private readonly decoyHash: Promise<string>;

  constructor(options: AccountManagerOptions) {
    this.store = options.store;
    this.audit = options.audit;
    this.catalogue = options.catalogue;
    this.policy = options.policy;
    this.clock = options.clock;
    this.logger = options.logger;
    this.rules = { ...DEFAULT_ACCOUNT_RULES, ...options.rules };
    this.decoyHash = hashSecret(randomBytes(16).toString('hex'));
  }

  async checkAccess(userName: string, attempt: AttemptContext): Promise<AccessRefusal | undefined> {
    const conversation = hashId(attempt.conversationId);
    if ((await this.store.conversationAttempts(conversation)) >= this.rules.attemptsPerConversation) {
      await this.record('conversationLimitReached', 'refused', userName, attempt);
      return { kind: 'conversationLimit' };
    }
    const until = await this.lockedUntil(userName);
    if (until) {
      await this.record('refusedWhileLocked', 'refused', userName, attempt);
      return { kind: 'locked', until };
    }
    const overdue = await this.overdueLock(userName, attempt);
    if (overdue) return { kind: 'locked', until: overdue };
    return undefined;
  }

  /**
   * Locks the user name now if failures already reached the limit without locking it: Redis counted the last
   * failure but its answer was lost (a dropped connection), so the turn failed before it could set the lock.
   */
  private async overdueLock(userName: string, attempt: AttemptContext): Promise<Date | undefined> {
    const now = this.now();
    // Side by side: this runs before every sign-in and every round.
    const [passwords, rounds] = await Promise.all(
      (['password', 'secretQuestions'] as const).map((kind) =>
        this.store.countFailures(kind, userName, now, this.rules.failureWindowMs),
      ),
    );
    if (passwords >= this.rules.failedPasswordsBeforeLock) return this.lock('password', userName, attempt);
    if (rounds >= this.rules.failedRoundsBeforeLock) return this.lock('secretQuestions', userName, attempt);
    return undefined;
  }

  async startChallenge(
    userName: string,
    purpose: 'reset' | 'authenticate',
    attempt: AttemptContext,
    avoid: readonly string[] = [],
  ): Promise<ChallengeStart> {
    const refusal = await this.checkAccess(userName, attempt);
    if (refusal) return refusal;
    const account = await this.store.getAccount(userName);
    let onFile: string[];
    if (account) {
      if (account.secretAnswers.length < QUESTIONS_PER_ACCOUNT) {
        await this.record('resetRefusedNoQuestions', 'refused', userName, attempt, purpose);
        return { kind: 'notConfigured' };
      }
      onFile = account.secretAnswers.map((a) => a.questionId);
    } else {
      onFile = await this.decoyQuestions(userName);
    }
    // « Trois autres questions »: with eight on file, five are left that the last round did not ask.
    const fresh = onFile.filter((id) => !avoid.includes(id));
    const questionIds = pickRandom(
      fresh.length >= QUESTIONS_PER_CHALLENGE ? fresh : onFile,
      QUESTIONS_PER_CHALLENGE,
    );
    const challengeId = randomUUID();
    await this.store.putChallenge(challengeId, {
      userName,
      purpose,
      questionIds,
      answered: 0,
      correct: 0,
      expiresAt: this.now() + this.rules.challengeMs,
    });
    return { kind: 'challenge', challengeId, questionIds };
  }

  async answerChallenge(
    challengeId: string,
    position: number,
    answer: string,
  ): Promise<ChallengeAnswerVerdict> {
    const challenge = await this.store.getChallenge(challengeId);
    if (!challenge || challenge.ended || challenge.expiresAt <= this.now()) return 'ignored';
    if (position !== challenge.answered || challenge.answered >= challenge.questionIds.length)
      return 'ignored';
    const questionId = challenge.questionIds[challenge.answered];
    const account = await this.store.getAccount(challenge.userName);
    const stored = account?.secretAnswers.find((a) => a.questionId === questionId)?.answerHash;
    const matches = await verifySecret(normalizeAnswer(answer), stored ?? (await this.decoyHash));
    const next = {
      ...challenge,
      answered: challenge.answered + 1,
      correct: challenge.correct + (matches && stored ? 1 : 0),
    };
    // Only over the round as read: of two answers at once (one right, one wrong, on two instances), the one
    // recorded is the one whose turn goes on; the other turn is refused. Nor over a round ended meanwhile.
    return (await this.store.replaceChallenge(challengeId, challenge, next)) ? 'recorded' : 'changed';
  }

  async finishChallenge(challengeId: string, attempt: AttemptContext): Promise<ChallengeOutcome> {
    const challenge = await this.store.getChallenge(challengeId);
    // Taken by whoever ends it: the same last answer sent twice at once (a double click, two instances)
    // reads the challenge twice, but must end, and count as a failed round, once.
    const taken = await this.store.endChallenge(challengeId);
    if (!challenge || challenge.expiresAt <= this.now()) return { kind: 'expired' };
    // Ended by the other turn, before or after this one read it: « délai écoulé » would contradict its reply.
    if (challenge.ended || !taken) return { kind: 'inProgress' };
    const { userName, purpose } = challenge;
    // Another conversation may have locked the name while this one was answering.
    const until = await this.lockedUntil(userName);
    if (until) return { kind: 'locked', until };
    await this.store.addConversationAttempt(hashId(attempt.conversationId));
    // Counted before the outcome, as a password is: rounds ending at once in several conversations would all
    // pass the lock check above, and one of many guesses raced together could pass after the limit.
    const reserved = await this.reserveFailure('secretQuestions', userName, attempt);
    if (reserved.locked) return { kind: 'locked', until: reserved.locked };
    const total = challenge.questionIds.length;
    if (challenge.answered === total && challenge.correct === total) {
      await this.store.clearFailures(userName);
      await this.record('secretQuestionRoundPassed', 'success', userName, attempt, purpose);
      return { kind: 'passed', userName };
    }
    await this.record('secretQuestionRoundFailed', 'failure', userName, attempt, purpose);
    const locked = await this.lockAtLimit('secretQuestions', userName, reserved.count, attempt);
    if (locked) return { kind: 'locked', until: locked };
    return { kind: 'failed', roundsLeft: this.rules.failedRoundsBeforeLock - reserved.count };
  }

  async authenticate(userName: string, password: string, attempt: AttemptContext): Promise<PasswordOutcome> {
    const refusal = await this.checkAccess(userName, attempt);
    if (refusal) return refusal;
    await this.store.addConversationAttempt(hashId(attempt.conversationId));
    // Counted before the check, not after: sign-ins sent at once from several conversations all pass the lock
    // check before any is found wrong, and counted afterwards each would have had its password checked.
    const reserved = await this.reserveFailure('password', userName, attempt);
    if (reserved.locked) return { kind: 'locked', until: reserved.locked };
    const account = await this.store.getAccount(userName);
    const stored = account?.password;
    const candidate = stored?.temporary ? foldTemporary(password) : password;
    const matches = await verifySecret(candidate, stored?.hash ?? (await this.decoyHash));
    if (account && stored && matches) {
      if (stored.temporary && (!stored.expiresAt || Date.parse(stored.expiresAt) <= this.now())) {
        await this.record('authenticationFailed', 'refused', userName, attempt, 'temporaryExpired');
        return { kind: 'temporaryExpired' };
      }
      await this.store.clearFailures(userName);
      await this.record(
        'authenticationSucceeded',
        'success',
        userName,
        attempt,
        stored.temporary ? 'temporaryPassword' : 'password',
      );
      return {
        kind: 'authenticated',
        mustChangePassword: stored.temporary,
        hasSecretQuestions: account.secretAnswers.length >= QUESTIONS_PER_ACCOUNT,
      };
    }
    await this.record('authenticationFailed', 'failure', userName, attempt, 'password');
    const locked = await this.lockAtLimit('password', userName, reserved.count, attempt);
    return locked ? { kind: 'locked', until: locked } : { kind: 'failed' };
  }

  async changePassword(
    userName: string,
    newPassword: string,
    attempt: AttemptContext,
    reason: PasswordChangeReason,
  ): Promise<PasswordChangeVerdict> {
    const account = await this.requireAccount(userName);
    const read = JSON.parse(JSON.stringify(account)) as AccountRecord;
    const verdict = await this.policy.evaluate(newPassword, userName, account.displayName.split(/\s+/));
    if (!verdict.ok) return verdict;
    // The same password sent again just after it was saved: the turn that saved it may have lost its answer
    // (Redis applied the write after the connection that carried it was dropped) and told the user it failed.
    // The current password is also the history's first entry: one derivation serves both checks below.
    const matchesHash = onceEach((hash: string) => verifySecret(newPassword, hash));
    const again = await this.justChosen(account, matchesHash);
    if (!again) {
      if (await this.recentlyUsed(account, newPassword, matchesHash))
        return { ok: false, reason: 'recentlyUsed' };
      const hash = await hashSecret(newPassword);
      account.password = { hash, temporary: false, setAt: this.clock.now().toISOString() };
      account.passwordHistory = [hash, ...account.passwordHistory].slice(0, this.rules.passwordHistory);
      // Only over the account as read: of two different new passwords at once, both were confirmed and one
      // kept. The same one sent twice at once (a double submit) is saved by either and confirmed to both.
      if (!(await this.save(account, read))) {
        const now = await this.store.getAccount(userName);
        if (!now || !(await this.justChosen(now, matchesHash)))
          return { ok: false, reason: 'changedMeanwhile' };
      }
    }
    // Again too: the turn that lost its answer most likely lost its audit line with it.
    await this.record(
      reason === 'reset' ? 'passwordReset' : 'passwordChanged',
      'success',
      userName,
      attempt,
      reason,
    );
    return { ok: true };
  }

  async issueTemporaryPassword(userName: string, attempt: AttemptContext): Promise<TemporaryPassword> {
    const account = await this.requireAccount(userName);
    const value = generateTemporaryPassword();
    const expiresAt = new Date(this.now() + this.rules.temporaryPasswordMs);
    account.password = {
      hash: await hashSecret(foldTemporary(value)),
      temporary: true,
      expiresAt: expiresAt.toISOString(),
    };
    await this.save(account);
    await this.record('passwordReset', 'success', userName, attempt, 'temporaryPassword');
    await this.record('temporaryPasswordIssued', 'success', userName, attempt);
    return { value, expiresAt };
  }

  async summary(userName: string): Promise<AccountSummary | undefined> {
    const account = await this.store.getAccount(userName);
    if (!account) return undefined;
    return {
      userName: account.userName,
      displayName: account.displayName,
      hasSecretQuestions: account.secretAnswers.length >= QUESTIONS_PER_ACCOUNT,
      mustChangePassword: account.password?.temporary ?? false,
    };
  }

  async startSecretQuestionDraft(userName: string): Promise<string> {
    await this.requireAccount(userName);
    const draftId = randomUUID();
    await this.store.putDraft(draftId, { userName, answers: [], expiresAt: this.now() + this.rules.draftMs });
    return draftId;
  }

  async addDraftAnswer(draftId: string, questionId: string, answer: string): Promise<DraftAnswerVerdict> {
    const draft = await this.store.getDraft(draftId);
    if (!draft || draft.committed || draft.discarded || draft.expiresAt <= this.now()) return 'expired';
    if (!this.catalogue.has(questionId)) return 'unknownQuestion';
    if (draft.answers.some((a) => a.questionId === questionId)) return 'alreadyChosen';
    const normalized = normalizeAnswer(answer);
    if (normalized.length < MIN_ANSWER_LENGTH) return 'tooShort';
    if (normalized.length > MAX_ANSWER_LENGTH) return 'tooLong';
    // One answer to several questions would let whoever learns it pass many rounds. The draft keeps only
    // hashes, so each earlier answer is checked as a round would check it: up to seven derivations, side by side.
    const repeats = await Promise.all(draft.answers.map((a) => verifySecret(normalized, a.answerHash)));
    if (repeats.some(Boolean)) return 'sameAsAnother';
    const next: DraftRecord = {
      ...draft,
      answers: [...draft.answers, { questionId, answerHash: await hashSecret(normalized) }],
      expiresAt: this.now() + this.rules.draftMs,
    };
    // Only over the draft as read: of two answers at once, the one whose turn is refused must not be the one kept.
    return (await this.store.replaceDraft(draftId, draft, next)) ? 'saved' : 'changed';
  }

  async commitDraft(draftId: string, attempt: AttemptContext): Promise<DraftCommit> {
    let draft = await this.store.getDraft(draftId);
    if (!draft || draft.expiresAt <= this.now()) return 'expired';
    if (draft.discarded) return 'discarded';
    if (draft.answers.length !== QUESTIONS_PER_ACCOUNT) return 'incomplete';
    // Claimed first, over the draft as read: a « non » sent at the same moment (two instances) either discarded
    // it before, and nothing is saved, or finds it claimed and is refused; never « rien n'a été modifié » next to
    // « enregistrées ». The same « oui » sent twice finds it claimed and saves it again, which changes nothing.
    let claimed = false;
    if (!draft.committed) {
      claimed = await this.store.replaceDraft(draftId, draft, { ...draft, committed: true });
      if (!claimed) {
        draft = await this.store.getDraft(draftId);
        if (!draft?.committed) return draft?.discarded ? 'discarded' : 'expired';
      }
    }
    const account = await this.requireAccount(draft.userName);
    account.secretAnswers = draft.answers;
    await this.save(account);
    if (claimed) await this.record('secretQuestionsChanged', 'success', draft.userName, attempt);
    return 'saved';
  }

  async discardDraft(draftId: string): Promise<boolean> {
    const draft = await this.store.getDraft(draftId);
    if (!draft || draft.discarded) return true;
    if (draft.committed) return false;
    const discarded = { ...draft, answers: [], discarded: true };
    if (await this.store.replaceDraft(draftId, draft, discarded)) return true;
    return !(await this.store.getDraft(draftId))?.committed;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private async lockedUntil(userName: string): Promise<Date | undefined> {
    const until = await this.store.getLock(userName);
    return until !== undefined && until > this.now() ? new Date(until) : undefined;
  }

  private limitOf(kind: FailureKind): number {
    return kind === 'password' ? this.rules.failedPasswordsBeforeLock : this.rules.failedRoundsBeforeLock;
  }

  /**
   * Counts an attempt as failed before it is checked; a success clears the count. An attempt counted past
   * the limit is not checked at all, and is refused as locked: the attempts counted before it, still being
   * checked in other turns or processes, use up every try the rules allow.
   */
  private async reserveFailure(
    kind: FailureKind,
    userName: string,
    attempt: AttemptContext,
  ): Promise<{ count: number; locked?: Date }> {
    const count = await this.store.recordFailure(kind, userName, this.now(), this.rules.failureWindowMs);
    // Read after the count: a racing lock clears the count, so a count that starts again is seen with the lock
    // that cleared it (a sign-in already spends far longer on the secret's hash than on this read).
    const until = await this.lockedUntil(userName);
    if (count <= this.limitOf(kind) && !until) return { count };
    await this.record('refusedWhileLocked', 'refused', userName, attempt);
    // Not locked here: the attempt at the limit, still being checked, locks the name if it fails (once).
    return { count, locked: until ?? new Date(this.now() + this.rules.lockMs) };
  }

  /** Locks the user name when a failed attempt's count reached the limit, unless a racing one locked it. */
  private async lockAtLimit(
    kind: FailureKind,
    userName: string,
    count: number,
    attempt: AttemptContext,
  ): Promise<Date | undefined> {
    if (count < this.limitOf(kind)) return undefined;
    return (await this.lockedUntil(userName)) ?? (await this.lock(kind, userName, attempt));
  }

  /** Locks the user name after too many failures of that kind; returns the end of the lock. */
  private async lock(kind: FailureKind, userName: string, attempt: AttemptContext): Promise<Date> {
    const until = new Date(this.now() + this.rules.lockMs);
    await this.store.setLock(userName, until.getTime(), this.rules.lockMs);
    // A fresh count after the lock: the user gets the full number of tries again once it ends.
    await this.store.clearFailures(userName);
    await this.record('lockout', 'refused', userName, attempt, kind);
    this.logger.warn(
      { event: 'accounts', action: 'lockout', user: hashId(userName), kind, until: until.toISOString() },
      'account locked after repeated failures',
    );
    return until;
  }

  /**
   * Whether the candidate is the permanent password the user chose within the last few minutes.
   * `matchesHash` tells whether the candidate matches a stored hash.
   */
  private async justChosen(
    account: AccountRecord,
    matchesHash: (hash: string) => Promise<boolean>,
  ): Promise<boolean> {
    const current = account.password;
    if (!current || current.temporary || !current.setAt) return false;
    const age = this.now() - Date.parse(current.setAt);
    if (!(age >= 0 && age <= SAME_PASSWORD_AGAIN_MS)) return false;
    return matchesHash(current.hash);
  }

  private async recentlyUsed(
    account: AccountRecord,
    candidate: string,
    matchesHash: (hash: string) => Promise<boolean>,
  ): Promise<boolean> {
    // Side by side rather than one after the other: each derivation waits for a libuv thread, and under load
    // five waits in a row made this one turn several seconds long.
    const current = account.password;
    const checks = account.passwordHistory.map(matchesHash);
    if (current?.temporary) checks.push(verifySecret(foldTemporary(candidate), current.hash));
    return (await Promise.all(checks)).some(Boolean);
  }

  private async requireAccount(userName: string): Promise<AccountRecord> {
    const account = await this.store.getAccount(userName);
    // The dialogs only call this after authentication, so a missing account is a programming error.
    if (!account) throw new Error('Accounts: operation on an account that does not exist.');
    return account;
  }

  /** Saves the account; with `read`, only if it is still as read (false otherwise). */
  private async save(account: AccountRecord, read?: AccountRecord): Promise<boolean> {
    delete account.demoSeed;
    account.updatedAt = this.clock.now().toISOString();
    if (read) return this.store.replaceAccount(read, account);
    await this.store.putAccount(account);
    return true;
  }

  /**
   * An unknown name's eight questions on file, derived from the name with the store's secret key: the same
   * eight every time, from which each round draws three at random as it does for a known name. Always the
   * same three would tell, after two rounds, that no account has this name.
   */
  private async decoyQuestions(userName: string): Promise<string[]> {
    const digest = createHmac('sha256', await this.store.secretKey())
      .update(userName)
      .digest();
    const pool = this.catalogue.ids;
    const chosen: string[] = [];
    // 32 bytes of digest: one 4-byte draw for each of the eight.
    for (let i = 0; i < QUESTIONS_PER_ACCOUNT; i += 1) {
      chosen.push(pool.splice(digest.readUInt32BE(i * 4) % pool.length, 1)[0]);
    }
    return chosen;
  }

  private async record(
    action: AuditAction,
    outcome: AuditEvent['outcome'],
    userName: string,
    attempt: AttemptContext,
    detail?: string,
  ): Promise<void> {
    const event: AuditEvent = {
      time: this.clock.now().toISOString(),
      userName,
      channel: attempt.channel,
      action,
      outcome,
    };
    if (detail) event.detail = detail;
    try {
      await this.audit.append(event);
    } catch (error) {
      // An audit outage must not lock users out of their accounts; it is reported for operators instead.
      this.logger.error(
        { event: 'accounts', action, err: { name: (error as Error)?.name } },
        'audit log append failed',
      );
    }
  }
}

/** `count` distinct items drawn uniformly at random. */
function pickRandom<T>(items: T[], count: number): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(randomInt(pool.length), 1)[0]);
  return chosen;
}

/** `compute`, run once per distinct key: later calls with the same key share the first call's promise. */
function onceEach<T>(compute: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const results = new Map<string, Promise<T>>();
  return (key) => {
    let result = results.get(key);
    if (!result) {
      result = compute(key);
      results.set(key, result);
    }
    return result;
  };
}
