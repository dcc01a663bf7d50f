import { CardFactory, type Attachment } from 'botbuilder';
import type { Translate } from '../i18n';
import { escapeMarkdown } from '../dialogs/shared/markdown';
import { displayPhone } from '../services/escalation/phone';
import type {
  CallbackRequest,
  Escalation,
  PendingMessage,
  TranscriptEntry,
} from '../services/escalation/types';

/** Field of a card's submitted data that names an agent action; any card button of the hub carries it. */
export const ACTION_FIELD = 'escalationAction';

/** What agents' card buttons do. */
export type AgentAction =
  'accept' | 'close' | 'end' | 'temporaryPassword' | 'passwordNoted' | 'queue' | 'callbackDone';

/** The data an agent card button submits. */
export interface AgentActionData {
  [ACTION_FIELD]: AgentAction;
  escalationId?: string;
  callbackReference?: string;
}

// Teams renders Adaptive Cards up to 1.5.
const VERSION = '1.5';
const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** Lines of transcript shown on a card: enough context, a card that still fits on a screen. */
const CARD_TRANSCRIPT_LINES = 12;

type CardElement = Record<string, unknown>;

function card(body: CardElement[], actions: CardElement[] = []): Attachment {
  return CardFactory.adaptiveCard({ $schema: SCHEMA, type: 'AdaptiveCard', version: VERSION, body, actions });
}

function title(text: string): CardElement {
  return { type: 'TextBlock', text, weight: 'Bolder', size: 'Medium', wrap: true };
}

function paragraph(text: string, subtle = false): CardElement {
  return { type: 'TextBlock', text, wrap: true, ...(subtle ? { isSubtle: true } : {}) };
}

function submit(label: string, data: AgentActionData, style?: 'positive' | 'destructive'): CardElement {
  return { type: 'Action.Submit', title: label, data, ...(style ? { style } : {}) };
}

/** A date and 24-hour time in the Centre's zone (`2026-11-30 10:05`): agents compare them at a glance. */
function clock(t: Translate, iso: string, timeZone: string): string {
  const hhmm = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
  return t('escalation:card.time', { day: dayOf(iso, timeZone), time: hhmm });
}

