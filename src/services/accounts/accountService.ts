import type { PolicyVerdict } from './passwordPolicy';
import type { SecretQuestionCatalogue } from './secretQuestionCatalogue';

/** Where an attempt comes from: counted per conversation and written to the audit log. */
export interface AttemptContext {
  /** The Bot Framework conversation id; only a hash of it is stored. */
  conversationId: string;
  /** The Bot Framework channel id. */
  channel: string;
}

/** Why no attempt may be made now. */
export type AccessRefusal =
  /** Too many failures for this user name: nothing is tried until `until`. */
  | { kind: 'locked'; until: Date }
  /** Too many attempts in this conversation, whatever the user names. */
  | { kind: 'conversationLimit' };

/** The start of a round of secret questions. */
export type ChallengeStart =
  | AccessRefusal
  /** The account exists but its eight questions were never chosen (the seed's error message). */
  | { kind: 'notConfigured' }
  | { kind: 'challenge'; challengeId: string; questionIds: string[] };

/** The verdict on a round of three answers; it never says which answer was wrong. */
export type ChallengeOutcome =
  | { kind: 'passed'; userName: string }
  | { kind: 'failed'; roundsLeft: number }
  | { kind: 'locked'; until: Date }
  /** The round was abandoned too long or never existed. */
  | { kind: 'expired' }
  /**
   * Another turn is ending this very round at this moment (its last answer sent twice at once, or on two
   * instances): that turn gives the outcome; this one has nothing true to say about it.
   */
  | { kind: 'inProgress' };

/** What became of an answer in a round of secret questions (see AccountService.answerChallenge). */
export type ChallengeAnswerVerdict = 'recorded' | 'ignored' | 'changed';

/**
 * What became of a new password: the policy's verdict, or `changedMeanwhile` when another turn changed the
 * account after this one read it (two new passwords sent at once, on two instances): that one stands.
 */
export type PasswordChangeVerdict = PolicyVerdict | { ok: false; reason: 'changedMeanwhile' };

/** The verdict on a user name and password. */
export type PasswordOutcome =
  | { kind: 'authenticated'; mustChangePassword: boolean; hasSecretQuestions: boolean }
  | { kind: 'failed' }
  /** The temporary password was right but is more than 24 hours old. */
  | { kind: 'temporaryExpired' }
  | AccessRefusal;

/** A temporary password, returned once so that it can be told to the user; only its hash is kept. */
export interface TemporaryPassword {
  value: string;
  expiresAt: Date;
}

/** What happened to one answer given while choosing secret questions. */
export type DraftAnswerVerdict =
  | 'saved'
  | 'tooShort'
  | 'tooLong'
  | 'alreadyChosen'
  /** The same answer (once normalized) as one already given to another question of this draft. */
  | 'sameAsAnother'
  | 'unknownQuestion'
  | 'expired'
  /** Another turn changed the draft after this one read it (an answer sent twice at once): nothing saved. */
  | 'changed';

/** What happened when the chosen questions were to be saved. */
export type DraftCommit =
  | 'saved'
  | 'incomplete'
  | 'expired'
  /** A « non » sent at the same moment (another instance) discarded it first: that turn answers. */
  | 'discarded';

/** Non-secret facts about an account, for an authenticated user. */
export interface AccountSummary {
  userName: string;
  displayName: string;
  hasSecretQuestions: boolean;
  mustChangePassword: boolean;
}

/** Why a password is being changed; it decides what the audit log says. */
export type PasswordChangeReason = 'reset' | 'firstLogin';

/**
 * The identity back-end as the dialogs see it. Secrets go in (passwords, answers) and only verdicts come
 * out; nothing secret is ever returned except a freshly issued temporary password, once. Failures are
 * counted per user name across conversations and instances, and every event is audited.
 *
 * An unknown but well-formed user name follows the same path as a known one: plausible questions (drawn, as
 * a known name's are, from eight that are always the same for the same name), the same failure verdicts,
 * similar timing.
 */
export interface AccountService {
  readonly catalogue: SecretQuestionCatalogue;

  /** Whether the user name may try to authenticate or reset now. */
  checkAccess(userName: string, attempt: AttemptContext): Promise<AccessRefusal | undefined>;

  /**
   * Draws three of the account's eight questions (or of eight decoys for an unknown name), none of `avoid`
   * (the previous round's, when the user tries again « avec trois autres questions »).
   */
  startChallenge(
    userName: string,
    purpose: 'reset' | 'authenticate',
    attempt: AttemptContext,
    avoid?: readonly string[],
  ): Promise<ChallengeStart>;
  /**
   * Records, silently, the answer to the question at `position` (0-based) of the round. An answer for a
   * position already answered is ignored and the first one stands: a turn repeated because its reply was
   * lost must not shift the answers onto the next questions, nor give a second try at the same question.
   * `changed`: another turn recorded an answer at the same moment (two answers at once, on two instances), after
   * this one read the round; that one stands and this one was not recorded.
   */
  answerChallenge(challengeId: string, position: number, answer: string): Promise<ChallengeAnswerVerdict>;
  /** Ends the round: passed only when all three answers matched. */
  finishChallenge(challengeId: string, attempt: AttemptContext): Promise<ChallengeOutcome>;

  /** Checks a user name and password (permanent or temporary). */
  authenticate(userName: string, password: string, attempt: AttemptContext): Promise<PasswordOutcome>;
  /** Applies the password policy, then replaces the password; call only for an authenticated user. */
  changePassword(
    userName: string,
    newPassword: string,
    attempt: AttemptContext,
    reason: PasswordChangeReason,
  ): Promise<PasswordChangeVerdict>;
  /** Replaces the password with a temporary one valid 24 hours; call only after a passed reset round. */
  issueTemporaryPassword(userName: string, attempt: AttemptContext): Promise<TemporaryPassword>;

  /** Facts about an account, or undefined when it does not exist; call only for an authenticated user. */
  summary(userName: string): Promise<AccountSummary | undefined>;

  /** Starts choosing secret questions; nothing changes until {@link commitDraft}. */
  startSecretQuestionDraft(userName: string): Promise<string>;
  /** Hashes and keeps one chosen question's answer in the draft. */
  addDraftAnswer(draftId: string, questionId: string, answer: string): Promise<DraftAnswerVerdict>;
  /** Replaces the account's questions with the draft's eight. */
  commitDraft(draftId: string, attempt: AttemptContext): Promise<DraftCommit>;
  /**
   * Drops the draft; false when it could not be, because a confirmation sent at the same moment (another
   * instance) already saved it.
   */
  discardDraft(draftId: string): Promise<boolean>;
}
