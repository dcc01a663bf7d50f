/**
 * Scripted conversations played by the load driver (bench/run.ts), written against the bot's current
 * behaviour. Each turn carries a light assertion: substrings that must occur in the replies. The echo floor
 * plays the very same texts, turn for turn.
 *
 * To add a flow (password reset, request status, ...), append a scenario to SCENARIOS. Keep every scenario
 * the same length where possible, so that the mix stays easy to read in docs/performance.md. Assertions must
 * hold at any hour (the bench runs on the real clock) and the scripts avoid "0": speaking with an agent hands
 * the conversation over to the live-agent queue, which is not the bot's own work.
 */

/** The part of a reply activity the assertions look at. */
export interface ReplyActivity {
  type?: string;
  text?: string;
  speak?: string;
  attachments?: Array<{ contentType?: string; content?: unknown }>;
}

/**
 * What a reply shows: its text, and for cards their fallback text and every string inside them, so that
 * assertions hold whether a reply is plain text (voice) or an Adaptive Card (Web Chat).
 */
export function displayedText(reply: ReplyActivity): string {
  const parts = [reply.text ?? ''];
  for (const attachment of reply.attachments ?? []) {
    const content = attachment.content as { fallbackText?: unknown } | undefined;
    if (typeof content?.fallbackText === 'string') parts.push(content.fallbackText);
    if (content !== undefined) parts.push(JSON.stringify(content));
  }
  return parts.join('\n');
}

/** One user message and what its replies must contain. */
export interface ScriptedTurn {
  text: string;
  /** Substrings that must all occur in the replies' displayed text (see {@link displayedText}). */
  expect: string[];
}

/** A conversation from its first message. */
export interface Scenario {
  name: string;
  channelId: 'webchat' | 'telephony';
  /** Client locale; the bot answers in French unless the user asks for English. */
  locale: string;
  /** Voice channels: every message reply must also carry SSML in `speak`. */
  expectSpeak?: boolean;
  turns: ScriptedTurn[];
}

const HOURS_PHONE = '418 643-8210';

/** Never acceptable in a reply: the bot's "something went wrong" message, in either language. */
export const FORBIDDEN_IN_REPLIES: readonly string[] = [
  'une erreur imprévue est survenue',
  'something unexpected went wrong',
];

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'fr-menus',
    channelId: 'webchat',
    locale: 'fr-CA',
    turns: [
      { text: 'bonjour', expect: ['Bonjour!', 'Que puis-je faire pour vous?', 'Services en ligne'] },
      { text: '1', expect: ['Services en ligne', 'Menu précédent'] },
      { text: '9', expect: ["Que puis-je faire d'autre pour vous?"] },
      { text: '2', expect: [HOURS_PHONE, "Que puis-je faire d'autre pour vous?"] },
      { text: '*', expect: ['Répondez par le numéro de votre choix', "Heures d'ouverture"] },
      { text: 'English please', expect: ['I will continue in English', 'Online services'] },
    ],
  },
  {
    name: 'en-first-message',
    channelId: 'webchat',
    locale: 'fr-CA',
    turns: [
      { text: 'English please', expect: ['I will continue in English', 'How can I help you?'] },
      { text: '2', expect: [HOURS_PHONE, 'What else can I do for you?'] },
      { text: '1', expect: ['Online services'] },
      { text: '9', expect: ['What else can I do for you?'] },
      { text: '*', expect: ['Reply with the number of your choice', 'Hours'] },
      { text: '2', expect: [HOURS_PHONE] },
    ],
  },
  {
    name: 'fr-not-understood',
    channelId: 'webchat',
    locale: 'fr-CA',
    turns: [
      { text: 'bonjour', expect: ['Bonjour!', 'Services en ligne'] },
      { text: 'zzqx', expect: ["Je n'ai pas compris"] },
      { text: 'blorp', expect: ['Pour parler à un agent, faites le 0'] },
      { text: '1', expect: ['Services en ligne'] },
      { text: 'xyzzy', expect: ["Je n'ai pas compris"] },
      { text: '9', expect: ["Que puis-je faire d'autre pour vous?"] },
    ],
  },
  {
    name: 'fr-telephony',
    channelId: 'telephony',
    locale: 'fr-CA',
    expectSpeak: true,
    turns: [
      { text: 'bonjour', expect: ['Bonjour!', 'faites le 1'] },
      { text: '2', expect: [HOURS_PHONE] },
      { text: '1', expect: ['Services en ligne', 'réentendre ce menu'] },
      { text: '9', expect: ["Que puis-je faire d'autre pour vous?"] },
      { text: 'zzqx', expect: ["Je n'ai pas compris"] },
      { text: '*', expect: ['Choisissez parmi les options suivantes', 'faites le 2'] },
    ],
  },
];

/** Why the replies to one turn of the assistant fail the script, or undefined when they pass. */
export function checkBotReplies(
  scenario: Scenario,
  turn: ScriptedTurn,
  replies: readonly ReplyActivity[],
): string | undefined {
  const messages = replies.filter((r) => r.type === 'message');
  if (messages.length === 0) return `no message reply to "${turn.text}"`;
  const text = messages.map(displayedText).join('\n');
  const forbidden = FORBIDDEN_IN_REPLIES.find((f) => text.includes(f));
  if (forbidden) return `error reply to "${turn.text}"`;
  const missing = turn.expect.find((e) => !text.includes(e));
  if (missing !== undefined) return `reply to "${turn.text}" lacks "${missing}"`;
  if (scenario.expectSpeak && messages.some((m) => !m.speak?.startsWith('<speak'))) {
    return `reply to "${turn.text}" lacks SSML`;
  }
  return undefined;
}

/** Number of turns in one pass over every scenario. */
export function turnsPerPass(scenarios: readonly Scenario[] = SCENARIOS): number {
  return scenarios.reduce((sum, s) => sum + s.turns.length, 0);
}
