import { WaterfallDialog, type WaterfallStepContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { contactParts } from './shared/contactInfo';
import type { DialogDependencies } from './shared/dependencies';
import { FlowDialog } from './shared/flowDialog';

/** Persisted dialog id. */
export const HOURS_CONTACT = 'hoursContact';

/** Why the contact information is given. */
export interface HoursContactOptions {
  /** The user asked for a person: say how to reach one first. */
  reason?: 'agent';
}

/** Main-menu option 2: the centre's hours, phone numbers by region, e-mail and mailing address. */
export class HoursContactDialog extends FlowDialog<HoursContactOptions> {
  constructor(deps: DialogDependencies) {
    super('hoursContact', deps);
    this.addDialog(new WaterfallDialog(`${HOURS_CONTACT}.steps`, [this.tell.bind(this)]));
  }

  private async tell(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { responder, centre } = this.deps;
    const options = (step.options ?? {}) as HoursContactOptions;
    const voice = responder.isVoice(step.context);
    const parts = contactParts(responder.translator(step.context), centre, !voice);
    await responder.send(step.context, options.reason === 'agent' ? ['hours:agentIntro', ...parts] : parts);
    return step.endDialog();
  }
}
