import type { Activity } from 'botbuilder';
import type { Language } from '../../../src/i18n';
import { JULIE, MARC, MINUTE, SOPHIE, STRONG_PASSWORDS } from '../../helpers/accounts';
import {
  answerRound,
  cardInputs,
  cardOf,
  createAccountsBot,
  say,
  spokenOf,
  textOf,
  type AccountsClient,
} from '../../helpers/accountsBot';
import { startOnlineServicesOption } from '../../helpers/accountsConversation';

// Whole conversations hash every secret with scrypt (by design slow): leave room on a loaded machine.
jest.setTimeout(60_000);

const LANGUAGES: Language[] = ['fr', 'en'];
const PROBE = '2'; // the stand-in flow that needs an authenticated user (see accountsBot.ts)

/** Signs in through the stand-in flow and returns the replies to the password. */
async function signIn(client: AccountsClient, lang: Language, userName: string, password: string) {
  await startOnlineServicesOption(client, lang, PROBE);
  await client.say(userName);
  return client.submitCard('current', password);
}

describe('authenticate flow', () => {
  describe.each(LANGUAGES)('in chat (%s)', (lang) => {
    it('asks the user name, then the password in a masked card that is replaced after submission', async () => {
      const { client: open } = await createAccountsBot();
      const client = open();
      const intro = await startOnlineServicesOption(client, lang, PROBE);
      expect(textOf(intro)).toContain(say(lang, 'accounts:auth.intro'));
      const askPassword = await client.say(JULIE.userName);
      const card = cardOf(askPassword);
      expect(cardInputs(card!.content)).toEqual([
        expect.objectContaining({ id: 'password', style: 'password', type: 'Input.Text' }),
      ]);
      const done = await client.submitCard('current', JULIE.password);
      expect(textOf(done)).toContain(say(lang, 'accounts:auth.success'));
      expect(textOf(done)).toContain('PROBE:CE100001');
      expect(client.adapter.updates.map((u) => u.id)).toEqual([card!.activity.id]);
    });

    it('refuses a wrong password without saying whether the user name exists, and lets the user try again', async () => {
      const { client: open } = await createAccountsBot();
      const known = open();
      const wrongPassword = textOf(await signIn(known, lang, JULIE.userName, 'Pas-Le-Bon-Mot-De-Passe'));
      const unknown = open();
      const unknownName = textOf(await signIn(unknown, lang, 'IP999999', 'Pas-Le-Bon-Mot-De-Passe'));
      expect(wrongPassword).toContain(say(lang, 'accounts:auth.failed'));
      expect(unknownName).toEqual(wrongPassword);
      expect(wrongPassword).toContain(say(lang, 'accounts:userName.ask'));
      await known.say(JULIE.userName);
      expect(textOf(await known.submitCard('current', JULIE.password))).toContain('PROBE:CE100001');
    });

    it('stops after three wrong passwords in a row with the forgotten-password hint and the Centre', async () => {
      const { client: open } = await createAccountsBot();
      const client = open();
      await signIn(client, lang, JULIE.userName, 'Faux-1-Faux-1');
      await client.say(JULIE.userName);
      await client.submitCard('current', 'Faux-2-Faux-2');
      await client.say(JULIE.userName);
      const text = textOf(await client.submitCard('current', 'Faux-3-Faux-3'));
      expect(text).toContain(say(lang, 'accounts:auth.forgotHint'));
      expect(text).toContain('418 643-8210');
      expect(text).toContain('PROBE:none');
    });

    it('locks after five wrong passwords within 30 minutes across conversations, then unlocks', async () => {
      const { client: open, clock } = await createAccountsBot();
      for (let i = 0; i < 4; i += 1) {
        expect(textOf(await signIn(open(), lang, JULIE.userName, `Faux-${i}-Faux`))).toContain(
          say(lang, 'accounts:auth.failed'),
        );
      }
      const locked = textOf(await signIn(open(), lang, JULIE.userName, 'Faux-5-Faux'));
      expect(locked).toContain(
        say(lang, 'accounts:locked', { time: lang === 'fr' ? '10 h 30' : '10:30 a.m.' }),
      );
      const stillLocked = open();
      await startOnlineServicesOption(stillLocked, lang, PROBE);
      expect(textOf(await stillLocked.say(JULIE.userName))).toContain(
        say(lang, 'accounts:locked', { time: lang === 'fr' ? '10 h 30' : '10:30 a.m.' }),
      );
      clock.advance(30 * MINUTE);
      expect(textOf(await signIn(open(), lang, JULIE.userName, JULIE.password))).toContain('PROBE:CE100001');
    });

    it('says how to reach an agent when the card comes back empty a second time, and never loops silently', async () => {
      const { client: open } = await createAccountsBot();
      const client = open();
      await startOnlineServicesOption(client, lang, PROBE);
      await client.say(JULIE.userName);
      const first = textOf(await client.say({ value: { accountsCard: 'current' } }));
      expect(first).toContain(say(lang, 'accounts:card.empty'));
      expect(first).not.toContain(say(lang, 'accounts:contact.agentOffer'));
      const second = textOf(await client.say({ value: { accountsCard: 'current', password: '' } }));
      expect(second).toContain(say(lang, 'accounts:contact.agentOffer'));
      expect(textOf(await client.submitCard('current', JULIE.password))).toContain('PROBE:CE100001');
    });

    it('accepts a password typed in the message box but warns that the masked field is safer', async () => {
      const { client: open } = await createAccountsBot();
      const client = open();
      await startOnlineServicesOption(client, lang, PROBE);
      await client.say(JULIE.userName);
      const text = textOf(await client.say(JULIE.password));
      expect(text).toContain(say(lang, 'accounts:card.typedInClear'));
      expect(text).toContain('PROBE:CE100001');
    });

    it('goes on when the channel cannot replace the card', async () => {
      const { client: open } = await createAccountsBot();
      const client = open();
      client.adapter.failUpdates = true;
      expect(textOf(await signIn(client, lang, JULIE.userName, JULIE.password))).toContain('PROBE:CE100001');
    });

    it('asks again for an empty submission', async () => {
      const { client: open } = await createAccountsBot();
      const client = open();
      await startOnlineServicesOption(client, lang, PROBE);
      await client.say(JULIE.userName);
      const again = await client.say({ value: { accountsCard: 'current', password: '' } });
      expect(textOf(again)).toContain(say(lang, 'accounts:card.empty'));
      expect(cardOf(again)).toBeDefined();
    });

    it.each([
      ['typed in the message box', { text: ' ' }],
      ['typed as line breaks and tabs', { text: '\n\t ' }],
      ['submitted in the card', { value: { accountsCard: 'current', password: '   ' } }],
    ])('takes a password of spaces only (%s) for no password, not for a wrong one', async (_case, input) => {
      const { client: open } = await createAccountsBot();
      const client = open();
      await startOnlineServicesOption(client, lang, PROBE);
      await client.say(JULIE.userName);
      for (let i = 0; i < 3; i += 1) {
        const again = await client.say(input);
        expect(textOf(again)).toContain(say(lang, 'accounts:card.empty'));
        expect(textOf(again)).not.toContain(say(lang, 'accounts:auth.failed'));
        expect(cardOf(again)).toBeDefined();
      }
      // Nothing was counted against the user: the real password still signs in, in the same card.
      expect(textOf(await client.submitCard('current', JULIE.password))).toContain('PROBE:CE100001');
    });

    it('keeps the session 15 minutes after the last message, and « déconnexion » / "log out" ends it', async () => {
      const { client: open, clock } = await createAccountsBot();
      const client = open();
      await signIn(client, lang, JULIE.userName, JULIE.password);
      clock.advance(14 * MINUTE);
      // Still signed in: the flow does not ask again (and this message keeps the session alive).
      expect(textOf(await client.say(PROBE))).toContain('PROBE:CE100001');
      clock.advance(14 * MINUTE);
      expect(textOf(await client.say(PROBE))).toContain('PROBE:CE100001');
      clock.advance(16 * MINUTE);
      expect(textOf(await client.say(PROBE))).toContain(say(lang, 'accounts:auth.intro'));
      await client.say(JULIE.userName);
      await client.submitCard('current', JULIE.password);

      const logout = textOf(await client.say(lang === 'fr' ? 'Déconnexion' : 'log out'));
      expect(logout).toContain(say(lang, 'accounts:logout.done'));
      await client.say('1');
      expect(textOf(await client.say(PROBE))).toContain(say(lang, 'accounts:auth.intro'));
      const again = textOf(await client.say(lang === 'fr' ? 'déconnexion' : 'logout'));
      expect(again).toContain(say(lang, 'accounts:logout.none'));
    });
  });

  describe.each(LANGUAGES)('first login with a temporary password (%s)', (lang) => {
    it('makes IP200001 choose a new password, then takes it at once to its eight secret questions', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open();
      const mustChange = await signIn(client, lang, SOPHIE.userName, SOPHIE.temporaryPassword);
      expect(textOf(mustChange)).toContain(say(lang, 'accounts:auth.mustChange'));
      const newCard = cardOf(mustChange);
      expect(cardInputs(newCard!.content).map((i) => i.id)).toEqual(['password', 'confirmation']);

      // The sign-in card sent again is an old form, not an empty new password.
      const stale = textOf(await client.submitCard('current', SOPHIE.temporaryPassword));
      expect(stale).toContain(say(lang, 'common:staleCard'));
      expect(stale).not.toContain(say(lang, 'accounts:card.empty'));

      // The temporary password cannot become the new one, and the policy applies.
      expect(textOf(await client.submitCard('new', SOPHIE.temporaryPassword))).toContain(
        say(lang, 'accounts:policy.recentlyUsed', { history: 5 }),
      );
      expect(textOf(await client.submitCard('new', 'motdepasse123'))).toContain(
        say(lang, 'accounts:policy.weak'),
      );
      const setup = await client.submitCard('new', STRONG_PASSWORDS[2]);
      expect(textOf(setup)).toContain(say(lang, 'accounts:newPassword.changed'));
      expect(textOf(setup)).toContain(say(lang, 'accounts:setup.introFirstLogin', { total: 8 }));
      const summary = await chooseEight(client, lang);
      expect(textOf(summary)).toContain(say(lang, 'accounts:setup.confirm'));
      const saved = await client.say(lang === 'fr' ? 'oui' : 'yes');
      expect(textOf(saved)).toContain(say(lang, 'accounts:setup.saved'));
      // Back in the flow that asked for authentication.
      expect(textOf(saved)).toContain('PROBE:IP200001');
      await expect(services.accounts.summary(SOPHIE.userName)).resolves.toMatchObject({
        hasSecretQuestions: true,
        mustChangePassword: false,
      });
      const actions = (await services.audit.recent()).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['passwordChanged', 'secretQuestionsChanged']));
    });
  });

  it('does not say « rien n’a été modifié » when the eight questions are declined after the new password', async () => {
    const { client: open, services } = await createAccountsBot();
    const client = open();
    await signIn(client, 'fr', SOPHIE.userName, SOPHIE.temporaryPassword);
    await client.submitCard('new', STRONG_PASSWORDS[2]);
    await chooseEight(client, 'fr');
    const text = textOf(await client.say('non'));
    expect(text).toContain(say('fr', 'accounts:setup.discardedAfterNewPassword'));
    expect(text).not.toContain(say('fr', 'accounts:setup.discarded'));
    await expect(services.accounts.summary(SOPHIE.userName)).resolves.toMatchObject({
      hasSecretQuestions: false,
      mustChangePassword: false,
    });
  });

  describe.each(LANGUAGES)('on a voice channel (%s)', (lang) => {
    it('authenticates with the user name keyed in and three secret questions', async () => {
      const { client: open, services } = await createAccountsBot();
      const client = open('telephony');
      if (lang === 'en') await client.say('English');
      await client.say('1');
      const intro = await client.say(PROBE);
      expect(spokenOf(intro)).toContain(say(lang, 'accounts:auth.intro_voice'));
      const done = await answerRound(client, await client.say('2100001#'), services, lang);
      expect(cardOf(done)).toBeUndefined();
      expect(textOf(done)).toContain('PROBE:CE100001');
    });

    it('explains to CE100002 that, by phone, secret questions are needed', async () => {
      const { client: open } = await createAccountsBot();
      const client = open('telephony');
      if (lang === 'en') await client.say('English');
      await client.say('1');
      await client.say(PROBE);
      const text = spokenOf(await client.say(MARC.userName));
      expect(text).toContain(say(lang, 'accounts:auth.voiceNotConfigured'));
      // The caller is already on the Centre's line, which is open: an agent, not its numbers read out.
      expect(text).toContain(say(lang, 'accounts:contact.agentOffer_voice'));
      expect(text).not.toContain('418 643');
      expect(text).not.toContain(say(lang, 'hours:title_voice'));
    });
  });
});

/** Chooses the first eight questions offered and answers each; returns the confirmation question. */
async function chooseEight(client: AccountsClient, lang: Language): Promise<Partial<Activity>[]> {
  let replies: Partial<Activity>[] = [];
  for (let i = 0; i < 8; i += 1) {
    await client.say(String(i + 1));
    replies = await client.say(`${lang} answer ${i + 1}`);
  }
  return replies;
}
