import { createClient } from 'redis';
import type { Application } from '../../src/index';
import { FixedClock } from '../../src/services/clock';
import type { EscalationStore } from '../../src/services/escalation/escalationStore';
import { createTestApp } from '../helpers/bot';
import { postViaConnector, RecordingConnector } from '../helpers/connector';
import { deleteKeysWithPrefix, describeWithRedis, redisTestUrl, uniqueTestPrefix } from '../helpers/redis';

/**
 * The bot stopped (SIGTERM: stop() drains, then closes Redis) between a user's « oui » to the read-back and the
 * saved request, with STORAGE=redis and a second instance taking over: nothing the user was told is saved is
 * lost, and nothing unsaved is told saved. The turn is held at one store call; past the drain, the process
 * would exit once stop() resolves, so that is when what the user heard and what Redis holds are compared.
 */

jest.setTimeout(60_000);

/** Saturday: the Centre is closed, the request is due Monday at 8 h 30. */
const SATURDAY = new Date('2026-11-28T10:00:00-05:00');
const AGENT = '0b7c1f3e-0000-4000-8000-00000000000a';
/** Julie's personal chat with the bot. */
const JULIE = 'a:julie';
/** Up to the read-back of a call-back request (see hub.http.test.ts, « the morning call-backs »). */
const TO_READ_BACK = ['agent', '3', 'oui', 'Sophie Roy', '819 555-0100', '3', 'Accès refusé'];

