import type { Activity, TurnContext } from 'botbuilder';
import type { DialogContext, DialogTurnResult } from './shared/dialogLibrary';
import { agentLineOpen, transferToAgent } from './shared/callControl';
import { factsCard } from './shared/cards';
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
    const { responder } = this.deps;
    const voice = responder.isVoice(dc.context);
    // On the phone line a caller asking for a person is put through; elsewhere they get the numbers to call.
    if (options.reason === 'agent' && voice && agentLineOpen(this.deps, this.deps.clock.now())) {
      return transferToAgent(dc, this.deps);
    }
    // The same for every user of a language and kind of channel, and asked for often: built once.
    await responder.sendConstant(dc.context, `hours|${options.reason ?? ''}`, () =>
      this.replies(dc.context, options),
    );
    return dc.endDialog();
  }

  private replies(context: TurnContext, options: HoursContactOptions): Array<Partial<Activity>> {
    const { responder, centre } = this.deps;
    const t = responder.translator(context);
    const parts = contactParts(t, centre, !responder.isVoice(context));
    const lead = options.reason === 'agent' ? ['hours:agentIntro'] : [];
    if (responder.channelKind(context) !== 'card') return responder.replies(context, [...lead, ...parts]);
    const fallback = responder.compose(context, [...lead, ...parts]).text ?? '';
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
    return [
      { type: 'message', attachments: [factsCard(t('hours:card.title'), paragraphs, facts, fallback)] },
    ];
  }
}
