import {
  type Activity,
  ActivityTypes,
  ConversationState,
  MemoryStorage,
  TestAdapter,
  type TurnContext,
} from 'botbuilder';
import { PendingWrites } from '../../src/pendingWrites';
import { createLogger } from '../../src/services/logger';
import { MemoryNoInputTimerStore, type NoInputTimer, NoInputTimers } from '../../src/voice/noInputTimers';
import { expectInput, markCallEnded, SpeechSafetyNet, VoiceTurnMiddleware } from '../../src/voice/voiceTurn';
import { ssmlProblems } from '../helpers/bot';
import { createDeps } from '../helpers/voice';

/** A bot that sends whatever the test asks, through the middleware, on the given channel. */
function setUp(
  channelId = 'telephony',
  store = new MemoryNoInputTimerStore(),
  speechCharsPerSecond?: number,
) {
  const timers = new NoInputTimers({
    store,
    noInputMs: 60_000,
    fire: async () => undefined,
    logger: createLogger('silent'),
  });
  const warnings: string[] = [];
  const pendingWrites = new PendingWrites();
  const middleware = new VoiceTurnMiddleware({
    responder: createDeps().responder,
    logger: { warn: (_obj: object, msg: string) => void warnings.push(msg) },
    timers,
    pendingWrites,
    speechCharsPerSecond,
  });
  let send: (context: TurnContext) => Promise<void> = async () => undefined;
  const adapter = new TestAdapter(async (context) => middleware.onTurn(context, () => send(context)), {
    channelId,
    conversation: { id: 'c1' },
    from: { id: 'u1' },
    recipient: { id: 'bot' },
  } as Partial<Activity> as never);
  const turn = async (logic: (context: TurnContext) => Promise<void>, input: Partial<Activity> = {}) => {
    send = logic;
    adapter.activeQueue.splice(0);
    await adapter.receiveActivity({ type: ActivityTypes.Message, text: 'x', ...input });
    return adapter.activeQueue.splice(0);
  };
  return { store, turn, pendingWrites, warnings };
}

/** A timer store whose every write waits for `release`, or fails when told to. */
class SlowTimerStore extends MemoryNoInputTimerStore {
  private readonly held: Array<() => void> = [];
  failing = false;

  override async schedule(timer: NoInputTimer): Promise<void> {
    await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.failing) throw new Error('redis down');
    return super.schedule(timer);
  }

  release(): void {
    for (const resume of this.held.splice(0)) resume();
  }
}

