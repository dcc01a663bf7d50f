import { createClient } from 'redis';
import type { Application } from '../../src/index';
import { FixedClock } from '../../src/services/clock';
import { createTestApp } from '../helpers/bot';
import { postViaConnector, RecordingConnector } from '../helpers/connector';
import { deleteKeysWithPrefix, describeWithRedis, redisTestUrl, uniqueTestPrefix } from '../helpers/redis';

/**
 * An agent's accept and the user's « annuler » sent at the same moment, over HTTP, many times: on one bot with
 * the memory store, and on two bots sharing one Redis (the user on one, the agent on the other). Whichever
 * wins, each of them hears one story: the user left the queue (and the agent that the request is over), or an
 * agent took the request and the user then ended the conversation with them.
 */

jest.setTimeout(120_000);

const AGENT = '0b7c1f3e-0000-4000-8000-00000000000a';
const MONDAY_10H = new Date('2026-11-30T10:00:00-05:00');
const ROUNDS = 30;

async function startBot(connector: RecordingConnector, env: Record<string, string>) {
  const app = await createTestApp(
    { LOCAL_CHAT: 'false', AGENT_IDS: AGENT, ...env },
    { clock: new FixedClock(MONDAY_10H) },
  );
  const baseUrl = await app.start();
  while (!(await app.isReady())) await new Promise((r) => setTimeout(r, 50));
  const post = async (activity: Record<string, unknown>) => {
    const status = await postViaConnector(baseUrl, connector.url, activity);
    expect(status).toBe(200);
  };
  return { app, post };
}

type Post = (activity: Record<string, unknown>) => Promise<void>;

