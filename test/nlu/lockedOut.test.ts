/** « Mon compte est barré », "I'm locked out": routed to « Mot de passe oublié? », which tells a locked user what to do. */
import type { Activity } from 'botbuilder';
import type { Application } from '../../src/index';
import { Messages, type Language } from '../../src/i18n';
import { Lexicon } from '../../src/nlu/lexicon';
import { normalizeText } from '../../src/nlu/normalize';
import { attemptFrom, JULIE } from '../helpers/accounts';
import { createAccountsBot, say, spokenOf, textOf as accountsText } from '../helpers/accountsBot';
import { createTestApp, TestClient } from '../helpers/bot';

jest.setTimeout(60_000);

const lexicon = new Lexicon(new Messages());

const LOCKED_OUT: Array<[Language, string]> = [
  ['fr', 'mon mot de passe est bloqué'],
  ['fr', 'mon mot de passe est bloque'],
  ['fr', 'compte barré'],
  ['fr', 'mon compte est barre'],
  ['fr', 'compte verrouillé'],
  ['fr', 'mon compte est verouillé'],
  ['fr', 'mon compte est bloquer'],
  ['fr', 'mon compte a été barré'],
  ['fr', "mon mot de passe s'est fait barrer"],
  ['fr', 'ils ont bloqué mon compte'],
  ['fr', 'mon mdp est bloqué'],
  ['fr', 'je suis bloqué hors de mon compte'],
  ['fr', 'MON COMPTE EST BLOQUÉ!!'],
  ['en', "I'm locked out"],
  ['en', 'im locked out of my account'],
  ['en', 'account locked'],
  ['en', 'my account is locked'],
  ['en', 'my acount got lockd'],
  ['en', 'they locked my account'],
  ['en', 'my password is blocked'],
];

/** A word of the list alone, or about something else, is not a lockout. */
const NOT_LOCKED_OUT = [
  'je suis bloqué à la question 3',
  'la demande est bloquée',
  'bloqué',
  'mon compte de banque a été fermé puis plus tard on a bloqué la carte',
  'locked',
  'the door was locked',
];

describe('locked-out phrases', () => {
  it.each(LOCKED_OUT)('(%s) %p routes to passwordReset', (_lang, text) => {
    expect(lexicon.routingIntent(normalizeText(text))).toBe('passwordReset');
  });

  it.each(NOT_LOCKED_OUT)('%p does not', (text) => {
    expect(lexicon.routingIntent(normalizeText(text))).not.toBe('passwordReset');
  });

  it('leaves a request for an agent to the agent', () => {
    expect(lexicon.routingIntent(normalizeText('compte bloqué, je veux parler à un agent'))).toBe('agent');
    expect(lexicon.routingIntent(normalizeText('account locked, talk to a human'))).toBe('agent');
  });
});

describe('locked-out phrases in a conversation', () => {
  let app: Application;
  beforeAll(async () => {
    app = await createTestApp();
  });

  function flowTraces(replies: Partial<Activity>[]): string[] {
    return replies
      .filter((a) => a.type === 'trace' && a.name === 'flow')
      .map((a) => `${a.label}:${(a.value as { flow: string }).flow}`);
  }

  describe.each(['test', 'telephony'])('on %s', (channelId) => {
    it.each(LOCKED_OUT)('(%s) %p starts « Mot de passe oublié? »', async (lang, text) => {
      const client = new TestClient(app, { traces: true, channelId, locale: 'fr-CA' });
      await client.say(lang === 'fr' ? 'bonjour' : 'English');
      expect(flowTraces(await client.say(text))).toContain('start:passwordReset');
    });
  });
});

describe('a locked user who says so', () => {
  /** Locks JULIE's user name the way the bot does: wrong passwords, each from another conversation. */
  async function lockJulie(
    services: Awaited<ReturnType<typeof createAccountsBot>>['services'],
  ): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const outcome = await services.accounts.authenticate(JULIE.userName, 'wrong', attemptFrom(`lock-${i}`));
      if (outcome.kind === 'locked') return;
    }
    throw new Error('JULIE was never locked');
  }

  it.each([
    ['fr', 'mon compte est barré'],
    ['en', "I'm locked out"],
  ] as Array<[Language, string]>)(
    '(%s) in chat: %p, then the user name: until when, the numbers and an agent',
    async (lang, text) => {
      const { client: open, services } = await createAccountsBot();
      await lockJulie(services);
      const client = open();
      await client.say(lang === 'fr' ? 'Bonjour' : 'English');
      expect(accountsText(await client.say(text))).toContain(say(lang, 'accounts:reset.intro'));
      const locked = accountsText(await client.say(JULIE.userName));
      expect(locked).toContain(
        say(lang, 'accounts:locked', { time: lang === 'fr' ? '10 h 30' : '10:30 a.m.' }),
      );
      expect(locked).toContain('1 800 463-4776');
      expect(locked).toContain(say(lang, 'accounts:contact.agentOffer'));
    },
  );

  it.each([
    ['fr', 'compte bloque'],
    ['en', 'my account is locked'],
  ] as Array<[Language, string]>)(
    '(%s) on the phone: %p, then the user name: until when, and an agent',
    async (lang, text) => {
      const { client: open, services } = await createAccountsBot();
      await lockJulie(services);
      const client = open('telephony');
      await client.say(lang === 'fr' ? 'Bonjour' : 'English');
      expect(spokenOf(await client.say(text))).toContain(say(lang, 'accounts:reset.intro'));
      const locked = await client.say(JULIE.userName);
      expect(accountsText(locked)).toContain(
        say(lang, 'accounts:locked_voice', { time: lang === 'fr' ? '10 h 30' : '10:30 a.m.' }),
      );
      expect(spokenOf(locked)).toContain(say(lang, 'accounts:contact.agentOffer_voice'));
    },
  );
});
