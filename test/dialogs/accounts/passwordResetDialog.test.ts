import { keypressActivity } from '../../../src/dialogs/shared/dtmf';
import type { Language } from '../../../src/i18n';
import { attemptFrom, JULIE, MARC, MINUTE, STRONG_PASSWORDS } from '../../helpers/accounts';
import {
  type AccountsClient,
  answerRound,
  askedQuestion,
  cardInputs,
  cardOf,
  createAccountsBot,
  say,
  spokenOf,
  textOf,
  unspell,
} from '../../helpers/accountsBot';
import { startReset } from '../../helpers/accountsConversation';
import { pressEach } from '../../helpers/voice';
import { ActivityTypes, type Activity } from 'botbuilder';
import { ssmlToText } from '../../../src/dialogs/shared/ssml';
import { createTestApp, ssmlProblems, TestClient } from '../../helpers/bot';

// Whole conversations hash every secret with scrypt (by design slow): leave room on a loaded machine.
jest.setTimeout(60_000);

const LANGUAGES: Language[] = ['fr', 'en'];

describe('passwordReset flow', () => {
  describe.each(LANGUAGES)('in chat (%s)', (lang) => {
    it('resets the password of CE100001 after three right answers, with a masked card replaced after submission', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      expect(textOf(await startReset(client, lang))).toContain(say(lang, 'accounts:userName.ask'));
      const first = await client.say('ce-100001');
      expect(textOf(first)).toContain(say(lang, 'accounts:challenge.intro'));
      const afterAnswers = await answerRound(client, first, services, lang);
      expect(textOf(afterAnswers)).toContain(say(lang, 'accounts:reset.verified'));

      const card = cardOf(afterAnswers);
      expect(card).toBeDefined();
      expect(cardInputs(card!.content)).toEqual([
        expect.objectContaining({ type: 'Input.Text', id: 'password', style: 'password' }),
        expect.objectContaining({ type: 'Input.Text', id: 'confirmation', style: 'password' }),
      ]);

      const done = await client.submitCard('new', STRONG_PASSWORDS[0]);
      expect(textOf(done)).toContain(say(lang, 'accounts:newPassword.changed'));
      expect(textOf(done)).toContain(say(lang, 'accounts:reset.done'));
      // The card was replaced in place by one without any input.
      expect(client.adapter.updates).toHaveLength(1);
      expect(client.adapter.updates[0].id).toBe(card!.activity.id);
      expect(cardInputs(cardOf(client.adapter.updates)!.content)).toEqual([]);

      await expect(
        services.accounts.authenticate(JULIE.userName, STRONG_PASSWORDS[0], attemptFrom()),
      ).resolves.toMatchObject({
        kind: 'authenticated',
      });
      expect((await services.audit.recent()).map((e) => e.action)).toContain('passwordReset');
    });

    it.each([
      ['too short', 'Court-1', 'accounts:policy.tooShort'],
      ['containing the user name', 'Montagne-CE100001-Bleue', 'accounts:policy.containsUserName'],
      ['too easy to guess', 'azertyuiop12', 'accounts:policy.weak'],
      ['the current password', JULIE.password, 'accounts:policy.recentlyUsed'],
    ])('refuses a new password %s and says why, then accepts a good one', async (_label, candidate, key) => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await startReset(client, lang);
      await answerRound(client, await client.say(JULIE.userName), services, lang);
      const refused = await client.submitCard('new', candidate);
      expect(textOf(refused)).toContain(say(lang, key, { min: 10, history: 5 }));
      expect(textOf(refused)).toContain(say(lang, 'accounts:newPassword.tryAgain'));
      expect(cardOf(refused)).toBeDefined();
      expect(textOf(await client.submitCard('new', STRONG_PASSWORDS[1]))).toContain(
        say(lang, 'accounts:reset.done'),
      );
    });

    it('explains a weak password in plain words', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await startReset(client, lang);
      await answerRound(client, await client.say(JULIE.userName), services, lang);
      const refused = textOf(await client.submitCard('new', 'azertyuiop12'));
      expect(refused).toContain(say(lang, 'accounts:policy.hints.straightRow'));
    });

    it('never saves a new password typed in the message box: it warns and shows the card again', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await startReset(client, lang);
      await answerRound(client, await client.say(JULIE.userName), services, lang);
      const refused = await client.say(STRONG_PASSWORDS[2]);
      expect(textOf(refused)).toContain(say(lang, 'accounts:card.typedInClear'));
      expect(textOf(refused)).toContain(say(lang, 'accounts:card.typedNotSaved'));
      expect(textOf(refused)).not.toContain(say(lang, 'accounts:newPassword.changed'));
      expect(cardOf(refused)).toBeDefined();
      await expect(
        services.accounts.authenticate(JULIE.userName, STRONG_PASSWORDS[2], attemptFrom()),
      ).resolves.toMatchObject({ kind: 'failed' });
      expect(textOf(await client.submitCard('new', STRONG_PASSWORDS[1]))).toContain(
        say(lang, 'accounts:reset.done'),
      );
    });

    it('takes a card sent without its confirmation field as not confirmed', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await startReset(client, lang);
      await answerRound(client, await client.say(JULIE.userName), services, lang);
      const refused = await client.say({ value: { accountsCard: 'new', password: STRONG_PASSWORDS[2] } });
      expect(textOf(refused)).toContain(say(lang, 'accounts:newPassword.mismatch'));
      expect(cardOf(refused)).toBeDefined();
      await expect(
        services.accounts.authenticate(JULIE.userName, STRONG_PASSWORDS[2], attemptFrom()),
      ).resolves.toMatchObject({ kind: 'failed' });
    });

    it('refuses two different entries in the card', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await startReset(client, lang);
      await answerRound(client, await client.say(JULIE.userName), services, lang);
      const refused = await client.submitCard('new', STRONG_PASSWORDS[0], STRONG_PASSWORDS[1]);
      expect(textOf(refused)).toContain(say(lang, 'accounts:newPassword.mismatch'));
      // A typing slip: the same password again, not « choose another password ».
      expect(textOf(refused)).toContain(
        lang === 'fr'
          ? 'Entrez le même mot de passe dans les deux champs.'
          : 'Enter the same password in both fields.',
      );
      expect(textOf(refused)).not.toContain(say(lang, 'accounts:newPassword.tryAgain'));
    });

    it('says the answers do not match after one wrong answer, without saying which, and offers another round', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await startReset(client, lang);
      const firstRound: string[] = [];
      let failed = await client.say(JULIE.userName);
      for (let i = 0; i < 3; i += 1) {
        const id = askedQuestion(failed, services, lang);
        firstRound.push(id);
        failed = await client.say(i === 1 ? 'Montréal' : JULIE.answers[id]);
      }
      const text = textOf(failed);
      expect(text).toContain(say(lang, 'accounts:challenge.failed'));
      expect(text).toContain(say(lang, 'accounts:challenge.retry'));
      expect(text).not.toContain(say(lang, 'accounts:challenge.lastRound'));
      // « Trois autres questions », as promised: none of the first round's; this time all three are right.
      let again = await client.say(lang === 'fr' ? 'oui' : 'yes');
      expect(textOf(again)).toContain(
        say(lang, 'accounts:answer.ask', { position: 1, total: 3, question: '' }).trim(),
      );
      for (let i = 0; i < 3; i += 1) {
        const id = askedQuestion(again, services, lang);
        expect(firstRound).not.toContain(id);
        again = await client.say(JULIE.answers[id]);
      }
      expect(textOf(again)).toContain(say(lang, 'accounts:reset.verified'));
    });

    it('stops with the contact offer when the user does not want another round', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await startReset(client, lang);
      await answerRound(client, await client.say(JULIE.userName), services, lang, JULIE.answers, 0);
      const stopped = textOf(await client.say(lang === 'fr' ? 'non' : 'no'));
      expect(stopped).toContain(say(lang, 'accounts:challenge.stopped'));
      expect(stopped).toContain('418 643-8210');
      expect(stopped).toContain(say(lang, 'accounts:contact.agentOffer'));
    });

    it('locks after three failed rounds, says until when, and unlocks 30 minutes later', async () => {
      const { client: open, services, clock } = await createAccountsBot();
      const client = open();
      await startReset(client, lang);
      await answerRound(client, await client.say(JULIE.userName), services, lang, JULIE.answers, 0);
      let replies = await answerRound(
        client,
        await client.say(lang === 'fr' ? 'oui' : 'yes'),
        services,
        lang,
        JULIE.answers,
        2,
      );
      expect(textOf(replies)).toContain(say(lang, 'accounts:challenge.lastRound'));
      replies = await answerRound(
        client,
        await client.say(lang === 'fr' ? 'oui' : 'yes'),
        services,
        lang,
        JULIE.answers,
        1,
      );
      const time = lang === 'fr' ? '10 h 30' : '10:30 a.m.';
      expect(textOf(replies)).toContain(say(lang, 'accounts:locked', { time }));
      expect(textOf(replies)).toContain('1 800 463-4776');

      // Another conversation is refused too, until the lock ends.
      const other = open();
      await startReset(other, lang);
      expect(textOf(await other.say(JULIE.userName))).toContain(say(lang, 'accounts:locked', { time }));
      clock.advance(30 * MINUTE);
      const later = open();
      await startReset(later, lang);
      const questions = await later.say(JULIE.userName);
      expect(textOf(questions)).toContain(say(lang, 'accounts:challenge.intro'));
      expect(textOf(await answerRound(later, questions, services, lang))).toContain(
        say(lang, 'accounts:reset.verified'),
      );
      expect((await services.audit.recent()).map((e) => e.action)).toEqual(
        expect.arrayContaining(['secretQuestionRoundFailed', 'lockout', 'refusedWhileLocked']),
      );
    });

    it('walks an unknown user name through the same questions and the same failure message', async () => {
      const { client: open, services } = await createAccountsBot();
      const unknown = open();
      await startReset(unknown, lang);
      const first = await unknown.say('CE999999');
      expect(textOf(first)).toContain(say(lang, 'accounts:challenge.intro'));
      const questionIds: string[] = [];
      let replies = first;
      for (let i = 0; i < 3; i += 1) {
        questionIds.push(askedQuestion(replies, services, lang));
        replies = await unknown.say('Filou');
      }
      const known = open();
      await startReset(known, lang);
      const knownFailure = await answerRound(
        known,
        await known.say(JULIE.userName),
        services,
        lang,
        JULIE.answers,
        0,
      );
      expect(textOf(replies)).toEqual(textOf(knownFailure));

      // Another round asks three other questions, as it would of a known name.
      let again = await unknown.say(lang === 'fr' ? 'oui' : 'yes');
      for (let i = 0; i < 3; i += 1) {
        expect(questionIds).not.toContain(askedQuestion(again, services, lang));
        again = await unknown.say('x');
      }
      expect(textOf(again)).toContain(say(lang, 'accounts:challenge.failed'));
    });

    it('tells CE100002 that its questions were not chosen and how to get a temporary password from the Centre', async () => {
      const { client: open } = await createAccountsBot();
      const client = open();
      await startReset(client, lang);
      const text = textOf(await client.say(MARC.userName));
      expect(text).toContain(say(lang, 'accounts:reset.notConfigured'));
      expect(text).toContain(say(lang, 'accounts:reset.callForTemporary'));
      for (const phone of ['418 643-8210', '514 873-3480', '1 800 463-4776']) expect(text).toContain(phone);
      expect(text).toContain(say(lang, 'hours:identify', { key: '1' }));
      expect(text).toContain(say(lang, 'accounts:contact.agentOffer'));
      expect(text).not.toContain(say(lang, 'accounts:challenge.intro'));
      // "agent" then gives the way to reach one.
      expect(textOf(await client.say('agent'))).toContain(say(lang, 'hours:agentIntro'));
    });
  });

  describe('user names', () => {
    it.each([
      ['CE12345', 'accounts:userName.problem.digitCount', { count: 5 }],
      ['CE1234567', 'accounts:userName.problem.digitCount', { count: 7 }],
      ['100001', 'accounts:userName.problem.prefix', {}],
      ['XY100001', 'accounts:userName.problem.prefix', {}],
      ['CE12A456', 'accounts:userName.problem.characters', {}],
      ['CE', 'accounts:userName.problem.missingDigits', {}],
      ['je ne sais pas', 'accounts:userName.problem.empty', {}],
    ])('answers %j with a precise message and an example', async (text, key, vars) => {
      const { client: open } = await createAccountsBot();
      const client = open();
      await startReset(client, 'fr');
      const reply = textOf(await client.say(text));
      expect(reply).toContain(say('fr', key, vars));
      expect(reply).toContain('CE123456');
    });

    it('says how to reach an agent with the second answer that is not a user name', async () => {
      const { client: open } = await createAccountsBot();
      const client = open();
      await startReset(client, 'fr');
      expect(textOf(await client.say('bonjour'))).not.toContain(say('fr', 'accounts:contact.agentOffer'));
      const second = textOf(await client.say('CE12'));
      expect(second).toContain(say('fr', 'accounts:contact.agentOffer'));
      expect(second).toContain(say('fr', 'accounts:userName.retry'));
    });

    it('offers the Centre and an agent after three answers that are not a user name', async () => {
      const { client: open } = await createAccountsBot();
      const client = open();
      await startReset(client, 'en');
      await client.say('hello');
      await client.say('CE12');
      const text = textOf(await client.say('no idea'));
      expect(text).toContain(say('en', 'accounts:userName.giveUp'));
      expect(text).toContain('514 873-3480');
      expect(text).toContain(say('en', 'accounts:contact.agentOffer'));
    });

    it.each([['cé e un zéro zéro zéro zéro un'], ['2100001#'], ['C E 1 0 0 0 0 1']])(
      'understands %j spoken or keyed on a voice channel',
      async (spoken) => {
        const { client: open } = await createAccountsBot();
        const client = open('telephony');
        await client.say('1');
        await client.say('1');
        expect(spokenOf(await client.say(spoken))).toContain(say('fr', 'accounts:challenge.intro_voice'));
      },
    );
  });

  describe('a user name keyed on the phone, one message per key as the telephony channel sends them', () => {
    const press = pressEach;

    async function askUserName(): Promise<AccountsClient> {
      const { client: open } = await createAccountsBot();
      const client = open('telephony');
      await client.say(keypressActivity('1'));
      await client.say(keypressActivity('1'));
      return client;
    }

    it.each([
      ['2100001#', 'accounts:challenge.intro_voice', {}],
      ['210000#', 'accounts:userName.problem.digitCount_voice', { count: 5 }],
      ['3100001#', 'accounts:userName.problem.prefix_voice', {}],
      // One key too many is wrong whatever comes next: read at once, without waiting for "#".
      ['21000011', 'accounts:userName.problem.digitCount_voice', { count: 7 }],
    ])('%s: silence between keys, then the whole entry is read', async (keys, key, vars) => {
      const client = await askUserName();
      const replies = await press(client, keys);
      expect(replies.slice(0, -1).flat()).toEqual([]);
      expect(spokenOf(replies[replies.length - 1])).toContain(say('fr', key, vars));
    });

    it('lets the "#" that follows an entry already read pass, without counting it as a try', async () => {
      const client = await askUserName();
      const tooLong = await press(client, '21000011');
      expect(spokenOf(tooLong[tooLong.length - 1])).toContain(
        say('fr', 'accounts:userName.problem.digitCount_voice', { count: 7 }),
      );
      expect((await press(client, '#')).flat()).toEqual([]);
      // Still the second try, not the third: the agent offer comes with this failure, not the give-up.
      const second = await press(client, '3100001#');
      expect(spokenOf(second[second.length - 1])).toContain(say('fr', 'accounts:contact.agentOffer_voice'));
      expect(spokenOf(second[second.length - 1])).not.toContain(say('fr', 'accounts:userName.giveUp'));
    });

    it('never takes a key as a secret answer: "*" repeats the question, another key asks for speech', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open('telephony');
      await client.say(keypressActivity('1'));
      await client.say(keypressActivity('1'));
      const keyed = await press(client, '2100001#');
      const first = keyed[keyed.length - 1];
      const question = services.catalogue.text(askedQuestion(first, services, 'fr'), 'fr');
      for (const key of ['1', '0', '#'] as const) {
        const reply = await client.say(keypressActivity(key));
        expect(spokenOf(reply)).toContain(say('fr', 'accounts:answer.sayAloud'));
        expect(spokenOf(reply)).toContain(question);
      }
      const repeated = spokenOf(await client.say(keypressActivity('*')));
      expect(repeated).toContain(question);
      expect(repeated).not.toContain(say('fr', 'accounts:answer.sayAloud'));
      // None of the keys counted: the three right answers still pass the round.
      const done = await answerRound(client, await client.say(keypressActivity('*')), services, 'fr');
      expect(spokenOf(done)).toContain('Merci, vos réponses sont exactes.');
    });

    it('says the secret question again when asked to, without taking the request as the answer', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open('telephony');
      await client.say(keypressActivity('1'));
      await client.say(keypressActivity('1'));
      const keyed = await press(client, '2100001#');
      const question = services.catalogue.text(askedQuestion(keyed[keyed.length - 1], services, 'fr'), 'fr');
      let last: Partial<Activity>[] = [];
      for (const request of ['Pouvez-vous répéter?', 'répétez s’il vous plaît', 'pardon?', 'quoi?']) {
        last = await client.say(request);
        expect(spokenOf(last)).toContain(question);
      }
      // None of them counted: the three right answers still pass the round.
      const done = await answerRound(client, last, services, 'fr');
      expect(spokenOf(done)).toContain('Merci, vos réponses sont exactes.');
    });

    it('starts over on "*", which repeats the question', async () => {
      const client = await askUserName();
      const [, , repeated] = await press(client, '21*');
      expect(spokenOf(repeated)).toContain(say('fr', 'accounts:userName.ask_voice'));
      const replies = await press(client, '2100001#');
      expect(spokenOf(replies[replies.length - 1])).toContain(say('fr', 'accounts:challenge.intro_voice'));
    });
  });

  describe('on the phone, for a user without secret questions (CE100002)', () => {
    const OPEN = { CLOCK_NOW: '2026-11-30T10:00:00-05:00' };
    const CLOSED = { CLOCK_NOW: '2026-11-28T19:00:00-05:00' };
    const heard = (replies: Partial<Activity>[]) =>
      replies
        .filter((r) => r.speak)
        .map((r) => ssmlToText(r.speak as string))
        .join('\n');
    const transferred = (replies: Partial<Activity>[]) =>
      replies.some((r) => r.type === ActivityTypes.Event && r.name === 'handoff.initiate');

    async function atNotConfigured(env: Record<string, string>): Promise<[TestClient, Partial<Activity>[]]> {
      const caller = new TestClient(await createTestApp(env), {
        channelId: 'telephony',
        userId: '+14185552222',
      });
      await caller.say('bonjour');
      await caller.say(keypressActivity('1'));
      await caller.say(keypressActivity('1'));
      const replies = await caller.say('C E 1 0 0 0 0 2');
      for (const reply of replies.filter((r) => r.type === ActivityTypes.Message))
        expect(ssmlProblems(reply.speak as string)).toEqual([]);
      return [caller, replies];
    }

    it.each([
      ['1', true, ''],
      ['oui', true, ''],
      ['2', false, say('fr', 'accounts:reset.transferDeclined')],
    ])(
      'during business hours offers the transfer to an agent, not « appelez le Centre »; %p → transferred: %p',
      async (answer, transfer, after) => {
        const [caller, replies] = await atNotConfigured(OPEN);
        const text = heard(replies);
        expect(text).toContain(say('fr', 'accounts:reset.notConfigured'));
        expect(text).toContain('Un agent peut vous remettre un mot de passe temporaire.');
        expect(text).not.toContain('Vous devez appeler le Centre');
        expect(text).not.toContain('418 643');
        expect(text).not.toContain('faites le 1 pour les services en ligne');
        const next = await caller.say(/^\d$/.test(answer) ? keypressActivity(answer as '1') : answer);
        expect(transferred(next)).toBe(transfer);
        if (after) expect(heard(next)).toContain(after);
      },
    );

    it('outside business hours gives the hours and the reopening, without a transfer', async () => {
      const [, replies] = await atNotConfigured(CLOSED);
      const text = heard(replies);
      expect(text).toContain(say('fr', 'accounts:reset.notConfigured'));
      expect(text).toContain('pendant les heures d’ouverture'.replace('’', "'"));
      expect(text).toContain('Nous rouvrons lundi à 8 heures 30.');
      expect(text).not.toContain('Vous devez appeler le Centre');
      expect(transferred(replies)).toBe(false);
    });
  });

  describe.each(LANGUAGES)('on a voice channel (%s)', (lang) => {
    it('dictates a temporary password character by character, valid 24 hours, that must be changed', async () => {
      const { client: open, services, clock } = await createAccountsBot();
      const client = open('telephony');
      if (lang === 'en') await client.say('English');
      await client.say('1');
      const askName = await client.say('1');
      expect(spokenOf(askName)).toContain(say(lang, 'accounts:userName.ask_voice').replace(/ \.$/, ''));
      const done = await answerRound(client, await client.say('2100001#'), services, lang);
      // A long dictation is said in several messages, none of which may be interrupted.
      const dictated = done.filter((a) => a.inputHint === 'ignoringInput');
      expect(dictated.length).toBeGreaterThan(0);
      const spoken = spokenOf(dictated);
      const repeat = lang === 'fr' ? 'Je répète :' : 'I repeat:';
      const before = lang === 'fr' ? "l'écrire :" : 'write it down:';
      const first = spoken.slice(spoken.indexOf(before) + before.length, spoken.indexOf(repeat));
      const temporary = unspell(first.replace(/\.\s*$/, ''));
      expect(temporary).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}$/);
      // The display text never shows it.
      expect(textOf(done)).not.toContain(temporary);
      expect(textOf(done)).toContain(say(lang, 'accounts:reset.temporaryNext'));

      await expect(
        services.accounts.authenticate(JULIE.userName, temporary, attemptFrom('web')),
      ).resolves.toMatchObject({
        kind: 'authenticated',
        mustChangePassword: true,
      });
      clock.advance(24 * 60 * MINUTE);
      await expect(
        services.accounts.authenticate(JULIE.userName, temporary, attemptFrom('web2')),
      ).resolves.toEqual({
        kind: 'temporaryExpired',
      });
      expect(
        (await services.audit.recent()).find((e) => e.action === 'temporaryPasswordIssued'),
      ).toMatchObject({
        channel: 'telephony',
        userName: JULIE.userName,
      });
    });
  });
});
