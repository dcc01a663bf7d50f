import type { EscalationStore } from '../../src/services/escalation/escalationStore';
import { newEscalationId } from '../../src/services/escalation/ids';
import type { CallbackRequest, Escalation } from '../../src/services/escalation/types';

/** A queued escalation as the hub would build it, with overridable fields. */
export function sampleEscalation(overrides: Partial<Escalation> = {}): Escalation {
  return {
    id: newEscalationId(),
    reason: 'userRequest',
    language: 'fr',
    channel: 'webchat',
    transcript: [{ at: '2026-11-30T15:00:00.000Z', from: 'user', text: 'bonjour' }],
    createdAt: '2026-11-30T15:00:00.000Z',
    userReference: {
      channelId: 'webchat',
      serviceUrl: 'http://127.0.0.1:9',
      conversation: {
        id: `c-${Math.random().toString(36).slice(2)}`,
        isGroup: false,
        conversationType: 'personal',
        name: '',
      },
      user: { id: 'u-1', name: 'Utilisateur' },
      bot: { id: 'bot', name: 'Assistant RAMQ' },
    },
    status: 'waiting',
    ...overrides,
  };
}

/** A pending call-back request. */
export function sampleCallback(
  reference: string,
  dueAt: string,
  overrides: Partial<CallbackRequest> = {},
): CallbackRequest {
  return {
    reference,
    name: 'Julie Tremblay',
    phone: '+15145551234',
    bestTime: { slot: 'morning' },
    reason: { topic: 'password' },
    language: 'fr',
    channel: 'webchat',
    createdAt: '2026-11-28T15:00:00.000Z',
    dueAt,
    status: 'pending',
    ...overrides,
  };
}

/**
 * The behaviour every EscalationStore must have, run against the memory and the Redis implementations.
 * @param make builds a fresh, empty store.
 */
