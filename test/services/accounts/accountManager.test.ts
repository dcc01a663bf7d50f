import crypto from 'node:crypto';
import { AccountManager } from '../../../src/services/accounts/accountManager';
import type { AccountRecord, FailureKind } from '../../../src/services/accounts/accountStore';
import { MemoryAuditLog } from '../../../src/services/accounts/auditLog';
import { demoAccountRecords } from '../../../src/services/accounts/demoAccounts';
import { MemoryAccountStore } from '../../../src/services/accounts/memoryAccountStore';
import { PasswordPolicy } from '../../../src/services/accounts/passwordPolicy';
import { loadSecretQuestionCatalogue } from '../../../src/services/accounts/secretQuestionCatalogue';
import { normalizeAnswer } from '../../../src/services/accounts/answers';
import { verifySecret } from '../../../src/services/accounts/secretHash';
import { FixedClock } from '../../../src/services/clock';
import { createLogger } from '../../../src/services/logger';
import { attemptFrom, CLOCK_START, JULIE } from '../../helpers/accounts';

jest.setTimeout(60_000);

/**
 * An AccountManager over a store seeded with the demo accounts; `makeStore` builds the store (a memory store
 * unless a test needs one that holds or loses an answer).
 */
async function seededAccountManager<S extends MemoryAccountStore = MemoryAccountStore>(
  makeStore: (clock: FixedClock) => S = (clock) => new MemoryAccountStore(clock) as S,
) {
  const clock = new FixedClock(CLOCK_START);
  const catalogue = loadSecretQuestionCatalogue();
  const store = makeStore(clock);
  for (const record of await demoAccountRecords(clock, catalogue)) await store.seedAccount(record);
  const audit = new MemoryAuditLog();
  const accounts = new AccountManager({
    store,
    audit,
    catalogue,
    policy: new PasswordPolicy(),
    clock,
    logger: createLogger('silent'),
  });
  return { accounts, audit, catalogue, clock, store };
}

/** A store whose next failure count is applied but its answer lost, as when Redis's connection drops. */
class AnswerLosingStore extends MemoryAccountStore {
  loseNextFailureAnswer = false;

  override async recordFailure(kind: FailureKind, userName: string, nowMs: number, windowMs: number) {
    const count = await super.recordFailure(kind, userName, nowMs, windowMs);
    if (this.loseNextFailureAnswer) {
      this.loseNextFailureAnswer = false;
      throw new Error('Socket closed unexpectedly');
    }
    return count;
  }
}

describe('AccountManager when a failure is counted but its answer is lost', () => {
  it('locks the user name at the next attempt instead of allowing another round', async () => {
    const { accounts, audit, store } = await seededAccountManager((clock) => new AnswerLosingStore(clock));
    const failRound = async (conversation: string) => {
      const start = await accounts.startChallenge(JULIE.userName, 'reset', attemptFrom(conversation));
      if (start.kind !== 'challenge') return start;
      for (let i = 0; i < start.questionIds.length; i += 1) {
        await accounts.answerChallenge(start.challengeId, i, 'mauvaise réponse');
      }
      return accounts.finishChallenge(start.challengeId, attemptFrom(conversation));
    };

    expect(await failRound('a')).toMatchObject({ kind: 'failed' });
    expect(await failRound('b')).toMatchObject({ kind: 'failed' });
    // The third failure is counted, but the turn fails before the lock is set.
    store.loseNextFailureAnswer = true;
    await expect(failRound('c')).rejects.toThrow(/Socket closed/);

    const next = await accounts.startChallenge(JULIE.userName, 'reset', attemptFrom('d'));
    expect(next).toMatchObject({ kind: 'locked', until: new Date(CLOCK_START.getTime() + 30 * 60_000) });
    expect((await audit.recent()).filter((e) => e.action === 'lockout')).toHaveLength(1);
    await expect(
      accounts.authenticate(JULIE.userName, JULIE.password, attemptFrom('e')),
    ).resolves.toMatchObject({
      kind: 'locked',
    });
  });
});

/** A store that can hold the next account read, as a slow secret check holds one of two turns. */
class GatedStore extends MemoryAccountStore {
  gate: Promise<void> | undefined;

  override async getAccount(userName: string): Promise<AccountRecord | undefined> {
    const gate = this.gate;
    this.gate = undefined;
    if (gate) await gate;
    return super.getAccount(userName);
  }
}