function dayOf(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

/** One transcript line as an agent reads it: who, then what (or why nothing was kept). */
export function transcriptLine(t: Translate, entry: TranscriptEntry): string {
  const who = t(`escalation:card.speaker.${entry.from}`);
  // What the user wrote is shown as typed (no bold, no link); the bot's own lines keep their markdown.
  const text = entry.from === 'user' ? escapeMarkdown(entry.text) : entry.text;
  const what = entry.withheld ? t(`escalation:card.withheld.${entry.withheld}`) : text;
  return t('escalation:card.line', { who, what });
}

/** The facts every escalation card shows. */
function facts(t: Translate, escalation: Escalation, timeZone: string, position?: number): CardElement {
  const list = [
    { title: t('escalation:card.fact.reason'), value: t(`escalation:reason.${escalation.reason}`) },
    {
      title: t('escalation:card.fact.channel'),
      value: t('escalation:card.channelName', { channel: escalation.channel }),
    },
    {
      title: t('escalation:card.fact.language'),
      value: t(`escalation:card.languageName.${escalation.language}`),
    },
    { title: t('escalation:card.fact.received'), value: clock(t, escalation.createdAt, timeZone) },
  ];
  if (escalation.userName) {
    list.push({ title: t('escalation:card.fact.verifiedUser'), value: escalation.userName });
  } else if (escalation.userNameCandidate) {
    list.push({ title: t('escalation:card.fact.claimedUser'), value: escalation.userNameCandidate });
  } else {
    list.push({ title: t('escalation:card.fact.user'), value: t('escalation:card.anonymous') });
  }
  if (position !== undefined)
    list.push({ title: t('escalation:card.fact.position'), value: String(position) });
  return { type: 'FactSet', facts: list };
}

function transcriptBlock(t: Translate, entries: TranscriptEntry[]): CardElement[] {
  const shown = entries.slice(-CARD_TRANSCRIPT_LINES);
  if (shown.length === 0) return [paragraph(t('escalation:card.noTranscript'), true)];
  return [
    {
      type: 'TextBlock',
      text: t('escalation:card.transcriptTitle'),
      weight: 'Bolder',
      wrap: true,
      spacing: 'Medium',
    },
    ...shown.map((e) => paragraph(transcriptLine(t, e))),
  ];
}

/** The card posted to agents for a new escalation, with « Accepter ». */
export function newEscalationCard(
  t: Translate,
  escalation: Escalation,
  position: number,
  timeZone: string,
): Attachment {
  return card(
    [
      title(t('escalation:card.newTitle', { id: escalation.id })),
      facts(t, escalation, timeZone, position),
      ...transcriptBlock(t, escalation.transcript),
    ],
    [
      submit(
        t('escalation:card.accept'),
        { [ACTION_FIELD]: 'accept', escalationId: escalation.id },
        'positive',
      ),
    ],
  );
}

/** The card an agent gets on accepting: the context, what the user wrote while waiting, and the session's actions. */
export function sessionCard(
  t: Translate,
  escalation: Escalation,
  pending: PendingMessage[],
  timeZone: string,
): Attachment {
  const waitingLines = pending.map((m) =>
    paragraph(
      t('escalation:card.line', { who: t('escalation:card.speaker.user'), what: escapeMarkdown(m.text) }),
    ),
  );
  return card(
    [
      title(t('escalation:card.sessionTitle', { id: escalation.id })),
      facts(t, escalation, timeZone),
      ...transcriptBlock(t, escalation.transcript),
      ...(waitingLines.length
        ? [
            { type: 'TextBlock', text: t('escalation:card.whileWaiting'), weight: 'Bolder', wrap: true },
            ...waitingLines,
          ]
        : []),
      paragraph(t('escalation:card.sessionHelp'), true),
    ],
    [
      submit(t('escalation:card.temporaryPassword'), {
        [ACTION_FIELD]: 'temporaryPassword',
        escalationId: escalation.id,
      }),
      submit(t('escalation:card.end'), { [ACTION_FIELD]: 'end', escalationId: escalation.id }, 'destructive'),
    ],
  );
}

/** The queue as agents see it (« file »): open escalations with their actions, then pending call-backs. */
export function queueCard(
  t: Translate,
  active: Array<{ escalation: Escalation; position?: number }>,
  callbacks: CallbackRequest[],
  timeZone: string,
): Attachment {
  const body: CardElement[] = [title(t('escalation:card.queueTitle'))];
  if (active.length === 0) body.push(paragraph(t('escalation:card.queueEmpty'), true));
  for (const { escalation, position } of active) {
    const status =
      escalation.status === 'accepted'
        ? t('escalation:card.status.accepted', {
            agent: escalation.agent?.name ?? escalation.agent?.id ?? '',
          })
        : t(`escalation:card.status.${escalation.status}`, { position: position ?? '' });
    body.push({
      type: 'Container',
      separator: true,
      items: [
        paragraph(
          t('escalation:card.queueLine', {
            id: escalation.id,
            reason: t(`escalation:reason.${escalation.reason}`),
            received: clock(t, escalation.createdAt, timeZone),
            status,
          }),
        ),
      ],
    });
    const actions: CardElement[] = [];
    if (escalation.status === 'waiting') {
      actions.push(
        submit(t('escalation:card.accept'), { [ACTION_FIELD]: 'accept', escalationId: escalation.id }),
      );
    }
    if (escalation.status !== 'accepted') {
      actions.push(
        submit(t('escalation:card.close'), { [ACTION_FIELD]: 'close', escalationId: escalation.id }),
      );
    }
    if (actions.length) body.push({ type: 'ActionSet', actions });
  }
  body.push(...callbackElements(t, callbacks, timeZone));
  return card(body, [submit(t('escalation:card.refresh'), { [ACTION_FIELD]: 'queue' })]);
}

function callbackElements(t: Translate, callbacks: CallbackRequest[], timeZone: string): CardElement[] {
  if (callbacks.length === 0) return [];
  const elements: CardElement[] = [
    {
      type: 'TextBlock',
      text: t('escalation:card.callbacksTitle'),
      weight: 'Bolder',
      wrap: true,
      spacing: 'Large',
    },
  ];
  for (const c of callbacks) {
    const bestTime =
      'slot' in c.bestTime ? t(`escalation:slot.${c.bestTime.slot}`) : escapeMarkdown(c.bestTime.text);
    const reason =
      'topic' in c.reason ? t(`escalation:topic.${c.reason.topic}`) : escapeMarkdown(c.reason.text);
    elements.push({
      type: 'Container',
      separator: true,
      items: [
        paragraph(
          t('escalation:card.callbackLine', {
            reference: c.reference,
            name: escapeMarkdown(c.name),
            phone: c.extension
              ? t('escalation:card.phoneWithExtension', {
                  phone: displayPhone(c.phone),
                  extension: c.extension,
                })
              : displayPhone(c.phone),
            bestTime,
            reason,
            language: t(`escalation:card.languageName.${c.language}`),
            due: clock(t, c.dueAt, timeZone),
          }),
        ),
        {
          type: 'ActionSet',
          actions: [
            submit(t('escalation:card.callbackDone'), {
              [ACTION_FIELD]: 'callbackDone',
              callbackReference: c.reference,
            }),
          ],
        },
      ],
    });
  }
  return elements;
}

/** The call-backs due today, posted to agents when the Centre opens (and a new one left during hours). */
export function callbacksCard(t: Translate, callbacks: CallbackRequest[], timeZone: string): Attachment {
  return card([title(t('escalation:card.callbacksDueTitle')), ...callbackElements(t, callbacks, timeZone)]);
}

/** The temporary password, shown once; the bot replaces this card soon after. */
export function passwordCard(
  t: Translate,
  userName: string,
  displayName: string,
  password: string,
  expires: string,
): Attachment {
  return card(
    [
      title(t('escalation:card.passwordTitle', { userName })),
      paragraph(t('escalation:card.passwordFor', { displayName, userName })),
      { type: 'TextBlock', text: password, fontType: 'Monospace', size: 'ExtraLarge', weight: 'Bolder' },
      paragraph(t('escalation:card.passwordRules', { expires })),
      paragraph(t('escalation:card.passwordOnce'), true),
    ],
    [submit(t('escalation:card.passwordNoted'), { [ACTION_FIELD]: 'passwordNoted' }, 'positive')],
  );
}

/** What replaces the password card: no password, only that one was issued. */
export function passwordReplacedCard(t: Translate, userName: string): Attachment {
  return card([
    title(t('escalation:card.passwordTitle', { userName })),
    paragraph(t('escalation:card.passwordReplaced'), true),
  ]);
}
