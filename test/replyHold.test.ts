import { type Activity, ActivityTypes, type StoreItems, TestAdapter, TurnContext } from 'botbuilder';
import type { Application } from '../src/index';
import { commitReplies, ReplyHold, sendImmediately } from '../src/replyHold';
import { IdleMemoryStorage } from '../src/services/idleMemoryStorage';
import type { TextWrite } from '../src/services/textStorage';
import { julieAnswerFor, passJulieReset, passwordCardValue } from './helpers/accounts';
import { createTestApp, postTurn, textOf } from './helpers/bot';
import { RecordingConnector } from './helpers/connector';

/** A turn context over botbuilder's TestAdapter whose activities reaching the adapter are recorded. */
function recordedContext(): { context: TurnContext; reached: Partial<Activity>[] } {
  const adapter = new TestAdapter();
  const reached: Partial<Activity>[] = [];
  adapter.sendActivities = async (_context, activities) => {
    reached.push(...activities);
    return activities.map((_, i) => ({ id: `sent-${reached.length - activities.length + i + 1}` }));
  };
  const context = new TurnContext(adapter, {
    type: ActivityTypes.Message,
    channelId: 'msteams',
    conversation: { id: 'hold-1', isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'user-1', name: '' },
    recipient: { id: 'bot', name: '' },
  });
  return { context, reached };
}

describe('ReplyHold', () => {
  it('sends nothing until released, then everything in order', async () => {
    const { context, reached } = recordedContext();
    const hold = ReplyHold.begin(context);
    await context.sendActivity('un');
    await context.sendActivities([
      { type: 'message', text: 'deux' },
      { type: 'message', text: 'trois' },
    ]);
    expect(reached).toEqual([]);
    // A prompt re-asks only when nothing was said: a held reply counts as said.
    expect(context.responded).toBe(true);
    await hold.release();
    expect(reached.map((a) => a.text)).toEqual(['un', 'deux', 'trois']);
    await context.sendActivity('quatre');
    expect(reached.map((a) => a.text)).toEqual(['un', 'deux', 'trois', 'quatre']);
  });

  it('drops what it held when the turn is abandoned, and lets the error reply through', async () => {
    const { context, reached } = recordedContext();
    const hold = ReplyHold.begin(context);
    await context.sendActivity('Quel est votre nom d’utilisateur?');
    await hold.abandon();
    await context.sendActivity('Le service est temporairement indisponible.');
    expect(reached.map((a) => a.text)).toEqual(['Le service est temporairement indisponible.']);
  });

  it('delivers what it held when the turn committed a change outside the conversation', async () => {
    const { context, reached } = recordedContext();
    const hold = ReplyHold.begin(context);
    await context.sendActivity('Votre nouveau mot de passe est enregistré.');
    commitReplies(context);
    await hold.abandon();
    await context.sendActivity('Le service est temporairement indisponible.');
    expect(reached.map((a) => a.text)).toEqual([
      'Votre nouveau mot de passe est enregistré.',
      'Le service est temporairement indisponible.',
    ]);
  });

  it('lets typing through at once, without releasing what it holds', async () => {
    const { context, reached } = recordedContext();
    ReplyHold.begin(context);
    await context.sendActivity('avant');
    await context.sendActivity({ type: ActivityTypes.Typing });
    expect(reached.map((a) => a.type)).toEqual([ActivityTypes.Typing]);
  });

  it('sends immediately, after what it held, and returns the channel id a card update needs', async () => {
    const { context, reached } = recordedContext();
    const hold = ReplyHold.begin(context);
    await context.sendActivity('avant');
    const sent = await sendImmediately(context, 'la carte');
    expect(reached.map((a) => a.text)).toEqual(['avant', 'la carte']);
    expect(sent?.id).toBe('sent-2');
    await context.sendActivity('après');
    expect(reached).toHaveLength(2);
    await hold.release();
    expect(reached.map((a) => a.text)).toEqual(['avant', 'la carte', 'après']);
  });

  it('stops holding before it releases, so an error reply after a refused send still goes out', async () => {
    const { context, reached } = recordedContext();
    const send = context.adapter.sendActivities.bind(context.adapter);
    let refuse = true;
    context.adapter.sendActivities = async (ctx, activities) => {
      if (refuse) {
        refuse = false;
        throw new Error('channel unavailable');
      }
      return send(ctx, activities);
    };
    const hold = ReplyHold.begin(context);
    await context.sendActivity('la réponse');
    await expect(hold.release()).rejects.toThrow('channel unavailable');
    await context.sendActivity('Désolé, une erreur imprévue est survenue.');
    expect(reached.map((a) => a.text)).toEqual(['Désolé, une erreur imprévue est survenue.']);
  });

  it('is a plain send without a hold', async () => {
    const { context, reached } = recordedContext();
    commitReplies(context);
    expect((await sendImmediately(context, 'seul'))?.id).toBe('sent-1');
    expect(reached.map((a) => a.text)).toEqual(['seul']);
  });
});

/** Memory storage whose writes can be refused, as Redis refuses them when out of memory or read-only. */
class RefusingStorage extends IdleMemoryStorage {
  refuseWrites = false;
  /** Refuses only the writes that touch a key containing this (a user's state, say). */
  refuseKeysWith: string | undefined;

  constructor() {
    super({ idleMsFor: () => undefined, sweepEveryMs: 60_000 });
  }

