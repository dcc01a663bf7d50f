import type { Application } from '../../src/index';
import { passJulieReset, passwordCardValue } from '../helpers/accounts';
import { createTestApp, postTurn, textOf } from '../helpers/bot';
import {
  describeWithRedisServer,
  findFreePort,
  startThrowawayRedis,
  type ThrowawayRedis,
} from '../helpers/redis';

async function say(baseUrl: string, conversationId: string, text: string) {
  const started = Date.now();
  const { status, activities } = await postTurn(baseUrl, { conversation: { id: conversationId }, text });
  return { status, ms: Date.now() - started, text: textOf(activities), replies: activities.length };
}

/** Polls /readyz for up to 10 s: true once it answers 200. */
async function becomesReady(baseUrl: string): Promise<boolean> {
  for (let i = 0; i < 100; i += 1) {
    if ((await fetch(`${baseUrl}/readyz`)).status === 200) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Signs in as the demo account CE100002 to see a request's state: true when the password is accepted. */
async function signsIn(baseUrl: string, conversationId: string): Promise<boolean> {
  for (const text of ['bonjour', '1', '2', 'CE100002']) await say(baseUrl, conversationId, text);
  const { activities } = await postTurn(baseUrl, {
    conversation: { id: conversationId },
    value: { accountsCard: 'current', password: 'Bureau-Levis-2026-Nord' },
  });
  return textOf(activities).includes("Quel est le numéro d'assurance maladie");
}

describeWithRedisServer('Redis faults', () => {
  let redis: ThrowawayRedis;
  let app: Application;
  let baseUrl: string;

  beforeAll(async () => {
    redis = await startThrowawayRedis({ persist: true });
    app = await createTestApp({ STORAGE: 'redis', REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'fault:' });
    baseUrl = await app.start();
    for (let i = 0; i < 100 && !(await app.isReady()); i += 1) await new Promise((r) => setTimeout(r, 100));
  }, 30_000);

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  /** A way for Redis to fail, and the way it comes back. */
  interface Fault {
    begin(): Promise<void> | void;
    end(): Promise<void> | void;
  }
  const faults: Array<[string, () => Fault]> = [
    ['stopped (connections closed)', () => ({ begin: () => redis.stop(), end: () => redis.start() })],
    [
      'frozen (connections open, nothing answered)',
      () => ({ begin: () => redis.pause(), end: () => redis.resume() }),
    ],
    [
      // Reads still work: each turn runs, and only its state write is refused.
      'out of memory (writes refused)',
      () => ({
        begin: async () => {
          await redis.command('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
          await redis.command('CONFIG', 'SET', 'maxmemory', '1');
        },
        end: async () => {
          await redis.command('CONFIG', 'SET', 'maxmemory', '0');
        },
      }),
    ],
    [
      'read-only (made a replica of an unreachable primary)',
      () => ({
        begin: async () => {
          await redis.command('REPLICAOF', '127.0.0.1', String(await findFreePort()));
        },
        end: async () => {
          await redis.command('REPLICAOF', 'NO', 'ONE');
        },
      }),
    ],
  ];

  it.each(faults)(
    'answers politely within 2 s while Redis is %s, reports not ready, then resumes the conversation',
    async (name, fault) => {
      const conversation = `fault-conv-${name.split(' ')[0]}`;
      expect((await say(baseUrl, conversation, 'bonjour')).text).toContain('Bonjour!');
      expect((await say(baseUrl, conversation, '1')).text).toContain('Services en ligne *Médicaments');

      const { begin, end } = fault();
      await begin();
      try {
        for (const text of ['9', '2', 'menu']) {
          const turn = await say(baseUrl, conversation, text);
          expect(turn.status).toBe(200);
          expect(turn.ms).toBeLessThan(2_000);
          expect(turn.text).toContain('temporairement indisponible');
          expect(turn.text).toContain('418 643-8210');
          // Nothing of a turn whose state was not saved: the apology is the whole answer.
          expect(turn.replies).toBe(1);
        }
        expect((await fetch(`${baseUrl}/readyz`)).status).toBe(503);
        expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
      } finally {
        await end();
      }

      expect(await becomesReady(baseUrl)).toBe(true);
      // The last saved state was the online-services menu: "9" goes back from there.
      const resumed = await say(baseUrl, conversation, '9');
      expect(resumed.text).toContain("Que puis-je faire d'autre pour vous?");
    },
    60_000,
  );

  it('says "temporarily unavailable" when Redis refuses a write in the middle of a password reset', async () => {
    const conversation = 'fault-conv-reset';
    const said = await passJulieReset(async (text) => (await say(baseUrl, conversation, text)).text);
    expect(said[said.length - 1]).toMatch(/nouveau mot de passe/i);
    const card = passwordCardValue('new', 'Sirop-Erable-Beauce-7431');
    // The turn's state is read, then the account's write is refused.
    await redis.command('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    await redis.command('CONFIG', 'SET', 'maxmemory', '1');
    try {
      const { activities } = await postTurn(baseUrl, { conversation: { id: conversation }, value: card });
      const refused = textOf(activities);
      expect(refused).toContain('temporairement indisponible');
      expect(refused).toContain('418 643-8210');
    } finally {
      await redis.command('CONFIG', 'SET', 'maxmemory', '0');
    }
    expect(await becomesReady(baseUrl)).toBe(true);
    // Nothing was changed: the same card, sent again, sets the password.
    const { activities } = await postTurn(baseUrl, { conversation: { id: conversation }, value: card });
    expect(textOf(activities)).toMatch(/nouveau mot de passe est enregistré/i);
  }, 60_000);

  it('stop(), which SIGTERM runs, ends within seconds while Redis is frozen', async () => {
    const frozen = await startThrowawayRedis();
    const stopping = await createTestApp({
      STORAGE: 'redis',
      REDIS_URL: frozen.url,
      REDIS_KEY_PREFIX: 'freeze:',
    });
    const url = await stopping.start();
    try {
      expect(await becomesReady(url)).toBe(true);
      await say(url, 'freeze-conv', 'bonjour');
      await frozen.pause();
      // Long enough for the stall watch to drop the connection and open one that Redis never answers.
      expect((await say(url, 'freeze-conv', '1')).text).toContain('temporairement indisponible');
      await new Promise((r) => setTimeout(r, 1_500));
      const started = Date.now();
      await stopping.stop();
      // About REDIS_CLOSE_TIMEOUT_MS (2 s); it used to wait for as long as Redis stayed frozen.
      expect(Date.now() - started).toBeLessThan(6_000);
    } finally {
      await frozen.resume();
      await frozen.stop();
    }
  }, 30_000);

  it('starts while Redis is down, answers politely, then serves the demo accounts once Redis is up', async () => {
    const late = await startThrowawayRedis();
    await late.stop();
    const started = Date.now();
    const lateApp = await createTestApp({
      STORAGE: 'redis',
      REDIS_URL: late.url,
      REDIS_KEY_PREFIX: 'late:',
      DEMO_DATA: 'true',
    });
    try {
      const lateUrl = await lateApp.start();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await fetch(`${lateUrl}/readyz`)).status).toBe(503);
      const turn = await say(lateUrl, 'late-conv', 'bonjour');
      expect(turn.status).toBe(200);
      expect(turn.ms).toBeLessThan(2_000);
      expect(turn.text).toContain('temporairement indisponible');

      await late.start();
      expect(await becomesReady(lateUrl)).toBe(true);
      expect((await say(lateUrl, 'late-conv', 'bonjour')).text).toContain('Bonjour!');
      // The demo accounts were written once Redis came up: CE100002 signs in with the demo password.
      expect(await signsIn(lateUrl, 'late-conv')).toBe(true);

      // This redis-server keeps nothing on disk: restarted, it is empty, and the accounts are written again.
      await late.stop();
      await late.start();
      expect(await becomesReady(lateUrl)).toBe(true);
      expect(await signsIn(lateUrl, 'late-conv-2')).toBe(true);
    } finally {
      await lateApp.stop();
      await late.stop();
    }
  }, 60_000);
});
