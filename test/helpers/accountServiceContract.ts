import type { AccountServices, ChallengeStart } from '../../src/services/accounts';
import type { FixedClock } from '../../src/services/clock';
import { attemptFrom, JULIE, MARC, MINUTE, SOPHIE, STRONG_PASSWORDS } from './accounts';

/** A fresh set of services (demo accounts loaded) over the store under test, with its fixed clock. */
export type ServicesFactory = () => Promise<{ services: AccountServices; clock: FixedClock }>;

type Challenge = Extract<ChallengeStart, { kind: 'challenge' }>;

function asChallenge(start: ChallengeStart): Challenge {
  if (start.kind !== 'challenge') throw new Error(`expected a challenge, got ${start.kind}`);
  return start;
}

/** Answers a round: `wrongAt` gives a wrong answer at that position (0-based). */
async function answerRound(
  services: AccountServices,
  challenge: Challenge,
  answers: Record<string, string>,
  wrongAt?: number,
): Promise<void> {
  for (const [i, id] of challenge.questionIds.entries()) {
    await services.accounts.answerChallenge(
      challenge.challengeId,
      i,
      i === wrongAt ? 'mauvaise réponse' : (answers[id] ?? 'x'),
    );
  }
}

/** Fails a round of secret questions for the user name, in its own conversation. */
async function failRound(services: AccountServices, userName: string, conversation: string) {
  const challenge = asChallenge(
    await services.accounts.startChallenge(userName, 'reset', attemptFrom(conversation)),
  );
  await answerRound(services, challenge, JULIE.answers, 0);
  return services.accounts.finishChallenge(challenge.challengeId, attemptFrom(conversation));
}

/**
 * The behaviour every AccountService must have, whatever its store: run against memory and against Redis.
 * Each test builds its own services so that counters and locks never leak between tests.
 */
