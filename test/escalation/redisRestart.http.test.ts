import { createClient } from 'redis';
import type { Application } from '../../src/index';
import { FixedClock } from '../../src/services/clock';
import { createTestApp } from '../helpers/bot';
import { postViaConnector, RecordingConnector } from '../helpers/connector';
import { deleteKeysWithPrefix, describeWithRedis, redisTestUrl, uniqueTestPrefix } from '../helpers/redis';

jest.setTimeout(60_000);

const AGENT = '0b7c1f3e-0000-4000-8000-00000000000a';

describeWithRedis('escalation with STORAGE=redis across a bot restart', () => {
  const prefix = uniqueTestPrefix('escalation-app');
  const connector = new RecordingConnector();
  const clock = new FixedClock(new Date('2026-11-30T10:00:00-05:00'));

  beforeAll(async () => {
    await connector.start();
  });

  afterAll(async () => {
    await connector.stop();
    const client = createClient({ url: redisTestUrl() });
    await client.connect();
    await deleteKeysWithPrefix(client, prefix);
    client.destroy();
  });

  async function start(): Promise<{
    app: Application;
    post: (body: Record<string, unknown>) => Promise<void>;
  }> {
    const app = await createTestApp(
      {
        STORAGE: 'redis',
        REDIS_URL: redisTestUrl(),
        REDIS_KEY_PREFIX: prefix,
        LOCAL_CHAT: 'false',
        AGENT_IDS: AGENT,
      },
      { clock },
    );
    const baseUrl = await app.start();
    // Redis connects in the background; /readyz waits for it, and so does this test.
    while (!(await app.isReady())) await new Promise((r) => setTimeout(r, 50));
    const post = async (body: Record<string, unknown>) => {
      const status = await postViaConnector(baseUrl, connector.url, body);
      expect(status).toBe(200);
    };
    return { app, post };
  }

  const user = (text: string) => ({
    channelId: 'webchat',
    from: { id: 'user-redis' },
    conversation: { id: 'conv-redis' },
    text,
  });
  const agent = (extra: Record<string, unknown>) => ({
    channelId: 'msteams',
    from: { id: `29:${AGENT}`, name: 'Julie Agente', aadObjectId: AGENT },
    conversation: { id: 'a:julie', conversationType: 'personal' },
    ...extra,
  });

  it('keeps the queue, the user’s place and the agents’ addresses; the relay works on the new instance', async () => {
    const first = await start();
    await first.post(agent({ text: 'aide agent' }));
    await first.post(user('agent'));
    const id = /E-[A-Z2-9]{6}/.exec(connector.textTo('conv-redis'))?.[0] as string;
    expect(id).toBeDefined();
    await first.app.stop();

    const second = await start();
    try {
      expect((await second.app.escalation.store.waiting()).map((e) => e.id)).toEqual([id]);
      let mark = connector.calls.length;
      await second.post(user('encore là?'));
      expect(connector.textTo('conv-redis', mark)).toContain('toujours en position 1');
      mark = connector.calls.length;
      await second.post(agent({ value: { escalationAction: 'accept', escalationId: id } }));
      expect(connector.textTo('a:julie', mark)).toContain(`Vous avez pris la demande ${id}`);
      expect(JSON.stringify(connector.calls.slice(mark))).toContain('encore là?');
      expect(connector.textTo('conv-redis', mark)).toContain('a pris votre demande');
      mark = connector.calls.length;
      await second.post(user('Merci!'));
      expect(connector.textTo('a:julie', mark)).toContain(`**Utilisateur (${id})** : Merci!`);
    } finally {
      await second.app.stop();
    }
  });
});