describe('VoiceTurnMiddleware', () => {
  describe('the SSML safety net', () => {
    it('gives speak to a message sent without it, from display text with markdown, emoji and a link', async () => {
      const { turn } = setUp();
      const [reply] = await turn(async (c) => {
        await c.sendActivity('**Bonjour** 🙂 voir https://ramq.gouv.qc.ca & <merci>');
      });
      expect(ssmlProblems(reply.speak ?? '')).toEqual([]);
      expect(reply.speak).toContain('<voice name="fr-CA-SylvieNeural">Bonjour voir &amp; &lt;merci</voice>');
      expect(reply.inputHint).toBe('acceptingInput');
    });

    it('wraps a plain-text speak in SSML', async () => {
      const { turn } = setUp();
      const [reply] = await turn(async (c) => {
        await c.sendActivity({ type: 'message', text: 'x', speak: 'Rappel : 2026-01-01' });
      });
      expect(reply.speak).toMatch(/^<speak version="1.0".*Rappel : 1er janvier 2026/);
    });

    it('strips cards and buttons, keeps audio, and speaks a card by its own speak', async () => {
      const { turn } = setUp();
      const replies = await turn(async (c) => {
        await c.sendActivity({
          type: 'message',
          attachments: [
            {
              contentType: 'application/vnd.microsoft.card.adaptive',
              content: { speak: 'Votre demande est acceptée.' },
            },
            { contentType: 'audio/wav', contentUrl: 'https://example.org/tone.wav' },
          ],
          suggestedActions: { actions: [{ type: 'imBack', title: 'Oui', value: 'oui' }], to: [] },
        });
      });
      expect(replies[0].attachments?.map((a) => a.contentType)).toEqual(['audio/wav']);
      expect(replies[0].suggestedActions).toBeUndefined();
      expect(replies[0].speak).toContain('Votre demande est acceptée.');
    });

    it('does not send a card that nothing in it can say', async () => {
      const { turn } = setUp();
      const replies = await turn(async (c) => {
        await c.sendActivity({
          type: 'message',
          attachments: [{ contentType: 'image/png', contentUrl: 'x' }],
        });
        await c.sendActivity('Suite');
      });
      expect(replies.map((a) => a.text)).toEqual(['Suite']);
    });

    it('leaves other channels alone', async () => {
      const { turn } = setUp('webchat');
      const [reply] = await turn(async (c) => {
        await c.sendActivity('**Bonjour**');
      });
      expect(reply.speak).toBeUndefined();
    });
  });

  describe('no-input timers', () => {
    it('arms after a question, keeps one per conversation, and input cancels it', async () => {
      const { store, turn } = setUp();
      await turn(async (c) => {
        await c.sendActivity({ type: 'message', text: 'Question?', inputHint: 'expectingInput' });
      });
      expect(store.size).toBe(1);
      await turn(async () => undefined);
      expect(store.size).toBe(0);
    });

    it.each([
      ['a statement', async (c: TurnContext) => void (await c.sendActivity('Info'))],
      [
        'a question then a hang-up',
        async (c: TurnContext) => {
          await c.sendActivity({ type: 'message', text: '?', inputHint: 'expectingInput' });
          await c.sendActivity({ type: 'endOfConversation' });
        },
      ],
      [
        'a question then a transfer',
        async (c: TurnContext) => {
          await c.sendActivity({ type: 'message', text: '?', inputHint: 'expectingInput' });
          await c.sendActivity({ type: 'event', name: 'handoff.initiate', value: {} });
        },
      ],
      [
        'a question and markCallEnded',
        async (c: TurnContext) => {
          await c.sendActivity({ type: 'message', text: '?', inputHint: 'expectingInput' });
          markCallEnded(c);
        },
      ],
    ])('does not arm after %s', async (_name, logic) => {
      const { store, turn } = setUp();
      await turn(logic);
      expect(store.size).toBe(0);
    });

    /** The silence each armed timer allows, from the moment it was armed. */
    async function waitsArmed(store: MemoryNoInputTimerStore): Promise<number[]> {
      const timers = await store.claimDue(Number.MAX_SAFE_INTEGER, 10);
      return timers.map((t) => t.dueAt - t.armedAt);
    }

    it.each([
      ['counts from the send without a speaking rate', undefined, 60_000],
      ['counts from the send at a rate of 0', 0, 60_000],
      // « Quel est votre numéro? » and « Répondez après le signal. »: 22 + 25 characters, at 10 a second.
      ['adds the turn’s messages’ playback at 10 characters a second', 10, 60_000 + 4_700],
    ])('%s', async (_name, rate, expected) => {
      const store = new MemoryNoInputTimerStore();
      const { turn } = setUp('telephony', store, rate);
      await turn(async (c) => {
        await c.sendActivity('Quel est votre numéro?');
        await c.sendActivity({
          type: 'message',
          text: 'Répondez après le signal.',
          inputHint: 'expectingInput',
        });
      });
      expect(await waitsArmed(store)).toEqual([expected]);
    });

    it('adds nothing for a keypad key that gets no answer', async () => {
      const store = new MemoryNoInputTimerStore();
      const { turn } = setUp('telephony', store, 10);
      await turn(async (c) => expectInput(c));
      expect(await waitsArmed(store)).toEqual([60_000]);
    });

    it('arms on expectInput without any message (between keypad keys)', async () => {
      const { store, turn } = setUp();
      await turn(async (c) => expectInput(c));
      expect(store.size).toBe(1);
    });

    it('sends the question without waiting for the timer to be stored', async () => {
      const slow = new SlowTimerStore();
      const { turn, pendingWrites } = setUp('telephony', slow);
      const replies = await turn(async (c) => {
        await c.sendActivity({ type: 'message', text: 'Question?', inputHint: 'expectingInput' });
      });
      expect(replies.map((r) => r.text)).toEqual(['Question?']);
      expect(slow.size).toBe(0);
      expect(pendingWrites.size).toBe(1);
      slow.release();
      await pendingWrites.settle();
      expect(slow.size).toBe(1);
    });

    it('logs a timer that could not be armed once its write fails, after the reply', async () => {
      const slow = new SlowTimerStore();
      slow.failing = true;
      const { turn, pendingWrites, warnings } = setUp('telephony', slow);
      const replies = await turn(async (c) => {
        expectInput(c);
        await c.sendActivity('Votre numéro?');
      });
      expect(replies).toHaveLength(1);
      expect(warnings).toEqual([]);
      slow.release();
      await pendingWrites.settle();
      expect(warnings).toEqual(['no-input timer not armed']);
    });

    it('keeps the reprompt of a question asked in the same millisecond as the caller’s input', async () => {
      const conversationState = new ConversationState(new MemoryStorage());
      const store = new MemoryNoInputTimerStore();
      const middleware = new VoiceTurnMiddleware({
        responder: createDeps().responder,
        logger: { warn: () => undefined },
        timers: new NoInputTimers({
          store,
          noInputMs: 1_000,
          fire: async () => undefined,
          logger: createLogger('silent'),
        }),
        conversationState,
        pendingWrites: new PendingWrites(),
      });
      const now = jest.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
      try {
        let stale: boolean | undefined;
        const adapter = new TestAdapter(
          async (context) => {
            if (context.activity.type === ActivityTypes.Event) {
              const [timer] = await store.claimDue(Number.MAX_SAFE_INTEGER, 1);
              stale = await middleware.callerSpokeSince(context, timer.armedAt);
              return;
            }
            await middleware.onTurn(context, async () => {
              await context.sendActivity({
                type: 'message',
                text: 'Votre choix?',
                inputHint: 'expectingInput',
              });
            });
            await conversationState.saveChanges(context);
          },
          {
            channelId: 'telephony',
            conversation: { id: 'c-fast' },
            from: { id: 'u1' },
            recipient: { id: 'bot' },
          } as Partial<Activity> as never,
        );
        // A key pressed, answered by a question in the same millisecond; then silence.
        await adapter.receiveActivity({ type: ActivityTypes.Message, text: '1' });
        await adapter.receiveActivity({ type: ActivityTypes.Event, name: 'silence' });
        expect(stale).toBe(false);
      } finally {
        now.mockRestore();
      }
    });

    it('cancels when the caller hangs up', async () => {
      const { store, turn } = setUp();
      await turn(async (c) => expectInput(c));
      await turn(async () => undefined, { type: ActivityTypes.EndOfConversation, text: undefined });
      expect(store.size).toBe(0);
    });
  });

  describe('SpeechSafetyNet on the adapter', () => {
    it('gives SSML to what is sent outside the bot (an error reply) and drops what cannot be heard', async () => {
      const adapter = new TestAdapter(
        async (context) => {
          await context.sendActivity('Désolé, une erreur imprévue est survenue. **Réessayez**.');
          await context.sendActivity({ type: 'message', attachments: [{ contentType: 'image/png' }] });
        },
        { channelId: 'telephony', conversation: { id: 'c2' } } as Partial<Activity> as never,
      );
      adapter.use(new SpeechSafetyNet({ responder: createDeps().responder, logger: createLogger('silent') }));
      await adapter.receiveActivity({ type: ActivityTypes.Message, text: 'x' });
      const replies = adapter.activeQueue.splice(0);
      expect(replies).toHaveLength(1);
      expect(ssmlProblems(replies[0].speak ?? '')).toEqual([]);
      expect(replies[0].speak).toContain('Réessayez.');
    });
  });
});
