import type { SealKeySource } from '../services/sealKey';
import { ActivityTypes, type Activity, type Middleware, type TurnContext } from 'botbuilder';
import type { DialogInstance, DialogState } from '../dialogs/shared/dialogLibrary';
import { PASSWORD_CARD_PROMPT } from '../dialogs/accounts/passwordCardPrompt';
import { SECRET_ANSWER_PROMPT } from '../dialogs/accounts/secretAnswerPrompt';
import { USER_NAME_PROMPT } from '../dialogs/accounts/userNamePrompt';
import { QUESTION_PICK_PROMPT } from '../dialogs/accounts/questionPickPrompt';
import { YES_NO_PROMPT as ACCOUNTS_YES_NO_PROMPT, YesNoWords } from '../dialogs/accounts/yesNoPrompt';
import { NAM_PROMPT } from '../dialogs/requestStatus/namPrompt';
import { cardFallbackText } from '../dialogs/shared/cards';
import { keypadKey } from '../dialogs/shared/dtmf';
import { LANGUAGES, type Messages } from '../i18n';
import { Lexicon, type ControlIntent } from '../nlu/lexicon';
import { normalizeText } from '../nlu/normalize';
import { normalizeAnswer } from '../services/accounts/answers';
import { SpelledInputParser } from '../nlu/spelling';
import type { PendingWrites } from '../pendingWrites';
import type { Clock } from '../services/clock';
import { hashId } from '../services/logger';
import {
  findUserName,
  isTemporaryPasswordValue,
  looksLikeSecretAnswer,
  PASSWORD_MASK,
  redactBotLine,
  redactLine,
} from '../services/escalation/redaction';
import { SecretFingerprints } from '../services/escalation/secretFingerprints';
import type { TranscriptStore } from '../services/escalation/transcriptStore';
import type { EscalationReason, TranscriptEntry } from '../services/escalation/types';
import type { ConversationFlags, StateAccessors } from '../state';

const SENSITIVE = Symbol('escalation.sensitiveTurn');
const REASON = Symbol('escalation.reason');
const USER_LINE = Symbol('escalation.userLine');

/**
 * Marks the current turn as sensitive: the user's message is not kept in the transcript (only that something
 * was withheld). Dialogs that ask for a secret in a way the recorder cannot see call it; the account prompts
 * for secret answers and passwords are recognised without it (see {@link SENSITIVE_DIALOGS}).
 */
export function markSensitiveTurn(context: TurnContext): void {
  context.turnState.set(SENSITIVE, true);
}

/**
 * The user's message of this turn as the transcript keeps it, for what passes the user's words to an agent
 * outside the transcript (messages written while waiting, relayed to the agent): a secret typed earlier in the
 * conversation masked, and a message withheld as a secret reduced to {@link PASSWORD_MASK}. Undefined when the
 * recorder did not read the turn (the agents' own conversations).
 */
export function recordedUserWords(context: TurnContext): string | undefined {
  const line = context.turnState.get(USER_LINE) as { text: string; withheld?: string } | undefined;
  if (!line) return undefined;
  return context.turnState.get(SENSITIVE) || line.withheld === 'secret' ? PASSWORD_MASK : line.text;
}

/** Says why this turn could lead to an agent (e.g. the account is locked), so an escalation can tell agents. */
export function flagEscalationReason(context: TurnContext, reason: EscalationReason): void {
  context.turnState.set(REASON, reason);
}

/**
 * Dialogs whose question is a secret: when one of them is the innermost active dialog as a turn starts, the
 * user's message of that turn answers it, so it is withheld. The ids come from the accounts code itself, so a
 * renamed prompt breaks the build rather than leaking answers.
 */
export const SENSITIVE_DIALOGS: ReadonlySet<string> = new Set([SECRET_ANSWER_PROMPT, PASSWORD_CARD_PROMPT]);

