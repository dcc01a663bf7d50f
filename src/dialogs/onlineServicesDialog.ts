import {
  type Dialog,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { MenuDefinition, MenuOption } from '../nlu/menuRecognizer';
import { ESCALATION, type EscalationOptions } from './escalation/escalationDialog';
import { HOURS_CONTACT, type HoursContactOptions } from './hoursContactDialog';
import { MENU_PROMPT, type MenuPromptOptions } from './menuPrompt';
import type { DialogDependencies } from './shared/dependencies';
import { FlowDialog } from './shared/flowDialog';
import type { FlowId } from './shared/flowTrace';

/** Persisted dialog id. */
export const ONLINE_SERVICES = 'onlineServices';

/** The phone line's online-services menu keys; fixed, whatever flows are available. */
const ALL_OPTIONS: ReadonlyArray<MenuOption & { flow?: FlowId }> = [
  { id: 'passwordReset', key: '1', flow: 'passwordReset' },
  { id: 'requestStatus', key: '2', flow: 'requestStatus' },
  { id: 'secretQuestions', key: '3', flow: 'secretQuestions' },
  { id: 'accessRequest', key: '4', flow: 'accessRequest' },
  { id: 'back', key: '9' },
  { id: 'agent', key: '0' },
];

/** How the online-services menu starts. */
export interface OnlineServicesOptions {
  path?: string[];
  lead?: string;
}

/**
 * Main-menu option 1. Offers only the flows that exist: an option whose flow is not built is not shown and
 * not understood.
 */
export class OnlineServicesDialog extends FlowDialog<OnlineServicesOptions> {
  private readonly menu: MenuDefinition;

  /** @param children the dialogs this menu starts: the menu prompt, hours/contact and the available flows. */
  constructor(deps: DialogDependencies, availableFlows: ReadonlySet<FlowId>, children: Dialog[]) {
    super('onlineServices', deps);
    for (const child of children) this.addDialog(child);
    this.menu = {
      id: 'onlineServices',
      options: ALL_OPTIONS.filter((o) => !o.flow || availableFlows.has(o.flow)).map(({ id, key }) => ({
        id,
        key,
      })),
    };
    this.addDialog(
      new WaterfallDialog(`${ONLINE_SERVICES}.steps`, [
        this.askChoice.bind(this),
        this.startChosenFlow.bind(this),
        this.showMenuAgain.bind(this),
      ]),
    );
    this.initialDialogId = `${ONLINE_SERVICES}.steps`;
  }

  private async askChoice(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as OnlineServicesOptions;
    const preset = options.path?.[0];
    if (preset && this.menu.options.some((o) => o.id === preset)) return step.next(preset);
    const prompt: MenuPromptOptions = { menu: this.menu, lead: options.lead };
    return step.beginDialog(MENU_PROMPT, prompt);
  }

  private async startChosenFlow(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const choice = step.result as string;
    if (choice === 'back') return step.endDialog();
    if (choice === 'agent') {
      // A person through the escalation flow when it is registered; otherwise how to reach the Centre.
      if (this.findDialog(ESCALATION)) return step.beginDialog(ESCALATION, {} satisfies EscalationOptions);
      const options: HoursContactOptions = { reason: 'agent' };
      return step.beginDialog(HOURS_CONTACT, options);
    }
    const flow = ALL_OPTIONS.find((o) => o.id === choice)?.flow;
    return flow ? step.beginDialog(flow) : step.next();
  }

  private async showMenuAgain(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options: OnlineServicesOptions = { lead: 'common:anythingElse' };
    return step.replaceDialog(`${ONLINE_SERVICES}.steps`, options);
  }
}
