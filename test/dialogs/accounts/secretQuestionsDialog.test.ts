import fs from 'node:fs';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { keypressActivity, type KeypadKey } from '../../../src/dialogs/shared/dtmf';
import type { Language } from '../../../src/i18n';
import { attemptFrom, JULIE, SOPHIE, STRONG_PASSWORDS } from '../../helpers/accounts';
import {
  answerRound,
  createAccountsBot,
  say,
  spokenOf,
  textOf,
  type AccountsClient,
} from '../../helpers/accountsBot';
import { startOnlineServicesOption, startReset } from '../../helpers/accountsConversation';
import { pressEach } from '../../helpers/voice';
import { ssmlProblems } from '../../helpers/bot';

// Whole conversations hash every secret with scrypt (by design slow): leave room on a loaded machine.
jest.setTimeout(60_000);

const LANGUAGES: Language[] = ['fr', 'en'];

/** The French text of the catalogue's question `number` (numbered from 1, in data/secretQuestions.json). */
function catalogueQuestion(number: number): string {
  const file = path.join(__dirname, '../../../data/secretQuestions.json');
  const { questions } = JSON.parse(fs.readFileSync(file, 'utf8')) as { questions: Array<{ fr: string }> };
  return questions[number - 1].fr;
}
const yes = (lang: Language) => (lang === 'fr' ? 'oui' : 'yes');
const no = (lang: Language) => (lang === 'fr' ? 'non' : 'no');

/** Chooses questions 9 to 16 of the catalogue and answers each with "<lang> réponse <n>". */
/** Online-services option 3, signed in as CE100001: the list of questions to choose from. */
async function signedInAtTheList(client: AccountsClient, lang: Language): Promise<Partial<Activity>[]> {
  await startOnlineServicesOption(client, lang, '3');
  await client.say(JULIE.userName);
  return client.submitCard('current', JULIE.password);
}

async function chooseEight(client: AccountsClient, lang: Language): Promise<Partial<Activity>[]> {
  let replies: Partial<Activity>[] = [];
  for (let n = 9; n <= 16; n += 1) {
    await client.say(String(n));
    replies = await client.say(`${lang} réponse ${n}`);
  }
  return replies;
}