/**
 * Questions asked between secret answers: the yes/no ones (« Voulez-vous réessayer avec trois autres
 * questions? », « Enregistrer ces réponses? ») and the choice of the next secret question. People keep
 * answering the secret questions there (« Minou » where a question number is asked), so what may be an answer
 * is withheld, sentences too: only a number, yes or no, and the words that interrupt any question are kept.
 */
export const SECRET_ADJACENT_DIALOGS: ReadonlySet<string> = new Set([
  ACCOUNTS_YES_NO_PROMPT,
  QUESTION_PICK_PROMPT,
]);

/**
 * From this many words, a message answering the question asked right after a round of secret questions is
 * taken for a sentence, not an answer (« je ne comprends pas ce qui se passe ici »): secret answers are a name,
 * a place, a dish, in one to four words. A secret already typed in the conversation is hidden inside a
 * sentence all the same.
 */
export const SENTENCE_MIN_WORDS = 5;

/** Words that interrupt a question only to have it asked again (in another language, or with help first). */
const ASKS_AGAIN: ReadonlySet<ControlIntent> = new Set<ControlIntent>(['help', 'english', 'french']);

/** {@link ConversationFlags.afterSecrets} when a round has just ended: the next question is not known yet. */
const ROUND_JUST_ENDED = '#roundEnded';
/** {@link ConversationFlags.afterSecrets} for a question asked with no dialog active (after the hours). */
const NO_DIALOG = '';

/** Dialogs whose answer is a NAM: masked to its last four even when spelled or spoken. */
export const NAM_DIALOGS: ReadonlySet<string> = new Set([NAM_PROMPT]);

/**
 * Sentences that, when the bot says them, tell why the user may then ask for a person. They are found by their
 * locale keys, so they follow the wording in locales/ and need no change in the flows that say them.
 */
const REASON_KEYS: ReadonlyArray<[EscalationReason, string]> = [
  ['secretQuestionsNotConfigured', 'accounts:reset.notConfigured'],
  ['secretQuestionsNotConfigured', 'accounts:auth.voiceNotConfigured'],
  ['lockout', 'accounts:locked'],
  ['serviceUnavailable', 'requests:unavailable.message'],
  ['serviceUnavailable', 'requests:auth.unavailable'],
  ['notUnderstood', 'common:noMatchOffer'],
  ['notUnderstood', 'voice:entry.offer'],
];

/** The opening words of a sentence, up to its first variable: enough to recognise it in a reply. */
function signatureOf(template: string): string | undefined {
  const literal = template.split('{{')[0].trim();
  return literal.length >= 20 ? literal.slice(0, 80) : undefined;
}

/** The innermost active dialog's id, through component dialogs' nested stacks. */
export function leafOfState(state: DialogState | undefined): string | undefined {
  let stack: DialogInstance[] | undefined = state?.dialogStack;
  let leaf: string | undefined;
  while (stack && stack.length > 0) {
    // botbuilder-js pushes new dialogs at the end of the stack: the active one is the last.
    const top = stack[stack.length - 1];
    leaf = top.id;
    stack = (top.state as { dialogs?: DialogState } | undefined)?.dialogs?.dialogStack;
  }
  return leaf;
}

/** What the recorder needs. */
export interface TranscriptRecorderOptions {
  store: TranscriptStore;
  state: Pick<StateAccessors, 'dialogState' | 'conversationFlags'>;
  messages: Messages;
  clock: Clock;
  /** Conversations not to record (the agents' own). */
  skip?: (context: TurnContext) => boolean;
  logger: { warn(obj: object, msg: string): void };
  /** Where the lines' write goes: the reply does not wait for it. */
  pendingWrites: PendingWrites;
  /**
   * STATE_SEAL_KEY: the secrets' fingerprints kept in conversation state are keyed with it, so that every
   * instance recognises them (see {@link SecretFingerprints}); random when absent.
   */
  sealKey?: SealKeySource;
}

/** A user's line before it is dated. */
type UserLine = Omit<TranscriptEntry, 'at'>;

