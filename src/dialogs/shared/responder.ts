import { InputHints, type Activity, type CardAction, type TurnContext } from 'botbuilder';
import { DEFAULT_LANGUAGE, type Language, type MessageVars, type Messages, type Translate } from '../../i18n';
import { rendersCards } from './cards';
import { escapeMarkdown } from './markdown';
import { MAX_VOICE_WORDS, spokenWordCount, toSsml, VOICE_CHANNELS, type VoiceSettings } from './ssml';

/**
 * One piece of a reply: a locale key with its variables, or several such lines forming one paragraph. `echo`
 * holds variables the user wrote (a name, an answer not understood): escaped on screens, where display text is
 * markdown, so that they show as typed and never as bold or a link; as they are in speech, whose SSML escapes them.
 */
export type Part =
  string | { key: string; vars?: MessageVars; echo?: Record<string, string> } | { lines: Part[] };

/** Turn-state key under which the bot records the language of the current turn. */
export const LANGUAGE_KEY = Symbol('language');

/** How a channel shows replies: spoken, as Adaptive Cards, or as plain text with buttons. */
export type ChannelKind = 'voice' | 'card' | 'text';

/** Replies kept by {@link Responder.sendConstant}; the keys are fixed by the code, so this is only a safety cap. */
const MAX_CONSTANT_REPLIES = 1000;

/** Options for a composed reply. */
export interface ComposeOptions {
  inputHint?: InputHints;
  suggestedActions?: CardAction[];
}

/**
 * Builds every reply from locale keys: display text for screens and, on voice channels, SSML from each key's
 * `_voice` variant (falling back to the display text). Dialogs never hold sentence literals.
 */
export class Responder {
  private readonly constantReplies = new Map<string, ReadonlyArray<Readonly<Partial<Activity>>>>();

  constructor(
    readonly messages: Messages,
    private readonly voices: VoiceSettings,
  ) {}

  /** The language of the current turn (French unless the user asked otherwise). */
  language(context: TurnContext): Language {
    return (context.turnState.get(LANGUAGE_KEY) as Language | undefined) ?? DEFAULT_LANGUAGE;
  }

  /** A translator for the current turn's language. */
  translator(context: TurnContext): Translate {
    return this.messages.forLanguage(this.language(context));
  }

  /** True on channels where replies are heard rather than read. */
  isVoice(context: TurnContext): boolean {
    return VOICE_CHANNELS.has(context.activity.channelId);
  }

  /** How the current turn's channel shows replies. */
  channelKind(context: TurnContext): ChannelKind {
    if (this.isVoice(context)) return 'voice';
    return rendersCards(context.activity.channelId) ? 'card' : 'text';
  }

  /**
   * Sends replies that depend only on the turn's language and kind of channel — menus, the Centre's hours —
   * building them once per language and channel kind, because they are said on most turns. `key` names what
   * `build` makes and must never hold anything the user said: everything under it is shared by all users.
   * The kept replies are frozen, so a later change to one of them fails loudly instead of leaking into
   * another conversation.
   */
  async sendConstant(
    context: TurnContext,
    key: string,
    build: () => Array<Partial<Activity>>,
  ): Promise<void> {
    const cacheKey = `${this.language(context)}|${this.channelKind(context)}|${key}`;
    let replies = this.constantReplies.get(cacheKey);
    if (!replies) {
      replies = build().map((reply) => deepFreeze(reply));
      if (this.constantReplies.size >= MAX_CONSTANT_REPLIES) this.constantReplies.clear();
      this.constantReplies.set(cacheKey, replies);
    }
    // The turn context copies each activity before stamping it, so the kept ones are never changed.
    await context.sendActivities(replies as Array<Partial<Activity>>);
  }

  /** Text of one part, in its display or voice form. */
  render(context: TurnContext, part: Part, voice = this.isVoice(context)): string {
    return this.wording(context, part, voice, !voice);
  }

  /**
   * One part in its voice or display wording; `screen` escapes the user's words it quotes as markdown and
   * breaks its lines as a screen does, where the voice runs them on.
   */
  private wording(context: TurnContext, part: Part, voiceWording: boolean, screen: boolean): string {
    if (typeof part !== 'string' && 'lines' in part) {
      // Two trailing spaces make a markdown line break: Web Chat and Teams would otherwise run the lines together.
      return part.lines
        .map((line) => this.wording(context, line, voiceWording, screen))
        .join(screen ? '  \n' : ' ');
    }
    const t = this.translator(context);
    const variant: MessageVars = voiceWording ? { context: 'voice' } : {};
    if (typeof part === 'string') return t(part, variant);
    const { key, vars, echo } = part;
    const quoted =
      echo && screen
        ? Object.fromEntries(Object.entries(echo).map(([name, text]) => [name, escapeMarkdown(text)]))
        : echo;
    return t(key, { ...vars, ...quoted, ...variant });
  }