describe('AccountManager when the last answer of a round comes twice at once', () => {
  it('counts one failed round even when the slower answer is saved after the round ended', async () => {
    const { accounts, store } = await seededAccountManager((clock) => new GatedStore(clock));
    const round = async (conversation: string) => {
      const start = await accounts.startChallenge(JULIE.userName, 'reset', attemptFrom(conversation));
      if (start.kind !== 'challenge') throw new Error(start.kind);
      return start.challengeId;
    };

    const id = await round('twice');
    await accounts.answerChallenge(id, 0, 'mauvaise réponse');
    await accounts.answerChallenge(id, 1, 'mauvaise réponse');
    let release = () => undefined as void;
    store.gate = new Promise<void>((resolve) => (release = resolve));
    // The slower turn has read the challenge; the faster one answers and ends the round meanwhile.
    const slower = accounts.answerChallenge(id, 2, 'mauvaise réponse');
    await accounts.answerChallenge(id, 2, 'mauvaise réponse');
    expect(await accounts.finishChallenge(id, attemptFrom('twice'))).toMatchObject({ kind: 'failed' });
    release();
    await slower;
    expect(await accounts.finishChallenge(id, attemptFrom('twice'))).toEqual({ kind: 'inProgress' });

    // Two more failed rounds, not one, before the lock.
    for (const [conversation, kind] of [
      ['after-1', 'failed'],
      ['after-2', 'locked'],
    ]) {
      const next = await round(conversation);
      for (let i = 0; i < 3; i += 1) await accounts.answerChallenge(next, i, 'mauvaise réponse');
      expect(await accounts.finishChallenge(next, attemptFrom(conversation))).toMatchObject({ kind });
    }
  });
});

describe('AccountManager when guesses are raced from many conversations at once', () => {
  it('checks no more than five passwords, and a right one raced after five wrong ones does not sign in', async () => {
    const { accounts, audit } = await seededAccountManager();
    // Eleven wrong passwords and the right one, all sent before any is answered.
    const guesses = [...Array.from({ length: 11 }, (_, i) => `Mauvais-Essai-${i}`), 'Bureau-Levis-2026-Nord'];
    const outcomes = await Promise.all(
      guesses.map((guess, i) => accounts.authenticate('CE100002', guess, attemptFrom(`race-${i}`))),
    );
    expect(outcomes.filter((o) => o.kind === 'failed')).toHaveLength(4);
    expect(outcomes.filter((o) => o.kind === 'locked')).toHaveLength(8);
    expect(outcomes[outcomes.length - 1]).toMatchObject({ kind: 'locked' });
    expect((await audit.recent()).filter((e) => e.action === 'lockout')).toHaveLength(1);
    await expect(
      accounts.authenticate('CE100002', 'Bureau-Levis-2026-Nord', attemptFrom('after')),
    ).resolves.toMatchObject({ kind: 'locked' });
  });

  it('ends no more than three rounds of secret questions, and a right round raced after them does not pass', async () => {
    const { accounts } = await seededAccountManager();
    const rounds = [];
    for (let i = 0; i < 6; i += 1) {
      const start = await accounts.startChallenge(JULIE.userName, 'reset', attemptFrom(`round-${i}`));
      if (start.kind !== 'challenge') throw new Error(start.kind);
      const right = i === 5;
      for (const [position, questionId] of start.questionIds.entries()) {
        await accounts.answerChallenge(
          start.challengeId,
          position,
          right ? JULIE.answers[questionId] : 'mauvaise réponse',
        );
      }
      rounds.push({ id: start.challengeId, conversation: `round-${i}` });
    }
    const outcomes = await Promise.all(
      rounds.map((r) => accounts.finishChallenge(r.id, attemptFrom(r.conversation))),
    );
    expect(outcomes.map((o) => o.kind)).toEqual(['failed', 'failed', 'locked', 'locked', 'locked', 'locked']);
  });
});

describe('AccountManager when the confirmation of new secret questions comes twice', () => {
  it('answers « saved » to both, and saves and audits them once', async () => {
    const { accounts, audit, catalogue } = await seededAccountManager();
    const draftId = await accounts.startSecretQuestionDraft('CE100002');
    for (const id of catalogue.ids.slice(0, 8)) {
      expect(await accounts.addDraftAnswer(draftId, id, `Réponse ${id}`)).toBe('saved');
    }
    // The turn that lost the race reads the draft after the first one saved it.
    expect(await accounts.commitDraft(draftId, attemptFrom('twice'))).toBe('saved');
    expect(await accounts.commitDraft(draftId, attemptFrom('twice'))).toBe('saved');
    expect((await audit.recent()).filter((e) => e.action === 'secretQuestionsChanged')).toHaveLength(1);
    // Nothing more can be added to it, nor can it be discarded: a « non » at the same moment is refused.
    expect(await accounts.addDraftAnswer(draftId, catalogue.ids[8], 'Encore')).toBe('expired');
    expect(await accounts.discardDraft(draftId)).toBe(false);
  });
});