const WITHHELD_SECRET: UserLine = { from: 'user', text: '', withheld: 'secret' };

/**
 * Keeps the last lines of each user conversation, redacted, for the agent who takes an escalation: the user's
 * messages and the bot's replies as read (text, or a card's fallback text; never `speak`, card inputs or
 * submitted values). The user's line is read before the dialogs run, so that what it teaches about secrets is
 * saved with the turn's state; it is written after the turn, so that a turn marked sensitive during the
 * dialogs is honoured, and without keeping the reply waiting (see {@link PendingWrites}).
 */
export class TranscriptRecorder implements Middleware {
  private readonly signatures: Array<{ reason: EscalationReason; text: string }> = [];

  /** What the accounts' yes/no questions understand. */
  private readonly yesNoWords: YesNoWords;

  /** Reads codes spelled out (« k sept p m… »), as the user-name question does. */
  private readonly spelling: SpelledInputParser;

  /** The words that interrupt any question (« annuler », « agent », « aide »), as the root dialog reads them. */
  private readonly lexicon: Lexicon;

  /** Recognises the secrets typed earlier in the conversation. */
  private readonly fingerprints: SecretFingerprints;

  constructor(private readonly options: TranscriptRecorderOptions) {
    this.yesNoWords = new YesNoWords(options.messages);
    this.spelling = SpelledInputParser.for(options.messages);
    this.lexicon = new Lexicon(options.messages);
    this.fingerprints = new SecretFingerprints(options.sealKey);
    for (const [reason, key] of REASON_KEYS) {
      for (const lang of LANGUAGES) {
        if (!options.messages.has(lang, key)) continue;
        const text = signatureOf(options.messages.forLanguage(lang)(key, {}));
        if (text) this.signatures.push({ reason, text });
      }
    }
  }

  /** The conversation's transcript key: a hash, since the store is not state and outlives nothing. */
  static keyOf(context: TurnContext): string {
    return hashId(`${context.activity.channelId}/${context.activity.conversation?.id ?? ''}`);
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { activity } = context;
    if (activity.type !== ActivityTypes.Message || this.options.skip?.(context)) return next();
    const leaf = leafOfState(await this.options.state.dialogState.get(context));
    // Read before the dialogs run, so that what changes in the flags is saved with the turn's state.
    const flags = await this.options.state.conversationFlags.get(context, {});
    const before = JSON.stringify(flags);
    const guarded = this.guardAfterSecrets(context, leaf, flags);
    const user = this.userEntry(context, leaf, flags, guarded);
    context.turnState.set(USER_LINE, user);
    this.rememberSecrets(context, leaf, user, flags);
    if (JSON.stringify(flags) !== before) await this.options.state.conversationFlags.set(context, flags);
    const outgoing: Partial<Activity>[] = [];
    context.onSendActivities(async (_ctx, activities, nextSend) => {
      // On Teams and Web Chat menus and results are cards without text: their fallback text is what was read.
      for (const a of activities) {
        if (a.type === ActivityTypes.Message)
          outgoing.push({ text: a.text?.trim() ? a.text : cardFallbackText(a) });
      }
      return nextSend();
    });

    await next();

    const at = this.options.clock.now().toISOString();
    const entries: TranscriptEntry[] = [
      { at, ...(context.turnState.get(SENSITIVE) ? WITHHELD_SECRET : user) },
    ];
    const reason = context.turnState.get(REASON) as EscalationReason | undefined;
    for (const reply of outgoing) {
      const text = (reply.text ?? '').trim();
      if (!text) continue;
      // The bot may quote the user (« aucun médicament ne correspond à « … » »): masked the same way.
      const entry: TranscriptEntry = { at, from: 'bot', text: redactBotLine(text) };
      const found = reason ?? this.signatures.find((s) => text.includes(s.text))?.reason;
      if (found) entry.reason = found;
      entries.push(entry);
    }
    this.options.pendingWrites.track(
      this.options.store.append(TranscriptRecorder.keyOf(context), entries),
      // The user has their answer; a lost transcript line only makes an agent ask one more question.
      (error) =>
        this.options.logger.warn({ err: { name: (error as Error)?.name } }, 'transcript line not kept'),
    );
  }

