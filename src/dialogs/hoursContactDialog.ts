import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { agentLineOpen, transferToAgent } from './shared/callControl';
import { factsCard, rendersCards } from './shared/cards';
import { contactParts, scheduleText } from './shared/contactInfo';
import type { DialogDependencies } from './shared/dependencies';
import { TracedDialog } from './shared/tracedDialog';

/** Persisted dialog id. */
export const HOURS_CONTACT = 'hoursContact';

/** Why the contact information is given. */
export interface HoursContactOptions {
  /** The user asked for a person: say how to reach one first. */
  reason?: 'agent';
}

/** Main-menu option 2: the centre's hours, phone numbers by region, e-mail and mailing address. */
export class HoursContactDialog extends TracedDialog<HoursContactOptions> {
  constructor(deps: DialogDependencies) {
    super(HOURS_CONTACT, deps);
  }

  protected override async onBegin(
    dc: DialogContext,
    options: HoursContactOptions = {},
  ): Promise<DialogTurnResult> {
    const { responder, centre } = this.deps;
    const voice = responder.isVoice(dc.context);
    // On the phone line a caller asking for a person is put through; elsewhere they get the numbers to call.
    if (options.reason === 'agent' && voice && agentLineOpen(this.deps, this.deps.clock.now())) {
      return transferToAgent(dc, this.deps);
    }
    const t = responder.translator(dc.context);
    const parts = contactParts(t, centre, !voice);
    const lead = options.reason === 'agent' ? ['hours:agentIntro'] : [];
    if (rendersCards(dc.context.activity.channelId)) {
      const fallback = responder.compose(dc.context, [...lead, ...parts]).text ?? '';
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
      await dc.context.sendActivity({
        type: 'message',
        attachments: [factsCard(t('hours:card.title'), paragraphs, facts, fallback)],
      });
      return dc.endDialog();
    }
    await responder.send(dc.context, [...lead, ...parts]);
    return dc.endDialog();
  }
}