describe('secretQuestions flow', () => {
  describe('interruptions while signing in', () => {
    it.each([
      ['aide', 'fr'],
      ['English', 'fr'],
      ['help', 'en'],
    ] as const)('%p at the user name question answers and asks it again (%s)', async (text, lang) => {
      const { client: open } = await createAccountsBot();
      const client = open();
      await startOnlineServicesOption(client, lang, '3');
      const replies = textOf(await client.say(text));
      expect(replies).toMatch(/CE123456/);
      // Still signing in: a user name now is taken, and the password card follows.
      expect(textOf(await client.say(JULIE.userName))).toMatch(/mot de passe|password/i);
    });

    it('« aide » at the password card asks for the password again', async () => {
      const { client: open } = await createAccountsBot();
      const client = open();
      await startOnlineServicesOption(client, 'fr', '3');
      await client.say(JULIE.userName);
      expect(textOf(await client.say('aide'))).toContain('Entrez votre mot de passe');
      expect(textOf(await client.submitCard('current', JULIE.password))).toContain(
        say('fr', 'accounts:auth.success'),
      );
    });
  });

  describe.each(LANGUAGES)('in chat (%s)', (lang) => {
    it('authenticates first from online-services option 3, then lets the user choose, answer and confirm eight questions', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      expect(textOf(await startOnlineServicesOption(client, lang, '3'))).toContain(
        say(lang, 'accounts:auth.intro'),
      );
      await client.say(JULIE.userName);
      const start = await client.submitCard('current', JULIE.password);
      expect(textOf(start)).toContain(say(lang, 'accounts:auth.success'));
      expect(textOf(start)).toContain(say(lang, 'accounts:setup.intro', { total: 8 }));
      const firstQuestion = services.catalogue.text(services.catalogue.ids[0], lang);
      expect(textOf(start)).toContain(firstQuestion);

      const summary = await chooseEight(client, lang);
      expect(textOf(summary)).toContain(say(lang, 'accounts:setup.summary'));
      for (const id of services.catalogue.ids.slice(8, 16)) {
        expect(textOf(summary)).toContain(services.catalogue.text(id, lang));
      }
      // Answers are never echoed.
      expect(client.transcript.map((a) => a.text).join('\n')).not.toContain(`${lang} réponse`);
      expect(textOf(await client.say(yes(lang)))).toContain(say(lang, 'accounts:setup.saved'));

      // The new answers now open a reset; the old ones no longer do.
      const reset = open();
      await startReset(reset, lang);
      const answers = Object.fromEntries(
        services.catalogue.ids.slice(8, 16).map((id, i) => [id, `${lang.toUpperCase()} REPONSE ${i + 9}`]),
      );
      expect(
        textOf(await answerRound(reset, await reset.say(JULIE.userName), services, lang, answers)),
      ).toContain(say(lang, 'accounts:reset.verified'));
    });

    it('saves nothing when the user does not confirm', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await signedInAtTheList(client, lang);
      await chooseEight(client, lang);
      expect(textOf(await client.say(no(lang)))).toContain(say(lang, 'accounts:setup.discarded'));
      const reset = open();
      await startReset(reset, lang);
      expect(textOf(await answerRound(reset, await reset.say(JULIE.userName), services, lang))).toContain(
        say(lang, 'accounts:reset.verified'),
      );
    });

    it('explains a number not in the list, a question already chosen and an answer too short', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await signedInAtTheList(client, lang);
      expect(textOf(await client.say('99'))).toContain(
        say(lang, 'accounts:pick.outOfRange', { number: 99, highest: services.catalogue.ids.length }),
      );
      expect(textOf(await client.say('patate'))).toContain(
        say(lang, 'accounts:pick.notUnderstood', { example: 1 }),
      );
      const asked = await client.say(lang === 'fr' ? 'la cinq' : 'number five');
      expect(textOf(asked)).toContain(services.catalogue.text(services.catalogue.ids[4], lang));
      const tooShort = await client.say('!');
      // Something was sent, only with no letter: said as such, not « Je n'ai pas reçu de réponse ».
      expect(textOf(tooShort)).toContain(say(lang, 'accounts:answer.noLetters'));
      expect(textOf(tooShort)).not.toContain(say(lang, 'accounts:answer.empty'));
      expect(textOf(tooShort)).not.toContain(say(lang, 'accounts:contact.agentOffer'));
      // A second empty answer in a row also says how to reach a person, so that it never loops.
      const again = await client.say('  ');
      expect(textOf(again)).toContain(say(lang, 'accounts:answer.empty'));
      expect(textOf(again)).toContain(say(lang, 'accounts:contact.agentOffer'));
      expect(textOf(again)).toContain(services.catalogue.text(services.catalogue.ids[4], lang));
      const oneLetter = await client.say('x');
      expect(textOf(oneLetter)).toContain(say(lang, 'accounts:setup.tooShort'));
      expect(textOf(oneLetter)).toContain(services.catalogue.text(services.catalogue.ids[4], lang));
      const kept = await client.say('Toyota Corolla');
      expect(textOf(kept)).toContain(say(lang, 'accounts:setup.answerKept', { count: 1, total: 8 }));
      expect(textOf(kept)).not.toContain(services.catalogue.text(services.catalogue.ids[4], lang));
      expect(textOf(await client.say('5'))).toContain(
        say(lang, 'accounts:pick.alreadyChosen', { number: 5 }),
      );
    });

    it('offers an agent, besides « annuler », when the question chosen in the list is not understood twice in a row', async () => {
      const { client: open } = await createAccountsBot();
      const client = open();
      await signedInAtTheList(client, lang);
      const first = textOf(await client.say('😀'));
      expect(first).toContain(say(lang, 'accounts:pick.notUnderstood', { example: 1 }));
      expect(first).not.toContain(say(lang, 'accounts:contact.agentOffer'));
      for (const miss of ['', '99']) {
        const again = textOf(await client.say(miss));
        expect(again).toContain(say(lang, 'accounts:pick.howToStop'));
        expect(again).toContain(say(lang, 'accounts:contact.agentOffer'));
        expect(again).toContain(say(lang, 'accounts:pick.ask', { position: 1, total: 8 }));
      }
    });

    it('offers an agent with every second answer refused in a row, instead of asking the same question forever', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await signedInAtTheList(client, lang);
      await client.say('1');
      const question = services.catalogue.text(services.catalogue.ids[0], lang);
      const replies = [];
      for (const answer of ['x', '2', 'x', 'y'.repeat(101)]) replies.push(textOf(await client.say(answer)));
      for (const text of replies) expect(text).toContain(question);
      expect(replies[0]).toContain(say(lang, 'accounts:setup.tooShort'));
      expect(replies[0]).not.toContain(say(lang, 'accounts:contact.agentOffer'));
      expect(replies[1]).toContain(say(lang, 'accounts:setup.tooShort'));
      expect(replies[1]).toContain(say(lang, 'accounts:contact.agentOffer'));
      expect(replies[2]).not.toContain(say(lang, 'accounts:contact.agentOffer'));
      expect(replies[3]).toContain(say(lang, 'accounts:setup.tooLong'));
      expect(replies[3]).toContain(say(lang, 'accounts:contact.agentOffer'));
      // An answer kept starts the count again.
      await client.say('Toyota Corolla');
      await client.say('2');
      const next = textOf(await client.say('x'));
      expect(next).toContain(say(lang, 'accounts:setup.tooShort'));
      expect(next).not.toContain(say(lang, 'accounts:contact.agentOffer'));
    });

    it('refuses a yes or a no as an answer, says why, and asks the same question again', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await signedInAtTheList(client, lang);
      await client.say('1');
      const first = services.catalogue.text(services.catalogue.ids[0], lang);
      const refused = textOf(await client.say(lang === 'fr' ? 'Oui' : 'Yes'));
      expect(refused).toContain(say(lang, 'accounts:setup.yesOrNo'));
      expect(refused).toContain(first);
      expect(refused).not.toContain(say(lang, 'accounts:contact.agentOffer'));
      // Either language's words, whatever the conversation's: both are read as answers to the bot.
      const twice = textOf(await client.say(lang === 'fr' ? 'no' : 'non merci'));
      expect(twice).toContain(say(lang, 'accounts:setup.yesOrNo'));
      expect(twice).toContain(say(lang, 'accounts:contact.agentOffer'));
      expect(textOf(await client.say('Ouistiti'))).toContain(
        say(lang, 'accounts:setup.answerKept', { count: 1, total: 8 }),
      );
    });

    it('refuses an answer already given to another question, says why, and asks the same question again', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await signedInAtTheList(client, lang);
      await client.say('1');
      await client.say('Montréal');
      await client.say('2');
      const second = services.catalogue.text(services.catalogue.ids[1], lang);
      const refused = textOf(await client.say('montreal'));
      expect(refused).toContain(say(lang, 'accounts:setup.sameAsAnother'));
      expect(refused).toContain(second);
      expect(refused).not.toContain(say(lang, 'accounts:contact.agentOffer'));
      // Refused twice in a row: how to reach a person too, never a loop.
      const twice = textOf(await client.say('MONTRÉAL'));
      expect(twice).toContain(say(lang, 'accounts:setup.sameAsAnother'));
      expect(twice).toContain(say(lang, 'accounts:contact.agentOffer'));
      expect(textOf(await client.say('Sherbrooke'))).toContain(
        say(lang, 'accounts:setup.answerKept', { count: 2, total: 8 }),
      );
    });

    it('goes back to the list when asked for another question, instead of keeping those words as the answer', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await signedInAtTheList(client, lang);
      await client.say('1');
      const back = textOf(
        await client.say(lang === 'fr' ? 'Je veux changer de question' : 'another question'),
      );
      expect(back).toContain(say(lang, 'accounts:setup.pickAnother'));
      expect(back).not.toContain(say(lang, 'accounts:setup.answerKept', { count: 1, total: 8 }));
      // The first question is still offered, and nothing was counted.
      expect(textOf(await client.say('1'))).toContain(
        services.catalogue.text(services.catalogue.ids[0], lang),
      );
      const kept = await client.say('Toyota Corolla');
      expect(textOf(kept)).toContain(say(lang, 'accounts:setup.answerKept', { count: 1, total: 8 }));
    });

    it('skips authentication when a session is open, and is reached by free text', async () => {
      const { client: open } = await createAccountsBot();
      const client = open();
      await signedInAtTheList(client, lang);
      await client.say('menu');
      const text = textOf(
        await client.say(lang === 'fr' ? 'Je veux changer mes questions secrètes' : 'account settings'),
      );
      expect(text).not.toContain(say(lang, 'accounts:auth.intro'));
      expect(text).toContain(say(lang, 'accounts:setup.intro', { total: 8 }));
    });

    it('takes IP200001 through its first login from option 3: new password, then its eight questions once', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      await startOnlineServicesOption(client, lang, '3');
      await client.say(SOPHIE.userName);
      await client.submitCard('current', SOPHIE.temporaryPassword);
      const setup = await client.submitCard('new', STRONG_PASSWORDS[3]);
      expect(textOf(setup)).toContain(say(lang, 'accounts:setup.introFirstLogin', { total: 8 }));
      expect(textOf(setup)).not.toContain(say(lang, 'accounts:setup.intro', { total: 8 }));
      await chooseEight(client, lang);
      const saved = textOf(await client.say(yes(lang)));
      expect(saved).toContain(say(lang, 'accounts:setup.saved'));
      expect(saved).not.toContain(say(lang, 'accounts:setup.intro', { total: 8 }));
      expect(saved).toContain(say(lang, 'common:anythingElse'));
      await expect(
        services.accounts.authenticate(SOPHIE.userName, STRONG_PASSWORDS[3], attemptFrom()),
      ).resolves.toEqual({
        kind: 'authenticated',
        mustChangePassword: false,
        hasSecretQuestions: true,
      });
    });
  });

  /** On the phone, signed in by voice, at the list of questions to choose from (option 3). */
  async function atTheList() {
    const { client: open, services } = await createAccountsBot();
    const client = open('telephony');
    await client.say('1');
    await client.say('3');
    const list = await answerRound(client, await client.say('2100001#'), services, 'fr');
    expect(spokenOf(list)).toContain(say('fr', 'accounts:pick.ask_voice', { position: 1, total: 8 }));
    return { client, services };
  }

  describe('a question number keyed on the phone, one message per key', () => {
    const press = (key: KeypadKey) => keypressActivity(key);

    it.each([
      ['1 then 2: question 12', '12', 12],
      ['1 then #: question 1', '1#', 1],
      ['5: question 5 at once, since no question is numbered 50 or more', '5', 5],
    ])('%s', async (_label, keys, number) => {
      const { client } = await atTheList();
      const replies = await pressEach(client, keys);
      expect(replies.slice(0, -1).flat()).toEqual([]);
      const question = catalogueQuestion(number);
      expect(spokenOf(replies[replies.length - 1])).toContain(question);
    });

    it('takes the "#" the prompt asks for after a number already complete as nothing, not as the answer', async () => {
      const { client } = await atTheList();
      expect(spokenOf(await client.say(press('5')))).toContain(catalogueQuestion(5));
      expect(await client.say(press('#'))).toEqual([]);
      const kept = await client.say('réponse parlée');
      expect(textOf(kept)).toContain(say('fr', 'accounts:setup.answerKept', { count: 1, total: 8 }));
    });

    it('repeats the list on "*", dropping a key already pressed', async () => {
      const { client } = await atTheList();
      await client.say(press('1'));
      const repeated = await client.say(press('*'));
      expect(spokenOf(repeated)).toContain(say('fr', 'accounts:pick.ask_voice', { position: 1, total: 8 }));
      expect(spokenOf(await client.say(press('7')))).toContain(catalogueQuestion(7));
    });
  });

  it.each(LANGUAGES)(
    'refuses on the phone (%s) an answer already given, in valid SSML, and offers an agent at the second refusal',
    async (lang) => {
      const { client: open, services } = await createAccountsBot();
      const client = open('telephony');
      if (lang === 'en') await client.say('English');
      await client.say('1');
      await client.say('3');
      await answerRound(client, await client.say('2100001#'), services, lang);
      await client.say('1');
      await client.say('Montréal');
      await client.say('2');
      const refused = await client.say('montreal');
      expect(spokenOf(refused)).toContain(say(lang, 'accounts:setup.sameAsAnother'));
      for (const reply of refused) expect(ssmlProblems(reply.speak ?? '')).toEqual([]);
      const twice = await client.say('Montreal');
      expect(spokenOf(twice)).toContain(say(lang, 'accounts:setup.sameAsAnother'));
      expect(spokenOf(twice)).toContain(say(lang, 'accounts:contact.agentOffer_voice'));
    },
    60_000,
  );

  it('works by voice: questions chosen by number said or keyed, answers spoken', async () => {
    const { client, services } = await atTheList();
    for (const [i, pick] of ['9#', 'dix', 'onze', '12', '13#', 'quatorze', '15', 'seize'].entries()) {
      await client.say(pick);
      await client.say(`réponse parlée ${i}`);
    }
    expect(textOf(await client.say('1'))).toContain(say('fr', 'accounts:setup.saved'));
    await expect(services.accounts.summary(JULIE.userName)).resolves.toMatchObject({
      hasSecretQuestions: true,
    });
    // About twenty turns with number recognizers and hashing: generous for a loaded CI machine.
  }, 60_000);
});
