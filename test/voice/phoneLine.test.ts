/** The phone line end to end on the telephony channel: menus by keypad and voice, transfer, hang-up, misses. */
import type { Activity } from 'botbuilder';
import { MENU_PROMPT, MenuPrompt } from '../../src/dialogs/menuPrompt';
import { keypressActivity, type KeypadKey } from '../../src/dialogs/shared/dtmf';
import type { Application } from '../../src/index';
import { createTestApp, TestClient } from '../helpers/bot';
import { createDeps, DialogHarness, heard, resultOf } from '../helpers/voice';

/** A Tuesday at 11:00 in Québec: the Centre is open, so asking for an agent transfers the call. */
const OPEN_HOURS = '2026-11-24T11:00:00-05:00';

let app: Application;

beforeAll(async () => {
  app = await createTestApp({ CLOCK_NOW: OPEN_HOURS });
});

async function call(): Promise<TestClient> {
  const client = new TestClient(app, { channelId: 'telephony', locale: 'fr-CA' });
  await client.join();
  return client;
}

const key = (k: KeypadKey) => keypressActivity(k);
const events = (replies: Partial<Activity>[]) =>
  replies.filter((a) => a.type !== 'message').map((a) => (a.type === 'event' ? `event:${a.name}` : a.type));

describe('phone line', () => {
  describe('main menu', () => {
    it('greets and reads the main menu as « Pour …, faites le … », waiting for input', async () => {
      const client = new TestClient(app, { channelId: 'telephony' });
      const replies = await client.join();
      expect(heard(replies)).toMatch(
        /^Bonjour!.*\| Que puis-je faire pour vous\? Choisissez parmi les options suivantes\. Pour les services en ligne .*, faites le 1\. Pour les heures d'ouverture .*, faites le 2\. Pour parler à un agent, faites le 0\. Pour réentendre ce menu, faites l'étoile\.$/,
      );
      expect(replies.map((a) => a.inputHint)).toEqual(['acceptingInput', 'expectingInput']);
    });

    const onlineServices =
      /^Services en ligne Médicaments d'exception et Patient d'exception\. Pour .*, faites le \d\./;
    const hours = /8 heures 30 à 16 heures 30.*418 643 8210/;
    it.each([
      ['key 1', key('1'), onlineServices],
      ['key 2', key('2'), hours],
      ['« un »', 'un', onlineServices],
      ['« services en ligne »', 'services en ligne', onlineServices],
      ['« le deuxième »', 'le deuxième', hours],
      ['"two"', 'two', hours],
      ['« heures d’ouverture »', 'heures d’ouverture', hours],
    ] as const)('acts on %s at once', async (_name, input, expected) => {
      const client = await call();
      expect(heard(await client.say(input))).toMatch(expected);
    });

    it('repeats the menu on "*" and on « répétez »', async () => {
      const client = await call();
      expect(heard(await client.say(key('*')))).toContain('Pour parler à un agent, faites le 0.');
      expect(heard(await client.say('répétez'))).toContain('Pour parler à un agent, faites le 0.');
    });
  });

  describe('transfer to an agent', () => {
    it.each([
      ['key 0 at the main menu', [key('0')]],
      ['« agent »', ['agent']],
      ['« conseiller » in the online-services menu', [key('1'), 'conseiller']],
      ['key 0 in the online-services menu', [key('1'), key('0')]],
      ['« je veux parler à quelqu’un »', ['je veux parler à quelqu’un']],
      [
        '« je veux parler à un agent » at a secret question (never taken as an answer)',
        [
          key('1'),
          key('1'),
          ...'2100001#'.split('').map((k) => key(k as KeypadKey)),
          'je veux parler à un agent',
        ],
      ],
      ['« parler à un agent » where the user name is asked', [key('1'), key('1'), 'parler à un agent']],
    ] as const)('%s: announces, then sends handoff.initiate with the support line', async (_n, inputs) => {
      const client = await call();
      let replies: Partial<Activity>[] = [];
      for (const input of inputs) replies = await client.say(input);
      expect(heard(replies)).toBe(
        "Je vous transfère à un agent du Centre d'assistance aux professionnels. Veuillez patienter.",
      );
      expect(replies[0].inputHint).toBe('ignoringInput');
      const handoff = replies.find((a) => a.type === 'event');
      expect(handoff).toMatchObject({
        type: 'event',
        name: 'handoff.initiate',
        value: { TargetPhoneNumber: '+18004634776' },
      });
      // The call is over for the bot: a later message starts afresh at the main menu.
      expect(heard(await client.say('allo'))).toContain('Que puis-je faire pour vous?');
    });

    it('uses VOICE_TRANSFER_NUMBER', async () => {
      const other = await createTestApp({ VOICE_TRANSFER_NUMBER: '+14186438210', CLOCK_NOW: OPEN_HOURS });
      const client = new TestClient(other, { channelId: 'telephony' });
      await client.join();
      const handoff = (await client.say(key('0'))).find((a) => a.type === 'event');
      expect(handoff?.value).toEqual({ TargetPhoneNumber: '+14186438210' });
    });
  });

  describe('hang-up', () => {
    it.each([
      ['« non merci » at the menu', ['non merci']],
      ['« c’est tout »', ['c’est tout']],
      ['« au revoir » in the online-services menu', [key('1'), 'au revoir']],
      ['"that\'s all" in English', ['English', "that's all"]],
    ] as const)('%s: says goodbye and sends endOfConversation', async (_n, inputs) => {
      const client = await call();
      let replies: Partial<Activity>[] = [];
      for (const input of inputs) replies = await client.say(input);
      expect(heard(replies)).toMatch(/au revoir!|goodbye!/i);
      expect(events(replies)).toEqual(['endOfConversation']);
    });

    it('does not hang up on « non » alone', async () => {
      const client = await call();
      expect(events(await client.say('non'))).toEqual([]);
    });
  });

  describe('no match', () => {
    it('says what it can do and offers the agent after two misses, then transfers rather than loop', async () => {
      const client = await call();
      expect(heard(await client.say('patate'))).toMatch(/^Je n'ai pas compris\./);
      const offer = await client.say('carotte');
      expect(heard(offer)).toMatch(
        /^Je n'arrive pas à bien comprendre votre demande, désolé\. Je peux vous guider .* Pour parler à un agent, faites le 0 ou dites « agent »\. \| Choisissez parmi/,
      );
      expect(offer.map((a) => a.inputHint)).toEqual(['acceptingInput', 'expectingInput']);
      await client.say('navet');
      const fourth = await client.say('radis');
      expect(heard(fourth)).toMatch(
        /^Je n'arrive toujours pas à vous comprendre, désolé\. Je vous transfère/,
      );
      expect(events(fourth)).toEqual(['event:handoff.initiate']);
    });
  });

  describe('long menus', () => {
    const SIX = ['passwordReset', 'requestStatus', 'secretQuestions', 'accessRequest', 'back', 'agent'];
    const KEYS = ['1', '2', '3', '4', '9', '0'];
    const harness = () =>
      new DialogHarness([new MenuPrompt(createDeps())], {
        id: MENU_PROMPT,
        options: { menu: { id: 'onlineServices', options: SIX.map((id, i) => ({ id, key: KEYS[i] })) } },
      });

    it('says three options and « autres choix » first, the rest on "#", and takes any key at any time', async () => {
      const h = harness();
      const first = heard(await h.say('allo'));
      expect(first).toContain('faites le 1.');
      expect(first).toContain('faites le 3.');
      expect(first).toContain('Pour les autres choix, faites le dièse.');
      expect(first).not.toContain('faites le 4.');
      const second = heard(await h.press('#'));
      expect(second).toMatch(/faites le 4\..*faites le 9\..*faites le 0\./);
      expect(second).not.toContain('dièse');
      expect(heard(await h.press('*'))).toBe(second);
      expect(heard(await h.say('autres choix'))).toBe(first);
      expect(resultOf(await h.press('4')).value).toBe('accessRequest');
    });
  });
});

describe('phone line, the Centre closed (Saturday evening)', () => {
  let closed: Application;
  beforeAll(async () => {
    closed = await createTestApp({ CLOCK_NOW: '2026-11-28T19:00:00-05:00' });
  });

  it('tells a caller without secret questions the hours and how to ask for an agent, not the numbers', async () => {
    const client = new TestClient(closed, { channelId: 'telephony', locale: 'fr-CA' });
    await client.join();
    await client.say(key('1'));
    await client.say(key('2'));
    const replies = await client.say('C E un zéro zéro zéro zéro deux');
    const text = heard(replies);
    expect(text).toContain('Au téléphone, votre identité se vérifie avec vos questions secrètes');
    expect(text).toContain('Nous sommes ouverts du lundi au vendredi');
    expect(text).toContain('Pour parler à un agent, dites « agent ».');
    expect(text).not.toContain('418 643');
  });
});
