import { type Activity, type Storage, type StoreItems, TestAdapter, TurnContext } from 'botbuilder';
import { ConcurrentTurnError } from '../../src/errors';
import type { Application } from '../../src/index';
import { IdleMemoryStorage } from '../../src/services/idleMemoryStorage';
import type { StoredText, TextStorage } from '../../src/services/textStorage';
import { QUICK_ANSWERS } from '../helpers/accessRequest';
import { passJulieReset, passwordCardValue } from '../helpers/accounts';
import { createTestApp, postTurn, textOf } from '../helpers/bot';

/**
 * Memory storage whose conversation reads can be held until two turns have both read: the two turns then
 * work from the same state, as two instances do when a user's messages arrive at the same moment.
 */
class RacingStorage implements Storage, TextStorage {
  readonly inner = new IdleMemoryStorage({ idleMsFor: () => undefined, sweepEveryMs: 60_000 });
  private waiting: Array<() => void> = [];
  private racers = 0;

  /** The next `count` conversation reads wait for one another. */
  race(count: number): void {
    this.racers = count;
  }

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  write(changes: StoreItems): Promise<void> {
    return this.inner.write(changes);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }

  async readTexts(keys: string[]): Promise<Array<StoredText | undefined>> {
    const stored = await this.inner.readTexts(keys);
    if (this.racers > 0 && keys.some((key) => key.includes('/conversations/'))) {
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        if (this.waiting.length === this.racers) {
          this.racers = 0;
          for (const release of this.waiting.splice(0)) release();
        }
      });
    }
    return stored;
  }

  writeText(key: string, text: string, expectedETag: string | undefined): Promise<string> {
    return this.inner.writeText(key, text, expectedETag);
  }
}

const REFUSAL = 'Votre message précédent est encore en traitement';

describe('two turns of one conversation at the same time', () => {
  let storage: RacingStorage;
  let app: Application;
  let url: string;

  beforeEach(async () => {
    storage = new RacingStorage();
    app = await createTestApp({}, { storage });
    url = await app.start();
  });

  afterEach(async () => {
    await app.stop();
  });

  const say = async (conversation: string, text: string) => {
    const { status, activities } = await postTurn(url, { conversation: { id: conversation }, text });
    expect(status).toBe(200);
    return textOf(activities);
  };

  it('applies one, refuses the other politely, and goes on from the one applied', async () => {
    await say('race-1', 'bonjour');
    storage.race(2);
    const [online, hours] = await Promise.all([say('race-1', '1'), say('race-1', '2')]);
    const refused = [online, hours].map((reply) => reply.includes(REFUSAL));
    expect(refused.filter(Boolean)).toHaveLength(1);
    // The refused turn says nothing of what it would have done: its state was never saved.
    const refusedReply = refused[0] ? online : hours;
    expect(refusedReply).not.toContain('Mot de passe oublié');
    expect(refusedReply).not.toContain('418 643-8210');
    // Repeating the menu shows the menu of the turn that was applied, never a mix or the refused one's.
    const after = await say('race-1', '*');
    if (refused[1]) {
      expect(online).toContain('1 – Mot de passe oublié');
      expect(after).toContain('1 – Mot de passe oublié');
    } else {
      expect(hours).toContain('418 643-8210');
      expect(after).toContain('1 – Services en ligne');
      expect(after).not.toContain('Mot de passe oublié');
    }
  });

  it('does not let two first messages both create the conversation', async () => {
    storage.race(2);
    const replies = await Promise.all([say('race-3', 'bonjour'), say('race-3', '2')]);
    expect(replies.filter((reply) => reply.includes(REFUSAL))).toHaveLength(1);
    expect(await say('race-3', 'menu')).toContain('1 – Services en ligne');
  });

  it('refuses the user’s message politely, but says nothing for a timer’s or hub’s turn that lost the race', async () => {
    const onTurnError = app.adapter.onTurnError!;
    const sentFor = async (type: 'message' | 'event') => {
      const sent: Partial<Activity>[] = [];
      const context = new TurnContext(new TestAdapter(), {
        type,
        name: type === 'event' ? 'silence' : undefined,
        channelId: 'webchat',
        conversation: { id: 'race-4', isGroup: false, conversationType: 'personal', name: '' },
        from: { id: 'user-race-4', name: '' },
        recipient: { id: 'bot', name: '' },
      });
      context.onSendActivities(async (_ctx, activities, next) => {
        sent.push(...activities);
        return next();
      });
      await onTurnError(context, new ConcurrentTurnError());
      return textOf(sent);
    };
    expect(await sentFor('message')).toContain(REFUSAL);
    expect(await sentFor('event')).toBe('');
  });

  it('does not ask to send again a card whose change was made and confirmed, when submitted twice at once', async () => {
    const submit = async (input: { text?: string; value?: unknown }) =>
      textOf((await postTurn(url, { conversation: { id: 'race-card' }, ...input })).activities);
    const said = await passJulieReset((text) => submit({ text }));
    expect(said[said.length - 1]).toMatch(/nouveau mot de passe/i);
    storage.race(2);
    const card = { value: passwordCardValue('new', 'Sirop-Erable-Beauce-7431') };
    const replies = await Promise.all([submit(card), submit(card)]);
    for (const reply of replies) {
      expect(reply).toMatch(/nouveau mot de passe est enregistré/i);
      expect(reply).not.toContain(REFUSAL);
    }
  }, 30_000);

  it('answers both when they come one after the other', async () => {
    await say('race-2', 'bonjour');
    expect(await say('race-2', '1')).toContain('1 – Mot de passe oublié');
    expect(await say('race-2', '9')).toContain('1 – Services en ligne');
  });
});

