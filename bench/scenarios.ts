/**
 * Scripted conversations played by the load driver (bench/run.ts), written against the bot's current
 * behaviour. Each turn carries a light assertion: substrings that must occur in the replies. The echo floor
 * plays the very same texts, turn for turn.
 *
 * Scenarios come in two groups: `menus` (what the bot says itself) and `accounts` (flows that check secrets,
 * whose scrypt derivations dominate their cost). To add a flow, append a scenario to SCENARIOS. Assertions must
 * hold at any hour (the bench runs on the real clock) and the scripts avoid "0": speaking with an agent hands
 * the conversation over to the live-agent queue, which is not the bot's own work.
 */

import fs from 'node:fs';
import path from 'node:path';

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

/** What one turn sends: text, the value of a submitted card, or (type endOfConversation) a hang-up. */
export interface TurnMessage {
  type?: 'message' | 'endOfConversation';
  text?: string;
  value?: Record<string, unknown>;
}

/** One user message and what its replies must contain. */
export interface ScriptedTurn {
  /** What the user says; also the turn's label in the figures and what the echo floor is sent. */
  text: string;
  /**
   * For turns that depend on the conversation (the answer to whichever secret question was asked, a new
   * password of its own): what the assistant is sent instead of `text`, from the text of the previous replies
   * and the conversation's number in the run.
   */
  send?: (previousReplies: string, conversationNo: number) => TurnMessage;
  /**
   * The caller hangs up (an endOfConversation activity, sent to the floor too): nothing is expected back. A
   * call left open would keep its no-input timer, whose reprompts the bench cannot receive.
   */
  hangUp?: boolean;
  /** Substrings that must all occur in the replies' displayed text (see {@link displayedText}). */
  expect: string[];
}

/** A conversation from its first message. */
export interface Scenario {
  name: string;
  /**
   * menus: the phone line's menus and what the bot says itself; accounts: flows that check a secret, each
   * check a deliberately slow scrypt derivation (about 25 ms of CPU) done by the accounts service.
   */
  group: 'menus' | 'accounts';
  channelId: 'webchat' | 'telephony';
  /** Client locale; the bot answers in French unless the user asks for English. */
  locale: string;
  /** Voice channels: every message reply must also carry SSML in `speak`. */
  expectSpeak?: boolean;
  turns: ScriptedTurn[];
}

const HOURS_PHONE = '418 643-8210';

interface DemoAccount {
  userName: string;
  password?: string;
  secretAnswers?: Record<string, string>;
}

const DATA_DIR = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
  'data',
);
const readData = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(DATA_DIR, file), 'utf8')) as T;
// As written there, display names and roles included: benchDemoAccounts copies them whole.
const DEMO_ACCOUNTS = readData<{ accounts: DemoAccount[] }>('demoAccounts.json').accounts;
const QUESTIONS = readData<{ questions: Array<{ id: string; fr: string; en: string }> }>(
  'secretQuestions.json',
).questions;
/** The demo account with eight secret questions (data/demoAccounts.json): it resets its password. */
const WITH_QUESTIONS = DEMO_ACCOUNTS.find((a) => Object.keys(a.secretAnswers ?? {}).length === 8)!;
/** A demo account with a password and no secret questions: it signs in to see a request's state. */
const WITH_PASSWORD = DEMO_ACCOUNTS.find((a) => a.password && !a.secretAnswers)!;

/**
 * How many copies of each of those two accounts the bench server gets (see {@link benchDemoAccounts}): one
 * account per conversation, as in real use, where fifty people do not reset the same account at once. Shared,
 * the account's compare-and-set refuses all but one of the new passwords sent together, its lockout counts
 * every round, and the figures measure refusals. Four times the highest concurrency leaves room for a slow
 * conversation still running when its copy comes round again.
 */
export const BENCH_ACCOUNT_COPIES = 200;

/** The user name of the copy of `account` that conversation `conversationNo` signs in with. */
function copyOf(account: DemoAccount, conversationNo: number): string {
  const series = account === WITH_QUESTIONS ? '5' : '6';
  return `CE${series}${String(conversationNo % BENCH_ACCOUNT_COPIES).padStart(5, '0')}`;
}

/**
 * The bench server's demo accounts: those of data/demoAccounts.json and {@link BENCH_ACCOUNT_COPIES} copies of
 * the two the scenarios use (same secrets, so the prepared hashes serve them all and start-up derives nothing).
 */
export function benchDemoAccounts(): { accounts: DemoAccount[] } {
  const copies = [WITH_QUESTIONS, WITH_PASSWORD].flatMap((account) =>
    Array.from({ length: BENCH_ACCOUNT_COPIES }, (_, n) => ({ ...account, userName: copyOf(account, n) })),
  );
  return { accounts: [...DEMO_ACCOUNTS, ...copies] };
}

