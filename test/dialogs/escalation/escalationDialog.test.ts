import { ActivityTypes, type Activity } from 'botbuilder';
import { keypressActivity, type KeypadKey } from '../../../src/dialogs/shared/dtmf';
import { ssmlToText } from '../../../src/dialogs/shared/ssml';
import type { Application } from '../../../src/index';
import { createTestApp, ssmlProblems, TestClient, textOf } from '../../helpers/bot';

const OPEN = { CLOCK_NOW: '2026-11-30T10:00:00-05:00' };
const CLOSED = { CLOCK_NOW: '2026-11-28T10:00:00-05:00' };

/** Every `speak` of the replies is well-formed SSML. */
function expectValidSpeech(replies: Partial<Activity>[]): void {
  for (const reply of replies.filter((r) => r.type === ActivityTypes.Message)) {
    expect(reply.speak).toBeDefined();
    expect(ssmlProblems(reply.speak as string)).toEqual([]);
  }
}

/** What a caller hears: the text of every `speak`. */
function heard(replies: Partial<Activity>[]): string {
  return replies
    .filter((r) => r.speak)
    .map((r) => ssmlToText(r.speak as string))
    .join('\n');
}

async function keys(client: TestClient, digits: string): Promise<Partial<Activity>[]> {
  const replies: Partial<Activity>[] = [];
  for (const key of digits) replies.push(...(await client.say(keypressActivity(key as KeypadKey))));
  return replies;
}

