import { ActionTypes, type Activity, type CardAction, InputHints, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
} from './shared/dialogLibrary';
import type { MenuDefinition, MenuOption } from '../nlu/menuRecognizer';
import { type CardChoice, type CardText, menuCard } from './shared/cards';
import { normalizeText } from '../nlu/normalize';
import { VoiceLexicon } from '../nlu/voiceLexicon';
import { agentLineOpen, transferToAgent } from './shared/callControl';
import type { DialogDependencies } from './shared/dependencies';
import type { Part } from './shared/responder';
import { MAX_VOICE_WORDS, spokenWordCount } from './shared/ssml';

/** Persisted dialog id. */
export const MENU_PROMPT = 'menuPrompt';

/** How to show a menu. */
export interface MenuPromptOptions {
  menu: MenuDefinition;
  /** Locale key said before the menu (e.g. "what else can I do for you?"). */
  lead?: string;
}

interface MenuPromptState {
  options: MenuPromptOptions;
  misses: number;
  /** Voice: the part of a long menu being said (see {@link voicePages}). */
  page?: number;
  /** Voice: how many times the agent was offered after misunderstood answers. */
  offers?: number;
}

/** After this many answers in a row that the bot does not understand, it says what it can do and offers a person. */
export const MAX_MISSES = 2;

/** A voice prompt names at most this many options; a longer menu is said in parts, "#" giving the next. */
export const MAX_VOICE_OPTIONS = 4;

/**
 * Splits a menu for the ear: up to four options said at once, else three per part plus « Pour les autres
 * choix, faites le dièse ». Every key of the menu works whichever part is being said.
 */
export function voicePages(options: MenuOption[]): MenuOption[][] {
  if (options.length <= MAX_VOICE_OPTIONS) return [options];
  const pages: MenuOption[][] = [];
  let rest = options;
  while (rest.length > MAX_VOICE_OPTIONS) {
    pages.push(rest.slice(0, MAX_VOICE_OPTIONS - 1));
    rest = rest.slice(MAX_VOICE_OPTIONS - 1);
  }
  pages.push(rest);
  return pages;
}

/**
 * Asks the user to choose from a phone-line style menu and returns the chosen option's id. Understands keys,
 * words, ordinals, labels and buttons; "*" repeats; it never loops forever on answers it cannot understand.
 */
export class MenuPrompt extends Dialog<MenuPromptOptions> {
  constructor(private readonly deps: DialogDependencies) {
    super(MENU_PROMPT);
  }

  override async beginDialog(dc: DialogContext, options?: MenuPromptOptions): Promise<DialogTurnResult> {
    if (!options?.menu) throw new TypeError('MenuPrompt needs a menu');
    const state: MenuPromptState = { options, misses: 0 };
    dc.activeDialog!.state = state;
    await this.show(dc.context, state, options.lead ? [options.lead] : []);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as MenuPromptState;
    const { menu } = state.options;
    const voice = this.deps.responder.isVoice(dc.context);
    const pages = voicePages(menu.options);
    if (voice && pages.length > 1 && VoiceLexicon.for(this.deps.responder.messages).isMore(activity.text)) {
      state.page = ((state.page ?? 0) + 1) % pages.length;
      await this.show(dc.context, state, []);
      return Dialog.EndOfTurn;
    }
    const result = this.deps.menuRecognizer.recognize(menu, activity.text, activity.value);
    if (result.kind === 'choice') return dc.endDialog(result.option.id);
    if (result.kind === 'repeat') {
      await this.show(dc.context, state, []);
      return Dialog.EndOfTurn;
    }
    if (result.kind === 'staleCard') {
      await this.show(dc.context, state, ['common:staleCard']);
      return Dialog.EndOfTurn;
    }
    // « Bonjour! » after the welcome is courtesy, not a wrong answer.
    if (this.deps.lexicon.isGreeting(normalizeText(activity.text ?? ''))) {
      await this.show(dc.context, state, ['common:greetingReply']);
      return Dialog.EndOfTurn;
    }
    // On the phone line "0" reaches an agent in every menu, even one that does not list it.
    const zero = ['0', 'zero'].includes(normalizeText(activity.text ?? ''));
    if (voice && zero && agentLineOpen(this.deps, this.deps.clock.now())) {
      return transferToAgent(dc, this.deps);
    }
    state.misses += 1;
    if (state.misses >= MAX_MISSES) {
      state.misses = 0;
      state.page = 0;
      state.offers = (state.offers ?? 0) + 1;
      // A caller still misunderstood after the offer gets a person rather than the same menu forever.
      if (voice && state.offers >= 2 && agentLineOpen(this.deps, this.deps.clock.now())) {
        return transferToAgent(dc, this.deps, ['voice:transfer.afterMisses']);
      }
      await this.show(dc.context, state, ['common:noMatchOffer']);
    } else {
      const example = menu.options[0]?.key ?? '1';
      await this.show(dc.context, state, [{ key: 'common:notUnderstood', vars: { example } }]);
    }
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.show(context, instance.state as MenuPromptState, []);
  }

