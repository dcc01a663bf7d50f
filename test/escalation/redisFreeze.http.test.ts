import type { Application } from '../../src/index';
import { FixedClock } from '../../src/services/clock';
import type { EscalationStore } from '../../src/services/escalation/escalationStore';
import { createTestApp, postTurn, textOf } from '../helpers/bot';
import { RecordingConnector } from '../helpers/connector';
import { describeWithRedisServer, startThrowawayRedis, type ThrowawayRedis } from '../helpers/redis';

/**
 * The escalation store's own call meeting a frozen Redis (SIGSTOP) in the middle of a turn, the state having
 * been read: the turn still answers within 2 s with the polite « temporairement indisponible » and the
 * Centre's numbers, and what Redis runs once it wakes up does not undo what the user and the agent were told.
 */

const AGENT = '0b7c1f3e-0000-4000-8000-00000000000a';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithRedisServer('escalation while Redis freezes in the middle of a turn', () => {
  let redis: ThrowawayRedis;
  let app: Application;
  let baseUrl: string;
  // Proactive messages (agents told of a request, the user of the accept) land here rather than time out.
  const connector = new RecordingConnector();

  beforeAll(async () => {
    await connector.start();
    redis = await startThrowawayRedis();
    app = await createTestApp(
      {
        STORAGE: 'redis',
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: 'escfreeze:',
        LOCAL_CHAT: 'false',
        AGENT_IDS: AGENT,
      },
      { clock: new FixedClock(new Date('2026-11-30T10:00:00-05:00')) },
    );
    baseUrl = await app.start();
    for (let i = 0; i < 100 && !(await app.isReady()); i += 1) await sleep(100);
  }, 30_000);

  afterAll(async () => {
    redis?.resume();
    await app?.stop();
    await redis?.stop();
    await connector.stop();
  });

  /** Redis freezes as the store's `method` is called, once. */
  function freezeOn(method: 'create' | 'accept' | 'close'): void {
    const store = app.escalation.store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = store[method];
    store[method] = async (...args: unknown[]) => {
      store[method] = original;
      redis.pause();
      return original.apply(app.escalation.store, args);
    };
  }

  async function timed(activity: Parameters<typeof postTurn>[1]) {
    const started = Date.now();
    const { status, activities } = await postTurn(baseUrl, { serviceUrl: connector.url, ...activity });
    return { status, ms: Date.now() - started, text: textOf(activities) };
  }

  const user = (conversation: string, text: string) => timed({ conversation: { id: conversation }, text });
  const agent = (value: Record<string, unknown>) =>
    timed({
      channelId: 'msteams',
      from: { id: `29:${AGENT}`, name: 'Julie Agente', aadObjectId: AGENT },
      conversation: { id: 'a:julie', conversationType: 'personal' },
      value,
    } as Parameters<typeof postTurn>[1]);

  function expectPoliteRefusal(turn: { status: number; ms: number; text: string }): void {
    expect(turn.status).toBe(200);
    expect(turn.ms).toBeLessThan(2_000);
    expect(turn.text).toContain('temporairement indisponible');
    expect(turn.text).toContain('418 643-8210');
  }

  async function afterThaw(): Promise<void> {
    redis.resume();
    for (let i = 0; i < 100 && !(await app.isReady()); i += 1) await sleep(100);
    // The undo of a write that landed late runs 250 ms after Redis answers again.
    await sleep(1_000);
  }

  it('answers « agent » politely when queueing freezes, and the request it could not take never reaches agents', async () => {
    freezeOn('create');
    try {
      expectPoliteRefusal(await user('freeze-create', 'agent'));
    } finally {
      await afterThaw();
    }
    const store: EscalationStore = app.escalation.store;
    expect(await store.waiting()).toEqual([]);
    expect(await store.active()).toEqual([]);
  }, 30_000);

  it('answers the agent politely when the accept freezes, and the accept does not take effect later', async () => {
    const conversation = 'freeze-accept';
    const queued = await user(conversation, 'agent');
    const id = /E-[A-Z2-9]{6}/.exec(queued.text)?.[0] as string;
    expect(id).toBeDefined();

    freezeOn('accept');
    try {
      expectPoliteRefusal(await agent({ escalationAction: 'accept', escalationId: id }));
    } finally {
      await afterThaw();
    }
    // The agent was told nothing was done, and the user nothing at all: the request is still waiting, for
    // this agent or another to take.
    const store: EscalationStore = app.escalation.store;
    expect((await store.get(id))?.status).toBe('waiting');
    expect((await store.waiting()).map((e) => e.id)).toContain(id);
    expect(await store.agentSession(AGENT)).toBeUndefined();
    const again = await agent({ escalationAction: 'accept', escalationId: id });
    expect(again.text).toContain(`Vous avez pris la demande ${id}`);
  }, 30_000);

  it('answers « annuler » politely when leaving the queue freezes; the user can still leave afterwards', async () => {
    const conversation = 'freeze-close';
    const queued = await user(conversation, 'agent');
    const id = /E-[A-Z2-9]{6}/.exec(queued.text)?.[0] as string;
    freezeOn('close');
    try {
      expectPoliteRefusal(await user(conversation, 'annuler'));
    } finally {
      await afterThaw();
    }
    const again = await user(conversation, 'annuler');
    expect(again.text).toContain("Vous avez quitté la file d'attente.");
    expect(again.text).toContain('Que puis-je faire pour vous?');
    expect((await app.escalation.store.get(id))?.status).toBe('closed');
  }, 30_000);
});