export function accountServiceContract(factory: ServicesFactory): void {
  describe('demo accounts', () => {
    it('authenticates CE100001 with its password and refuses a wrong one', async () => {
      const { services } = await factory();
      await expect(
        services.accounts.authenticate(JULIE.userName, JULIE.password, attemptFrom()),
      ).resolves.toEqual({
        kind: 'authenticated',
        mustChangePassword: false,
        hasSecretQuestions: true,
      });
      await expect(
        services.accounts.authenticate(JULIE.userName, 'Pharmacie-Rimouski-2025', attemptFrom('c2')),
      ).resolves.toEqual({
        kind: 'failed',
      });
    });

    it('authenticates IP200001 with its temporary password, whatever its case, and demands a change', async () => {
      const { services } = await factory();
      await expect(
        services.accounts.authenticate(SOPHIE.userName, ' temp-4821-qc ', attemptFrom()),
      ).resolves.toEqual({
        kind: 'authenticated',
        mustChangePassword: true,
        hasSecretQuestions: false,
      });
    });

    it('says that CE100002 has not chosen its secret questions', async () => {
      const { services } = await factory();
      await expect(services.accounts.startChallenge(MARC.userName, 'reset', attemptFrom())).resolves.toEqual({
        kind: 'notConfigured',
      });
      await expect(
        services.accounts.authenticate(MARC.userName, MARC.password, attemptFrom('c2')),
      ).resolves.toMatchObject({
        kind: 'authenticated',
        hasSecretQuestions: false,
      });
    });
  });

  describe('secret-question rounds', () => {
    it('draws three different questions among the eight chosen, at random for each round', async () => {
      const { services } = await factory();
      const draws = new Set<string>();
      for (let i = 0; i < 8; i += 1) {
        const challenge = asChallenge(
          await services.accounts.startChallenge(JULIE.userName, 'reset', attemptFrom(`c${i}`)),
        );
        expect(new Set(challenge.questionIds).size).toBe(3);
        for (const id of challenge.questionIds) expect(Object.keys(JULIE.answers)).toContain(id);
        draws.add([...challenge.questionIds].sort().join());
      }
      expect(draws.size).toBeGreaterThan(1);
    });

    it.each([
      ['a known name', JULIE.userName],
      ['an unknown name', 'CE999999'],
    ])('asks %s three other questions when told which the last round asked', async (_who, userName) => {
      const { services } = await factory();
      for (let i = 0; i < 10; i += 1) {
        const last = asChallenge(
          await services.accounts.startChallenge(userName, 'reset', attemptFrom(`l${i}`)),
        );
        const next = asChallenge(
          await services.accounts.startChallenge(userName, 'reset', attemptFrom(`n${i}`), last.questionIds),
        );
        expect(next.questionIds).toHaveLength(3);
        for (const id of next.questionIds) expect(last.questionIds).not.toContain(id);
      }
    });

    it('passes when all three answers match, ignoring case, accents, punctuation and spaces', async () => {
      const { services } = await factory();
      const challenge = asChallenge(
        await services.accounts.startChallenge(JULIE.userName, 'reset', attemptFrom()),
      );
      const folded: Record<string, string> = {
        ...Object.fromEntries(Object.entries(JULIE.answers).map(([k, v]) => [k, `  ${v.toUpperCase()} `])),
        favouriteDish: 'pate   chinois',
        primarySchool: 'ecole saint jean',
      };
      await answerRound(services, challenge, folded);
      await expect(services.accounts.finishChallenge(challenge.challengeId, attemptFrom())).resolves.toEqual({
        kind: 'passed',
        userName: JULIE.userName,
      });
    });

    it.each([0, 1, 2])('fails the round when answer %i is wrong, without saying which', async (wrongAt) => {
      const { services } = await factory();
      const challenge = asChallenge(
        await services.accounts.startChallenge(JULIE.userName, 'reset', attemptFrom()),
      );
      await answerRound(services, challenge, JULIE.answers, wrongAt);
      await expect(services.accounts.finishChallenge(challenge.challengeId, attemptFrom())).resolves.toEqual({
        kind: 'failed',
        roundsLeft: 2,
      });
    });

    it.each([
      ['repeated with the same answer', (right: string) => right, 'passed'],
      ['repeated with another answer after a right one', () => 'autre chose', 'passed'],
    ])(
      'keeps the first answer to a question when the same position is answered again (%s)',
      async (_name, again, expected) => {
        const { services } = await factory();
        const { challengeId, questionIds } = asChallenge(
          await services.accounts.startChallenge(JULIE.userName, 'reset', attemptFrom()),
        );
        const right = (i: number) => JULIE.answers[questionIds[i]];
        await services.accounts.answerChallenge(challengeId, 0, right(0));
        // The turn is repeated after its reply was lost: the answer must not land on question 2.
        await services.accounts.answerChallenge(challengeId, 0, again(right(0)));
        await services.accounts.answerChallenge(challengeId, 1, right(1));
        await services.accounts.answerChallenge(challengeId, 2, right(2));
        await expect(services.accounts.finishChallenge(challengeId, attemptFrom())).resolves.toMatchObject({
          kind: expected,
        });
      },
    );

    it('gives no second try at a question answered wrong, and ignores an answer ahead of its turn', async () => {
      const { services } = await factory();
      const { challengeId, questionIds } = asChallenge(
        await services.accounts.startChallenge(JULIE.userName, 'reset', attemptFrom()),
      );
      const right = (i: number) => JULIE.answers[questionIds[i]];
      await services.accounts.answerChallenge(challengeId, 0, 'mauvaise réponse');
      await services.accounts.answerChallenge(challengeId, 0, right(0));
      await services.accounts.answerChallenge(challengeId, 2, right(2));
      await services.accounts.answerChallenge(challengeId, 1, right(1));
      await services.accounts.answerChallenge(challengeId, 2, right(2));
      await expect(services.accounts.finishChallenge(challengeId, attemptFrom())).resolves.toEqual({
        kind: 'failed',
        roundsLeft: 2,
      });
    });

    it('locks reset and authentication for 30 minutes after three failed rounds, then unlocks', async () => {
      const { services, clock } = await factory();
      await expect(failRound(services, JULIE.userName, 'a')).resolves.toEqual({
        kind: 'failed',
        roundsLeft: 2,
      });
      clock.advance(5 * MINUTE);
      await expect(failRound(services, JULIE.userName, 'b')).resolves.toEqual({
        kind: 'failed',
        roundsLeft: 1,
      });
      const third = await failRound(services, JULIE.userName, 'c');
      expect(third).toEqual({ kind: 'locked', until: new Date(clock.now().getTime() + 30 * MINUTE) });

      await expect(
        services.accounts.startChallenge(JULIE.userName, 'reset', attemptFrom('d')),
      ).resolves.toMatchObject({ kind: 'locked' });
      await expect(
        services.accounts.authenticate(JULIE.userName, JULIE.password, attemptFrom('e')),
      ).resolves.toMatchObject({
        kind: 'locked',
      });
      clock.advance(29 * MINUTE);
      await expect(services.accounts.checkAccess(JULIE.userName, attemptFrom('f'))).resolves.toMatchObject({
        kind: 'locked',
      });
      clock.advance(1 * MINUTE);
      await expect(services.accounts.checkAccess(JULIE.userName, attemptFrom('g'))).resolves.toBeUndefined();
      // A fresh count after the lock: one more failure does not lock again.
      await expect(failRound(services, JULIE.userName, 'h')).resolves.toEqual({
        kind: 'failed',
        roundsLeft: 2,
      });
    });

    it('forgets failed rounds older than 30 minutes, and a success resets the count', async () => {
      const { services, clock } = await factory();
      await failRound(services, JULIE.userName, 'a');
      await failRound(services, JULIE.userName, 'b');
      clock.advance(31 * MINUTE);
      await expect(failRound(services, JULIE.userName, 'c')).resolves.toEqual({
        kind: 'failed',
        roundsLeft: 2,
      });
      await expect(
        services.accounts.authenticate(JULIE.userName, JULIE.password, attemptFrom('d')),
      ).resolves.toMatchObject({
        kind: 'authenticated',
      });
      await expect(failRound(services, JULIE.userName, 'e')).resolves.toEqual({
        kind: 'failed',
        roundsLeft: 2,
      });
    });

    it('treats an abandoned or unknown round as expired', async () => {
      const { services, clock } = await factory();
      const challenge = asChallenge(
        await services.accounts.startChallenge(JULIE.userName, 'reset', attemptFrom()),
      );
      clock.advance(16 * MINUTE);
      await answerRound(services, challenge, JULIE.answers);
      await expect(services.accounts.finishChallenge(challenge.challengeId, attemptFrom())).resolves.toEqual({
        kind: 'expired',
      });
      await expect(services.accounts.finishChallenge('not-a-challenge', attemptFrom())).resolves.toEqual({
        kind: 'expired',
      });
    });
  });

  describe('unknown user names', () => {
    it('draw three questions from eight plausible ones, always the same eight for the same name, and fail like a known name', async () => {
      const { services } = await factory();
      const asked = new Set<string>();
      let first: Challenge | undefined;
      // Thirty rounds of three out of eight miss one of the eight with a probability of about 6 in a million.
      for (let i = 0; i < 30; i += 1) {
        const round = asChallenge(
          await services.accounts.startChallenge('CE999999', 'reset', attemptFrom(`r${i}`)),
        );
        first ??= round;
        expect(new Set(round.questionIds).size).toBe(3);
        for (const id of round.questionIds) asked.add(id);
      }
      expect(asked.size).toBe(8);
      for (const id of asked) expect(services.catalogue.has(id)).toBe(true);
      const other = asChallenge(
        await services.accounts.startChallenge('IP999998', 'reset', attemptFrom('c')),
      );
      expect(other.questionIds).toHaveLength(3);
      await answerRound(services, first!, JULIE.answers);
      await expect(services.accounts.finishChallenge(first!.challengeId, attemptFrom('r0'))).resolves.toEqual(
        {
          kind: 'failed',
          roundsLeft: 2,
        },
      );
    });

    it('are refused like a wrong password, and locked like a known name', async () => {
      const { services } = await factory();
      for (let i = 0; i < 4; i += 1) {
        await expect(
          services.accounts.authenticate('CE999999', 'Whatever-Password-1', attemptFrom(`c${i}`)),
        ).resolves.toEqual({
          kind: 'failed',
        });
      }
      await expect(
        services.accounts.authenticate('CE999999', 'Whatever-Password-1', attemptFrom('c5')),
      ).resolves.toMatchObject({
        kind: 'locked',
      });
    });
  });

  describe('the last answer of a round sent twice at once', () => {
    it('ends the round once and counts one failed round, not two', async () => {
      const { services } = await factory();
      const challenge = asChallenge(
        await services.accounts.startChallenge(JULIE.userName, 'reset', attemptFrom('twice')),
      );
      await answerRound(services, challenge, JULIE.answers, 0);
      const outcomes = await Promise.all([
        services.accounts.finishChallenge(challenge.challengeId, attemptFrom('twice')),
        services.accounts.finishChallenge(challenge.challengeId, attemptFrom('twice')),
      ]);
      // The slower one is told another turn is ending it, not that it expired (which would contradict it).
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['failed', 'inProgress']);
      // Two more failed rounds, not one, before the lock.
      expect(await failRound(services, JULIE.userName, 'after-1')).toMatchObject({ kind: 'failed' });
      expect(await failRound(services, JULIE.userName, 'after-2')).toMatchObject({ kind: 'locked' });
    });
  });

  describe('the last answer of a round sent twice, the second read after the first ended the round', () => {
    it('tells the second that the round is being ended by another turn, not that it expired', async () => {
      const { services } = await factory();
      const challenge = asChallenge(
        await services.accounts.startChallenge(JULIE.userName, 'reset', attemptFrom('after')),
      );
      await answerRound(services, challenge, JULIE.answers);
      const finish = () => services.accounts.finishChallenge(challenge.challengeId, attemptFrom('after'));
      expect(await finish()).toMatchObject({ kind: 'passed' });
      // The other instance's turn answered the last question too, and ends the round a moment later.
      await services.accounts.answerChallenge(challenge.challengeId, 2, 'mauvaise réponse');
      expect(await finish()).toEqual({ kind: 'inProgress' });
    });
  });

  describe('password failures', () => {
    it('locks after five wrong passwords within 30 minutes, even across conversations', async () => {
      const { services, clock } = await factory();
      for (let i = 0; i < 4; i += 1) {
        await expect(
          services.accounts.authenticate(JULIE.userName, `wrong-${i}`, attemptFrom(`c${i}`)),
        ).resolves.toEqual({
          kind: 'failed',
        });
        clock.advance(MINUTE);
      }
      const fifth = await services.accounts.authenticate(JULIE.userName, 'wrong-5', attemptFrom('c5'));
      expect(fifth).toEqual({ kind: 'locked', until: new Date(clock.now().getTime() + 30 * MINUTE) });
      // Even the right password is refused while locked.
      await expect(
        services.accounts.authenticate(JULIE.userName, JULIE.password, attemptFrom('c6')),
      ).resolves.toMatchObject({
        kind: 'locked',
      });
      clock.advance(30 * MINUTE);
      await expect(
        services.accounts.authenticate(JULIE.userName, JULIE.password, attemptFrom('c7')),
      ).resolves.toMatchObject({
        kind: 'authenticated',
      });
    });

    it('allows at most ten attempts per conversation, whatever the user names', async () => {
      const { services } = await factory();
      for (let i = 0; i < 10; i += 1) {
        await expect(
          services.accounts.authenticate(`CE90000${i}`, 'x', attemptFrom('same')),
        ).resolves.toEqual({ kind: 'failed' });
      }
      await expect(
        services.accounts.authenticate(JULIE.userName, JULIE.password, attemptFrom('same')),
      ).resolves.toEqual({
        kind: 'conversationLimit',
      });
      await expect(
        services.accounts.startChallenge(JULIE.userName, 'reset', attemptFrom('same')),
      ).resolves.toEqual({
        kind: 'conversationLimit',
      });
      await expect(
        services.accounts.authenticate(JULIE.userName, JULIE.password, attemptFrom('other')),
      ).resolves.toMatchObject({
        kind: 'authenticated',
      });
    });
  });

  describe('password changes', () => {
    it.each([
      ['too short', 'Court-1', 'tooShort'],
      ['containing the user name', 'Ce-100001-Montagne-Bleue', 'containsUserName'],
      ['too easy to guess', 'motdepasse123', 'weak'],
      ['the current password', JULIE.password, 'recentlyUsed'],
    ])('refuses a password %s', async (_label, candidate, reason) => {
      const { services } = await factory();
      await expect(
        services.accounts.changePassword(JULIE.userName, candidate, attemptFrom(), 'reset'),
      ).resolves.toMatchObject({ ok: false, reason });
    });

    it('explains a weak password with zxcvbn-ts hints', async () => {
      const { services } = await factory();
      await expect(
        services.accounts.changePassword(JULIE.userName, 'azertyuiop12', attemptFrom(), 'reset'),
      ).resolves.toEqual({
        ok: false,
        reason: 'weak',
        hint: 'straightRow',
      });
    });

    it('replaces the password and refuses any of the last five, but not an older one', async () => {
      const { services } = await factory();
      const attempt = attemptFrom();
      for (const password of STRONG_PASSWORDS.slice(0, 5)) {
        await expect(
          services.accounts.changePassword(JULIE.userName, password, attempt, 'reset'),
        ).resolves.toEqual({ ok: true });
      }
      await expect(
        services.accounts.authenticate(JULIE.userName, STRONG_PASSWORDS[4], attempt),
      ).resolves.toMatchObject({
        kind: 'authenticated',
      });
      await expect(
        services.accounts.authenticate(JULIE.userName, JULIE.password, attemptFrom('b')),
      ).resolves.toEqual({
        kind: 'failed',
      });
      await expect(
        services.accounts.changePassword(JULIE.userName, STRONG_PASSWORDS[0], attempt, 'reset'),
      ).resolves.toEqual({
        ok: false,
        reason: 'recentlyUsed',
      });
      // The demo password is now the sixth most recent: it may be used again.
      await expect(
        services.accounts.changePassword(JULIE.userName, JULIE.password, attempt, 'reset'),
      ).resolves.toEqual({ ok: true });
    });

    it('takes the password just chosen, sent again, as that choice confirmed, but refuses it a while later', async () => {
      // A "temporarily unavailable" can follow a change that Redis applied all the same: the user sends it again.
      const { services, clock } = await factory();
      const [chosen] = STRONG_PASSWORDS;
      await expect(
        services.accounts.changePassword(JULIE.userName, chosen, attemptFrom('a'), 'reset'),
      ).resolves.toEqual({ ok: true });
      clock.advance(2 * MINUTE);
      await expect(
        services.accounts.changePassword(JULIE.userName, chosen, attemptFrom('a'), 'reset'),
      ).resolves.toEqual({ ok: true });
      await expect(
        services.accounts.authenticate(JULIE.userName, chosen, attemptFrom('b')),
      ).resolves.toMatchObject({ kind: 'authenticated' });
      // Still one change: the demo password is still among the last five.
      await expect(
        services.accounts.changePassword(JULIE.userName, JULIE.password, attemptFrom('c'), 'reset'),
      ).resolves.toEqual({ ok: false, reason: 'recentlyUsed' });
      clock.advance(20 * MINUTE);
      await expect(
        services.accounts.changePassword(JULIE.userName, chosen, attemptFrom('d'), 'reset'),
      ).resolves.toEqual({ ok: false, reason: 'recentlyUsed' });
    });

    it('issues a temporary password valid 24 hours that must be changed, then refuses it as the new password', async () => {
      const { services, clock } = await factory();
      const temporary = await services.accounts.issueTemporaryPassword(JULIE.userName, attemptFrom());
      expect(temporary.value).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{2}$/);
      expect(temporary.expiresAt).toEqual(new Date(clock.now().getTime() + 24 * 60 * MINUTE));
      await expect(
        services.accounts.authenticate(JULIE.userName, JULIE.password, attemptFrom('a')),
      ).resolves.toEqual({ kind: 'failed' });
      await expect(
        services.accounts.authenticate(JULIE.userName, temporary.value.toLowerCase(), attemptFrom('b')),
      ).resolves.toMatchObject({
        kind: 'authenticated',
        mustChangePassword: true,
      });
      await expect(services.accounts.summary(JULIE.userName)).resolves.toMatchObject({
        mustChangePassword: true,
      });
      clock.advance(24 * 60 * MINUTE);
      await expect(
        services.accounts.authenticate(JULIE.userName, temporary.value, attemptFrom('c')),
      ).resolves.toEqual({
        kind: 'temporaryExpired',
      });
      await expect(
        services.accounts.changePassword(JULIE.userName, temporary.value, attemptFrom('d'), 'firstLogin'),
      ).resolves.toMatchObject({ ok: false });
      await expect(
        services.accounts.changePassword(
          SOPHIE.userName,
          SOPHIE.temporaryPassword,
          attemptFrom('e'),
          'firstLogin',
        ),
      ).resolves.toMatchObject({ ok: false });
    });
  });

  describe('choosing secret questions', () => {
    it('saves eight hashed answers only on commit, after which they open a reset', async () => {
      const { services } = await factory();
      const ids = services.catalogue.ids.slice(8, 16);
      const draft = await services.accounts.startSecretQuestionDraft(SOPHIE.userName);
      for (const [i, id] of ids.entries()) {
        await expect(services.accounts.addDraftAnswer(draft, id, `Réponse numéro ${i}`)).resolves.toBe(
          'saved',
        );
      }
      await expect(
        services.accounts.startChallenge(SOPHIE.userName, 'reset', attemptFrom('a')),
      ).resolves.toEqual({
        kind: 'notConfigured',
      });
      await expect(services.accounts.commitDraft(draft, attemptFrom())).resolves.toBe('saved');
      await expect(services.accounts.summary(SOPHIE.userName)).resolves.toMatchObject({
        hasSecretQuestions: true,
      });

      const challenge = asChallenge(
        await services.accounts.startChallenge(SOPHIE.userName, 'reset', attemptFrom('b')),
      );
      const answers = Object.fromEntries(ids.map((id, i) => [id, `reponse NUMERO ${i}`]));
      await answerRound(services, challenge, answers);
      await expect(
        services.accounts.finishChallenge(challenge.challengeId, attemptFrom('b')),
      ).resolves.toMatchObject({
        kind: 'passed',
      });
    });

    it('refuses an answer already given to another question, however it is written', async () => {
      const { services } = await factory();
      const draft = await services.accounts.startSecretQuestionDraft(SOPHIE.userName);
      await expect(services.accounts.addDraftAnswer(draft, 'firstPet', 'Montréal')).resolves.toBe('saved');
      await expect(services.accounts.addDraftAnswer(draft, 'cegep', 'Rimouski')).resolves.toBe('saved');
      for (const same of ['  MONTREAL ', 'montréal', 'Rimouski!']) {
        await expect(services.accounts.addDraftAnswer(draft, 'childhoodStreet', same)).resolves.toBe(
          'sameAsAnother',
        );
      }
      await expect(services.accounts.addDraftAnswer(draft, 'childhoodStreet', 'Montréal-Nord')).resolves.toBe(
        'saved',
      );
    });

    it('refuses a question chosen twice, an unknown question, a too short answer and an incomplete draft', async () => {
      const { services, clock } = await factory();
      const draft = await services.accounts.startSecretQuestionDraft(SOPHIE.userName);
      await expect(services.accounts.addDraftAnswer(draft, 'firstPet', 'Filou')).resolves.toBe('saved');
      await expect(services.accounts.addDraftAnswer(draft, 'firstPet', 'Minou')).resolves.toBe(
        'alreadyChosen',
      );
      await expect(services.accounts.addDraftAnswer(draft, 'noSuchQuestion', 'Minou')).resolves.toBe(
        'unknownQuestion',
      );
      await expect(services.accounts.addDraftAnswer(draft, 'cegep', ' ! ')).resolves.toBe('tooShort');
      await expect(services.accounts.commitDraft(draft, attemptFrom())).resolves.toBe('incomplete');
      clock.advance(31 * MINUTE);
      await expect(services.accounts.addDraftAnswer(draft, 'cegep', 'Rimouski')).resolves.toBe('expired');
    });
  });

  describe('audit log', () => {
    it('records resets, failed rounds, lockouts, temporary passwords and changes, with nothing secret', async () => {
      const { services } = await factory();
      for (const c of ['a', 'b', 'c']) await failRound(services, JULIE.userName, c);
      await services.accounts.issueTemporaryPassword(SOPHIE.userName, attemptFrom('d', 'telephony'));
      await services.accounts.changePassword(
        MARC.userName,
        STRONG_PASSWORDS[0],
        attemptFrom('e', 'webchat'),
        'firstLogin',
      );
      const events = await services.audit.recent(50);
      const actions = events.map((e) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'secretQuestionRoundFailed',
          'lockout',
          'passwordReset',
          'temporaryPasswordIssued',
          'passwordChanged',
        ]),
      );
      expect(events.find((e) => e.action === 'temporaryPasswordIssued')).toMatchObject({
        userName: SOPHIE.userName,
        channel: 'telephony',
        outcome: 'success',
        time: expect.stringMatching(/^2026-11-27T/),
      });
      const serialized = JSON.stringify(events);
      for (const secret of [STRONG_PASSWORDS[0], ...Object.values(JULIE.answers), 'mauvaise réponse']) {
        expect(serialized).not.toContain(secret);
      }
    });
  });
}
