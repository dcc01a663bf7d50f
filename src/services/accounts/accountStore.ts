/** A user's current password, stored only as a hash. */
export interface StoredPassword {
  hash: string;
  /** A temporary password must be replaced at the next login and stops working at `expiresAt`. */
  temporary: boolean;
  /** ISO date-time; only for temporary passwords. */
  expiresAt?: string;
  /** ISO date-time the user chose this (permanent) password; absent from older records. */
  setAt?: string;
}

/** One chosen secret question with the hash of its normalized answer. */
export interface StoredSecretAnswer {
  questionId: string;
  answerHash: string;
}

/** An online-services account as the bot stores it: no secret in clear, ever. */
export interface AccountRecord {
  /** Normalized user name, e.g. `CE100001`. */
  userName: string;
  displayName: string;
  role: string;
  password?: StoredPassword;
  /** Hashes of the last permanent passwords, newest (the current one) first; at most five. */
  passwordHistory: string[];
  /** Empty until the user has chosen their eight questions. */
  secretAnswers: StoredSecretAnswer[];
  /** True while the record is exactly as the demo data created it; any change clears it. */
  demoSeed?: boolean;
  updatedAt: string;
}

/** What a reset or voice authentication is asking, kept server-side so answers never reach dialog state. */
export interface ChallengeRecord {
  userName: string;
  purpose: 'reset' | 'authenticate';
  questionIds: string[];
  /** How many answers were given and how many matched; which one failed is never kept. */
  answered: number;
  correct: number;
  /** Epoch ms, by the bot's clock. */
  expiresAt: number;
  /**
   * Set by {@link AccountStore.endChallenge}: the round is over, and is kept so until it would have expired, so
   * that a turn ending it at the same moment learns it was ended by another, not that it expired.
   */
  ended?: boolean;
}

/** Secret questions being chosen: answers are hashed at once and saved only when the user confirms. */
export interface DraftRecord {
  userName: string;
  answers: StoredSecretAnswer[];
  /** Epoch ms, by the bot's clock. */
  expiresAt: number;
  /**
   * Set when a confirmation claims the draft, just before it is saved to the account; kept until it would have
   * expired: the same confirmation sent twice at once (a double click, two instances) then finds it saved
   * rather than gone, and a « non » sent at the same moment finds it saved rather than discarded.
   */
  committed?: boolean;
  /** Set, with the answers dropped, when the user declined to save it. */
  discarded?: boolean;
}

/** The two kinds of failure counted per user name. */
export type FailureKind = 'password' | 'secretQuestions';

/**
 * Persistence behind the account service: memory for a single instance, Redis to share accounts, counters
 * and locks across instances. It stores what it is given and holds no business rule, except that times are
 * the bot's clock (passed in), so a fixed clock in tests and demos governs windows and locks.
 */
export interface AccountStore {
  getAccount(userName: string): Promise<AccountRecord | undefined>;
  putAccount(record: AccountRecord): Promise<void>;
  /**
   * Replaces the account only if it is still exactly `previous`, as read: two changes of one account at once
   * (two instances) must not both be confirmed while one silently undoes the other. True when replaced.
   */
  replaceAccount(previous: AccountRecord, next: AccountRecord): Promise<boolean>;
  /** Writes a demo record where none exists, or over one that is still an untouched demo seed. */
  seedAccount(record: AccountRecord): Promise<'written' | 'kept'>;

  /** A random key shared by every instance, created on first use; used to derive decoy questions. */
  secretKey(): Promise<Buffer>;

  getChallenge(id: string): Promise<ChallengeRecord | undefined>;
  putChallenge(id: string, record: ChallengeRecord): Promise<void>;
  /**
   * Replaces the challenge only if it is still exactly `previous`, as read: one ended meanwhile stays ended, and
   * of two answers to one question at once only one is recorded. True when replaced.
   */
  replaceChallenge(id: string, previous: ChallengeRecord, next: ChallengeRecord): Promise<boolean>;
  /** Marks the challenge ended; true when this call ended it (of two at once, only one does). */
  endChallenge(id: string): Promise<boolean>;

  getDraft(id: string): Promise<DraftRecord | undefined>;
  putDraft(id: string, record: DraftRecord): Promise<void>;
  /**
   * Replaces the draft only if it is still exactly `previous`, as read: another turn of the conversation (the
   * same question answered twice at once, on two instances) may have changed it since. True when replaced.
   */
  replaceDraft(id: string, previous: DraftRecord, next: DraftRecord): Promise<boolean>;
  deleteDraft(id: string): Promise<void>;

  /** Records one failure at `nowMs` and returns how many of that kind fall within the window ending now. */
  recordFailure(kind: FailureKind, userName: string, nowMs: number, windowMs: number): Promise<number>;
  /** How many failures of that kind fall within the window ending at `nowMs`, without recording one. */
  countFailures(kind: FailureKind, userName: string, nowMs: number, windowMs: number): Promise<number>;
  clearFailures(userName: string): Promise<void>;
  /** The end of the user name's lock (epoch ms), if one was set; the caller compares it with its clock. */
  getLock(userName: string): Promise<number | undefined>;
  setLock(userName: string, untilMs: number, durationMs: number): Promise<void>;
  clearLock(userName: string): Promise<void>;

  /** Attempts made in one conversation (key: a hash of its id). */
  conversationAttempts(conversationKey: string): Promise<number>;
  /** Adds one attempt and returns the new total. */
  addConversationAttempt(conversationKey: string): Promise<number>;
}
