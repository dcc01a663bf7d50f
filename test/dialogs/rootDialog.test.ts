import type { Activity } from 'botbuilder';
import type { Application } from '../../src/index';
import { createTestApp, TestClient, textOf } from '../helpers/bot';

let app: Application;
/** A person is reached through the escalation flow (issue 7): queued when open, hours and call-back otherwise. */
const ESCALATION_STARTED = /Je transmets votre demande à un agent|présentement fermé|est fermé aujourd'hui/;
/** The online-services keys offered today, in order: update as flows land. */
const ONLINE_SERVICES_KEYS = ['1', '2', '3', '4', '9', '0'];

beforeAll(async () => {
  app = await createTestApp();
});

function flowTraces(replies: Partial<Activity>[]): string[] {
  return replies
    .filter((a) => a.type === 'trace' && a.name === 'flow')
    .map((a) => `${a.label}:${(a.value as { flow: string }).flow}`);
}

describe('RootDialog', () => {
  describe('welcome and main menu', () => {
    it('greets in French with the main menu on a first message, even when the client sends en-US', async () => {
      const client = new TestClient(app, { locale: 'en-US' });
      const text = textOf(await client.say('bonjour'));
      expect(text).toContain('Bonjour!');
      expect(text).toContain("Centre d'assistance aux professionnels");
      expect(text).toMatch(/\*\*1\*\* – Services en ligne/);
      expect(text).toMatch(/\*\*2\*\* – Heures d'ouverture/);
      expect(text).toMatch(/\*\*0\*\* – Parler à un agent/);
    });

    it('greets once on conversationUpdate, then not again on the first message', async () => {
      const client = new TestClient(app);
      expect(textOf(await client.join())).toContain('Bonjour!');
      const second = textOf(await client.say('rien de spécial'));
      expect(second).not.toContain('Bonjour!');
      expect(second).toContain("Je n'ai pas compris");
    });

    it('offers buttons that send the option keys', async () => {
      const client = new TestClient(app);
      const replies = await client.say('bonjour');
      const menu = replies.find((a) => a.suggestedActions);
      expect(menu?.suggestedActions?.actions.map((a) => a.value)).toEqual(['1', '2', '0']);
    });
  });

  describe('menu choices in every form', () => {
    const onlineServices = /Services en ligne \*Médicaments d'exception et Patient d'exception\*\. Répondez/;
    const hours = /418 643-8210/;
    it.each([
      ['1', onlineServices],
      ['un', onlineServices],
      ['option un', onlineServices],
      ['le premier', onlineServices],
      ['one', onlineServices],
      ['Option 1 s’il vous plaît', onlineServices],
      ['services en ligne', onlineServices],
      ['2', hours],
      ['deux', hours],
      ['la deuxième', hours],
      ['second', hours],
      ['heures d’ouverture', hours],
      ['Quelles sont vos heures?', hours],
      ['numéro deux', hours],
    ])('main menu answer %p', async (answer, expected) => {
      const client = new TestClient(app);
      await client.say('bonjour');
      expect(textOf(await client.say(answer))).toMatch(expected);
    });

    it('treats a button press (messageBack value) like the typed key', async () => {
      const client = new TestClient(app);
      await client.say('bonjour');
      expect(textOf(await client.say({ text: '', value: { menuChoice: '2' } }))).toMatch(hours);
    });

    it('answers a form of an earlier step sent again with the menu, without counting a miss', async () => {
      const client = new TestClient(app);
      await client.say('bonjour');
      const stale = textOf(
        await client.say({ value: { accountsCard: 'new', password: 'x', confirmation: 'x' } }),
      );
      expect(stale).toContain("Cette fiche n'est plus active.");
      expect(stale).toMatch(/\*\*1\*\* – Services en ligne/);
      await client.say({ value: { accessRequest: 'confirm' } });
      // Two stale forms in a row were not two misunderstandings: the next miss is the first.
      expect(textOf(await client.say('zzz'))).toContain("Je n'ai pas compris");
    });

    it('repeats the menu on "*" without counting a miss', async () => {
      const client = new TestClient(app);
      await client.say('bonjour');
      expect(textOf(await client.say('*'))).toMatch(/\*\*1\*\* – Services en ligne/);
      expect(textOf(await client.say('zzz'))).toContain("Je n'ai pas compris");
    });
  });

  describe('greetings and requests to repeat at a menu', () => {
    it.each(['Bonjour!', 'allô?', 'Salut', 'hello'])(
      'answers %p with a greeting and the menu, without counting a miss',
      async (greeting) => {
        const client = new TestClient(app);
        await client.say('bonjour');
        const text = textOf(await client.say(greeting));
        expect(text).toMatch(/^(Bonjour!|Hello!)/);
        expect(text).toMatch(/\*\*1\*\* – Services en ligne/);
        expect(text).not.toContain("Je n'ai pas compris");
        expect(textOf(await client.say('zzz'))).toContain("Je n'ai pas compris votre réponse");
      },
    );

    it.each(['pardon?', 'Pouvez-vous répéter?', 'hein?'])('repeats the menu on %p', async (request) => {
      const client = new TestClient(app);
      await client.say('bonjour');
      const text = textOf(await client.say(request));
      expect(text).toMatch(/\*\*1\*\* – Services en ligne/);
      expect(text).not.toContain("Je n'ai pas compris");
    });
  });

  describe('online-services menu', () => {
    it('offers only the flows that exist, plus 9 and 0, and 9 returns to the main menu', async () => {
      const client = new TestClient(app);
      await client.say('bonjour');
      const menu = textOf(await client.say('1'));
      const offered = [...menu.matchAll(/\*\*(\d)\*\* – /g)].map((m) => m[1]);
      // Flows not built yet are neither offered nor understood; 5 is never an option.
      expect(offered).toEqual(ONLINE_SERVICES_KEYS);
      expect(textOf(await client.say('5'))).toContain("Je n'ai pas compris");
      const back = textOf(await client.say('9'));
      expect(back).toContain("Que puis-je faire d'autre pour vous?");
      expect(back).toMatch(/\*\*2\*\* – Heures d'ouverture/);
    });
  });

  describe('hours and contact (main menu 2)', () => {
    it('gives the hours, the three numbers, the e-mail and mailing address, then the menu again', async () => {
      const client = new TestClient(app);
      await client.say('bonjour');
      const text = textOf(await client.say('2'));
      expect(text).toContain('du lundi au vendredi, de 8 h 30 à 16 h 30 (le mercredi, de 10 h 30 à 16 h)');
      expect(text).toContain('Région de Québec : 418 643-8210');
      expect(text).toContain('Région de Montréal : 514 873-3480');
      expect(text).toContain('Ailleurs au Québec : 1 800 463-4776');
      expect(text).toContain('faites le 1 pour les services en ligne');
      expect(text).toContain('sel.professionnels@ramq.gouv.qc.ca');
      expect(text).toContain('Case postale 500');
      expect(text).toContain('G1K 7B4');
      expect(text).toContain("Que puis-je faire d'autre pour vous?");
    });

    it('gives them in English to a user who asked for English', async () => {
      const client = new TestClient(app);
      await client.say('bonjour');
      await client.say('English please');
      const text = textOf(await client.say('2'));
      expect(text).toContain('Monday to Friday, 8:30 a.m. to 4:30 p.m. (Wednesday, 10:30 a.m. to 4 p.m.)');
      expect(text).toContain('Montréal region: 514 873-3480');
    });
  });

  describe('language', () => {
    it.each(['English', 'in English please', 'anglais', 'English please'])(
      'switches to English on %p and remembers it until "français"',
      async (ask) => {
        const client = new TestClient(app);
        await client.say('bonjour');
        const switched = textOf(await client.say(ask));
        expect(switched).toContain('All right, I will continue in English.');
        expect(switched).toContain('Reply with the number of your choice');
        expect(textOf(await client.say('1'))).toContain('Online services');
        const back = textOf(await client.say('français'));
        expect(back).toContain('Très bien, je poursuis en français.');
        expect(back).toContain('Services en ligne');
      },
    );

    it('keeps English for the same user in a new conversation', async () => {
      const first = new TestClient(app, { userId: 'same-user', conversationId: 'c-lang-1' });
      await first.say('bonjour');
      await first.say('English');
      const second = new TestClient(app, { userId: 'same-user', conversationId: 'c-lang-2' });
      expect(textOf(await second.say('hello'))).toContain('Hello!');
    });

    it('understands English words while speaking French', async () => {
      const client = new TestClient(app);
      await client.say('bonjour');
      const text = textOf(await client.say('two'));
      expect(text).toContain("Heures d'ouverture");
    });

    it('switches on the very first message', async () => {
      const client = new TestClient(app);
      const text = textOf(await client.say('English please'));
      expect(text).toContain('All right, I will continue in English.');
      expect(text).toContain('Reply with the number of your choice');
    });
  });

  describe('no-match policy', () => {
    it('after two misunderstood answers says what it can do and offers an agent, without looping', async () => {
      const client = new TestClient(app);
      await client.say('bonjour');
      const first = textOf(await client.say('asdfgh'));
      expect(first).toContain("Je n'ai pas compris votre réponse");
      const second = textOf(await client.say('qwerty zxcv'));
      expect(second).toContain('Pour parler à un agent, faites le 0');
      expect(second).toContain('Répondez par le numéro de votre choix');
      const third = textOf(await client.say('blabla'));
      expect(third).toContain("Je n'ai pas compris votre réponse");
    });

    it('resets the count after an understood answer', async () => {
      const client = new TestClient(app);
      await client.say('bonjour');
      await client.say('asdfgh');
      await client.say('1');
      expect(textOf(await client.say('qwerty'))).toContain("Je n'ai pas compris votre réponse");
    });

    it('makes the same offer in English', async () => {
      const client = new TestClient(app);
      await client.say('English');
      await client.say('asdf');
      expect(textOf(await client.say('qwer'))).toContain('To speak with an agent, press 0');
    });
  });

  describe('interruptions anywhere', () => {
    it.each([
      ['aide', 'Je peux vous orienter'],
      ['help', 'Je peux vous orienter'],
      ['annuler', "D'accord, j'ai annulé la démarche en cours."],
      ['menu', 'Que puis-je faire pour vous?'],
      ['recommencer', 'Que puis-je faire pour vous?'],
      ['agent', ESCALATION_STARTED],
      ['je veux parler à quelqu’un', ESCALATION_STARTED],
      ['talk to a human', ESCALATION_STARTED],
      ['une téléphoniste', ESCALATION_STARTED],
      ['parler à la téléphoniste', ESCALATION_STARTED],
      ['operator', ESCALATION_STARTED],
    ])('%p from the online-services menu', async (input, expected) => {
      const client = new TestClient(app);
      await client.say('bonjour');
      await client.say('1');
      expect(textOf(await client.say(input))).toMatch(expected);
    });

    it('help repeats the current menu after the help text', async () => {
      const client = new TestClient(app);
      await client.say('bonjour');
      await client.say('1');
      const text = textOf(await client.say('aide'));
      expect(text).toContain('Services en ligne *Médicaments');
    });

    it.each([
      'mon mot de passe marche pas',
      'chu pu capable de me connecter',
      'Je n’arrive pas à me connecter',
      "my password doesn't work",
      "I can't log in",
      // Québec and short forms: « pu » for « plus », « mdp », « jpeux ».
      'mon mot de passe fonctionne pu',
      'mon mdp marche plus',
      'je me souviens plus de mon mot de passe',
      'jpeux pas rentrer dans mon compte',
      'forgot password',
      'my password is not working',
      "I can't remember my password",
    ])('takes %p to « Mot de passe oublié? »', async (text) => {
      const client = new TestClient(app, { traces: true });
      await client.say('bonjour');
      expect(flowTraces(await client.say(text))).toContain('start:passwordReset');
    });

    it('routes a first message that names a flow', async () => {
      const client = new TestClient(app);
      const text = textOf(await client.say('je veux parler à quelqu’un'));
      expect(text).toContain('Bonjour!');
      expect(text).toMatch(ESCALATION_STARTED);
    });
  });

  describe('flow traces', () => {
    it('sends start and end traces with the flow ids', async () => {
      const client = new TestClient(app, { traces: true });
      expect(flowTraces(await client.say('bonjour'))).toEqual(['start:mainMenu']);
      expect(flowTraces(await client.say('1'))).toEqual(['start:onlineServices']);
      expect(flowTraces(await client.say('9'))).toEqual(['end:onlineServices']);
      expect(flowTraces(await client.say('2'))).toEqual(['start:hoursContact', 'end:hoursContact']);
      expect(flowTraces(await client.say('menu'))).toEqual(['end:mainMenu', 'start:mainMenu']);
    });
  });

  describe('a conversation saved by an earlier version', () => {
    it('starts afresh from the main menu when its saved stack still has the root as a component dialog', async () => {
      const { MemoryStorage } = await import('botbuilder');
      const storage = new MemoryStorage();
      const legacy = await createTestApp({}, { storage });
      const conversationId = 'conv-legacy-root';
      // The shape botbuilder saved when the root dialog was a component holding the menus.
      await storage.write({
        [`test/conversations/${conversationId}/`]: {
          flags: { welcomed: true },
          dialogState: {
            dialogStack: [
              {
                id: 'root',
                state: {
                  dialogs: {
                    dialogStack: [
                      { id: 'mainMenu', state: {} },
                      { id: 'menuPrompt', state: {} },
                    ],
                  },
                },
              },
            ],
          },
        },
      });
      const client = new TestClient(legacy, { conversationId });
      const text = textOf(await client.say('2'));
      // The message starts the conversation again and is understood as main-menu option 2.
      expect(text).toContain('418 643-8210');
      expect(text).not.toMatch(/erreur/i);
    });
  });
});
