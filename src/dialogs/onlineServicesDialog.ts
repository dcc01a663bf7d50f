import type { DialogContext, DialogTurnResult } from './shared/dialogLibrary';
import type { MenuDefinition, MenuOption } from '../nlu/menuRecognizer';
import type { DialogDependencies } from './shared/dependencies';
import type { FlowId } from './shared/flowTrace';
import { MenuFlowDialog, type MenuFlowOptions } from './shared/menuFlowDialog';

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
export type OnlineServicesOptions = MenuFlowOptions;

/**
 * Main-menu option 1. Offers only the flows that exist: an option whose flow is not built is not shown and
 * not understood.
 */
export class OnlineServicesDialog extends MenuFlowDialog {
  protected readonly menu: MenuDefinition;
  protected readonly firstLead = undefined;

  constructor(deps: DialogDependencies, availableFlows: ReadonlySet<FlowId>) {
    super(ONLINE_SERVICES, deps);
    this.menu = {
      id: 'onlineServices',
      options: ALL_OPTIONS.filter((o) => !o.flow || availableFlows.has(o.flow)).map(({ id, key }) => ({
        id,
        key,
      })),
    };
  }

  protected startChoice(dc: DialogContext, choice: string): Promise<DialogTurnResult> {
    if (choice === 'back') return dc.endDialog();
    if (choice === 'agent') return this.startAgent(dc);
    const flow = ALL_OPTIONS.find((o) => o.id === choice)?.flow;
    return flow ? dc.beginDialog(flow) : this.askAgain(dc);
  }
}