const user = (conversation: string, text: string) => ({
  channelId: 'webchat',
  from: { id: `user-${conversation}` },
  conversation: { id: conversation },
  text,
});
const agent = (extra: Record<string, unknown>) => ({
  channelId: 'msteams',
  from: { id: `29:${AGENT}`, name: 'Julie Agente', aadObjectId: AGENT },
  conversation: { id: 'a:julie', conversationType: 'personal' },
  ...extra,
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Races the two, ROUNDS times; returns how many times each side won, having checked every round. */
async function race(
  connector: RecordingConnector,
  app: Application,
  userPost: Post,
  agentPost: Post,
): Promise<{ cancelWon: number; acceptWon: number }> {
  await agentPost(agent({ text: 'aide agent' }));
  const wins = { cancelWon: 0, acceptWon: 0 };
  for (let round = 0; round < ROUNDS; round += 1) {
    const conversation = `conv-race-${round}-${Date.now()}`;
    await userPost(user(conversation, 'agent'));
    const id = /E-[A-Z2-9]{6}/.exec(connector.textTo(conversation))?.[0] as string;
    expect(id).toBeDefined();
    const mark = connector.calls.length;
    // A different head start each round, so that every interleaving of the two turns comes up.
    const lead = (round % 5) * 2;
    await Promise.all([
      pause(lead).then(() => userPost(user(conversation, 'annuler'))),
      pause(10 - lead).then(() =>
        agentPost(agent({ value: { escalationAction: 'accept', escalationId: id } })),
      ),
    ]);

    const toUser = connector.textTo(conversation, mark);
    const left = toUser.includes("Vous avez quitté la file d'attente.");
    const ended = toUser.includes("Vous avez mis fin à la conversation avec l'agent.");
    const told = toUser.includes('a pris votre demande');
    const toAgent = connector
      .textTo('a:julie', mark)
      .split('\n')
      .filter((line) => line.includes(id));
    const count = (text: string) => toAgent.filter((line) => line.includes(text)).length;
    const story = { round, id, toUser, toAgent };

    // The user: left the queue, never told of the accept; or told of it, then ended the conversation.
    expect({ ...story, left, ended }).toMatchObject({ left: !ended });
    expect({ ...story, told }).toMatchObject({ told: ended });
    if (left) {
      // The agent: the request is not there any more (« n'est plus en attente », or the user left), once. The
      // agent may first have been told they took it, when the user left between that message and the user's
      // own notice (two bots make that window wide): then « L'utilisateur a quitté » comes after it.
      const acceptedAt = toAgent.findIndex((line) => line.includes('Vous avez pris la demande'));
      const leftAt = toAgent.findIndex((line) => line.includes("L'utilisateur a quitté"));
      expect({ ...story, accepted: count('Vous avez pris la demande') }).toMatchObject({
        accepted: acceptedAt < 0 ? 0 : 1,
      });
      if (acceptedAt >= 0)
        expect({ ...story, userLeftAfterAccept: leftAt > acceptedAt }).toMatchObject({
          userLeftAfterAccept: true,
        });
      expect({
        ...story,
        over: count("n'est plus en attente") + count("L'utilisateur a quitté"),
      }).toMatchObject({
        over: 1,
      });
      wins.cancelWon += 1;
    } else {
      expect({ ...story, accepted: count('Vous avez pris la demande') }).toMatchObject({ accepted: 1 });
      expect({ ...story, userLeft: count("L'utilisateur a quitté") }).toMatchObject({ userLeft: 1 });
      wins.acceptWon += 1;
    }
    // Either way the agent is free again and the request is closed.
    expect(await app.escalation.store.agentSession(AGENT)).toBeUndefined();
    expect((await app.escalation.store.get(id))?.status).toBe('closed');
  }
  return wins;
}

describe('an agent’s accept and the user’s « annuler » at the same moment (memory store)', () => {
  const connector = new RecordingConnector();
  let bot: Awaited<ReturnType<typeof startBot>>;

  beforeAll(async () => {
    await connector.start();
    bot = await startBot(connector, {});
  });

  afterAll(async () => {
    await bot.app.stop();
    await connector.stop();
  });

  it('tells the user and the agent one outcome each, whichever wins', async () => {
    const wins = await race(connector, bot.app, bot.post, bot.post);
    expect(wins.cancelWon + wins.acceptWon).toBe(ROUNDS);
  });
});

describe('the user leaves while the agent is being shown the request they took (memory store)', () => {
  const connector = new RecordingConnector();
  let bot: Awaited<ReturnType<typeof startBot>>;

  beforeAll(async () => {
    await connector.start();
    bot = await startBot(connector, {});
  });

  afterAll(async () => {
    await bot.app.stop();
    await connector.stop();
  });

  it('tells the agent the user left after the request, not before, and frees them', async () => {
    await bot.post(agent({ text: 'aide agent' }));
    const conversation = `conv-slow-card-${Date.now()}`;
    await bot.post(user(conversation, 'agent'));
    const id = /E-[A-Z2-9]{6}/.exec(connector.textTo(conversation))?.[0] as string;
    const mark = connector.calls.length;

    // The agent's channel is slow to take the request's card; the user cancels meanwhile.
    const card = connector.holdNext((a) => a.text?.includes('Vous avez pris la demande') ?? false);
    const accepting = bot.post(agent({ value: { escalationAction: 'accept', escalationId: id } }));
    await card.arrived;
    await bot.post(user(conversation, 'annuler'));
    card.release();
    await accepting;

    const heard = connector
      .textTo('a:julie', mark)
      .split('\n')
      .filter((line) => line.includes(id))
      .map((line) =>
        line.includes('Vous avez pris la demande')
          ? 'accepted'
          : line.includes("L'utilisateur a quitté")
            ? 'userLeft'
            : 'card',
      )
      .filter((said) => said !== 'card');
    expect(heard).toEqual(['accepted', 'userLeft']);
    const toUser = connector.textTo(conversation, mark);
    expect(toUser).toContain("Vous avez quitté la file d'attente.");
    expect(toUser).not.toContain('a pris votre demande');
    expect(await bot.app.escalation.store.agentSession(AGENT)).toBeUndefined();
  });
});

describeWithRedis(
  'an agent’s accept and the user’s « annuler » at the same moment (two bots, one Redis)',
  () => {
    const prefix = uniqueTestPrefix('escalation-race');
    const connector = new RecordingConnector();
    const bots: Awaited<ReturnType<typeof startBot>>[] = [];

    beforeAll(async () => {
      await connector.start();
      const env = { STORAGE: 'redis', REDIS_URL: redisTestUrl(), REDIS_KEY_PREFIX: prefix };
      bots.push(await startBot(connector, env), await startBot(connector, env));
    });

    afterAll(async () => {
      for (const bot of bots) await bot.app.stop();
      await connector.stop();
      const client = createClient({ url: redisTestUrl() });
      await client.connect();
      await deleteKeysWithPrefix(client, prefix);
      client.destroy();
    });

    it('tells the user and the agent one outcome each, whichever wins', async () => {
      const [userBot, agentBot] = bots;
      const wins = await race(connector, userBot.app, userBot.post, agentBot.post);
      expect(wins.cancelWon + wins.acceptWon).toBe(ROUNDS);
    });
  },
);
