import {
  ActivityTypes,
  MemoryStorage,
  TestAdapter,
  type Activity,
  type ResourceResponse,
  type Storage,
  type TurnContext,
} from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { RamqBot } from '../../src/bot';
import { createAccountFlows, type AuthenticateResult } from '../../src/dialogs/accounts';
import { RootDialog } from '../../src/dialogs/rootDialog';
import type { DialogDependencies } from '../../src/dialogs/shared/dependencies';
import { FlowDialog } from '../../src/dialogs/shared/flowDialog';
import { ssmlToText } from '../../src/dialogs/shared/ssml';
import { Messages, type Language, type MessageVars } from '../../src/i18n';
import type { AccountServices } from '../../src/services/accounts';
import { FixedClock } from '../../src/services/clock';
import { createLogger, type Logger } from '../../src/services/logger';
import { CLOCK_START, JULIE, memoryAccountServices, passwordCardValue } from './accounts';
import { createTestDialogDependencies } from './bot';

const messages = new Messages();

/** Translate a key as the bot would, for expected texts. */
export function say(lang: Language, key: string, vars?: MessageVars): string {
  return messages.forLanguage(lang)(key, vars);
}

/**
 * Stands in for a later flow that needs an authenticated user (it takes the `requestStatus` slot, online
 * services option 2): it begins `authenticate` and says who came back.
 */
class ProbeFlow extends FlowDialog {
  constructor(deps: DialogDependencies) {
    super('requestStatus', deps);
    this.addDialog(
      new WaterfallDialog('probe.steps', [
        async (step: WaterfallStepContext): Promise<DialogTurnResult> => step.beginDialog('authenticate'),
        async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
          const who = step.result as AuthenticateResult | undefined;
          await step.context.sendActivity({ type: 'message', text: `PROBE:${who ? who.userName : 'none'}` });
          return step.endDialog();
        },
      ]),
    );
    this.initialDialogId = 'probe.steps';
  }
}

/** A TestAdapter that records card replacements and can refuse them, as some channels do. */
export class RecordingAdapter extends TestAdapter {
  readonly updates: Partial<Activity>[] = [];
  failUpdates = false;

  override async updateActivity(
    context: TurnContext,
    activity: Partial<Activity>,
  ): Promise<ResourceResponse | void> {
    if (this.failUpdates) throw new Error('updateActivity is not supported on this channel');
    this.updates.push(activity);
    return { id: activity.id ?? '' };
  }
}

/** What the account dialog tests need. */
export interface AccountsTestBot {
  bot: RamqBot;
  services: AccountServices;
  clock: FixedClock;
  /** A new conversation on the given channel (`test` for chat, `telephony` for voice). */
  client(channelId?: string): AccountsClient;
}

/** Builds the real bot (root dialog, menus, account flows) over in-memory services and storage. */
export async function createAccountsBot(
  options: { logger?: Logger; storage?: Storage; clock?: FixedClock; services?: AccountServices } = {},
): Promise<AccountsTestBot> {
  const clock = options.clock ?? new FixedClock(CLOCK_START);
  const services = options.services ?? (await memoryAccountServices(clock)).services;
  const storage = options.storage ?? new MemoryStorage();
  const logger = options.logger ?? createLogger('silent');
  const deps = createTestDialogDependencies({ storage, messages, logger, clock });
  const { state } = deps;
  const { responder } = deps;
  const rootDialog = new RootDialog(deps, [...createAccountFlows(deps, services), new ProbeFlow(deps)]);
  const bot = new RamqBot({ state, rootDialog, responder });
  let conversations = 0;
  return {
    bot,
    services,
    clock,
    client: (channelId = 'test') => {
      conversations += 1;
      return new AccountsClient(
        bot,
        channelId,
        `conversation-${conversations}-${Math.random().toString(36).slice(2)}`,
      );
    },
  };
}

/** One simulated conversation. */
export class AccountsClient {
  readonly adapter: RecordingAdapter;
  /** Every reply so far, in order. */
  readonly transcript: Partial<Activity>[] = [];

