import type { Application } from '../../src/index';
import { FixedClock } from '../../src/services/clock';
import { createTestApp } from '../helpers/bot';
import { postViaConnector, RecordingConnector } from '../helpers/connector';
import { describeWithRedisServer, startThrowawayRedis, type ThrowawayRedis } from '../helpers/redis';

/**
 * The running bot (STORAGE=redis) with its own redis-server, frozen (SIGSTOP) as the user's « oui » sends the
 * call-back request to it, then resumed (SIGCONT): Redis saves it then, after the user was told the service is
 * unavailable. Nobody must be called back for it.
 */

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithRedisServer('a call-back confirmed while Redis freezes (throw-away redis-server)', () => {
  let server: ThrowawayRedis;
  let app: Application;
  let baseUrl: string;
  const connector = new RecordingConnector();

  beforeAll(async () => {
    await connector.start();
    server = await startThrowawayRedis();
    app = await createTestApp(
      { STORAGE: 'redis', REDIS_URL: server.url, REDIS_KEY_PREFIX: 'callback-freeze:', LOCAL_CHAT: 'false' },
      { clock: new FixedClock(new Date('2026-11-28T10:00:00-05:00')) },
    );
    baseUrl = await app.start();
    while (!(await app.isReady())) await sleep(50);
  });

  afterAll(async () => {
    server?.resume();
    await app?.stop({ drainMs: 100 });
    await server?.stop();
    await connector.stop();
  });

  const say = async (text: string) => {
    return postViaConnector(baseUrl, connector.url, {
      channelId: 'webchat',
      from: { id: 'user-freeze' },
      conversation: { id: 'conv-freeze' },
      text,
    });
  };

  it('tells the user the request could not be taken, and Redis running it later leaves nothing to call back', async () => {
    for (const text of ['agent', '3', 'oui', 'Sophie Roy', '819 555-0100', '3', 'Accès refusé'])
      await say(text);
    expect(connector.textTo('conv-freeze')).toContain('Est-ce exact?');
    const { store } = app.escalation;
    const save = store.saveCallbackOnce.bind(store);
    let reached!: () => void;
    const whenReached = new Promise<void>((resolve) => (reached = resolve));
    store.saveCallbackOnce = async (...args) => {
      store.saveCallbackOnce = save;
      reached();
      // Sent once Redis is frozen: the script waits on the socket, and runs when Redis wakes up.
      await sleep(20);
      return save(...args);
    };
    const mark = connector.calls.length;
    const confirming = say('oui');
    await whenReached;
    server.pause();
    try {
      expect(await confirming).toBe(200);
    } finally {
      server.resume();
    }
    const told = connector.textTo('conv-freeze', mark);
    expect(told).toContain('temporairement indisponible');
    expect(told).not.toContain('enregistrée');

    while (!(await app.isReady())) await sleep(50);
    await sleep(1_500);
    expect(await store.pendingCallbacks()).toEqual([]);

    // The read-back is still current: « oui » again saves the request, and that one stays.
    const again = connector.calls.length;
    await say('oui');
    const saved = connector.textTo('conv-freeze', again);
    expect(saved).toContain('Votre demande de rappel est enregistrée.');
    expect((await store.pendingCallbacks()).map((c) => c.reference)).toEqual([
      /R-\d{6}-\d{3}/.exec(saved)?.[0],
    ]);
  });
});
