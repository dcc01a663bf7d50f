import { WaterfallDialog, type WaterfallStepContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { agentLineOpen, transferToAgent } from './shared/callControl';
import { factsCard, rendersCards } from './shared/cards';
import { contactParts, scheduleText } from './shared/contactInfo';
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
    // On the phone line a caller asking for a person is put through; elsewhere they get the numbers to call.
    if (options.reason === 'agent' && voice && agentLineOpen(this.deps, this.deps.clock.now())) {
      return transferToAgent(step, this.deps);
    }
    const t = responder.translator(step.context);
    const parts = contactParts(t, centre, !voice);
    const lead = options.reason === 'agent' ? ['hours:agentIntro'] : [];
    if (rendersCards(step.context.activity.channelId)) {
      const fallback = responder.compose(step.context, [...lead, ...parts]).text ?? '';
      const paragraphs = [
        ...lead.map((key) => t(key)),
        t('hours:hoursLine', { schedule: scheduleText(t, centre) }),
        t('hours:identify', { key: centre.onlineServicesKey }),
      ];
      const facts = [
        ...centre.phones.map((p) => ({ title: t(`hours:region.${p.region}`), value: p.display })),
        { title: t('hours:card.email'), value: centre.email },
        { title: t('hours:card.mail'), value: centre.mailingAddress.join(', ') },
      ];
      await step.context.sendActivity({
        type: 'message',
        attachments: [factsCard(t('hours:card.title'), paragraphs, facts, fallback)],
      });
      return step.endDialog();
    }
    await responder.send(step.context, [...lead, ...parts]);
    return step.endDialog();
  }
}
