import type { TurnContext } from 'botbuilder';
import {
  Dialog,
  DialogReason,
  WaterfallDialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
  type WaterfallStepContext,
} from '../shared/dialogLibrary';
import { waitOutcomeOf, type EscalationHub, type WaitOutcome } from '../../escalation/hub';
import { describeOpening, type BusinessHours } from '../../services/businessHours';
import type { PhoneRegion } from '../../services/centre';
import { callerNumber, regionForPhone, type CanadianPhone } from '../../services/escalation/phone';
import type { EscalationReason } from '../../services/escalation/types';
import { transferToAgent } from '../shared/callControl';
import { scheduleText } from '../shared/contactInfo';
import type { DialogDependencies } from '../shared/dependencies';
import { FlowDialog } from '../shared/flowDialog';
import { MAX_MISSES } from '../menuPrompt';
import type { Part } from '../shared/responder';
import { YES_NO_PROMPT, YesNoPrompt, type YesNoPromptOptions } from '../shared/yesNoPrompt';
import { CALLBACK, CallbackDialog, type CallbackOptions, type CallbackServices } from './callbackDialog';
import { FIELD_PROMPT, FieldPrompt, type FieldPromptOptions } from './fieldPrompt';
import type { FieldValues } from './fields';
import { commitReplies } from '../../replyHold';

/** Persisted dialog id (a FlowId). */
export const ESCALATION = 'escalation';
const STEPS = `${ESCALATION}.steps`;
const CLOSED = `${ESCALATION}.closed`;
const WAITING = `${ESCALATION}.waiting`;

/** Why the user is being handed to a person; inferred from the last turns when absent. */
export interface EscalationOptions {
  reason?: EscalationReason;
}

/** What the escalation flow needs besides the usual dependencies. */
export interface EscalationServices extends CallbackServices {
  hours: BusinessHours;
  hub: EscalationHub;
}

interface ClosedValues {
  phone?: CanadianPhone;
  /** When the Centre reopens, as said to the user (« lundi à 8 h 30 »). */
  when?: string;
}

/**
 * Holds the user's place while they wait for an agent. The escalation hub sees the user's messages first
 * (they are kept for the agent or relayed) and, when the wait is over, sets the outcome in turn state and
 * lets the dialogs run: this dialog then ends with it.
 */
class WaitingPrompt extends Dialog {
  constructor() {
    super(WAITING);
  }

  override async beginDialog(): Promise<DialogTurnResult> {
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    // Reached without an outcome only when the hub no longer knows the escalation: the wait is over.
    const outcome: WaitOutcome = waitOutcomeOf(dc.context) ?? 'ended';
    return dc.endDialog(outcome);
  }

  override async repromptDialog(_context: TurnContext, _instance: DialogInstance): Promise<void> {
    // Nothing to repeat: the hub answers every message while the user waits.
  }
}

/**
 * Main-menu 0 and « agent »: a person, when the Centre is open; otherwise its hours, next opening, the number
 * for the user's region, its e-mail address and a call-back request.
 * - Chat, during hours: queued with the context (see EscalationHub), position said, « annuler » to leave.
 * - Phone, during hours: announced, then transferred (`handoff.initiate` with the support line's number).
 * - Outside hours, on every channel: hours, next opening, number, e-mail, and an offer to be called back.
 * - Nobody in ESCALATION_WAIT_MINUTES: the user is offered a call-back.
 */
export class EscalationDialog extends FlowDialog<EscalationOptions> {
  protected override readonly privateNoticeKey = 'teams:channel.agentPrivate';