describe('EscalationDialog', () => {
  describe('in chat during business hours', () => {
    let app: Application;

    beforeAll(async () => {
      app = await createTestApp(OPEN);
    });

    it.each([
      ['main-menu 0', ['bonjour', '0']],
      ['online-services 0', ['bonjour', '1', '0']],
      ['« agent » in a flow', ['bonjour', '1', 'agent']],
      ['« conseiller » as a first message', ['conseiller']],
      ['"talk to a human"', ['talk to a human']],
    ])('queues the user for %s and gives the position', async (_label, inputs) => {
      const client = new TestClient(app);
      let last: Partial<Activity>[] = [];
      for (const input of inputs) last = await client.say(input);
      const text = textOf(last);
      expect(text).toMatch(/Votre numéro de demande : E-[A-Z2-9]{6}\./);
      expect(text).toMatch(/Vous êtes en position \d+ dans la file d'attente\./);
      expect(text).toContain('écrivez « annuler »');
    });

    it('records why: two misunderstood answers, then the agent offer accepted', async () => {
      const client = new TestClient(app);
      await client.say('bonjour');
      await client.say('qwer');
      expect(textOf(await client.say('asdf'))).toContain('Pour parler à un agent, faites le 0');
      const text = textOf(await client.say('0'));
      const id = /E-[A-Z2-9]{6}/.exec(text)?.[0] as string;
      expect((await app.escalation.store.get(id))?.reason).toBe('notUnderstood');
    });

    it('answers in English for a user who chose English', async () => {
      const client = new TestClient(app);
      await client.say('english');
      const text = textOf(await client.say('agent'));
      expect(text).toMatch(/You are number \d+ in the queue\./);
      const id = /E-[A-Z2-9]{6}/.exec(text)?.[0] as string;
      expect((await app.escalation.store.get(id))?.language).toBe('en');
      expect(textOf(await client.say('cancel'))).toContain('You have left the queue.');
    });
  });

  describe('in chat outside business hours', () => {
    let app: Application;

    beforeAll(async () => {
      app = await createTestApp(CLOSED);
    });

    it('refuses an invalid call-back phone number, then accepts a valid one', async () => {
      const client = new TestClient(app);
      await client.say('agent');
      await client.say('2');
      await client.say('oui');
      await client.say('Julie Tremblay');
      expect(textOf(await client.say('212 555 1234'))).toContain(
        "Cet indicatif régional n'est pas canadien.",
      );
      expect(textOf(await client.say('555-1234'))).toContain("Ce numéro n'a pas dix chiffres.");
      expect(textOf(await client.say('514 555 1234'))).toContain('Quel est le meilleur moment');
    });

    it('gives up politely after three unusable answers', async () => {
      const client = new TestClient(app);
      await client.say('agent');
      await client.say('1');
      await client.say('oui');
      expect(textOf(await client.say('?'))).not.toContain('514 873-3480');
      // Second miss, one try left: the Centre's numbers already, as a way forward.
      const second = textOf(await client.say('12'));
      expect(second).toContain('514 873-3480');
      expect(second).toContain('Quel est votre nom?');
      const text = textOf(await client.say('!!'));
      expect(text).toContain("Je n'arrive pas à noter votre demande de rappel");
      // « pendant les heures d'ouverture » alone told no number to call.
      expect(text).toContain('1 800 463-4776');
      expect(text).toContain("Que puis-je faire d'autre pour vous?");
    });

    /** Starts the closed-hours flow and answers the region (Montréal). */
    async function atCallbackOffer(client: TestClient): Promise<void> {
      await client.say('agent');
      await client.say('2');
    }

    /** Goes through the whole call-back request up to its read-back. */
    async function atReadBack(client: TestClient): Promise<string> {
      await atCallbackOffer(client);
      await client.say('oui');
      await client.say('Julie Tremblay');
      await client.say('514 555 1234');
      await client.say('1');
      return textOf(await client.say('mot de passe'));
    }

    it('gives every region’s number after two answers to the region question it does not understand', async () => {
      const client = new TestClient(app);
      await client.say('agent');
      expect(textOf(await client.say('a'))).toContain("Je n'ai pas compris votre région.");
      const text = textOf(await client.say('b'));
      expect(text).not.toContain('dans quelle région êtes-vous?');
      expect(text).toContain('Région de Québec : 418 643-8210');
      expect(text).toContain('Région de Montréal : 514 873-3480');
      expect(text).toContain('Ailleurs au Québec : 1 800 463-4776');
      expect(text).toContain('Voulez-vous laisser une demande de rappel?');
    });

    it('offers the reopening, not an agent, after two answers to the call-back offer it does not understand', async () => {
      const client = new TestClient(app);
      await atCallbackOffer(client);
      await client.say('blabla');
      const text = textOf(await client.say('blabla'));
      expect(text).not.toContain('agent, écrivez');
      expect(text).toContain('Aucun agent ne peut vous répondre avant notre réouverture, lundi à 8 h 30');
      expect(text).toContain('Voulez-vous laisser une demande de rappel?');
    });

    it.each([
      ['at the call-back offer', atCallbackOffer, 'Voulez-vous laisser une demande de rappel?'],
      [
        'at the name question',
        async (client: TestClient) => {
          await atCallbackOffer(client);
          await client.say('oui');
        },
        'Quel est votre nom?',
      ],
    ])(
      'answers « agent » %s with the reopening and the same question, not the flow again',
      async (_l, go, question) => {
        const client = new TestClient(app);
        await go(client);
        const text = textOf(await client.say('agent'));
        expect(text).toContain("Aucun agent n'est disponible");
        expect(text).toContain('Nous rouvrons lundi à 8 h 30.');
        expect(text).toContain(question);
        expect(text).not.toContain('présentement fermé');
      },
    );

    it('tells when to reach the Centre when the call-back is declined', async () => {
      const client = new TestClient(app);
      await atCallbackOffer(client);
      expect(textOf(await client.say('non'))).toContain(
        "D'accord. Vous pourrez nous joindre dès notre réouverture, lundi à 8 h 30.",
      );
    });

    it.each(['oui', 'non merci', 'yes'])('does not take %p as the best time to call', async (answer) => {
      const client = new TestClient(app);
      await atCallbackOffer(client);
      await client.say('oui');
      await client.say('Julie Tremblay');
      await client.say('514 555 1234');
      const text = textOf(await client.say(answer));
      expect(text).toContain("J'ai besoin d'un moment, pas d'un oui ou d'un non.");
      expect(text).toContain('Quel est le meilleur moment pour vous rappeler?');
      expect(textOf(await client.say('en après-midi'))).toContain('quel est le motif');
    });

    it.each([
      ['the best time', ['3', '1'], 'Meilleur moment : en avant-midi', { bestTime: { slot: 'morning' } }],
      ['the name', ['le nom', 'Julie Gagnon'], 'Nom : Julie Gagnon', { name: 'Julie Gagnon' }],
      ['the phone', ['2', '418 555 0199'], 'Téléphone : 418 555-0199', { phone: '+14185550199' }],
      [
        'the reason',
        ['motif', 'questions secrètes'],
        'Motif : questions secrètes',
        { reason: { topic: 'secretQuestions' } },
      ],
    ])(
      'lets the user correct %s after « non » at the read-back, then saves',
      async (_l, answers, line, saved) => {
        const closed = await createTestApp(CLOSED);
        const client = new TestClient(closed);
        expect(await atReadBack(client)).toContain('Est-ce exact?');
        expect(textOf(await client.say('non'))).toContain('Que voulez-vous corriger?');
        await client.say(answers[0]);
        const text = textOf(await client.say(answers[1]));
        expect(text).toContain(line);
        expect(text).toContain('Est-ce exact?');
        expect(textOf(await client.say('oui'))).toContain('Votre demande de rappel est enregistrée.');
        const [request] = await closed.escalation.store.pendingCallbacks();
        expect(request).toMatchObject(saved);
      },
    );

    it('reads the request back as it is when what to change is not understood twice, and keeps it', async () => {
      const closed = await createTestApp(CLOSED);
      const client = new TestClient(closed);
      await atReadBack(client);
      await client.say('non');
      await client.say('zzz');
      const text = textOf(await client.say('qwerty'));
      expect(text).toContain('Est-ce exact?');
      expect(text).not.toContain('Je n’arrive pas à noter votre demande de rappel'.replace('’', "'"));
      expect(textOf(await client.say('oui'))).toContain('Votre demande de rappel est enregistrée.');
      expect(await closed.escalation.store.pendingCallbacks()).toHaveLength(1);
    });

    it.each([['5'], ['annuler la demande']])(
      'cancels the call-back explicitly with %p after « non »',
      async (answer) => {
        const closed = await createTestApp(CLOSED);
        const client = new TestClient(closed);
        await atReadBack(client);
        await client.say('non');
        const text = textOf(await client.say(answer));
        expect(text).toContain("D'accord, je n'ai pas enregistré la demande de rappel.");
        expect(await closed.escalation.store.pendingCallbacks()).toEqual([]);
      },
    );

    it('says in English when the agent will call back', async () => {
      const closed = await createTestApp(CLOSED);
      const client = new TestClient(closed);
      await client.say('English');
      await client.say('agent');
      await client.say('2');
      await client.say('yes');
      await client.say('Julie Tremblay');
      await client.say('514 555 1234');
      await client.say('1');
      expect(textOf(await client.say('password'))).toContain('Is that right?');
      const text = textOf(await client.say('yes'));
      expect(text).toMatch(/An agent will call you back once we reopen, on Monday at 8:30 a\.m\./);
      expect(text).not.toContain('from on');
    });

    it('names the holiday on a statutory holiday', async () => {
      const christmas = await createTestApp({ CLOCK_NOW: '2026-12-25T10:00:00-05:00' });
      const text = textOf(await new TestClient(christmas).say('agent'));
      expect(text).toContain("Le Centre d'assistance aux professionnels est fermé aujourd'hui (Noël).");
      expect(text).toContain('Nous rouvrons lundi à 8 h 30.');
    });
  });

  describe('on the phone', () => {
    it('during hours, announces and transfers the call to the support line', async () => {
      const app = await createTestApp(OPEN);
      const caller = new TestClient(app, { channelId: 'telephony', userId: '+15145550100' });
      await caller.say('bonjour');
      const replies = await caller.say(keypressActivity('0'));
      expect(textOf(replies)).toContain('Je vous transfère à un agent');
      const transfer = replies.find((r) => r.type === ActivityTypes.Event && r.name === 'handoff.initiate');
      expect(transfer?.value).toEqual({ TargetPhoneNumber: '+18004634776' });
      expect(await app.escalation.store.waiting()).toEqual([]);
    });

    it('outside hours, does not take « oui » as the best time to call', async () => {
      const app = await createTestApp(CLOSED);
      const caller = new TestClient(app, { channelId: 'telephony', userId: '+15145550100' });
      await caller.say('bonjour');
      await caller.say('agent');
      await caller.say(keypressActivity('1'));
      await caller.say('Julie Tremblay');
      await caller.say(keypressActivity('1'));
      let replies = await caller.say('oui');
      expect(heard(replies)).toContain("J'ai besoin d'un moment, pas d'un oui ou d'un non.");
      expect(heard(replies)).toContain('en avant-midi, faites le 1');
      expectValidSpeech(replies);
      replies = await caller.say(keypressActivity('2'));
      expect(heard(replies)).toContain('Pour un mot de passe, faites le 1');
    });

    it('outside hours, reads the hours and the caller’s regional number, and takes a call-back by keypad and voice', async () => {
      const app = await createTestApp(CLOSED);
      const caller = new TestClient(app, { channelId: 'telephony', userId: '+15145550100' });
      await caller.say('bonjour');
      let replies = await caller.say('agent');
      let text = heard(replies);
      expect(text).toContain('présentement fermé');
      expect(text).toContain('Nous rouvrons lundi à 8 heures 30.');
      expect(text).toContain('Région de Montréal, composez le 514 873 3480');
      expect(replies.some((r) => r.name === 'handoff.initiate')).toBe(false);
      expectValidSpeech(replies);
      replies = await caller.say(keypressActivity('1'));
      expect(heard(replies)).toContain('Dites votre prénom et votre nom');
      replies = await caller.say('Julie Tremblay');
      expect(heard(replies)).toMatch(/Voulez-vous être rappelé au 514 555 0100 ?\?/);
      replies = await caller.say(keypressActivity('2'));
      expect(heard(replies)).toContain('Entrez votre numéro de téléphone à dix chiffres');
      replies = await keys(caller, '418555019');
      expect(replies.filter((r) => r.type === ActivityTypes.Message)).toEqual([]);
      replies = await keys(caller, '9');
      expect(heard(replies)).toContain('en avant-midi, faites le 1');
      // The "#" the prompt asked for, after the tenth digit already completed the number: no answer.
      replies = await keys(caller, '#');
      expect(replies.filter((r) => r.type === ActivityTypes.Message)).toEqual([]);
      replies = await caller.say(keypressActivity('3'));
      expect(heard(replies)).toContain('Pour un mot de passe, faites le 1');
      replies = await caller.say(keypressActivity('2'));
      text = heard(replies);
      expect(text).toContain('Téléphone : 418 555 0199');
      expect(text).toContain('Meilleur moment : n’importe quand.'.replace('’', "'"));
      expect(text).toContain('Motif : questions secrètes.');
      expectValidSpeech(replies);
      replies = await caller.say(keypressActivity('1'));
      text = heard(replies);
      expect(text).toContain('Votre demande de rappel est enregistrée.');
      expect(text).toContain('dès lundi à 8 heures 30');
      expect(textOf(replies)).toMatch(/Votre numéro de référence : R-261128-\d{3}\./);
      // Dictated on the phone, not read as « deux cent soixante et un mille… ».
      expect(text).toMatch(/Votre numéro de référence : erre, .*2 6 1, 1 2 8, .*0 0 \d\./);
      expectValidSpeech(replies);
      const [request] = await app.escalation.store.pendingCallbacks();
      expect(request).toMatchObject({
        name: 'Julie Tremblay',
        phone: '+14185550199',
        bestTime: { slot: 'anytime' },
        reason: { topic: 'secretQuestions' },
        channel: 'telephony',
        dueAt: '2026-11-30T13:30:00.000Z',
      });
    });
  });
});