export function escalationStoreContract(make: () => Promise<EscalationStore>): void {
  let store: EscalationStore;

  beforeEach(async () => {
    store = await make();
  });

  describe('queue', () => {
    it('gives each new escalation its place, first come first served', async () => {
      const [a, b, c] = [sampleEscalation(), sampleEscalation(), sampleEscalation()];
      expect(await store.create(a)).toEqual({ kind: 'created', position: 1 });
      expect(await store.create(b)).toEqual({ kind: 'created', position: 2 });
      expect(await store.create(c)).toEqual({ kind: 'created', position: 3 });
      expect((await store.waiting()).map((e) => e.id)).toEqual([a.id, b.id, c.id]);
      expect(await store.position(c.id)).toBe(3);
    });

    it('moves everyone up when someone leaves or is taken', async () => {
      const [a, b, c] = [sampleEscalation(), sampleEscalation(), sampleEscalation()];
      for (const e of [a, b, c]) await store.create(e);
      await store.close(a.id, 'userCancelled', '2026-11-30T15:01:00.000Z');
      expect(await store.position(c.id)).toBe(2);
      await store.accept(b.id, { id: 'agent-1' }, '2026-11-30T15:02:00.000Z');
      expect(await store.position(c.id)).toBe(1);
      expect(await store.position(b.id)).toBeUndefined();
      expect((await store.active()).map((e) => e.id)).toEqual([b.id, c.id]);
    });

    it('keeps the escalation whole: transcript, reference and status fields', async () => {
      const e = sampleEscalation({ userName: 'CE100001', reason: 'secretQuestionsNotConfigured' });
      await store.create(e);
      await store.accept(e.id, { id: 'agent-1', name: 'Julie Agent' }, '2026-11-30T15:02:00.000Z');
      expect(await store.get(e.id)).toEqual({
        ...e,
        status: 'accepted',
        agent: { id: 'agent-1', name: 'Julie Agent' },
        acceptedAt: '2026-11-30T15:02:00.000Z',
      });
    });

    it('keeps one open escalation per conversation, even when asked five times at once', async () => {
      const { userReference } = sampleEscalation();
      const tries = Array.from({ length: 5 }, () => sampleEscalation({ userReference }));
      const other = sampleEscalation();
      const outcomes = await Promise.all([...tries, other].map((e) => store.create(e)));
      const created = outcomes.slice(0, 5).filter((o) => o.kind === 'created');
      expect(created).toHaveLength(1);
      const first = tries[outcomes.findIndex((o) => o.kind === 'created')];
      for (const outcome of outcomes.slice(0, 5).filter((o) => o.kind === 'existing')) {
        expect(outcome).toEqual({
          kind: 'existing',
          escalation: expect.objectContaining({ id: first.id, status: 'waiting' }) as unknown,
          position: await store.position(first.id),
        });
      }
      expect(outcomes[5].kind).toBe('created');
      expect((await store.waiting()).map((e) => e.id).sort()).toEqual([first.id, other.id].sort());
      // Still the same once an agent has it; a new one once it is closed.
      await store.accept(first.id, { id: 'agent-1' }, 'now');
      const again = sampleEscalation({ userReference });
      expect(await store.create(again)).toEqual({
        kind: 'existing',
        escalation: expect.objectContaining({ id: first.id, status: 'accepted' }) as unknown,
      });
      await store.close(first.id, 'userCancelled', 'now');
      expect(await store.create(again)).toEqual({ kind: 'created', position: 2 });
      expect((await store.active()).map((e) => e.id).sort()).toEqual([other.id, again.id].sort());
    });

    it.each([
      [
        'timed out (the user was offered a call-back and asks for a person again)',
        async (id: string) => void (await store.timeOut(id, '2026-11-30T15:11:00.000Z')),
        '2026-12-01T15:11:00.000Z',
      ],
      [
        'open for more than a day (an external hub that never said it was done)',
        async () => undefined,
        '2026-12-02T15:00:00.000Z',
      ],
    ])('gives the conversation a new escalation when its open one is %s', async (_case, age, askedAt) => {
      const first = sampleEscalation({ createdAt: '2026-11-30T15:00:00.000Z' });
      await store.create(first);
      await age(first.id);
      const again = sampleEscalation({ userReference: first.userReference, createdAt: askedAt });
      expect(await store.create(again)).toEqual({ kind: 'created', position: 1 });
      expect((await store.get(first.id))?.status).toBe('closed');
      expect((await store.get(first.id))?.closeReason).toBe('timedOut');
      expect((await store.active()).map((e) => e.id)).toEqual([again.id]);
      // The new one stands for the conversation from now on.
      const third = sampleEscalation({ userReference: first.userReference, createdAt: askedAt });
      expect((await store.create(third)).kind).toBe('existing');
    });

    it('keeps the messages written while waiting, in order', async () => {
      const e = sampleEscalation();
      await store.create(e);
      await store.addPending(e.id, { at: 't1', text: 'allo?' });
      await store.addPending(e.id, { at: 't2', text: 'toujours là' });
      expect((await store.pending(e.id)).map((m) => m.text)).toEqual(['allo?', 'toujours là']);
    });
  });

  describe('the accept race', () => {
    it('has exactly one winner among ten agents accepting at once', async () => {
      const e = sampleEscalation();
      await store.create(e);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.accept(e.id, { id: `agent-${i}` }, '2026-11-30T15:02:00.000Z'),
        ),
      );
      const winners = outcomes.filter((o) => o.kind === 'accepted');
      expect(winners).toHaveLength(1);
      const winner = winners[0].kind === 'accepted' ? winners[0].escalation.agent?.id : undefined;
      for (const loser of outcomes.filter((o) => o.kind !== 'accepted')) {
        expect(loser).toEqual({ kind: 'taken', by: { id: winner } });
      }
      expect((await store.get(e.id))?.agent?.id).toBe(winner);
    });

    it('refuses an accept after the user left or the wait timed out', async () => {
      const [left, late] = [sampleEscalation(), sampleEscalation()];
      await store.create(left);
      await store.create(late);
      await store.close(left.id, 'userCancelled', 'now');
      expect(await store.timeOut(late.id, 'now')).toBe(true);
      expect(await store.accept(left.id, { id: 'a' }, 'now')).toEqual({ kind: 'gone' });
      expect(await store.accept(late.id, { id: 'a' }, 'now')).toEqual({ kind: 'gone' });
      expect(await store.accept('E-NOPE22', { id: 'a' }, 'now')).toEqual({ kind: 'gone' });
    });

    it.each([
      ['user', 'userToldAcceptedAt'],
      ['agent', 'agentToldAcceptedAt'],
    ] as const)(
      'lets the %s be told of an accept once, only while it is accepted, and says so to whoever closes it',
      async (audience, field) => {
        const [told, left] = [sampleEscalation(), sampleEscalation()];
        await store.create(told);
        await store.create(left);
        expect(await store.claimAcceptNotice(told.id, 'at', audience)).toBe(false);
        await store.accept(told.id, { id: 'agent-a', name: 'Julie Agente' }, 'now');
        expect(await store.claimAcceptNotice(told.id, 'at', audience)).toBe(true);
        expect(await store.claimAcceptNotice(told.id, 'again', audience)).toBe(false);
        const closedTold = await store.close(told.id, 'userCancelled', 'now');
        expect(closedTold).toMatchObject({ status: 'accepted', agent: { id: 'agent-a' }, [field]: 'at' });
        // Each audience has its own notice: the other one was never claimed.
        const otherField = field === 'userToldAcceptedAt' ? 'agentToldAcceptedAt' : 'userToldAcceptedAt';
        expect(closedTold?.[otherField]).toBeUndefined();

        await store.accept(left.id, { id: 'agent-b' }, 'now');
        const closed = await store.close(left.id, 'userCancelled', 'now');
        expect(closed).toMatchObject({ status: 'accepted', agent: { id: 'agent-b' } });
        expect(closed?.[field]).toBeUndefined();
        expect(await store.claimAcceptNotice(left.id, 'at', audience)).toBe(false);
        expect(await store.claimAcceptNotice('E-NOPE22', 'at', audience)).toBe(false);
      },
    );

    it.each([
      ['user', 'userToldAcceptedAt'],
      ['agent', 'agentToldAcceptedAt'],
    ] as const)(
      'never both tells the %s of an accept and lets the user leave unseen, when both happen at once',
      async (audience, field) => {
        for (let i = 0; i < 25; i += 1) {
          const e = sampleEscalation();
          await store.create(e);
          await store.accept(e.id, { id: 'agent-a' }, 'now');
          const [claimed, closed] = await Promise.all([
            store.claimAcceptNotice(e.id, 'at', audience),
            store.close(e.id, 'userCancelled', 'now'),
          ]);
          expect(closed?.status).toBe('accepted');
          expect(closed?.agent?.id).toBe('agent-a');
          // Told ⇔ the close sees it: the user hears « fin de la conversation », the agent « l'utilisateur a
          // quitté » from whoever closed, exactly when told.
          expect(closed?.[field] !== undefined).toBe(claimed);
        }
      },
    );

    it('times out and closes once, whoever asks first', async () => {
      const e = sampleEscalation();
      await store.create(e);
      expect(await Promise.all([store.timeOut(e.id, 'x'), store.timeOut(e.id, 'x')])).toEqual(
        expect.arrayContaining([true, false]),
      );
      const closes = await Promise.all([
        store.close(e.id, 'timedOut', 'x'),
        store.close(e.id, 'timedOut', 'x'),
      ]);
      expect(closes.filter((c) => c !== undefined)).toHaveLength(1);
      expect(closes.find((c) => c)?.status).toBe('timedOut');
      expect((await store.get(e.id))?.status).toBe('closed');
    });
  });

  describe('agents', () => {
    it('remembers agents, the channel and each agent’s session', async () => {
      const reference = { channelId: 'msteams', serviceUrl: 'http://x', conversation: { id: 'a:1' } };
      await store.saveAgent({ id: 'aad-1', name: 'Julie', language: 'fr', reference } as never);
      await store.saveHubReference({ ...reference, conversation: { id: '19:hub@thread.tacv2' } } as never);
      await store.setAgentSession('aad-1', {
        escalationId: 'E-ABCDEF',
        agent: { id: 'aad-1', language: 'fr', reference } as never,
      });
      expect((await store.agents()).map((a) => a.id)).toEqual(['aad-1']);
      expect((await store.hubReference())?.conversation?.id).toBe('19:hub@thread.tacv2');
      expect((await store.agentSession('aad-1'))?.escalationId).toBe('E-ABCDEF');
      await store.setAgentSession('aad-1', undefined);
      expect(await store.agentSession('aad-1')).toBeUndefined();
    });

    it('ends an agent’s session once, and only while it is still for that escalation', async () => {
      const agent = { id: 'aad-1', language: 'fr', reference: { conversation: { id: 'a:1' } } } as never;
      await store.setAgentSession('aad-1', { escalationId: 'E-ABCDEF', agent });
      expect(await store.clearAgentSession('aad-1', 'E-OTHER2')).toBe(false);
      expect((await store.agentSession('aad-1'))?.escalationId).toBe('E-ABCDEF');
      expect(
        await Promise.all([
          store.clearAgentSession('aad-1', 'E-ABCDEF'),
          store.clearAgentSession('aad-1', 'E-ABCDEF'),
        ]),
      ).toEqual(expect.arrayContaining([true, false]));
      expect(await store.agentSession('aad-1')).toBeUndefined();
      expect(await store.clearAgentSession('aad-2', 'E-ABCDEF')).toBe(false);
    });
  });

  describe('call-backs', () => {
    it('numbers them per day, lists the pending ones by due time and completes each once', async () => {
      expect(await store.nextCallbackNumber('2026-11-28')).toBe(1);
      expect(await store.nextCallbackNumber('2026-11-28')).toBe(2);
      expect(await store.nextCallbackNumber('2026-11-29')).toBe(1);
      await store.saveCallback(sampleCallback('R-261128-002', '2026-11-30T13:30:00.000Z'));
      await store.saveCallback(sampleCallback('R-261128-001', '2026-11-30T13:30:00.000Z'));
      await store.saveCallback(sampleCallback('R-261127-009', '2026-11-27T13:30:00.000Z'));
      expect((await store.pendingCallbacks()).map((c) => c.reference)).toEqual([
        'R-261127-009',
        'R-261128-001',
        'R-261128-002',
      ]);
      const done = await Promise.all([
        store.completeCallback('R-261128-001', { id: 'a' }),
        store.completeCallback('R-261128-001', { id: 'b' }),
      ]);
      expect(done.filter((d) => d !== undefined)).toHaveLength(1);
      expect((await store.callback('R-261128-001'))?.status).toBe('done');
      expect((await store.pendingCallbacks()).map((c) => c.reference)).toEqual([
        'R-261127-009',
        'R-261128-002',
      ]);
    });

    it('saves one request per confirmation key, even when confirmed twice at once', async () => {
      const due = '2026-11-30T13:30:00.000Z';
      const outcomes = await Promise.all([
        store.saveCallbackOnce(sampleCallback('R-261128-001', due), 'webchat|c-1|instance-1', 60),
        store.saveCallbackOnce(sampleCallback('R-261128-002', due), 'webchat|c-1|instance-1', 60),
      ]);
      expect(outcomes.filter((o) => o.saved)).toHaveLength(1);
      const kept = outcomes.find((o) => o.saved)?.request.reference;
      expect(outcomes.map((o) => o.request.reference)).toEqual([kept, kept]);
      expect((await store.pendingCallbacks()).map((c) => c.reference)).toEqual([kept]);
      // Another confirmation (a new request in the same conversation) is saved as usual.
      const other = await store.saveCallbackOnce(sampleCallback('R-261128-003', due), 'webchat|c-1|i-2', 60);
      expect(other).toEqual({ request: expect.objectContaining({ reference: 'R-261128-003' }), saved: true });
      expect(await store.pendingCallbacks()).toHaveLength(2);
    });

    it('lets one caller claim a daily announcement', async () => {
      expect(
        await Promise.all([
          store.claimOnce('callbacks:2026-11-30', 60),
          store.claimOnce('callbacks:2026-11-30', 60),
        ]),
      ).toEqual(expect.arrayContaining([true, false]));
    });
  });

  describe('password cards', () => {
    it('hands each card out once, by id or when due', async () => {
      const card = (activityId: string, replaceAfter: number) => ({
        activityId,
        reference: { conversation: { id: 'a:1' } } as never,
        userName: 'CE100002',
        language: 'fr' as const,
        replaceAfter,
      });
      await store.savePasswordCard(card('act-1', 1000));
      await store.savePasswordCard(card('act-2', 5000));
      const taken = await Promise.all([store.takePasswordCard('act-1'), store.takePasswordCard('act-1')]);
      expect(taken.filter((t) => t !== undefined)).toHaveLength(1);
      expect(await store.takeDuePasswordCards(4000)).toEqual([]);
      expect((await store.takeDuePasswordCards(6000)).map((c) => c.activityId)).toEqual(['act-2']);
      expect(await store.takeDuePasswordCards(6000)).toEqual([]);
    });
  });
}
