import {
  type Dialog,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { MenuDefinition } from '../nlu/menuRecognizer';
import { ESCALATION, type EscalationOptions } from './escalation/escalationDialog';
import { HOURS_CONTACT, type HoursContactOptions } from './hoursContactDialog';
import { MENU_PROMPT, type MenuPromptOptions } from './menuPrompt';
import { ONLINE_SERVICES, type OnlineServicesOptions } from './onlineServicesDialog';
import type { DialogDependencies } from './shared/dependencies';
import { FlowDialog } from './shared/flowDialog';

/** Persisted dialog id. */
export const MAIN_MENU = 'mainMenu';

/** The phone line's main menu; these keys are fixed. */
export const MAIN_MENU_DEFINITION: MenuDefinition = {
  id: 'main',
  options: [
    { id: 'onlineServices', key: '1' },
    { id: 'hoursContact', key: '2' },
    { id: 'agent', key: '0' },
  ],
};

/** How the main menu starts. */
export interface MainMenuOptions {
  /** Choices already made in free text, e.g. ['onlineServices', 'passwordReset']: skip those menus. */
  path?: string[];
  /** Locale key said before the menu. */
  lead?: string;
}

/** The main menu: it routes to a flow, then shows itself again when that flow ends. */
export class MainMenuDialog extends FlowDialog<MainMenuOptions> {
  /** @param children the dialogs this menu starts: the menu prompt and every flow it routes to. */
  constructor(deps: DialogDependencies, children: Dialog[]) {
    super('mainMenu', deps);
    for (const child of children) this.addDialog(child);
    this.addDialog(
      new WaterfallDialog(`${MAIN_MENU}.steps`, [
        this.askChoice.bind(this),
        this.startChosenFlow.bind(this),
        this.showMenuAgain.bind(this),
      ]),
    );
    this.initialDialogId = `${MAIN_MENU}.steps`;
  }

  private async askChoice(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as MainMenuOptions;
    if (options.path?.length) return step.next(options.path[0]);
    const prompt: MenuPromptOptions = {
      menu: MAIN_MENU_DEFINITION,
      lead: options.lead ?? 'menu:main.question',
    };
    return step.beginDialog(MENU_PROMPT, prompt);
  }

  private async startChosenFlow(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const rest = ((step.options ?? {}) as MainMenuOptions).path?.slice(1) ?? [];
    switch (step.result as string) {
      case 'onlineServices': {
        const options: OnlineServicesOptions = { path: rest };
        return step.beginDialog(ONLINE_SERVICES, options);
      }
      case 'hoursContact':
        return step.beginDialog(HOURS_CONTACT);
      case 'agent': {
        // A person through the escalation flow when it is registered; otherwise how to reach the Centre.
        if (this.findDialog(ESCALATION)) return step.beginDialog(ESCALATION, {} satisfies EscalationOptions);
        const options: HoursContactOptions = { reason: 'agent' };
        return step.beginDialog(HOURS_CONTACT, options);
      }
      default:
        return step.next();
    }
  }

  private async showMenuAgain(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // Restart this flow's own steps rather than the flow: the flow stays open, so its trace stays one start/end pair.
    const options: MainMenuOptions = { lead: 'common:anythingElse' };
    return step.replaceDialog(`${MAIN_MENU}.steps`, options);
  }
}
