import type { Storage, StoreItems } from 'botbuilder';
import type { Application } from '../src/index';
import { IdleMemoryStorage } from '../src/services/idleMemoryStorage';
import type { StoredText, TextStorage } from '../src/services/textStorage';
import { createTestApp, postTurn, ssmlProblems, textOf } from './helpers/bot';

/** Memory storage that can be made unreachable, as Redis is when it stops. */
class FailingStorage implements Storage, TextStorage {
  readonly inner = new IdleMemoryStorage({ idleMsFor: () => undefined, sweepEveryMs: 60_000 });
  down = false;

  private check(): void {
    if (this.down) throw new Error('The client is offline');
  }

  async read(keys: string[]): Promise<StoreItems> {
    this.check();
    return this.inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    this.check();
    return this.inner.write(changes);
  }

  async delete(keys: string[]): Promise<void> {
    this.check();
    return this.inner.delete(keys);
  }

  async readTexts(keys: string[]): Promise<Array<StoredText | undefined>> {
    this.check();
    return this.inner.readTexts(keys);
  }

  async writeText(key: string, text: string, expectedETag: string | undefined): Promise<string> {
    this.check();
    return this.inner.writeText(key, text, expectedETag);
  }
}

describe('the language of the apology while the storage is unreachable', () => {
  let storage: FailingStorage;
  let app: Application;
  let url: string;

  beforeEach(async () => {
    storage = new FailingStorage();
    app = await createTestApp({}, { storage });
    url = await app.start();
  });

  afterEach(async () => {
    await app.stop();
  });

  const say = async (conversation: string, text: string, user = `user-${conversation}`) => {
    const { status, activities } = await postTurn(url, {
      conversation: { id: conversation },
      from: { id: user },
      text,
    });
    expect(status).toBe(200);
    return textOf(activities);
  };

  it('is English for a user who chose English', async () => {
    await say('lang-en', 'bonjour');
    expect(await say('lang-en', 'English please')).toContain('I will continue in English');
    storage.down = true;
    const apology = await say('lang-en', '1');
    expect(apology).toContain('The service is temporarily unavailable');
    expect(apology).toContain('418 643-8210');
    expect(apology).not.toContain('temporairement indisponible');
  });

  it('is French again for a user who came back to French, and for everyone else', async () => {
    await say('lang-back', 'bonjour');
    await say('lang-back', 'English please');
    await say('lang-back', 'français');
    await say('lang-other', 'bonjour');
    storage.down = true;
    expect(await say('lang-back', '1')).toContain('temporairement indisponible');
    expect(await say('lang-other', '1')).toContain('temporairement indisponible');
    expect(await say('lang-new', 'hello')).toContain('temporairement indisponible');
  });

  it('follows the user, not the conversation, as their saved profile does', async () => {
    await say('lang-user-1', 'bonjour', 'same-user');
    await say('lang-user-1', 'English please', 'same-user');
    storage.down = true;
    expect(await say('lang-user-2', 'hello', 'same-user')).toContain(
      'The service is temporarily unavailable',
    );
  });
});

describe('the apology while the storage is unreachable, from an instance that has not served the user yet', () => {
  let storage: FailingStorage;
  let first: Application;
  let other: Application;
  let firstUrl: string;
  let otherUrl: string;

  beforeEach(async () => {
    // Two instances sharing one storage, as two bot processes share one Redis.
    storage = new FailingStorage();
    first = await createTestApp({}, { storage });
    other = await createTestApp({}, { storage });
    firstUrl = await first.start();
    otherUrl = await other.start();
  });

  afterEach(async () => {
    await first.stop();
    await other.stop();
  });

  const say = async (url: string, conversation: string, text: string) => {
    const { status, activities } = await postTurn(url, {
      conversation: { id: conversation },
      from: { id: `user-${conversation}` },
      text,
    });
    expect(status).toBe(200);
    return activities;
  };

  it('is in English too, in one message, when the user chose English on another instance', async () => {
    await say(firstUrl, 'lang-elsewhere', 'bonjour');
    await say(firstUrl, 'lang-elsewhere', 'English please');
    storage.down = true;
    const replies = await say(otherUrl, 'lang-elsewhere', '1');
    expect(replies).toHaveLength(1);
    expect(textOf(replies)).toContain('The service is temporarily unavailable');
    expect(textOf(replies)).toContain('temporairement indisponible');
    expect(textOf(replies)).toContain('418 643-8210');
  });

  it('is in English too when the user chose English on another instance after a turn here', async () => {
    // Alternating between the instances: this one last saw the user while they were still in French.
    await say(otherUrl, 'lang-alternating', 'bonjour');
    await say(firstUrl, 'lang-alternating', 'English please');
    storage.down = true;
    const replies = await say(otherUrl, 'lang-alternating', '1');
    expect(replies).toHaveLength(1);
    expect(textOf(replies)).toContain('The service is temporarily unavailable');
    expect(textOf(replies)).toContain('temporairement indisponible');
  });

  it('is said in both languages on the phone, each in its own voice', async () => {
    storage.down = true;
    const { activities } = await postTurn(otherUrl, {
      channelId: 'telephony',
      conversation: { id: 'lang-phone' },
      from: { id: 'user-lang-phone' },
      text: 'English please',
    });
    const speech = activities.map((a) => a.speak ?? '');
    expect(speech.some((s) => s.includes('xml:lang="fr-CA"') && s.includes('temporairement'))).toBe(true);
    expect(speech.some((s) => s.includes('xml:lang="en-CA"') && s.includes('temporarily unavailable'))).toBe(
      true,
    );
    for (const s of speech) expect(ssmlProblems(s)).toEqual([]);
  });
});