  constructor(
    deps: DialogDependencies,
    private readonly services: EscalationServices,
  ) {
    super('escalation', deps);
    this.addDialog(new WaitingPrompt());
    this.addDialog(new FieldPrompt(deps, services.reader));
    this.addDialog(new YesNoPrompt(deps));
    this.addDialog(new CallbackDialog(deps, services));
    this.addDialog(new WaterfallDialog(STEPS, [this.route.bind(this), this.afterWait.bind(this)]));
    this.addDialog(
      new WaterfallDialog(CLOSED, [
        this.tellClosed.bind(this),
        this.giveNumber.bind(this),
        this.afterOffer.bind(this),
        this.done.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  protected override async onEndDialog(
    context: TurnContext,
    instance: DialogInstance,
    reason: DialogReason,
  ): Promise<void> {
    // Cancelled from outside (a restart, « menu » typed before the hub saw it…): nobody must stay queued.
    if (reason === DialogReason.cancelCalled) await this.services.hub.leave(context);
    await super.onEndDialog(context, instance, reason);
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const open = this.services.hours.isOpen(this.deps.clock.now());
    if (!open) return step.beginDialog(CLOSED);
    if (this.deps.responder.isVoice(context)) return transferToAgent(step, this.deps);
    const options = (step.options ?? {}) as EscalationOptions;
    const { escalation, position, alreadyOpen } = await this.services.hub.open(context, options.reason);
    // The queue is joined whatever happens to this turn's state; if its save is lost, the link to the queue is
    // too, and sending « agent » again (as the refusal asks) finds the same request and links it back.
    commitReplies(context, { resendHelps: true });
    // The same request sent twice at once: the first turn says where the user stands, this one only that it
    // is the same request.
    await this.deps.responder.send(
      context,
      alreadyOpen
        ? [{ key: 'escalation:queue.already', vars: { id: escalation.id } }]
        : [
            { key: 'escalation:queue.joined', vars: { id: escalation.id } },
            { key: 'escalation:queue.position', vars: { position } },
            'escalation:queue.howTo',
          ],
    );
    return step.beginDialog(WAITING);
  }

  private async afterWait(step: WaterfallStepContext): Promise<DialogTurnResult> {
    switch (step.result as WaitOutcome | undefined) {
      case 'callback': {
        const options: CallbackOptions = {};
        return step.beginDialog(CALLBACK, options);
      }
      case 'noCallback':
        await this.deps.responder.send(step.context, ['escalation:timeout.declined']);
        return step.endDialog();
      default:
        return step.endDialog();
    }
  }

  private async tellClosed(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const { responder, centre, clock } = this.deps;
    const { hours } = this.services;
    const t = responder.translator(context);
    const now = clock.now();
    const status = hours.status(now);
    const when = describeOpening(t, hours, status.open ? hours.nextOpening(now) : status.nextOpening, now);
    (step.values as ClosedValues).when = when;
    const lead: Part[] = [];
    if (!status.open && status.closure?.kind === 'holiday') {
      lead.push({ key: 'escalation:closed.holiday', vars: { holiday: status.closure.name } });
    } else {
      lead.push('escalation:closed.notice');
    }
    lead.push(
      { key: 'escalation:closed.hours', vars: { schedule: scheduleText(t, centre) } },
      { key: 'escalation:closed.reopen', vars: { when } },
    );
    // The phone line knows the caller's number: their region follows without a question.
    const caller = responder.isVoice(context) ? callerNumber(context.activity.from?.id) : undefined;
    if (caller) {
      await responder.send(context, lead);
      const region: FieldValues['region'] = { region: regionForPhone(centre, caller), phone: caller };
      return step.next(region);
    }
    // Two misses and the user gets every region's number rather than the question a third time.
    const prompt: FieldPromptOptions = { kind: 'region', lead, maxMisses: MAX_MISSES };
    return step.beginDialog(FIELD_PROMPT, prompt);
  }

  private async giveNumber(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { responder, centre } = this.deps;
    const t = responder.translator(step.context);
    const answer = step.result as FieldValues['region'] | undefined;
    (step.values as ClosedValues).phone = answer?.phone;
    const parts: Part[] = answer
      ? [this.regionNumber(t, answer.region)]
      : [
          // The region was not understood twice: every region's number, so the user can still go on.
          'escalation:closed.allNumbers',
          {
            lines: centre.phones.map((p) => ({
              key: 'hours:phoneLine',
              vars: { region: t(`hours:region.${p.region}`), number: p.display },
            })),
          },
          { key: 'hours:identify', vars: { key: centre.onlineServicesKey } },
        ];
    parts.push({ key: 'escalation:closed.email', vars: { email: centre.email } });
    await responder.send(step.context, parts);
    const offer: YesNoPromptOptions = {
      prompt: ['escalation:callback.offer'],
      // Nobody can answer before the Centre reopens: never « écrivez agent », which would only start over.
      offer: [
        { key: 'escalation:callback.offerHelp', vars: { when: (step.values as ClosedValues).when ?? '' } },
      ],
    };
    return step.beginDialog(YES_NO_PROMPT, offer);
  }

  private regionNumber(t: (key: string) => string, region: PhoneRegion): Part {
    const { centre } = this.deps;
    const phone = centre.phones.find((p) => p.region === region) ?? centre.phones[centre.phones.length - 1];
    return {
      key: 'escalation:closed.number',
      vars: { region: t(`hours:region.${phone.region}`), number: phone.display },
    };
  }

  private async afterOffer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result !== true) {
      const when = (step.values as ClosedValues).when ?? '';
      await this.deps.responder.send(step.context, [{ key: 'escalation:callback.declined', vars: { when } }]);
      return step.endDialog();
    }
    const options: CallbackOptions = { knownPhone: (step.values as ClosedValues).phone };
    return step.beginDialog(CALLBACK, options);
  }

  private async done(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog();
  }
}