  private check(keys: string[]): void {
    if (this.refuseWrites || (this.refuseKeysWith && keys.some((k) => k.includes(this.refuseKeysWith!)))) {
      throw new Error('OOM command not allowed when used memory > maxmemory');
    }
  }

  override async write(changes: StoreItems): Promise<void> {
    this.check(Object.keys(changes));
    return super.write(changes);
  }

  override async writeText(
    key: string,
    text: string,
    expectedETag: string | null | undefined,
  ): Promise<string> {
    this.check([key]);
    return super.writeText(key, text, expectedETag);
  }

  override async writeTexts(writes: TextWrite[]): Promise<string[]> {
    this.check(writes.map((w) => w.key));
    return super.writeTexts(writes);
  }
}

const UNAVAILABLE = 'temporairement indisponible';

describe('a turn whose state cannot be saved', () => {
  let storage: RefusingStorage;
  let connector: RecordingConnector;
  let app: Application;
  let url: string;

  beforeAll(async () => {
    storage = new RefusingStorage();
    connector = new RecordingConnector();
    await connector.start();
    app = await createTestApp({ DEMO_DATA: 'true' }, { storage });
    url = await app.start();
  });

  afterAll(async () => {
    await app.stop();
    await connector.stop();
  });

  afterEach(() => {
    storage.refuseWrites = false;
    storage.refuseKeysWith = undefined;
  });

  it('keeps neither a language choice nor the conversation when the user state cannot be saved', async () => {
    const say = async (text: string) =>
      textOf((await postTurn(url, { conversation: { id: 'unsaved-language' }, text })).activities);
    expect(await say('bonjour')).toContain('1 – Services en ligne');
    storage.refuseKeysWith = '/users/';
    const refused = await say('English please');
    // The apology follows the language asked for; the choice itself, announced and then lost, would look
    // made: nothing else of the turn is shown.
    expect(refused).toContain('temporarily unavailable');
    expect(refused).not.toContain('continue in English');
    expect(refused).not.toContain('1 – Online services');
    storage.refuseKeysWith = undefined;
    const next = await say('*');
    expect(next).toContain('1 – Services en ligne');
    expect(await say('English please')).toContain('continue in English');
  });

  /** Replies in the HTTP body (expectReplies), or as a channel gets them, through the Bot Connector API. */
  const deliveries = {
    expectReplies: async (conversation: string, input: { text?: string; value?: unknown }) => {
      const { status, activities } = await postTurn(url, { conversation: { id: conversation }, ...input });
      expect(status).toBe(200);
      return textOf(activities);
    },
    channel: async (conversation: string, input: { text?: string; value?: unknown }) => {
      const from = connector.calls.length;
      // Without expectReplies: the replies travel to the serviceUrl, as they do to Teams or Direct Line.
      const { status } = await postTurn(url, {
        deliveryMode: 'normal',
        serviceUrl: connector.url,
        conversation: { id: conversation },
        ...input,
      });
      expect(status).toBeLessThan(300);
      return connector.textTo(conversation, from);
    },
  };

  it.each(Object.keys(deliveries) as Array<keyof typeof deliveries>)(
    'tells only that the service is unavailable, and the next turn goes on from the saved state (%s)',
    async (delivery) => {
      const say = (text: string) => deliveries[delivery](`unsaved-menu-${delivery}`, { text });
      expect(await say('bonjour')).toContain('1 – Services en ligne');

      storage.refuseWrites = true;
      const refused = await say('2');
      expect(refused).toContain(UNAVAILABLE);
      // The hours were never shown: their turn was not saved, so they must not look answered.
      expect(refused).not.toContain('8 h 30');
      storage.refuseWrites = false;

      // « * » repeats the menu the conversation is really at: the main menu, not the hours.
      expect(await say('*')).toContain('1 – Services en ligne');
      expect(await say('2')).toContain('8 h 30');
    },
  );

  it('asks the same secret question again after a lost answer, and the round still passes', async () => {
    const say = (text: string) => deliveries.expectReplies('unsaved-reset', { text });
    await say("J'ai oublié mon mot de passe");
    const first = await say('CE100001');
    const answer = julieAnswerFor(first);

    storage.refuseWrites = true;
    const refused = await say(answer);
    expect(refused).toContain(UNAVAILABLE);
    storage.refuseWrites = false;

    // The answer reached the account service but the dialog's step was not saved: answered again, it must
    // neither count for the next question nor fail the round.
    const next = await say(answer);
    expect(julieAnswerFor(next)).not.toBe(answer);
    const last = await say(julieAnswerFor(next));
    expect(await say(julieAnswerFor(last))).toMatch(/nouveau mot de passe/i);
  }, 30_000);

  it('still confirms a password it changed, with the apology, when only the conversation was not saved', async () => {
    const say = (input: { text?: string; value?: unknown }) => deliveries.channel('unsaved-change', input);
    const said = await passJulieReset((text) => say({ text }));
    expect(said[said.length - 1]).toMatch(/nouveau mot de passe/i);

    storage.refuseWrites = true;
    const done = await say({
      value: passwordCardValue('new', 'Sirop-Erable-Beauce-7431'),
    });
    expect(done).toMatch(/nouveau mot de passe est enregistré/i);
    expect(done).toContain(UNAVAILABLE);
  }, 30_000);
});