  constructor(
    bot: RamqBot,
    readonly channelId: string,
    readonly conversationId: string,
  ) {
    this.adapter = new RecordingAdapter((context) => bot.run(context), {
      channelId,
      conversation: { id: conversationId, isGroup: false, name: '', conversationType: 'personal' },
      from: { id: `user-${conversationId}`, name: 'Utilisateur' },
      recipient: { id: 'bot', name: 'Assistant RAMQ' },
    } as Partial<Activity> as never);
  }

  /** Sends a message (text, or a partial activity such as a card submission) and returns the replies. */
  async say(input: string | Partial<Activity>): Promise<Partial<Activity>[]> {
    this.adapter.activeQueue.splice(0);
    const activity: Partial<Activity> =
      typeof input === 'string'
        ? { type: ActivityTypes.Message, text: input }
        : { type: ActivityTypes.Message, ...input };
    await this.adapter.receiveActivity(activity);
    const replies = this.adapter.activeQueue.splice(0).filter((a) => a.type === ActivityTypes.Message);
    this.transcript.push(...replies);
    return replies;
  }

  /** Submits a password card, as Web Chat does: no text, the inputs in `value`. */
  async submitCard(
    kind: 'current' | 'new',
    password: string,
    confirmation = password,
  ): Promise<Partial<Activity>[]> {
    return this.say({ value: passwordCardValue(kind, password, confirmation) });
  }
}

/** The display text of the replies, joined. */
export function textOf(replies: Partial<Activity>[]): string {
  return replies.map((a) => a.text ?? '').join('\n');
}

/** What a caller hears: the SSML of the replies as plain text. */
export function spokenOf(replies: Partial<Activity>[]): string {
  return replies.map((a) => ssmlToText(a.speak ?? '')).join('\n');
}

/** The Adaptive Card sent in the replies, if any. */
export function cardOf(
  replies: Partial<Activity>[],
): { activity: Partial<Activity>; content: Record<string, unknown> } | undefined {
  for (const activity of replies) {
    const attachment = activity.attachments?.find(
      (a) => a.contentType === 'application/vnd.microsoft.card.adaptive',
    );
    if (attachment) return { activity, content: attachment.content as Record<string, unknown> };
  }
  return undefined;
}

/** The inputs of a card's body. */
export function cardInputs(content: Record<string, unknown>): Array<Record<string, unknown>> {
  return ((content.body as Array<Record<string, unknown>>) ?? []).filter((e) =>
    String(e.type).startsWith('Input.'),
  );
}

/** The id of the catalogue question asked last in the replies, found by its wording. */
export function askedQuestion(
  replies: Partial<Activity>[],
  services: AccountServices,
  lang: Language,
): string {
  const text = textOf(replies);
  const found = services.catalogue.ids.filter((id) => text.includes(services.catalogue.text(id, lang)));
  if (found.length !== 1) throw new Error(`expected one secret question in: ${text}`);
  return found[0];
}

/**
 * Answers the three questions of a round, starting from the replies that asked the first one. `wrongAt`
 * answers that question (0-based) wrongly. Returns the replies to the last answer.
 */
export async function answerRound(
  client: AccountsClient,
  first: Partial<Activity>[],
  services: AccountServices,
  lang: Language,
  answers: Record<string, string> = JULIE.answers,
  wrongAt?: number,
): Promise<Partial<Activity>[]> {
  let replies = first;
  for (let i = 0; i < 3; i += 1) {
    const id = askedQuestion(replies, services, lang);
    replies = await client.say(i === wrongAt ? 'Réponse inventée' : (answers[id] ?? 'Réponse inventée'));
  }
  return replies;
}

/**
 * Rebuilds a code from its spoken spelling: « ka comme Karine, 7, tiret... » / "K as in Kilo, 7, dash...".
 * Letters come from the example word (its first letter), digits as said, "tiret"/"dash" as "-".
 */
export function unspell(spoken: string): string {
  return spoken
    .split(',')
    .map((piece) => piece.trim())
    .filter((piece) => piece.length > 0)
    .map((piece) => {
      const example = /(?:comme|as in)\s+(\p{L})/u.exec(piece);
      if (example)
        return example[1]
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, '')
          .toUpperCase();
      if (/^\d$/.test(piece)) return piece;
      if (/tiret|dash/.test(piece)) return '-';
      return `?${piece}?`;
    })
    .join('');
}