/** The demo account's answer to the secret question asked in the replies (the floor is sent `text`). */
function secretAnswer(previousReplies: string): TurnMessage {
  const question = QUESTIONS.find((q) => previousReplies.includes(q.fr) || previousReplies.includes(q.en));
  return { text: (question && WITH_QUESTIONS.secretAnswers?.[question.id]) ?? 'pas de question' };
}

/** A new password of the conversation's own: the account's history refuses the five last ones. */
function newPassword(_previous: string, conversationNo: number): TurnMessage {
  const password = `Montagne-Kayak-${conversationNo}-Hibou-${(conversationNo * 7919) % 1000}`;
  return { value: { accountsCard: 'new', password, confirmation: password } };
}

/** The keypad form of a user name on the phone: 2 for C, 4 for I (as on the phone line), then the digits. */
const keyedUserName = (userName: string) => `${userName.startsWith('CE') ? '2' : '4'}${userName.slice(2)}#`;

/** Never acceptable in a reply: the bot's "something went wrong" message, in either language. */
export const FORBIDDEN_IN_REPLIES: readonly string[] = [
  'une erreur imprévue est survenue',
  'something unexpected went wrong',
];

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'fr-password-reset',
    group: 'accounts',
    channelId: 'webchat',
    locale: 'fr-CA',
    turns: [
      { text: "J'ai oublié mon mot de passe", expect: ["Quel est votre nom d'utilisateur?"] },
      {
        text: WITH_QUESTIONS.userName,
        send: (_previous, n) => ({ text: copyOf(WITH_QUESTIONS, n) }),
        expect: ['Question 1 sur 3'],
      },
      { text: 'réponse 1', send: secretAnswer, expect: ['Question 2 sur 3'] },
      { text: 'réponse 2', send: secretAnswer, expect: ['Question 3 sur 3'] },
      { text: 'réponse 3', send: secretAnswer, expect: ['Merci, vos réponses sont exactes', '"password"'] },
      {
        text: 'nouveau mot de passe',
        send: newPassword,
        expect: ['Votre nouveau mot de passe est enregistré'],
      },
    ],
  },
  {
    name: 'fr-request-status',
    group: 'accounts',
    channelId: 'webchat',
    locale: 'fr-CA',
    turns: [
      { text: 'bonjour', expect: ['Que puis-je faire pour vous?'] },
      { text: '1', expect: ['Services en ligne'] },
      { text: '2', expect: ["Quel est votre nom d'utilisateur?"] },
      {
        text: WITH_PASSWORD.userName,
        send: (_previous, n) => ({ text: copyOf(WITH_PASSWORD, n) }),
        expect: ['Entrez votre mot de passe'],
      },
      {
        text: 'mot de passe',
        send: () => ({ value: { accountsCard: 'current', password: WITH_PASSWORD.password } }),
        expect: ["Quel est le numéro d'assurance maladie"],
      },
      { text: 'BOUM 5508 1212', expect: ['se terminant par 1212', 'Pour quel médicament?'] },
      { text: 'Humira', expect: ['adalimumab (Humira)', 'Acceptée'] },
    ],
  },
  {
    name: 'fr-telephony-reset',
    group: 'accounts',
    channelId: 'telephony',
    locale: 'fr-CA',
    expectSpeak: true,
    turns: [
      { text: 'bonjour', expect: ['faites le 1'] },
      { text: '1', expect: ['Services en ligne'] },
      { text: '1', expect: ["nom d'utilisateur"] },
      {
        text: keyedUserName(WITH_QUESTIONS.userName),
        send: (_previous, n) => ({ text: keyedUserName(copyOf(WITH_QUESTIONS, n)) }),
        expect: ['Question 1 sur 3'],
      },
      { text: 'réponse 1', send: secretAnswer, expect: ['Question 2 sur 3'] },
      { text: 'réponse 2', send: secretAnswer, expect: ['Question 3 sur 3'] },
      { text: 'réponse 3', send: secretAnswer, expect: ['mot de passe temporaire'] },
      { text: '(raccroche)', hangUp: true, expect: [] },
    ],
  },
  {
    name: 'fr-menus',
    group: 'menus',
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
    group: 'menus',
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
    group: 'menus',
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
    group: 'menus',
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
      { text: '(raccroche)', hangUp: true, expect: [] },
    ],
  },
];

/** Why the replies to one turn of the assistant fail the script, or undefined when they pass. */
export function checkBotReplies(
  scenario: Scenario,
  turn: ScriptedTurn,
  replies: readonly ReplyActivity[],
): string | undefined {
  if (turn.hangUp) return undefined;
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