  /**
   * Whether this message answers the question asked right after a round of secret questions or a password
   * card, where people go on answering (« Filou » where the menu is asked). The guard follows the question,
   * not a count of messages: it holds while that same question is asked again, and ends when another question
   * is asked or the user moves on (see {@link movesOn}). Answers said again later are found by their
   * fingerprints instead.
   */
  private guardAfterSecrets(
    context: TurnContext,
    leaf: string | undefined,
    flags: ConversationFlags,
  ): boolean {
    const text = context.activity.text ?? '';
    if (leaf !== undefined && (SENSITIVE_DIALOGS.has(leaf) || SECRET_ADJACENT_DIALOGS.has(leaf))) {
      // « annuler » or « agent » leaves the questions for something else (the queue, where every message is for
      // the agent): what follows answers no question after them.
      if (this.leaves(text)) delete flags.afterSecrets;
      else flags.afterSecrets = ROUND_JUST_ENDED;
      return false;
    }
    // A count of messages, saved before the guard followed the question: the round has just ended.
    const saved: unknown = flags.afterSecrets;
    const after = typeof saved === 'number' ? ROUND_JUST_ENDED : flags.afterSecrets;
    const asked = leaf ?? NO_DIALOG;
    if (after === undefined || (after !== ROUND_JUST_ENDED && after !== asked)) {
      delete flags.afterSecrets;
      return false;
    }
    if (this.movesOn(text)) delete flags.afterSecrets;
    else flags.afterSecrets = asked;
    return true;
  }