  /**
   * Display text of one part. On a voice channel it is the voice variant where there is one, so the text
   * shown with a call (captions, the phone simulator, an agent's transcript) says « dites » as the voice
   * does, never « écrivez »; except a voice variant holding a value the display lacks (a temporary password
   * being dictated), which is never written down.
   */
  display(context: TurnContext, part: Part): string {
    if (!this.isVoice(context)) return this.wording(context, part, false, true);
    if (typeof part !== 'string' && 'lines' in part) {
      return part.lines.map((line) => this.display(context, line)).join('  \n');
    }
    const key = typeof part === 'string' ? part : part.key;
    return this.wording(context, part, this.messages.voiceVariantWritable(this.language(context), key), true);
  }

  /** A message activity made of the given parts, one paragraph each. */
  compose(context: TurnContext, parts: Part[], options: ComposeOptions = {}): Partial<Activity> {
    const activity: Partial<Activity> = {
      type: 'message',
      text: parts.map((p) => this.display(context, p)).join('\n\n'),
      inputHint: options.inputHint ?? InputHints.AcceptingInput,
    };
    if (this.isVoice(context)) {
      activity.speak = this.ssml(context, parts.map((p) => this.render(context, p, true)).join(' '));
    } else if (options.suggestedActions?.length) {
      activity.suggestedActions = { actions: options.suggestedActions, to: [] };
    }
    return activity;
  }

  /** Wraps already-rendered spoken text in SSML for the current turn's language. */
  ssml(context: TurnContext, spokenText: string): string {
    const lang = this.language(context);
    const t = this.messages.forLanguage(lang);
    return toSsml(spokenText, lang, this.voices, {
      at: t('voice:at'),
      dot: t('voice:dot'),
      hour: t('voice:hour'),
      firstOfMonth: t('voice:firstOfMonth'),
    });
  }

  /**
   * Sends the composed reply. On voice channels a reply longer than {@link MAX_VOICE_WORDS} is cut into
   * several messages, between parts and, when one part alone is too long, between its sentences, because a
   * caller cannot scroll back; only the last message carries the question's input hint.
   */
  async send(context: TurnContext, parts: Part[], options: ComposeOptions = {}): Promise<void> {
    await context.sendActivities(this.replies(context, parts, options));
  }

  /** The activities {@link send} would send, for callers that keep or adjust them. */
  replies(context: TurnContext, parts: Part[], options: ComposeOptions = {}): Array<Partial<Activity>> {
    if (!this.isVoice(context)) return [this.compose(context, parts, options)];
    const words = (spoken: string) => spokenWordCount(this.ssml(context, spoken));
    // Each piece is heard as a whole: a part, or a run of sentences of a part too long to be said at once.
    const pieces: Array<{ display: string; spoken: string }> = [];
    for (const part of parts) {
      const display = this.display(context, part);
      const spoken = this.render(context, part, true);
      if (words(spoken) <= MAX_VOICE_WORDS) {
        pieces.push({ display, spoken });
        continue;
      }
      // The display text stays the display variant (on the first piece): the spoken one may hold what must
      // never be written down, such as a temporary password being dictated.
      groupWithin(spoken.split(/(?<=[.!?…])\s+/), MAX_VOICE_WORDS, words).forEach((sentences, i) => {
        pieces.push({ display: i === 0 ? display : '', spoken: sentences });
      });
    }
    const chunks = groupPiecesWithin(pieces, MAX_VOICE_WORDS, words);
    // Earlier pieces of a question only inform; a message that must not be interrupted stays so throughout.
    const earlierHint =
      options.inputHint === InputHints.IgnoringInput ? InputHints.IgnoringInput : InputHints.AcceptingInput;
    return chunks.map((chunk, i) => ({
      type: 'message',
      text: chunk
        .map((p) => p.display)
        .filter(Boolean)
        .join('\n\n'),
      speak: this.ssml(context, chunk.map((p) => p.spoken).join(' ')),
      inputHint: i === chunks.length - 1 ? (options.inputHint ?? InputHints.AcceptingInput) : earlierHint,
    }));
  }
}

/** Freezes an object and everything it holds. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Joins consecutive sentences while the spoken result stays within `max` words. */
function groupWithin(sentences: string[], max: number, words: (s: string) => number): string[] {
  const groups: string[] = [];
  for (const sentence of sentences) {
    const last = groups.at(-1);
    if (last !== undefined && words(`${last} ${sentence}`) <= max)
      groups[groups.length - 1] = `${last} ${sentence}`;
    else groups.push(sentence);
  }
  return groups;
}

/** Groups consecutive pieces into messages of at most `max` spoken words (a longer piece stays alone). */
function groupPiecesWithin<T extends { spoken: string }>(
  pieces: T[],
  max: number,
  words: (s: string) => number,
): T[][] {
  const chunks: T[][] = [];
  for (const piece of pieces) {
    const last = chunks.at(-1);
    const together = last ? [...last, piece].map((p) => p.spoken).join(' ') : '';
    if (last && words(together) <= max) last.push(piece);
    else chunks.push([piece]);
  }
  return chunks.length ? chunks : [[]];
}
