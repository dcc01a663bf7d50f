import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from '../shared/dialogLibrary';
import type { TurnContext } from 'botbuilder';
import type { EscalationHub } from '../../escalation/hub';
import { describeOpening, isoDate, type BusinessHours } from '../../services/businessHours';
import type { EscalationStore } from '../../services/escalation/escalationStore';
import { callbackReference } from '../../services/escalation/ids';
import type { CanadianPhone } from '../../services/escalation/phone';
import type { CallbackRequest } from '../../services/escalation/types';
import { currentSession } from '../accounts/session';
import type { DialogDependencies } from '../shared/dependencies';
import type { Part } from '../shared/responder';
import { readBack } from '../shared/spell';
import { YES_NO_PROMPT, YesNoPrompt, type YesNoPromptOptions } from '../shared/yesNoPrompt';
import { phonesInline } from '../shared/contactInfo';
import { MAX_MISSES } from '../menuPrompt';
import { FIELD_PROMPT, FieldPrompt, type FieldPromptOptions } from './fieldPrompt';
import type { CallbackCorrection, FieldReader, FieldValues } from './fields';
import { commitReplies } from '../../replyHold';

/** Persisted dialog id. */
export const CALLBACK = 'escalation.callback';
const STEPS = `${CALLBACK}.steps`;
const REVIEW = `${CALLBACK}.review`;

/** How long a confirmation is remembered, so that the same « oui » sent twice saves one request. */
const CONFIRMATION_TTL_SECONDS = 24 * 3600;

/** How the call-back request starts. */
export interface CallbackOptions {
  /** A number already known (the caller's, or one the user gave for their region): offered, not asked. */
  knownPhone?: CanadianPhone;
  /** The escalation that timed out, when the request follows one. */
  escalationId?: string;
}

/** What the call-back dialog needs besides the usual dependencies. */
export interface CallbackServices {
  store: EscalationStore;
  hours: BusinessHours;
  hub: EscalationHub;
  reader: FieldReader;
}

interface CallbackValues {
  name?: string;
  phone?: CanadianPhone;
  bestTime?: FieldValues['bestTime'];
  reason?: FieldValues['reason'];
}

/** The read-back of a complete request: the answers so far, kept as JSON in dialog state. */
interface ReviewOptions {
  values: CallbackValues;
  callback?: CallbackOptions;
}

/** The review's own step values: which answer is being corrected. */
interface ReviewValues {
  correcting?: Exclude<CallbackCorrection, 'cancel'>;
}

/**
 * A call-back request: name, phone number (validated, Canadian), best time and reason, read back for
 * confirmation, then saved with a reference number and queued for the next business day (or at once during
 * hours). At the read-back, « non » asks what to change (or to cancel), then reads the request back again.
 * Works by chat, by voice and by keypad. Ends with the saved request, or undefined.
 */