  /**
   * Whether the message leaves the question asked after a round: a choice (a number, yes or no) or a word that
   * leaves it (« annuler », « menu », « agent »). Not « aide », « English » or « pardon? », which only have it
   * asked again, nor a sentence: the next message may still be an answer.
   */
  private movesOn(text: string): boolean {
    const normalized = normalizeText(text).replace(/#$/, '');
    if (/^\d{1,2}$/.test(normalized) || this.yesNoWords.recognize(text) !== undefined) return true;
    return this.leaves(text);
  }

  /** A word that leaves the question for another flow or a person (« annuler », « menu », « agent »). */
  private leaves(text: string): boolean {
    const normalized = normalizeText(text);
    const intent = this.lexicon.controlIntent(normalized);
    return (intent !== undefined && !ASKS_AGAIN.has(intent)) || this.lexicon.asksForAgent(normalized);
  }

  /**
   * True unless the message cannot be a secret: a question's number (one or two digits: a year or a code may be
   * an answer), yes or no, a word that interrupts any question (see {@link interrupts}), or a request for a
   * person in so many words (« je veux parler à un agent »), which no question receives as its answer either.
   */
  private mayBeSecret(text: string): boolean {
    if (!normalizeAnswer(text)) return false;
    const normalized = normalizeText(text).replace(/#$/, '');
    if (/^\d{1,2}$/.test(normalized) || this.yesNoWords.recognize(text) !== undefined) return false;
    return !this.interrupts(text) && !this.lexicon.asksForAgent(normalized);
  }

  /** {@link mayBeSecret}, and short enough to be an answer rather than a sentence (see {@link SENTENCE_MIN_WORDS}). */
  private mayBeSecretAnswer(text: string): boolean {
    return this.mayBeSecret(text) && text.trim().split(/\s+/u).length < SENTENCE_MIN_WORDS;
  }

  /**
   * A whole message that interrupts any question, as the root dialog reads it (« annuler », « agent », « aide »,
   * « menu », « English »), or asks to hear it again (« pardon? »): never taken for the answer. A longer request
   * for a person interrupts too, but may carry an answer with it (« parler à un agent, c'est Filou »).
   */
  private interrupts(text: string): boolean {
    const normalized = normalizeText(text);
    return this.lexicon.controlIntent(normalized) !== undefined || this.lexicon.isRepeatRequest(normalized);
  }

  /**
   * Remembers, by fingerprint only, what was withheld as a possible secret and the passwords of a card, so that
   * they stay hidden when said again later in the conversation.
   */
  private rememberSecrets(
    context: TurnContext,
    leaf: string | undefined,
    user: UserLine,
    flags: ConversationFlags,
  ): void {
    const { text, value } = context.activity;
    const secrets: string[] = [];
    if (user.withheld === 'secret' && text && this.mayBeSecret(text)) secrets.push(text);
    if (leaf === PASSWORD_CARD_PROMPT && value && typeof value === 'object') {
      for (const field of ['password', 'confirmation']) {
        const typed = (value as Record<string, unknown>)[field];
        if (typeof typed === 'string') secrets.push(typed);
      }
    }
    const binding = TranscriptRecorder.keyOf(context);
    for (const secret of secrets) {
      const fingerprint = this.fingerprints.of(secret, binding);
      if (fingerprint)
        flags.secretFingerprints = SecretFingerprints.remember(flags.secretFingerprints, fingerprint);
    }
  }

  private spellsTemporaryPassword(text: string): boolean {
    const reading = this.spelling.parse(text);
    return reading.complete && isTemporaryPasswordValue(reading.value);
  }

  private userEntry(
    context: TurnContext,
    leaf: string | undefined,
    flags: ConversationFlags,
    afterSecrets: boolean,
  ): UserLine {
    const { value } = context.activity;
    const text = context.activity.text ?? '';
    if (leaf && SENSITIVE_DIALOGS.has(leaf)) {
      // « annuler », « agent », « aide » leave or pause the question instead of answering it: the agent needs them.
      if (!this.interrupts(text)) return WITHHELD_SECRET;
    } else if (!text.trim() && value !== undefined) {
      return { from: 'user', text: '', withheld: 'card' };
    }
    // Between two secret questions people are still answering, at any length (« Pâté chinois de ma grand-mère »);
    // once the round is over, a sentence is what it says.
    const between = leaf !== undefined && SECRET_ADJACENT_DIALOGS.has(leaf);
    if (between ? this.mayBeSecret(text) : afterSecrets && this.mayBeSecretAnswer(text))
      return WITHHELD_SECRET;
    // One key per message: masking each to its last four would keep every digit of the number.
    if (leaf && NAM_DIALOGS.has(leaf) && keypadKey(context.activity)) return WITHHELD_SECRET;
    // A secret typed earlier in the conversation, said again (« ma réponse était Filou »): hidden wherever it is.
    const known = this.fingerprints.mask(text, flags.secretFingerprints, TranscriptRecorder.keyOf(context));
    if (known?.whole) return WITHHELD_SECRET;
    const userName = findUserName(text);
    // Asked for a user name, people often type their password instead: withheld unless it reads as a sentence.
    // Or they spell the temporary password the bot dictated, a character a word (« K 7 P M 4 Q X 2 9 R »).
    if (leaf === USER_NAME_PROMPT && (looksLikeSecretAnswer(text) || this.spellsTemporaryPassword(text))) {
      return WITHHELD_SECRET;
    }
    const entry: UserLine = {
      from: 'user',
      text: redactLine(known?.text ?? text, {
        // « aide » or « menu » where the NAM is asked interrupts the question: not a NAM to mask.
        nam: leaf !== undefined && NAM_DIALOGS.has(leaf) && !this.interrupts(text),
        // A caller may say a NAM at any question (« pour BOUM cinquante-cinq zéro huit douze douze »), and a
        // chat user may write one so: the NAM question reads it in words on every channel.
        spoken: true,
      }),
    };
    if (userName) entry.userNameCandidate = userName;
    return entry;
  }
}