/** Holds the store's next call of `method` until released: the turn stops there, as a slow Redis would hold it. */
function holdNext(store: EscalationStore, method: 'nextCallbackNumber' | 'saveCallbackOnce') {
  const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
  let reached!: () => void;
  let release!: () => void;
  const whenReached = new Promise<void>((resolve) => (reached = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    (store as unknown as Record<string, unknown>)[method] = original;
    if (method === 'saveCallbackOnce') {
      // Saved, then held before the turn goes on: the user is not told yet.
      const saved = await original(...args);
      reached();
      await released;
      return saved;
    }
    reached();
    await released;
    return original(...args);
  };
  return { whenReached, release };
}

describeWithRedis('a call-back request in flight when the bot is stopped (STORAGE=redis)', () => {
  const root = uniqueTestPrefix('callback-restart');
  // One Redis per test, as it were: each test's instances share theirs, and see no other test's requests.
  let prefix = root;
  let tests = 0;
  const connector = new RecordingConnector();
  const clock = new FixedClock(SATURDAY);
  const running = new Set<Application>();

  beforeAll(async () => {
    await connector.start();
  });

  beforeEach(() => {
    tests += 1;
    prefix = `${root}${tests}:`;
  });

  afterAll(async () => {
    for (const app of running) await app.stop({ drainMs: 100 });
    await connector.stop();
    const client = createClient({ url: redisTestUrl() });
    await client.connect();
    await deleteKeysWithPrefix(client, root);
    client.destroy();
  });

  async function start(at: FixedClock = clock): Promise<{
    app: Application;
    say: (conversation: string, text: string) => Promise<number>;
    post: (activity: Record<string, unknown>) => Promise<number>;
  }> {
    const app = await createTestApp(
      {
        STORAGE: 'redis',
        REDIS_URL: redisTestUrl(),
        REDIS_KEY_PREFIX: prefix,
        LOCAL_CHAT: 'false',
        AGENT_IDS: AGENT,
      },
      { clock: at },
    );
    running.add(app);
    const baseUrl = await app.start();
    while (!(await app.isReady())) await new Promise((r) => setTimeout(r, 50));
    const post = async (activity: Record<string, unknown>) => {
      return postViaConnector(baseUrl, connector.url, activity);
    };
    const say = (conversation: string, text: string) =>
      post({
        channelId: 'webchat',
        from: { id: `user-${conversation}` },
        conversation: { id: conversation },
        text,
      });
    return { app, say, post };
  }

  async function stop(app: Application, drainMs?: number): Promise<void> {
    await app.stop(drainMs === undefined ? undefined : { drainMs });
    running.delete(app);
  }

  /** Waits (up to 5 s) for the words that end a turn whose storage was closed under it. */
  async function apologized(conversation: string, mark: number): Promise<void> {
    for (
      let i = 0;
      i < 100 && !connector.textTo(conversation, mark).includes('temporairement indisponible');
      i += 1
    )
      await new Promise((r) => setTimeout(r, 50));
    expect(connector.textTo(conversation, mark)).toContain('temporairement indisponible');
  }

  const references = (text: string) => [...text.matchAll(/R-\d{6}-\d{3}/g)].map((m) => m[0]);

  it('drains: the confirmed request is saved, the user told its reference, and the next instance has it', async () => {
    const conversation = 'conv-drain';
    const first = await start();
    for (const text of TO_READ_BACK) await first.say(conversation, text);
    expect(connector.textTo(conversation)).toContain('Est-ce exact?');
    const mark = connector.calls.length;
    const held = holdNext(first.app.escalation.store, 'nextCallbackNumber');
    const confirming = first.say(conversation, 'oui');
    await held.whenReached;
    // SIGTERM between the user's « oui » and the saved request.
    let stopped = false;
    const stopping = stop(first.app).then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(stopped).toBe(false);
    held.release();
    expect(await confirming).toBe(200);
    await stopping;
    const told = connector.textTo(conversation, mark);
    expect(told).toContain('Votre demande de rappel est enregistrée.');
    const [reference] = references(told);

    const second = await start();
    expect((await second.app.escalation.store.pendingCallbacks()).map((c) => c.reference)).toEqual([
      reference,
    ]);
    // The conversation went on from the saved request: « oui » again saves nothing more.
    const after = connector.calls.length;
    await second.say(conversation, 'oui');
    expect(connector.textTo(conversation, after)).not.toContain('enregistrée');
    expect(await second.app.escalation.store.pendingCallbacks()).toHaveLength(1);
    await stop(second.app);
  });

  it('past the drain, before the save: nothing saved, nothing told saved; « oui » again on the next instance saves it', async () => {
    const conversation = 'conv-late-before';
    const first = await start();
    for (const text of TO_READ_BACK) await first.say(conversation, text);
    const mark = connector.calls.length;
    const held = holdNext(first.app.escalation.store, 'nextCallbackNumber');
    const confirming = first.say(conversation, 'oui').catch(() => 0);
    await held.whenReached;
    await stop(first.app, 200);
    // The process exits here: what the user was told and what Redis holds must agree.
    expect(connector.textTo(conversation, mark)).not.toContain('enregistrée');
    const second = await start();
    expect(await second.app.escalation.store.pendingCallbacks()).toEqual([]);
    // Were the turn to go on regardless, with its storage closed: still nothing saved, nothing told saved.
    held.release();
    await confirming;
    await apologized(conversation, mark);
    expect(connector.textTo(conversation, mark)).not.toContain('enregistrée');
    expect(await second.app.escalation.store.pendingCallbacks()).toEqual([]);

    // The user, told nothing (or that the service is unavailable), confirms again: the read-back is still current.
    const after = connector.calls.length;
    await second.say(conversation, 'oui');
    const told = connector.textTo(conversation, after);
    expect(told).toContain('Votre demande de rappel est enregistrée.');
    expect((await second.app.escalation.store.pendingCallbacks()).map((c) => c.reference)).toEqual(
      references(told),
    );
    await stop(second.app);
  });

  it('past the drain, once saved but before the user is told: « oui » again gives the saved reference', async () => {
    const conversation = 'conv-late-after';
    const first = await start();
    for (const text of TO_READ_BACK) await first.say(conversation, text);
    const mark = connector.calls.length;
    const held = holdNext(first.app.escalation.store, 'saveCallbackOnce');
    const confirming = first.say(conversation, 'oui').catch(() => 0);
    await held.whenReached;
    await stop(first.app, 200);
    // The process exits here: the request is saved, the user was told nothing yet.
    expect(connector.textTo(conversation, mark)).not.toContain('enregistrée');
    const second = await start();
    const saved = (await second.app.escalation.store.pendingCallbacks()).map((c) => c.reference);
    expect(saved).toHaveLength(1);

    const after = connector.calls.length;
    await second.say(conversation, 'oui');
    const told = connector.textTo(conversation, after);
    expect(told).toContain('Votre demande de rappel est enregistrée.');
    expect(references(told)).toEqual(saved);
    expect((await second.app.escalation.store.pendingCallbacks()).map((c) => c.reference)).toEqual(saved);
    // Were the turn to go on regardless: its reply is true (the request is saved), and it ends.
    const resumed = connector.calls.length;
    held.release();
    await confirming;
    await apologized(conversation, resumed);
    await stop(second.app);
  });

  it('during hours, past the drain, once saved but before agents are told: « oui » again tells them', async () => {
    const conversation = 'conv-late-open';
    const monday = new FixedClock(new Date('2026-11-30T10:00:00-05:00'));
    const first = await start(monday);
    await first.post({
      channelId: 'msteams',
      from: { id: `29:${AGENT}`, name: 'Julie Agente', aadObjectId: AGENT },
      conversation: { id: JULIE, conversationType: 'personal' },
      text: 'aide agent',
    });
    await first.say(conversation, 'agent');
    // Nobody took the request: the user is offered a call-back, due today.
    monday.advance(10 * 60_000 + 1_000);
    await first.app.escalation.hub.sweep();
    expect(connector.textTo(conversation)).toContain('Voulez-vous laisser une demande de rappel?');
    for (const text of ['oui', 'Julie Tremblay', '418 555-0199', '2', 'Mot de passe oublié'])
      await first.say(conversation, text);
    expect(connector.textTo(conversation)).toContain('Est-ce exact?');
    const mark = connector.calls.length;
    const held = holdNext(first.app.escalation.store, 'saveCallbackOnce');
    const confirming = first.say(conversation, 'oui').catch(() => 0);
    await held.whenReached;
    await stop(first.app, 200);
    // The process exits here: the request is saved; neither the user nor the agents were told.
    expect(JSON.stringify(connector.calls.slice(mark))).not.toMatch(/R-\d{6}-\d{3}/);

    const second = await start(monday);
    await second.say(conversation, 'oui');
    const told = connector.textTo(conversation, mark);
    expect(told).toContain("Un agent vous rappellera dès que possible aujourd'hui.");
    const [reference] = references(told);
    // The user expects a call today: the agents are told of the request, once.
    expect(connector.textTo(JULIE, mark).split(`Nouvelle demande de rappel ${reference}.`)).toHaveLength(2);
    const resumed = connector.calls.length;
    held.release();
    await confirming;
    await apologized(conversation, resumed);
    await stop(second.app);
  });
});
