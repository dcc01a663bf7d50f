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
import { normalizeText } from '../nlu/normalize';
import { SpelledInputParser } from '../nlu/spelling';
import type { PendingWrites } from '../pendingWrites';
import type { Clock } from '../services/clock';
import { hashId } from '../services/logger';
import {
  findUserName,
  isTemporaryPasswordValue,
  looksLikeSecretAnswer,
  redactBotLine,
  redactLine,
} from '../services/escalation/redaction';
import type { TranscriptStore } from '../services/escalation/transcriptStore';
import type { EscalationReason, TranscriptEntry } from '../services/escalation/types';
import type { StateAccessors } from '../state';

const SENSITIVE = Symbol('escalation.sensitiveTurn');
const REASON = Symbol('escalation.reason');

/**
 * Marks the current turn as sensitive: the user's message is not kept in the transcript (only that something
 * was withheld). Dialogs that ask for a secret in a way the recorder cannot see call it; the account prompts
 * for secret answers and passwords are recognised without it (see {@link SENSITIVE_DIALOGS}).
 */
export function markSensitiveTurn(context: TurnContext): void {
  context.turnState.set(SENSITIVE, true);
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
 * answering the secret questions there (« Minou » where a question number is asked), so anything but yes, no
 * or a number is withheld.
 */
export const SECRET_ADJACENT_DIALOGS: ReadonlySet<string> = new Set([
  ACCOUNTS_YES_NO_PROMPT,
  QUESTION_PICK_PROMPT,
]);

/**
 * Messages after the last secret question of a round that are read like answers at {@link SECRET_ADJACENT_DIALOGS}:
 * the round ends (passed, given up, locked) and the menu is back, but people who did not notice say an answer
 * again, or send one they had already typed (« Filou » where the menu is asked, next to the question it answers).
 */
export const MESSAGES_GUARDED_AFTER_SECRETS = 2;

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
}

/**
 * Keeps the last lines of each user conversation, redacted, for the agent who takes an escalation: the user's
 * messages and the bot's replies as read (text, or a card's fallback text; never `speak`, card inputs or
 * submitted values). It writes after the turn, once the dialogs have run, so a turn marked sensitive during
 * the dialogs is honoured, and without keeping the reply waiting (see {@link PendingWrites}).
 */
export class TranscriptRecorder implements Middleware {
  private readonly signatures: Array<{ reason: EscalationReason; text: string }> = [];

  /** What the accounts' yes/no questions understand. */
  private readonly yesNoWords: YesNoWords;

  /** Reads codes spelled out (« k sept p m… »), as the user-name question does. */
  private readonly spelling: SpelledInputParser;

  constructor(private readonly options: TranscriptRecorderOptions) {
    this.yesNoWords = new YesNoWords(options.messages);
    this.spelling = SpelledInputParser.for(options.messages);
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
    // Counted before the dialogs run, so the change is saved with the turn's state.
    const guarded = await this.guardAfterSecrets(context, leaf);
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
    const entries: TranscriptEntry[] = [this.userEntry(context, leaf, at, guarded)];
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
   * Whether this message comes just after a round of secret questions (see {@link MESSAGES_GUARDED_AFTER_SECRETS}).
   * Each message answering a secret or a question between secrets starts the count again.
   */
  private async guardAfterSecrets(context: TurnContext, leaf: string | undefined): Promise<boolean> {
    const answering =
      leaf !== undefined && (SENSITIVE_DIALOGS.has(leaf) || SECRET_ADJACENT_DIALOGS.has(leaf));
    const flags = await this.options.state.conversationFlags.get(context, {});
    const left = flags.afterSecrets ?? 0;
    const guarded = !answering && left > 0;
    const next = answering ? MESSAGES_GUARDED_AFTER_SECRETS : guarded ? left - 1 : left;
    if (next !== left) {
      if (next > 0) flags.afterSecrets = next;
      else delete flags.afterSecrets;
      await this.options.state.conversationFlags.set(context, flags);
    }
    return guarded;
  }

  private spellsTemporaryPassword(text: string): boolean {
    const reading = this.spelling.parse(text);
    return reading.complete && isTemporaryPasswordValue(reading.value);
  }

  private userEntry(
    context: TurnContext,
    leaf: string | undefined,
    at: string,
    afterSecrets = false,
  ): TranscriptEntry {
    const { text, value } = context.activity;
    if (context.turnState.get(SENSITIVE) || (leaf && SENSITIVE_DIALOGS.has(leaf))) {
      return { at, from: 'user', text: '', withheld: 'secret' };
    }
    if (!text?.trim() && value !== undefined) return { at, from: 'user', text: '', withheld: 'card' };
    if ((leaf && SECRET_ADJACENT_DIALOGS.has(leaf)) || afterSecrets) {
      // A question's number has one or two digits; a longer number (a year, a code) may be a secret answer.
      const number = /^\d{1,2}$/.test(normalizeText(text ?? '').replace(/#$/, ''));
      if (!number && this.yesNoWords.recognize(text) === undefined) {
        return { at, from: 'user', text: '', withheld: 'secret' };
      }
    }
    // One key per message: masking each to its last four would keep every digit of the number.
    if (leaf && NAM_DIALOGS.has(leaf) && keypadKey(context.activity)) {
      return { at, from: 'user', text: '', withheld: 'secret' };
    }
    const userName = findUserName(text ?? '');
    // Asked for a user name, people often type their password instead: withheld unless it reads as a sentence.
    // Or they spell the temporary password the bot dictated, a character a word (« K 7 P M 4 Q X 2 9 R »).
    if (
      leaf === USER_NAME_PROMPT &&
      (looksLikeSecretAnswer(text ?? '') || this.spellsTemporaryPassword(text ?? ''))
    ) {
      return { at, from: 'user', text: '', withheld: 'secret' };
    }
    const entry: TranscriptEntry = {
      at,
      from: 'user',
      text: redactLine(text ?? '', {
        nam: leaf !== undefined && NAM_DIALOGS.has(leaf),
        // A caller may say a NAM at any question (« pour BOUM cinquante-cinq zéro huit douze douze »), and a
        // chat user may write one so: the NAM question reads it in words on every channel.
        spoken: true,
      }),
    };
    if (userName) entry.userNameCandidate = userName;
    return entry;
  }
}
