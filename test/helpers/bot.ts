import { type Activity, ActivityTypes, type Storage, TestAdapter } from 'botbuilder';
import { DOMParser } from '@xmldom/xmldom';
import { buildApplication, type Application, type ApplicationOverrides } from '../../src/index';
import { loadConfig } from '../../src/config';
import { createDialogDependencies, type DialogDependencies } from '../../src/dialogs/shared/dependencies';
import type { Messages } from '../../src/i18n';
import { loadCentreInfo, type CentreInfo } from '../../src/services/centre';
import type { Clock } from '../../src/services/clock';
import { createLogger, type Logger } from '../../src/services/logger';
import { TrackedConversationState, TrackedUserState } from '../../src/services/trackedState';
import { createStateAccessors } from '../../src/state';

/** Builds the real application (memory storage unless told otherwise) with silent logs, without listening. */
export async function createTestApp(
  env: Record<string, string> = {},
  overrides: ApplicationOverrides = {},
): Promise<Application> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', ...env });
  return buildApplication(config, { logger: createLogger('silent'), ...overrides });
}

/**
 * The state and dialog dependencies of a bot assembled by a test (not the whole application): the same
 * state classes and factory as src/index.ts, over the given storage, with the default voices.
 */
export function createTestDialogDependencies(parts: {
  storage: Storage;
  messages: Messages;
  logger: Logger;
  clock: Clock;
  centre?: CentreInfo;
}): DialogDependencies {
  const { storage, centre = loadCentreInfo(), ...rest } = parts;
  const state = createStateAccessors(new TrackedConversationState(storage), new TrackedUserState(storage));
  return createDialogDependencies({
    ...rest,
    centre,
    state,
    voices: { fr: 'fr-CA-SylvieNeural', en: 'en-CA-ClaraNeural' },
  });
}

/** Options for a simulated client. */
export interface ClientOptions {
  channelId?: string;
  locale?: string;
  conversationId?: string;
  userId?: string;
  /** Keep trace activities (as the Emulator does). */
  traces?: boolean;
}

/**
 * A simulated chat client over botbuilder's TestAdapter, running the whole bot (state, language, dialogs).
 * `say` returns the replies to one user message.
 */
export class TestClient {
  readonly adapter: TestAdapter;

  constructor(app: Application, options: ClientOptions = {}) {
    const channelId = options.channelId ?? 'test';
    this.adapter = new TestAdapter(
      (context) => app.bot.run(context),
      {
        channelId,
        locale: options.locale ?? 'en-US',
        conversation: {
          id: options.conversationId ?? `conv-${Math.random().toString(36).slice(2)}`,
          isGroup: false,
          name: '',
          conversationType: 'personal',
        },
        from: { id: options.userId ?? `user-${Math.random().toString(36).slice(2)}`, name: 'Utilisateur' },
        recipient: { id: 'bot', name: 'Assistant RAMQ' },
      } as Partial<Activity> as never,
      options.traces ?? false,
    );
    this.adapter.locale = options.locale ?? 'en-US';
  }

  /** Sends a message (text, or a partial activity such as a button value) and returns the bot's replies. */
  async say(input: string | Partial<Activity>): Promise<Partial<Activity>[]> {
    this.adapter.activeQueue.splice(0);
    const activity: Partial<Activity> =
      typeof input === 'string'
        ? { type: ActivityTypes.Message, text: input }
        : { type: ActivityTypes.Message, ...input };
    await this.adapter.receiveActivity(activity);
    return this.adapter.activeQueue.splice(0);
  }

  /** Sends the conversationUpdate a channel sends when the user joins. */
  async join(): Promise<Partial<Activity>[]> {
    this.adapter.activeQueue.splice(0);
    await this.adapter.receiveActivity({
      type: ActivityTypes.ConversationUpdate,
      membersAdded: [{ id: 'user-joining', name: 'Utilisateur' }],
    });
    return this.adapter.activeQueue.splice(0);
  }
}

/** Everything a person reads on an Adaptive Card: text blocks, facts and button titles. */
export function cardText(activity: Partial<Activity>): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const element = node as Record<string, unknown>;
    if (element.type === 'TextBlock' && typeof element.text === 'string') out.push(element.text);
    if (typeof element.title === 'string' && typeof element.value === 'string')
      out.push(`${element.title}: ${element.value}`);
    else if (typeof element.title === 'string') out.push(element.title);
    for (const [key, child] of Object.entries(element))
      if (key !== 'data' && key !== 'fallbackText') walk(child);
  };
  for (const attachment of activity.attachments ?? []) {
    if (attachment.contentType === 'application/vnd.microsoft.card.adaptive') walk(attachment.content);
  }
  return out.join('\n');
}

/** What a person reads in the message replies: their text and their cards, joined. */
export function textOf(replies: Partial<Activity>[]): string {
  return replies
    .filter((a) => a.type === ActivityTypes.Message)
    .map((a) => [a.text ?? '', cardText(a)].filter(Boolean).join('\n'))
    .join('\n');
}

/** Parses SSML with a real XML parser and returns the problems found (empty when well formed). */
export function ssmlProblems(ssml: string): string[] {
  const problems: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      problems.push(`${level}: ${message}`);
    },
  }).parseFromString(ssml, 'application/xml');
  const root = doc.documentElement;
  if (!root || root.nodeName !== 'speak') problems.push('root element is not <speak>');
  if (root?.getAttribute('version') !== '1.0') problems.push('speak@version is not 1.0');
  if (root?.getAttribute('xmlns') !== 'http://www.w3.org/2001/10/synthesis')
    problems.push('wrong SSML namespace');
  return problems;
}

/** An activity posted to the bot over HTTP; unset fields get a Web Chat user's defaults. */
export type TurnActivity = Omit<Partial<Activity>, 'conversation' | 'from' | 'recipient'> & {
  conversation: { id: string } & Record<string, unknown>;
  from?: { id: string } & Record<string, unknown>;
  recipient?: { id: string } & Record<string, unknown>;
};

/**
 * Posts one activity to a running bot with `deliveryMode: "expectReplies"` and returns the HTTP status and
 * the replies from the body (none when the body is not JSON, as for a 4xx).
 */
export async function postTurn(
  baseUrl: string,
  activity: TurnActivity,
): Promise<{ status: number; activities: Partial<Activity>[] }> {
  const response = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      channelId: 'webchat',
      serviceUrl: 'http://127.0.0.1:9',
      deliveryMode: 'expectReplies',
      from: { id: `user-${activity.conversation.id}` },
      recipient: { id: 'bot' },
      ...activity,
    }),
  });
  const body = (await response.json().catch(() => ({}))) as { activities?: Partial<Activity>[] };
  return { status: response.status, activities: body.activities ?? [] };
}
