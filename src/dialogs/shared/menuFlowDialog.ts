import type { DialogContext, DialogReason, DialogTurnResult } from './dialogLibrary';
import type { MenuDefinition } from '../../nlu/menuRecognizer';
import { ESCALATION, type EscalationOptions } from '../escalation/escalationDialog';
import { HOURS_CONTACT, type HoursContactOptions } from '../hoursContactDialog';
import { MENU_PROMPT, type MenuPromptOptions } from '../menuPrompt';
import { isAgentRequest } from './flowDialog';
import { TracedDialog } from './tracedDialog';

/** How a menu of the phone line starts. */
export interface MenuFlowOptions {
  /** Choices already made in free text, e.g. ['onlineServices', 'passwordReset']: skip those menus. */
  path?: string[];
  /** Locale key said before the menu. */
  lead?: string;
}

/** What a menu remembers between turns. */
interface MenuFlowState {
  /** True while its menu prompt is open: the next result is the user's choice, else a flow has ended. */
  asking: boolean;
}

/**
 * A menu of the phone line: it asks for a choice with the menu prompt, starts what the choice leads to, and
 * asks again (« Que puis-je faire d'autre pour vous? ») when that ends. The prompt and the flows go on the
 * same dialog stack as the menu, not inside it.
 */
export abstract class MenuFlowDialog extends TracedDialog<MenuFlowOptions> {
  /** The menu offered. */
  protected abstract readonly menu: MenuDefinition;
  /** The locale key said before the menu when it is first shown, if any. */
  protected abstract readonly firstLead: string | undefined;

  /**
   * Starts what an option leads to. `rest` is what remains of a path chosen in free text.
   * Returning `dc.endDialog()` leaves the menu.
   */
  protected abstract startChoice(
    dc: DialogContext,
    choice: string,
    rest: string[],
  ): Promise<DialogTurnResult>;

  protected override async onBegin(dc: DialogContext, options?: MenuFlowOptions): Promise<DialogTurnResult> {
    const [preset, ...rest] = options?.path ?? [];
    if (preset && this.menu.options.some((o) => o.id === preset)) {
      this.stateOf(dc).asking = false;
      return this.startChoice(dc, preset, rest);
    }
    return this.ask(dc, options?.lead ?? this.firstLead);
  }

  override async resumeDialog(
    dc: DialogContext,
    _reason: DialogReason,
    result?: unknown,
  ): Promise<DialogTurnResult> {
    const state = this.stateOf(dc);
    if (!state.asking && isAgentRequest(result)) return this.startAgent(dc);
    if (state.asking && typeof result === 'string') {
      state.asking = false;
      return this.startChoice(dc, result, []);
    }
    return this.askAgain(dc);
  }

  /** Shows the menu again after a flow, or after a choice that leads nowhere. */
  protected askAgain(dc: DialogContext): Promise<DialogTurnResult> {
    return this.ask(dc, 'common:anythingElse');
  }

  /** Starts the escalation flow when it is registered; otherwise tells how to reach the Centre. */
  protected startAgent(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.findDialog(ESCALATION)) return dc.beginDialog(ESCALATION, {} satisfies EscalationOptions);
    return dc.beginDialog(HOURS_CONTACT, { reason: 'agent' } satisfies HoursContactOptions);
  }

  private ask(dc: DialogContext, lead: string | undefined): Promise<DialogTurnResult> {
    this.stateOf(dc).asking = true;
    const prompt: MenuPromptOptions = { menu: this.menu, lead };
    return dc.beginDialog(MENU_PROMPT, prompt);
  }

  private stateOf(dc: DialogContext): MenuFlowState {
    const instance = dc.activeDialog!;
    instance.state ??= { asking: false } satisfies MenuFlowState;
    return instance.state as MenuFlowState;
  }
}