  /**
   * Shows the menu with its lead. Menus are said on most turns and are the same for every user of a language
   * and kind of channel, so each rendering is built once (the leads are locale keys, never user input).
   */
  private async show(context: TurnContext, state: MenuPromptState, lead: Part[]): Promise<void> {
    const { responder } = this.deps;
    const { menu } = state.options;
    const kind = responder.channelKind(context);
    const page = kind === 'voice' ? Math.min(state.page ?? 0, voicePages(menu.options).length - 1) : 0;
    const options = menu.options.map((o) => `${o.id}=${o.key}`).join(',');
    const key = `menu|${menu.id}|${options}|${page}|${JSON.stringify(lead)}`;
    await responder.sendConstant(context, key, () => {
      if (kind === 'voice') return this.voiceReplies(context, menu, page, lead);
      return [kind === 'card' ? this.cardReply(context, menu, lead) : this.textReply(context, menu, lead)];
    });
  }

  /** One part of the menu said aloud, one option per sentence; a long lead goes in its own message. */
  private voiceReplies(
    context: TurnContext,
    menu: MenuDefinition,
    page: number,
    lead: Part[],
  ): Array<Partial<Activity>> {
    const { responder } = this.deps;
    const t = responder.translator(context);
    const base = `menu:${menu.id}`;
    const pages = voicePages(menu.options);
    const leadText = lead.map((p) => responder.render(context, p, true)).join(' ');
    const menuText = [
      t(`${base}.prompt`, { context: 'voice' }),
      ...pages[page].map((o) =>
        t('menu:voiceLine', { label: t(`${base}.options.${o.id}.voice`), key: o.key }),
      ),
      ...(page < pages.length - 1 ? [t('voice:menuMore')] : []),
      t('menu:voiceRepeat'),
    ].join(' ');
    const together = [leadText, menuText].filter((s) => s.length > 0).join(' ');
    const parts =
      leadText && spokenWordCount(responder.ssml(context, together)) > MAX_VOICE_WORDS
        ? [leadText, menuText]
        : [together];
    return parts.map((spoken, i) => ({
      type: 'message',
      text: spoken,
      speak: responder.ssml(context, spoken),
      inputHint: i === parts.length - 1 ? InputHints.ExpectingInput : InputHints.AcceptingInput,
    }));
  }

  /** The menu's lines, "1 – Services en ligne", for the text fallback. */
  private lines(context: TurnContext, menu: MenuDefinition): Part[] {
    const t = this.deps.responder.translator(context);
    return menu.options.map((o) => ({
      key: 'menu:line',
      vars: { key: o.key, label: t(`menu:${menu.id}.options.${o.id}.label`) },
    }));
  }

  /**
   * Teams and Web Chat: the menu as an Adaptive Card, one button per option; its buttons post the key and
   * the menu's id, so a button pressed on an older menu card is not mistaken for a choice in this one.
   */
  private cardReply(context: TurnContext, menu: MenuDefinition, lead: Part[]): Partial<Activity> {
    const { responder } = this.deps;
    const t = responder.translator(context);
    const base = `menu:${menu.id}`;
    const texts: CardText[] = [
      ...lead.map((p) => ({ text: responder.render(context, p, false) })),
      { text: t(`${base}.prompt`), weight: 'Bolder' as const },
    ];
    const choices: CardChoice[] = menu.options.map((o) => ({
      key: o.key,
      title: `${o.key} – ${t(`${base}.options.${o.id}.button`)}`,
      data: { menuChoice: o.key, menu: menu.id },
    }));
    const lines = this.lines(context, menu);
    const fallback = responder.compose(context, [...lead, `${base}.prompt`, { lines }]).text ?? '';
    return {
      type: 'message',
      attachments: [menuCard(texts, choices, fallback)],
      inputHint: InputHints.ExpectingInput,
    };
  }

  /** Other text channels: the menu's lines, and its options as suggested actions. */
  private textReply(context: TurnContext, menu: MenuDefinition, lead: Part[]): Partial<Activity> {
    const { responder } = this.deps;
    const t = responder.translator(context);
    const base = `menu:${menu.id}`;
    const buttons: CardAction[] = menu.options.map((o) => ({
      type: ActionTypes.ImBack,
      title: `${o.key} – ${t(`${base}.options.${o.id}.label`)}`,
      value: o.key,
    }));
    return responder.compose(context, [...lead, `${base}.prompt`, { lines: this.lines(context, menu) }], {
      inputHint: InputHints.ExpectingInput,
      suggestedActions: buttons,
    });
  }
}