describe('AccountManager when one secret question is answered twice at once, differently', () => {
  it('keeps exactly one of the two answers and tells the other turn it changed nothing', async () => {
    const { accounts, catalogue, store } = await seededAccountManager();
    const draftId = await accounts.startSecretQuestionDraft('CE100002');
    const questionId = catalogue.ids[0];
    const verdicts = await Promise.all([
      accounts.addDraftAnswer(draftId, questionId, 'Rexou'),
      accounts.addDraftAnswer(draftId, questionId, 'Maxou'),
    ]);
    expect([...verdicts].sort()).toEqual(['changed', 'saved']);
    const kept = verdicts[0] === 'saved' ? 'Rexou' : 'Maxou';
    const answers = (await store.getDraft(draftId))?.answers ?? [];
    expect(answers).toHaveLength(1);
    await expect(verifySecret(normalizeAnswer(kept), answers[0].answerHash)).resolves.toBe(true);
  });
});

describe('AccountManager when a secret question of a round is answered twice at once, differently', () => {
  it('records one answer, refuses the other, and judges the round on the one recorded', async () => {
    const { accounts } = await seededAccountManager();
    const start = await accounts.startChallenge(JULIE.userName, 'reset', attemptFrom('twice'));
    if (start.kind !== 'challenge') throw new Error(start.kind);
    const right = JULIE.answers[start.questionIds[0]];
    const verdicts = await Promise.all([
      accounts.answerChallenge(start.challengeId, 0, right),
      accounts.answerChallenge(start.challengeId, 0, 'mauvaise réponse'),
    ]);
    expect([...verdicts].sort()).toEqual(['changed', 'recorded']);
    for (let i = 1; i < start.questionIds.length; i += 1) {
      await accounts.answerChallenge(start.challengeId, i, JULIE.answers[start.questionIds[i]]);
    }
    const outcome = await accounts.finishChallenge(start.challengeId, attemptFrom('twice'));
    expect(outcome.kind).toBe(verdicts[0] === 'recorded' ? 'passed' : 'failed');
  });
});

describe('AccountManager when two new passwords are sent at once', () => {
  it('saves one, tells the other it changed nothing, and the one saved is the one that signs in', async () => {
    const { accounts } = await seededAccountManager();
    const passwords = ['Montagne-Bleue-Velo-48', 'Nouveau-Depart-Levis-93'];
    const verdicts = await Promise.all(
      passwords.map((p, i) => accounts.changePassword(JULIE.userName, p, attemptFrom(`new-${i}`), 'reset')),
    );
    expect(verdicts.filter((v) => v.ok)).toHaveLength(1);
    expect(verdicts.filter((v) => !v.ok && v.reason === 'changedMeanwhile')).toHaveLength(1);
    const saved = passwords[verdicts.findIndex((v) => v.ok)];
    await expect(accounts.authenticate(JULIE.userName, saved, attemptFrom('sign-in'))).resolves.toMatchObject(
      { kind: 'authenticated' },
    );
  });
});

describe('AccountManager when « oui » and « non » to saving new secret questions come at once', () => {
  it('either saves them and refuses the discard, or discards them and saves nothing', async () => {
    const { accounts, catalogue, store } = await seededAccountManager();
    const draftId = await accounts.startSecretQuestionDraft('CE100002');
    for (const id of catalogue.ids.slice(0, 8)) await accounts.addDraftAnswer(draftId, id, `Réponse ${id}`);
    const [committed, discarded] = await Promise.all([
      accounts.commitDraft(draftId, attemptFrom('yes-no')),
      accounts.discardDraft(draftId),
    ]);
    const saved = ((await store.getAccount('CE100002'))?.secretAnswers.length ?? 0) === 8;
    expect([committed, discarded, saved]).toEqual(
      committed === 'saved' ? ['saved', false, true] : ['discarded', true, false],
    );
  });
});

describe('AccountManager when a second new password follows the first within minutes', () => {
  it('derives the current password once, though it is both the one just chosen and the first of the history', async () => {
    const { accounts, clock, store } = await seededAccountManager();
    await expect(
      accounts.changePassword(JULIE.userName, 'Montagne-Bleue-Velo-48', attemptFrom('first'), 'reset'),
    ).resolves.toEqual({ ok: true });
    const history = (await store.getAccount(JULIE.userName))!.passwordHistory.length;
    clock.advance(60_000);

    const scrypt = jest.spyOn(crypto, 'scrypt');
    try {
      await expect(
        accounts.changePassword(JULIE.userName, 'Nouveau-Depart-Levis-93', attemptFrom('second'), 'reset'),
      ).resolves.toEqual({ ok: true });
      // Each entry of the history once (the current password among them), then the new password's own hash.
      expect(scrypt).toHaveBeenCalledTimes(history + 1);
    } finally {
      scrypt.mockRestore();
    }
  });
});
