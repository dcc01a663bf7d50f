/**
 * Scripted conversations played by the load driver (bench/run.ts), written against the bot's current
 * behaviour. Each turn carries a light assertion: substrings that must occur in the replies. The echo floor
 * plays the very same texts, turn for turn.
 *
 * To add a flow (password reset, request status, ...), append a scenario to SCENARIOS. Keep every scenario
 * the same length where possible, so that the mix stays easy to read in docs/performance.md.
 */

/** The part of a reply activity the assertions look at. */
export interface ReplyActivity {
  type?: string;
  text?: string;
  speak?: string;
}

/** One user message and what its replies must contain. */
export interface ScriptedTurn {
  text: string;
  /** Substrings that must all occur in the replies' display text (all reply texts joined). */
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
      { text: 'bonjour', expect: ['Bonjour!', 'Que puis-je faire pour vous?', '**1**'] },
      { text: '1', expect: ['Services en ligne', '**9** – Menu précédent'] },
      { text: '9', expect: ["Que puis-je faire d'autre pour vous?"] },
      { text: '2', expect: [HOURS_PHONE, "Que puis-je faire d'autre pour vous?"] },
      { text: '0', expect: ['Pour parler à un agent', HOURS_PHONE] },
      { text: '2', expect: [HOURS_PHONE] },
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
      { text: '0', expect: ['To speak with an agent', HOURS_PHONE] },
      { text: '2', expect: [HOURS_PHONE] },
    ],
  },
  {
    name: 'fr-not-understood',
    channelId: 'webchat',
    locale: 'fr-CA',
    turns: [
      { text: 'bonjour', expect: ['Bonjour!', '**1**'] },
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
      { text: '1', expect: ['Services en ligne', 'faites le 9'] },
      { text: '9', expect: ["Que puis-je faire d'autre pour vous?"] },
      { text: 'zzqx', expect: ["Je n'ai pas compris"] },
      { text: '0', expect: ['Pour parler à un agent'] },
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
  const text = messages.map((m) => m.text ?? '').join('\n');
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
