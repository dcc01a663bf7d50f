import {
  type Activity,
  ActivityTypes,
  MemoryStorage,
  type Middleware,
  TestAdapter,
  type TurnContext,
} from 'botbuilder';
import { type Dialog, DialogSet, DialogTurnStatus, WaterfallDialog } from 'botbuilder-dialogs';
import type { DialogDependencies } from '../../src/dialogs/shared/dependencies';
import { keypressActivity, type KeypadKey } from '../../src/dialogs/shared/dtmf';
import { LANGUAGE_KEY, Responder } from '../../src/dialogs/shared/responder';
import { ssmlToText } from '../../src/dialogs/shared/ssml';
import { type Language, Messages } from '../../src/i18n';
import { Lexicon } from '../../src/nlu/lexicon';
import { MenuRecognizer } from '../../src/nlu/menuRecognizer';
import { loadCentreInfo } from '../../src/services/centre';
import { systemClock } from '../../src/services/clock';
import { createLogger } from '../../src/services/logger';
import { PendingWrites } from '../../src/pendingWrites';
import { createStateAccessors } from '../../src/state';
import { MemoryNoInputTimerStore, NoInputTimers } from '../../src/voice/noInputTimers';
import { VoiceTurnMiddleware } from '../../src/voice/voiceTurn';
import { TrackedConversationState, TrackedUserState } from '../../src/services/trackedState';

/** Built once per test file: the locale files are read once. */
export const messages = new Messages();

/** The project's voices, as configured by default. */
export const VOICES = {
  fr: { voice: 'fr-CA-SylvieNeural', xmlLang: 'fr-CA' },
  en: { voice: 'en-CA-ClaraNeural', xmlLang: 'en-CA' },
} as const;

/** Real dialog dependencies over memory storage, with silent logs. */
export function createDeps(): DialogDependencies {
  const lexicon = new Lexicon(messages);
  const storage = new MemoryStorage();
  const centre = loadCentreInfo();
  return {
    responder: new Responder(messages, VOICES),
    logger: createLogger('silent'),
    centre,
    clock: systemClock,
    lexicon,
    menuRecognizer: new MenuRecognizer(messages, lexicon),
    state: createStateAccessors(new TrackedConversationState(storage), new TrackedUserState(storage)),
    voice: { transferNumber: '+18004634776' },
  };
}

/** Options of {@link DialogHarness}. */
export interface HarnessOptions {
  channelId?: string;
  language?: Language;
}

/**
 * Runs one prompt dialog (or any dialog) under a TestAdapter with the voice middleware and real memory
 * timers, and reports the dialog's result as an event activity named "result".
 */
export class DialogHarness {
  readonly adapter: TestAdapter;
  readonly deps: DialogDependencies;
  readonly store = new MemoryNoInputTimerStore();
  readonly timers: NoInputTimers;
  private readonly dialogs: DialogSet;

  constructor(dialogs: Dialog[], start: { id: string; options: object }, options: HarnessOptions = {}) {
    this.deps = createDeps();
    const { state } = this.deps;
    this.dialogs = new DialogSet(state.dialogState);
    for (const dialog of dialogs) this.dialogs.add(dialog);
    this.dialogs.add(
      new WaterfallDialog('harness', [
        async (step) => step.beginDialog(start.id, start.options),
        async (step) => {
          await step.context.sendActivity({ type: ActivityTypes.Event, name: 'result', value: step.result });
          return step.endDialog();
        },
      ]),
    );
    this.timers = new NoInputTimers({
      store: this.store,
      noInputMs: 60_000,
      fire: async () => undefined,
      logger: createLogger('silent'),
    });
    const middleware: Middleware = new VoiceTurnMiddleware({
      responder: this.deps.responder,
      logger: createLogger('silent'),
      timers: this.timers,
      pendingWrites: new PendingWrites(),
    });
    const language = options.language ?? 'fr';
    this.adapter = new TestAdapter(
      async (context: TurnContext) => {
        context.turnState.set(LANGUAGE_KEY, language);
        await middleware.onTurn(context, async () => {
          const dc = await this.dialogs.createContext(context);
          const result = await dc.continueDialog();
          if (result.status === DialogTurnStatus.empty && context.activity.type === ActivityTypes.Message) {
            await dc.beginDialog('harness');
          }
          await state.conversationState.saveChanges(context, false);
        });
      },
      {
        channelId: options.channelId ?? 'telephony',
        conversation: { id: `conv-${Math.random().toString(36).slice(2)}` },
        from: { id: '+15145550100', name: 'caller' },
        recipient: { id: 'bot', name: 'bot' },
      } as Partial<Activity> as never,
    );
  }

  /** Sends speech (text) or one activity; returns the replies. */
  async say(input: string | Partial<Activity>): Promise<Partial<Activity>[]> {
    this.adapter.activeQueue.splice(0);
    await this.adapter.receiveActivity(
      typeof input === 'string' ? { type: ActivityTypes.Message, text: input } : input,
    );
    return this.adapter.activeQueue.splice(0);
  }

  /** Presses keys, one message per key; returns all replies. */
  async press(keys: string): Promise<Partial<Activity>[]> {
    const replies: Partial<Activity>[] = [];
    for (const key of keys) replies.push(...(await this.say(keypressActivity(key as KeypadKey))));
    return replies;
  }
}

/** The spoken text of the replies (SSML tags removed), joined. */
export function heard(replies: Partial<Activity>[]): string {
  return replies
    .filter((a) => a.type === ActivityTypes.Message)
    .map((a) => ssmlToText(a.speak ?? '').replace(/\s+/g, ' '))
    .join(' | ');
}

/** The value of the harness's "result" event, or undefined when the dialog has not ended. */
export function resultOf(replies: Partial<Activity>[]): { ended: boolean; value: unknown } {
  const event = replies.find((a) => a.type === ActivityTypes.Event && a.name === 'result');
  return { ended: event !== undefined, value: event?.value };
}

/** Presses keys one message each, as the telephony channel sends them; returns the replies to each key. */
export async function pressEach(
  client: { say(input: Partial<Activity>): Promise<Partial<Activity>[]> },
  keys: string,
): Promise<Partial<Activity>[][]> {
  const replies: Partial<Activity>[][] = [];
  for (const key of keys) replies.push(await client.say(keypressActivity(key as KeypadKey)));
  return replies;
}

/** The messages the caller would hear before the last key: none while an entry is being keyed. */
export function messagesBeforeLastKey(replies: Partial<Activity>[][]): Partial<Activity>[] {
  return replies
    .slice(0, -1)
    .flat()
    .filter((a) => a.type === 'message');
}