export class CallbackDialog extends ComponentDialog<CallbackOptions> {
  constructor(
    private readonly deps: DialogDependencies,
    private readonly services: CallbackServices,
  ) {
    super(CALLBACK);
    this.addDialog(new FieldPrompt(deps, services.reader));
    this.addDialog(new YesNoPrompt(deps));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.askName.bind(this),
        this.askPhone.bind(this),
        this.checkPhone.bind(this),
        this.askBestTime.bind(this),
        this.askReason.bind(this),
        this.review.bind(this),
        this.finish.bind(this),
      ]),
    );
    this.addDialog(
      new WaterfallDialog(REVIEW, [
        this.confirm.bind(this),
        this.afterConfirm.bind(this),
        this.correct.bind(this),
        this.corrected.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  private values(step: WaterfallStepContext): CallbackValues {
    return step.values as CallbackValues;
  }

  private async askName(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const prompt: FieldPromptOptions = { kind: 'name', lead: ['escalation:callback.intro'] };
    return step.beginDialog(FIELD_PROMPT, prompt);
  }

  private async askPhone(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result === undefined) return this.giveUp(step);
    this.values(step).name = step.result as string;
    const known = (step.options as CallbackOptions | undefined)?.knownPhone;
    if (known) {
      const question: YesNoPromptOptions = {
        prompt: [{ key: 'escalation:callback.useKnownPhone', vars: { phone: known.display } }],
        offer: this.noAgentOffer(step.context),
      };
      return step.beginDialog(YES_NO_PROMPT, question);
    }
    return step.beginDialog(FIELD_PROMPT, { kind: 'phone' } satisfies FieldPromptOptions);
  }

  private async checkPhone(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const known = (step.options as CallbackOptions | undefined)?.knownPhone;
    if (step.result === true && known) return step.next(known);
    if (step.result === false)
      return step.beginDialog(FIELD_PROMPT, { kind: 'phone' } satisfies FieldPromptOptions);
    if (step.result === undefined) return this.giveUp(step);
    return step.next(step.result);
  }

  private async askBestTime(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result === undefined) return this.giveUp(step);
    this.values(step).phone = step.result as CanadianPhone;
    return step.beginDialog(FIELD_PROMPT, { kind: 'bestTime' } satisfies FieldPromptOptions);
  }

  private async askReason(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result === undefined) return this.giveUp(step);
    this.values(step).bestTime = step.result as FieldValues['bestTime'];
    return step.beginDialog(FIELD_PROMPT, { kind: 'reason' } satisfies FieldPromptOptions);
  }

  private async review(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result === undefined) return this.giveUp(step);
    const values = this.values(step);
    values.reason = step.result as FieldValues['reason'];
    const review: ReviewOptions = { values, callback: step.options as CallbackOptions | undefined };
    return step.beginDialog(REVIEW, review);
  }

  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog(step.result as CallbackRequest | undefined);
  }

  private reviewOptions(step: WaterfallStepContext): ReviewOptions {
    return step.options as ReviewOptions;
  }

  /** Reads the request back and asks whether it is right. */
  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { values } = this.reviewOptions(step);
    const t = this.deps.responder.translator(step.context);
    const phone = values.phone as CanadianPhone;
    const question: YesNoPromptOptions = {
      prompt: [
        'escalation:callback.summary',
        {
          lines: [
            { key: 'escalation:callback.summaryName', vars: { name: values.name ?? '' } },
            {
              key: phone.extension
                ? 'escalation:callback.summaryPhoneExtension'
                : 'escalation:callback.summaryPhone',
              vars: { phone: phone.display, extension: phone.extension ?? '' },
            },
            {
              key: 'escalation:callback.summaryBestTime',
              vars: { bestTime: this.describe(t, values.bestTime) },
            },
            { key: 'escalation:callback.summaryReason', vars: { reason: this.describe(t, values.reason) } },
          ],
        },
        'escalation:callback.isThatRight',
      ],
      offer: this.noAgentOffer(step.context),
    };
    return step.beginDialog(YES_NO_PROMPT, question);
  }

  /** « oui » saves; « non » asks what to change; no answer understood gives up with the numbers. */
  private async afterConfirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result === true) return this.save(step);
    if (step.result === undefined) return this.giveUp(step);
    const which: FieldPromptOptions = { kind: 'correction', maxMisses: MAX_MISSES };
    return step.beginDialog(FIELD_PROMPT, which);
  }

  private async correct(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const choice = step.result as CallbackCorrection | undefined;
    // Every detail is already there: what to change not understood twice, the request is read back as it is.
    if (choice === undefined) return step.replaceDialog(REVIEW, this.reviewOptions(step));
    if (choice === 'cancel') {
      await this.deps.responder.send(step.context, ['escalation:callback.notSaved']);
      return step.endDialog(undefined);
    }
    (step.values as ReviewValues).correcting = choice;
    return step.beginDialog(FIELD_PROMPT, { kind: choice } satisfies FieldPromptOptions);
  }

  /** The corrected answer replaces the old one, and the whole request is read back again. */
  private async corrected(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // A correction that could not be taken leaves the earlier answer: read back, to be kept, changed or cancelled.
    if (step.result === undefined) return step.replaceDialog(REVIEW, this.reviewOptions(step));
    const { values, callback } = this.reviewOptions(step);
    const field = (step.values as ReviewValues).correcting;
    const updated: CallbackValues = { ...values };
    if (field === 'name') updated.name = step.result as string;
    else if (field === 'phone') updated.phone = step.result as CanadianPhone;
    else if (field === 'bestTime') updated.bestTime = step.result as FieldValues['bestTime'];
    else if (field === 'reason') updated.reason = step.result as FieldValues['reason'];
    const review: ReviewOptions = { values: updated, callback };
    return step.replaceDialog(REVIEW, review);
  }

  /**
   * What a yes/no question of this request offers after answers not understood: no agent can come (the
   * Centre is closed, or nobody took the request in time), so the Centre's numbers, not « écrivez agent ».
   */
  private noAgentOffer(context: TurnContext): Part[] {
    const t = this.deps.responder.translator(context);
    return [
      { key: 'escalation:callback.notUnderstoodHelp', vars: { phones: phonesInline(t, this.deps.centre) } },
    ];
  }

  private describe(
    t: (key: string) => string,
    value: FieldValues['bestTime'] | FieldValues['reason'] | undefined,
  ): string {
    if (!value) return '';
    if ('slot' in value) return t(`escalation:slot.${value.slot}`);
    if ('topic' in value) return t(`escalation:topic.${value.topic}`);
    return value.text;
  }

  private async save(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { values, callback } = this.reviewOptions(step);
    const { request } = await this.store(step.context, values, callback, this.confirmationKey(step));
    commitReplies(step.context);
    const { hours } = this.services;
    const now = this.deps.clock.now();
    const t = this.deps.responder.translator(step.context);
    // On the phone the reference is dictated, character by character, as the caller will have to repeat it.
    const reference = { reference: request.reference, spokenReference: readBack(t, request.reference) };
    const parts: Part[] = hours.isOpen(now)
      ? [{ key: 'escalation:callback.savedToday', vars: reference }]
      : [
          {
            key: 'escalation:callback.saved',
            vars: { ...reference, when: describeOpening(t, hours, new Date(request.dueAt), now) },
          },
        ];
    await this.deps.responder.send(step.context, parts);
    // Saved by this turn or found saved (the same « oui » again): the hub tells agents once either way.
    await this.services.hub.callbackLeft(request);
    return step.endDialog(request);
  }

  private async store(
    context: TurnContext,
    values: CallbackValues,
    options: CallbackOptions | undefined,
    confirmation: string,
  ): Promise<{ request: CallbackRequest; saved: boolean }> {
    const { store, hours } = this.services;
    const now = this.deps.clock.now();
    const sequence = await store.nextCallbackNumber(isoDate(hours.localDate(now)));
    const phone = values.phone as CanadianPhone;
    const session = await currentSession(context, this.deps);
    const request: CallbackRequest = {
      reference: callbackReference(isoDate(hours.localDate(now)), sequence),
      name: values.name ?? '',
      phone: phone.e164,
      bestTime: values.bestTime ?? { slot: 'anytime' },
      reason: values.reason ?? { topic: 'other' },
      language: this.deps.responder.language(context),
      channel: context.activity.channelId,
      createdAt: now.toISOString(),
      dueAt: hours.callbackDue(now).toISOString(),
      status: 'pending',
    };
    if (phone.extension) request.extension = phone.extension;
    if (session) request.userName = session.userName;
    if (options?.escalationId) request.escalationId = options.escalationId;
    const kept = await store.saveCallbackOnce(request, confirmation, CONFIRMATION_TTL_SECONDS);
    if (kept.saved) {
      this.deps.logger.info(
        {
          event: 'escalation',
          action: 'callbackLeft',
          reference: request.reference,
          channel: request.channel,
        },
        'escalation',
      );
    }
    return kept;
  }

  /**
   * The same for every turn that answers this read-back: the conversation and the waterfall's instance id
   * (botbuilder's, kept in its persisted values), so that « oui » sent twice at once saves one request.
   */
  private confirmationKey(step: WaterfallStepContext): string {
    const { activity } = step.context;
    const instance = (step.values as { instanceId?: unknown }).instanceId;
    return `${activity.channelId}|${activity.conversation?.id}|${typeof instance === 'string' ? instance : activity.id}`;
  }

  private async giveUp(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const phones = phonesInline(this.deps.responder.translator(step.context), this.deps.centre);
    await this.deps.responder.send(step.context, [{ key: 'escalation:callback.gaveUp', vars: { phones } }]);
    return step.endDialog(undefined);
  }
}
