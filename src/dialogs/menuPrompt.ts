import { ActionTypes, type CardAction, InputHints, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import type { MenuDefinition } from '../nlu/menuRecognizer';
import type { DialogDependencies } from './shared/dependencies';
import type { Part } from './shared/responder';

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
}

/** After this many answers in a row that the bot does not understand, it says what it can do and offers a person. */
export const MAX_MISSES = 2;

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
    await this.show(dc.context, options, options.lead ? [options.lead] : []);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as MenuPromptState;
    const result = this.deps.menuRecognizer.recognize(state.options.menu, activity.text, activity.value);
    if (result.kind === 'choice') return dc.endDialog(result.option.id);
    if (result.kind === 'repeat') {
      await this.show(dc.context, state.options, []);
      return Dialog.EndOfTurn;
    }
    state.misses += 1;
    if (state.misses >= MAX_MISSES) {
      state.misses = 0;
      await this.show(dc.context, state.options, ['common:noMatchOffer']);
    } else {
      const example = state.options.menu.options[0]?.key ?? '1';
      await this.show(dc.context, state.options, [{ key: 'common:notUnderstood', vars: { example } }]);
    }
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.show(context, (instance.state as MenuPromptState).options, []);
  }

  private async show(context: TurnContext, options: MenuPromptOptions, lead: Part[]): Promise<void> {
    const { responder } = this.deps;
    const t = responder.translator(context);
    const { menu } = options;
    const base = `menu:${menu.id}`;
    if (responder.isVoice(context)) {
      const spoken = [
        ...lead.map((p) => responder.render(context, p, true)),
        t(`${base}.prompt`, { context: 'voice' }),
        ...menu.options.map((o) =>
          t('menu:voiceLine', { label: t(`${base}.options.${o.id}.voice`), key: o.key }),
        ),
        t('menu:voiceRepeat'),
      ].join(' ');
      await context.sendActivity({
        type: 'message',
        text: spoken,
        speak: responder.ssml(context, spoken),
        inputHint: InputHints.ExpectingInput,
      });
      return;
    }
    const lines = menu.options.map((o) => ({
      key: 'menu:line',
      vars: { key: o.key, label: t(`${base}.options.${o.id}.label`) },
    }));
    const buttons: CardAction[] = menu.options.map((o) => ({
      type: ActionTypes.ImBack,
      title: `${o.key} – ${t(`${base}.options.${o.id}.label`)}`,
      value: o.key,
    }));
    await responder.send(context, [...lead, `${base}.prompt`, { lines }], {
      inputHint: InputHints.ExpectingInput,
      suggestedActions: buttons,
    });
  }
}