describe('form 4313 confirmed twice at once', () => {
  let storage: RacingStorage;
  let app: Application;
  let url: string;

  beforeEach(async () => {
    storage = new RacingStorage();
    app = await createTestApp({}, { storage });
    url = await app.start();
  });

  afterEach(async () => {
    await app.stop();
  });

  it('gives both turns a download link and asks neither to send « confirmer » again', async () => {
    const say = async (text: string) =>
      textOf((await postTurn(url, { conversation: { id: 'race-form' }, text })).activities);
    for (const text of ['bonjour', '1', '4', ...QUICK_ANSWERS]) await say(text);
    storage.race(2);
    const replies = await Promise.all([say('confirmer'), say('confirmer')]);
    for (const reply of replies) {
      expect(reply).toMatch(/\/forms\/[A-Za-z0-9_-]{43}/);
      expect(reply).not.toContain(REFUSAL);
    }
    expect(await say('menu')).toContain('1 – Services en ligne');
  }, 30_000);
});

describe('a call-back confirmed twice at once (Saturday 28 November 2026, closed)', () => {
  let storage: RacingStorage;
  let app: Application;
  let url: string;

  beforeEach(async () => {
    storage = new RacingStorage();
    app = await createTestApp({ CLOCK_NOW: '2026-11-28T10:00:00-05:00' }, { storage });
    url = await app.start();
  });

  afterEach(async () => {
    await app.stop();
  });

  it('saves one request, tells both turns its one reference and asks neither to send « oui » again', async () => {
    const say = async (text: string) =>
      textOf((await postTurn(url, { conversation: { id: 'race-callback' }, text })).activities);
    for (const text of ['agent', '581 555-0123', 'oui', 'Marc Gagnon', 'oui', '1', 'questions secrètes']) {
      await say(text);
    }
    storage.race(2);
    const replies = await Promise.all([say('oui'), say('oui')]);
    const pending = await app.escalation.store.pendingCallbacks();
    expect(pending.map((c) => c.name)).toEqual(['Marc Gagnon']);
    for (const reply of replies) {
      expect(reply).toContain(`Votre numéro de référence : ${pending[0].reference}.`);
      expect(reply).not.toContain(REFUSAL);
    }
  }, 30_000);
});

describe('« agent » racing another message (Monday 30 November 2026, 10:00, open)', () => {
  let storage: RacingStorage;
  let app: Application;
  let url: string;

  beforeEach(async () => {
    storage = new RacingStorage();
    app = await createTestApp({ CLOCK_NOW: '2026-11-30T10:00:00-05:00' }, { storage });
    url = await app.start();
  });

  afterEach(async () => {
    await app.stop();
  });

  it('never leaves a user told they are queued where the queue no longer hears them', async () => {
    const say = async (text: string) =>
      textOf((await postTurn(url, { conversation: { id: 'race-agent' }, text })).activities);
    await say('bonjour');
    storage.race(2);
    const [queued] = await Promise.all([say('agent'), say('merci')]);
    expect(queued).toContain('Je transmets votre demande');
    if (queued.includes(REFUSAL)) {
      // The refused turn joined the queue all the same; sending it again, as asked, links the conversation back.
      expect(await say('agent')).toContain('a déjà été transmise');
    }
    expect(await say('allo, j’attends toujours')).toContain('Votre message sera transmis');
    expect(await app.escalation.store.active()).toHaveLength(1);
  }, 30_000);
});
