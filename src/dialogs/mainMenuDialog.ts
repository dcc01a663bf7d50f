import type { DialogContext, DialogTurnResult } from './shared/dialogLibrary';
import type { MenuDefinition } from '../nlu/menuRecognizer';
import { HOURS_CONTACT } from './hoursContactDialog';
import { ONLINE_SERVICES, type OnlineServicesOptions } from './onlineServicesDialog';
import type { DialogDependencies } from './shared/dependencies';
import { MenuFlowDialog, type MenuFlowOptions } from './shared/menuFlowDialog';

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
export type MainMenuOptions = MenuFlowOptions;

/** The main menu: it routes to a flow, then shows itself again when that flow ends. */
export class MainMenuDialog extends MenuFlowDialog {
  protected readonly menu = MAIN_MENU_DEFINITION;
  protected readonly firstLead = 'menu:main.question';

  constructor(deps: DialogDependencies) {
    super(MAIN_MENU, deps);
  }

  protected startChoice(dc: DialogContext, choice: string, rest: string[]): Promise<DialogTurnResult> {
    switch (choice) {
      case 'onlineServices':
        return dc.beginDialog(ONLINE_SERVICES, { path: rest } satisfies OnlineServicesOptions);
      case 'hoursContact':
        return dc.beginDialog(HOURS_CONTACT);
      case 'agent':
        return this.startAgent(dc);
      default:
        return this.askAgain(dc);
    }
  }
}
