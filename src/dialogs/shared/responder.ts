import { InputHints, type Activity, type CardAction, type TurnContext } from 'botbuilder';
import { DEFAULT_LANGUAGE, type Language, type MessageVars, type Messages, type Translate } from '../../i18n';
import { toSsml, VOICE_CHANNELS, type VoiceSettings } from './ssml';

/** One piece of a reply: a locale key with its variables, or several such lines forming one paragraph. */
export type Part = string | { key: string; vars?: MessageVars } | { lines: Part[] };

/** Turn-state key under which the bot records the language of the current turn. */
export const LANGUAGE_KEY = Symbol('language');

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

  /** Text of one part, in its display or voice form. */
  render(context: TurnContext, part: Part, voice = this.isVoice(context)): string {
    if (typeof part !== 'string' && 'lines' in part) {
      // Two trailing spaces make a markdown line break: Web Chat and Teams would otherwise run the lines together.
      return part.lines.map((line) => this.render(context, line, voice)).join(voice ? ' ' : '  \n');
    }
    const t = this.translator(context);
    const { key, vars } = typeof part === 'string' ? { key: part, vars: undefined } : part;
    return voice ? t(key, { ...vars, context: 'voice' }) : t(key, vars);
  }

  /** A message activity made of the given parts, one paragraph each. */
  compose(context: TurnContext, parts: Part[], options: ComposeOptions = {}): Partial<Activity> {
    const activity: Partial<Activity> = {
      type: 'message',
      text: parts.map((p) => this.render(context, p, false)).join('\n\n'),
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
    return toSsml(spokenText, lang, this.voices, { at: t('voice:at'), dot: t('voice:dot') });
  }

  /** Sends the composed reply. */
  async send(context: TurnContext, parts: Part[], options?: ComposeOptions): Promise<void> {
    await context.sendActivity(this.compose(context, parts, options));
  }
}
