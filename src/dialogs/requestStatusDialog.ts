import type { TurnContext } from 'botbuilder';
import {
  type Dialog,
  type DialogTurnResult,
  WaterfallDialog,
  type WaterfallStepContext,
} from './shared/dialogLibrary';
import type { MedicationMatcher } from '../nlu/medicationMatcher';
import { findTypedNam, type Nam, redactNams, validateNam } from '../nlu/nam';
import { redactLine } from '../services/escalation/redaction';
import { recordedUserWords } from '../escalation/transcriptRecorder';
import { normalizeText } from '../nlu/normalize';
import type { ConsultationAudit } from '../services/requestStatus/audit';
import { medicationFilter, medicationLabel } from '../services/requestStatus/medicationCatalogue';
import type { Sealer } from '../services/requestStatus/sealer';
import type { SessionGate } from '../services/requestStatus/session';
import {
  type AuthorizationRequest,
  authorizationRequestSchema,
  RequestServiceError,
  type RequestFilter,
  type RequestStatusService,
} from '../services/requestStatus/types';
import { AnswerPrompt, type AnswerPromptOptions, REQUEST_ANSWER } from './requestStatus/answerPrompt';
import {
  AGENT_CHOICE,
  type ChoicePromptOptions,
  type ChoiceSpec,
  REQUEST_CHOICE,
  RequestChoicePrompt,
} from './requestStatus/choicePrompt';
import {
  NAM_PROMPT,
  NamPrompt,
  type NamPromptOptions,
  type NamPromptResult,
  sealBinding,
} from './requestStatus/namPrompt';
import { type ReportContext, requestCard, requestSpoken, requestText } from './requestStatus/report';
import { phonesInline, scheduleText } from './shared/contactInfo';
import type { DialogDependencies } from './shared/dependencies';
import { AGENT_REQUESTED, FlowDialog } from './shared/flowDialog';
import type { Part } from './shared/responder';

/** Persisted dialog id (also the flow id the online-services menu looks for). */
export const REQUEST_STATUS = 'requestStatus';
const STEPS = `${REQUEST_STATUS}.steps`;
const MEDICATION = `${REQUEST_STATUS}.medication`;
const AFTER = `${REQUEST_STATUS}.after`;

/**
 * The NAM's last four characters for a message: as written for screens, and one digit at a time for the
 * `_voice` variants (« 3 1 0 1 », not « trois mille cent un »).
 */
function lastFourVars(nam: Nam): { lastFour: string; lastFourSpoken: string } {
  return { lastFour: nam.lastFour, lastFourSpoken: nam.lastFour.split('').join(' ') };
}

/** What to look up for the NAM: a catalogue medication, a DIN, the exceptional-patient measure, or all. */
export type Target =
  | { kind: 'all' }
  | { kind: 'exceptionalPatient' }
  | { kind: 'medication'; id: string }
  | { kind: 'din'; din: string };

/** How the flow (re)starts. Only sealed tokens and catalogue ids: nothing personal in clear. */
export interface RequestStatusOptions {
  /** A sealed NAM kept from the previous consultation ("another medication", "réessayer"). */
  sealedNam?: string;
  /** Already chosen ("réessayer", "all requests"). */
  target?: Target;
  /** How to ask for the NAM. */
  namQuestion?: NamPromptOptions['question'];
}

/** What the steps remember between turns: sealed tokens and catalogue ids only. */
interface StepValues {
  /** The flow was opened by free text naming it ("où en est ma demande..."). */
  routed?: boolean;
  prefilledNam?: string;
  prefilledTarget?: Target;
  namKnown?: boolean;
  sealedNam?: string;
  target?: Target;
  /** Voice: requests not read yet, sealed. */
  pending?: string;
}

/** What the follow-up menu decided. */
type FollowUp = 'otherMedication' | 'otherNam' | 'listAll' | 'retry' | 'menu' | typeof AGENT_CHOICE;

/** How the follow-up menu starts. */
interface AfterOptions {
  outcome: 'report' | 'empty' | 'unavailable';
  targetKind: Target['kind'];
  /** Voice: the requests not yet read, sealed. */
  pending?: string;
  /** Voice: read the first pending request before the menu. */
  readNext?: boolean;
  /** Voice: how many requests were already read. */
  read?: number;
}

/** The services the flow uses, built in src/index.ts. */
export interface RequestStatusServices {
  service: RequestStatusService;
  matcher: MedicationMatcher;
  sealer: Sealer;
  session: SessionGate;
  audit: ConsultationAudit;
  /** The accounts feature's sign-in dialog, begun when the user is not authenticated. */
  authenticateDialog?: Dialog;
}

/**
 * Online-services option 2, « Consulter les demandes par personne assurée »: after sign-in, asks for the
 * insured person's NAM and a medication (or the exceptional-patient measure, or all), then reports every
 * matching authorization request, most recent first, whatever its mode of transmission. When the request
 * service is down it keeps the user's place so that « réessayer » repeats the same consultation.
 */
export class RequestStatusDialog extends FlowDialog<RequestStatusOptions> {
  constructor(
    deps: DialogDependencies,
    private readonly services: RequestStatusServices,
  ) {
    super('requestStatus', deps);
    if (services.authenticateDialog) this.addDialog(services.authenticateDialog);
    this.addDialog(new RequestChoicePrompt(deps));
    this.addDialog(new AnswerPrompt(deps));
    this.addDialog(new NamPrompt(deps, services.sealer));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.checkAuthentication.bind(this),
        this.afterAuthentication.bind(this),
        this.askNam.bind(this),
        this.confirmNam.bind(this),
        this.afterNamConfirmation.bind(this),
        this.askMedication.bind(this),
        this.consult.bind(this),
        this.followUp.bind(this),
      ]),
    );
    this.addDialog(
      new WaterfallDialog(MEDICATION, [
        this.askMedicationName.bind(this),
        this.interpretMedication.bind(this),
        this.resolveMedicationChoice.bind(this),
      ]),
    );
    this.addDialog(new WaterfallDialog(AFTER, [this.offerNext.bind(this), this.handleNext.bind(this)]));
    this.initialDialogId = STEPS;
  }

  // ---- Main steps -------------------------------------------------------------------------------------

  private async checkAuthentication(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = this.options(step);
    if (!options.sealedNam && !options.target) this.readOpeningMessage(step);
    const { session, authenticateDialog } = this.services;
    if (await session.isAuthenticated(step.context)) return step.next();
    if (!authenticateDialog) {
      const t = this.deps.responder.translator(step.context);
      await this.say(step.context, [
        { key: 'requests:auth.unavailable', vars: { phones: phonesInline(t, this.deps.centre) } },
      ]);
      return step.endDialog();
    }
    // The sign-in flow introduces itself; it comes back here with the user authenticated or not.
    return step.beginDialog(authenticateDialog.id, { purpose: 'requestStatus' });
  }

  private async afterAuthentication(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (await this.services.session.isAuthenticated(step.context)) return step.next();
    await this.say(step.context, ['requests:auth.notAuthenticated']);
    return step.endDialog();
  }

  private async askNam(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = this.options(step);
    const known = options.sealedNam ?? this.values(step).prefilledNam;
    if (known && this.openNam(step.context, known)) {
      const result: NamPromptResult = { sealed: known };
      this.values(step).namKnown = options.sealedNam !== undefined;
      return step.next(result);
    }
    if (known) await this.say(step.context, ['requests:nam.expired']);
    const prompt: NamPromptOptions = {
      question: options.namQuestion ?? (this.values(step).routed ? 'askWithContext' : 'ask'),
    };
    return step.beginDialog(NAM_PROMPT, prompt);
  }

  private async confirmNam(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.result as NamPromptResult | undefined;
    if (!result || !('sealed' in result)) return step.endDialog();
    this.values(step).sealedNam = result.sealed;
    if (this.values(step).namKnown) return step.next('yes');
    const nam = this.openNam(step.context, result.sealed);
    if (!nam) return step.replaceDialog(STEPS, { namQuestion: 'ask' } satisfies RequestStatusOptions);
    const vars = lastFourVars(nam);
    if (this.deps.responder.isVoice(step.context)) {
      const prompt: ChoicePromptOptions = {
        prompt: { key: 'requests:nam.confirm', vars },
        choices: [
          { id: 'yes', key: '1' },
          { id: 'no', key: '2' },
        ],
      };
      return step.beginDialog(REQUEST_CHOICE, prompt);
    }
    await this.say(step.context, [{ key: 'requests:nam.received', vars }]);
    return step.next('yes');
  }

  private async afterNamConfirmation(step: WaterfallStepContext): Promise<DialogTurnResult> {
    switch (step.result as string) {
      case 'no': {
        await this.say(step.context, ['requests:nam.retry']);
        const restart: RequestStatusOptions = { target: this.options(step).target, namQuestion: 'askAgain' };
        return step.replaceDialog(STEPS, restart);
      }
      case AGENT_CHOICE:
        return this.handToAgent(step);
      default:
        return step.next();
    }
  }

  private async askMedication(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const target = this.options(step).target ?? this.values(step).prefilledTarget;
    if (target) return step.next(target);
    return step.beginDialog(MEDICATION);
  }

  private async consult(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const target = step.result as Target | typeof AGENT_CHOICE | undefined;
    if (target === AGENT_CHOICE) return this.handToAgent(step);
    if (!target) return step.endDialog();
    this.values(step).target = target;
    const { context } = step;
    // The session may have ended while the user was answering: nothing is shown without a new sign-in, and
    // the NAM typed under the old one is not carried over to whoever signs in now.
    if (!(await this.services.session.isAuthenticated(context))) {
      await this.say(context, ['requests:auth.sessionExpired']);
      return step.replaceDialog(STEPS, { target } satisfies RequestStatusOptions);
    }
    const nam = this.openNam(context, this.values(step).sealedNam);
    if (!nam) {
      await this.say(context, ['requests:nam.expired']);
      return step.replaceDialog(STEPS, { target, namQuestion: 'ask' } satisfies RequestStatusOptions);
    }
    let requests: AuthorizationRequest[];
    try {
      requests = await this.services.service.findRequests(nam, this.filterFor(target));
    } catch (error) {
      this.deps.logger.warn(
        {
          event: 'requestStatus',
          failure: error instanceof RequestServiceError ? error.failure : 'unexpected',
          // A foreign error could quote its input: mask anything NAM-like before it reaches the log.
          message: redactNams(String((error as Error)?.message ?? error)),
        },
        'request status consultation failed',
      );
      await this.audit(context, nam, target, 'unavailable', 0);
      await this.sayUnavailable(context);
      const after: AfterOptions = { outcome: 'unavailable', targetKind: target.kind };
      return step.beginDialog(AFTER, after);
    }
    await this.audit(context, nam, target, requests.length ? 'found' : 'none', requests.length);
    const after: AfterOptions = {
      outcome: requests.length ? 'report' : 'empty',
      targetKind: target.kind,
    };
    if (requests.length === 0) {
      await this.sayNone(context, nam, target);
    } else if (this.deps.responder.isVoice(context)) {
      await this.say(context, [
        {
          key: requests.length === 1 ? 'requests:voice.summaryOne' : 'requests:voice.summaryMany',
          vars: { count: requests.length, scope: this.scope(context, target, true) },
        },
      ]);
      after.pending = this.services.sealer.seal(requests, sealBinding(context));
      after.readNext = true;
    } else {
      await this.showCards(context, nam, target, requests);
    }
    return step.beginDialog(AFTER, after);
  }

  private async followUp(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const sealedNam = this.values(step).sealedNam;
    const target = this.values(step).target;
    switch (step.result as FollowUp | undefined) {
      case 'otherMedication':
        return step.replaceDialog(STEPS, { sealedNam } satisfies RequestStatusOptions);
      case 'otherNam':
        return step.replaceDialog(STEPS, { namQuestion: 'ask' } satisfies RequestStatusOptions);
      case 'listAll':
        return step.replaceDialog(STEPS, {
          sealedNam,
          target: { kind: 'all' },
        } satisfies RequestStatusOptions);
      case 'retry':
        return step.replaceDialog(STEPS, { sealedNam, target } satisfies RequestStatusOptions);
      case AGENT_CHOICE:
        return this.handToAgent(step);
      default:
        return step.endDialog();
    }
  }

  // ---- Medication steps -------------------------------------------------------------------------------

  private async askMedicationName(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const prompt: AnswerPromptOptions = { question: 'requests:medication.ask' };
    return step.beginDialog(REQUEST_ANSWER, prompt);
  }

  private async interpretMedication(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const answer = String(step.result ?? '');
    const match = this.services.matcher.match(answer);
    switch (match.kind) {
      case 'medication':
        return step.endDialog({ kind: 'medication', id: match.medication.id } satisfies Target);
      case 'all':
      case 'exceptionalPatient':
        return step.endDialog({ kind: match.kind } satisfies Target);
      case 'din':
        return step.endDialog({ kind: 'din', din: match.din } satisfies Target);
      case 'ambiguous': {
        const language = this.deps.responder.language(step.context);
        const choices: ChoiceSpec[] = match.candidates.map((m, i) => ({
          id: m.id,
          key: String(i + 1),
          label: { key: 'requests:medication.candidate', vars: { name: medicationLabel(m, language) } },
          words: [m.generic.fr, m.generic.en, ...m.brands],
        }));
        choices.push({ id: 'noneOfThese', key: '9' });
        const prompt: ChoicePromptOptions = { prompt: 'requests:medication.ambiguous', choices };
        return step.beginDialog(REQUEST_CHOICE, prompt);
      }
      case 'none': {
        // Echo what was not found, masked and cut: the user may have typed anything, even a NAM or a password
        // (redactLine hides both), or markdown (escaped on screens by `echo`). A NAM in words too (« bé o u emme
        // cinq cinq… »): the NAM question reads it as one, on the phone and in chat alike. Typed or said in this
        // message (not keyed over several), as the transcript reads it: a secret typed earlier is masked too.
        const typed = answer === (step.context.activity.text ?? '').trim();
        const recorded = typed ? recordedUserWords(step.context) : undefined;
        const shown = (recorded ?? redactLine(answer, { spoken: true })).slice(0, 60);
        const prompt: ChoicePromptOptions = {
          lead: [{ key: 'requests:medication.none', echo: { answer: shown } }],
          prompt: 'requests:medication.noneWhat',
          choices: [
            { id: 'listAll', key: '1' },
            { id: 'retype', key: '2' },
          ],
        };
        return step.beginDialog(REQUEST_CHOICE, prompt);
      }
    }
  }

  private async resolveMedicationChoice(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const choice = step.result as string;
    switch (choice) {
      case 'listAll':
        return step.endDialog({ kind: 'all' } satisfies Target);
      case 'retype':
      case 'noneOfThese':
        return step.replaceDialog(MEDICATION);
      case AGENT_CHOICE:
        return step.endDialog(AGENT_CHOICE);
      default:
        return step.endDialog({ kind: 'medication', id: choice } satisfies Target);
    }
  }

  // ---- Follow-up steps --------------------------------------------------------------------------------

  private async offerNext(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as AfterOptions;
    const { context } = step;
    let remaining = 0;
    if (options.readNext && options.pending) {
      const pending = this.openRequests(context, options.pending);
      if (pending.length > 0) {
        remaining = pending.length - 1;
        await this.sayRequest(context, pending[0], options.read ?? 0, remaining);
        this.values(step).pending =
          remaining > 0 ? this.services.sealer.seal(pending.slice(1), sealBinding(context)) : undefined;
      }
    }
    const choices: ChoiceSpec[] = [];
    if (options.outcome === 'unavailable') {
      choices.push({ id: 'retry', key: '1' }, { id: 'menu', key: '9' });
    } else {
      if (remaining > 0) choices.push({ id: 'next', key: '1' });
      choices.push({ id: 'otherMedication', key: '2' }, { id: 'otherNam', key: '3' });
      if (options.targetKind !== 'all') choices.push({ id: 'listAll', key: '4' });
      choices.push({ id: 'menu', key: '9' });
    }
    const prompt: ChoicePromptOptions = { prompt: 'requests:next.prompt', choices };
    return step.beginDialog(REQUEST_CHOICE, prompt);
  }

  private async handleNext(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as AfterOptions;
    if (step.result === 'next') {
      const next: AfterOptions = {
        ...options,
        pending: this.values(step).pending,
        readNext: true,
        read: (options.read ?? 0) + 1,
      };
      return step.replaceDialog(AFTER, next);
    }
    return step.endDialog(step.result);
  }

  // ---- Helpers ----------------------------------------------------------------------------------------

  private values(step: WaterfallStepContext): StepValues {
    return step.values as StepValues;
  }

  private options(step: WaterfallStepContext): RequestStatusOptions {
    return (step.options ?? {}) as RequestStatusOptions;
  }

  /**
   * The message that opened the flow may already name a medication or contain a typed NAM ("où en est ma
   * demande pour Humira"): keep them (the NAM sealed) so the user is not asked again.
   */
  private readOpeningMessage(step: WaterfallStepContext): void {
    const text = step.context.activity.type === 'message' ? (step.context.activity.text ?? '') : '';
    const normalized = normalizeText(text);
    if (!/[a-z]/.test(normalized)) return;
    this.values(step).routed = this.deps.lexicon.routingIntent(normalized) === 'requestStatus';
    const nam = findTypedNam(text);
    if (nam)
      this.values(step).prefilledNam = this.services.sealer.seal(nam.reveal(), sealBinding(step.context));
    const withoutNam = redactNams(text);
    const match = this.services.matcher.match(withoutNam);
    if (match.kind === 'medication')
      this.values(step).prefilledTarget = { kind: 'medication', id: match.medication.id };
    else if (match.kind === 'exceptionalPatient')
      this.values(step).prefilledTarget = { kind: 'exceptionalPatient' };
    else if (match.kind === 'din') this.values(step).prefilledTarget = { kind: 'din', din: match.din };
  }

  private openNam(context: TurnContext, token: string | undefined): Nam | undefined {
    const value = this.services.sealer.open(token, sealBinding(context));
    if (typeof value !== 'string') return undefined;
    const result = validateNam(value.slice(0, 4), value.slice(4));
    return result.ok ? result.nam : undefined;
  }

  private openRequests(context: TurnContext, token: string): AuthorizationRequest[] {
    const value = this.services.sealer.open(token, sealBinding(context));
    const parsed = authorizationRequestSchema.array().safeParse(value);
    return parsed.success ? parsed.data : [];
  }

  private filterFor(target: Target): RequestFilter {
    if (target.kind !== 'medication') return target;
    const medication = this.services.matcher.byId(target.id);
    return medication
      ? medicationFilter(medication)
      : { kind: 'medication', id: target.id, dins: [], names: [] };
  }

  /**
   * " pour adalimumab (Humira)", " pour le DIN 02343541" (on voice « 0 2 3 4 3 5 4 1 »), or nothing for all
   * requests.
   */
  private scope(context: TurnContext, target: Target, voice = false): string {
    const t = this.deps.responder.translator(context);
    switch (target.kind) {
      case 'all':
        return '';
      case 'exceptionalPatient':
        return t('requests:scope.exceptionalPatient');
      case 'din':
        return voice
          ? t('requests:scope.din', { dinSpoken: target.din.split('').join(' '), context: 'voice' })
          : t('requests:scope.din', { din: target.din });
      case 'medication': {
        const medication = this.services.matcher.byId(target.id);
        const label = medication
          ? medicationLabel(medication, this.deps.responder.language(context))
          : target.id;
        return t('requests:scope.medication', { medication: label });
      }
    }
  }

  private reportContext(context: TurnContext): ReportContext {
    const { responder } = this.deps;
    return {
      messages: responder.messages,
      language: responder.language(context),
      matcher: this.services.matcher,
    };
  }

  /**
   * Chat: an introduction, then one message per request: its Adaptive Card, and its full text where cards are
   * not shown.
   */
  private async showCards(
    context: TurnContext,
    nam: Nam,
    target: Target,
    requests: AuthorizationRequest[],
  ): Promise<void> {
    const vars = { count: requests.length, scope: this.scope(context, target), ...lastFourVars(nam) };
    await this.say(context, [
      { key: requests.length === 1 ? 'requests:report.introOne' : 'requests:report.introMany', vars },
      'requests:report.historyNote',
    ]);
    const ctx = this.reportContext(context);
    // Teams and Web Chat show a message's text above its card: the card alone there, or each request reads twice.
    const cardOnly = this.deps.responder.channelKind(context) === 'card';
    for (const [i, request] of requests.entries()) {
      await context.sendActivity({
        type: 'message',
        text: cardOnly ? undefined : requestText(ctx, request, i + 1),
        attachments: [requestCard(ctx, request, i + 1)],
      });
    }
  }

  /** Voice: one request in a sentence or two; "next request" before all but the first, "last" after the last. */
  private async sayRequest(
    context: TurnContext,
    request: AuthorizationRequest,
    alreadyRead: number,
    remaining: number,
  ): Promise<void> {
    const t = this.deps.responder.translator(context);
    const sentences = [requestSpoken(this.reportContext(context), request)];
    if (alreadyRead > 0) sentences.unshift(t('requests:voice.itemNext'));
    if (alreadyRead > 0 && remaining === 0) sentences.push(t('requests:voice.last'));
    const spoken = sentences.join(' ');
    await context.sendActivity({
      type: 'message',
      text: spoken,
      speak: this.deps.responder.ssml(context, spoken),
    });
  }

  private async sayNone(context: TurnContext, nam: Nam, target: Target): Promise<void> {
    const key = target.kind === 'all' ? 'requests:report.noneAtAll' : 'requests:report.none';
    await this.say(context, [
      {
        key,
        vars: {
          scope: this.scope(context, target),
          scopeSpoken: this.scope(context, target, true),
          ...lastFourVars(nam),
        },
      },
      'requests:report.howToSubmit',
    ]);
  }

  private async sayUnavailable(context: TurnContext): Promise<void> {
    const t = this.deps.responder.translator(context);
    const vars = { schedule: scheduleText(t, this.deps.centre), phones: phonesInline(t, this.deps.centre) };
    await this.say(context, ['requests:unavailable.message', { key: 'requests:unavailable.contact', vars }]);
  }

  /** « 0 » in one of the flow's menus: the online-services menu starts the escalation, as its own « 0 » does. */
  private async handToAgent(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog(AGENT_REQUESTED);
  }

  private async audit(
    context: TurnContext,
    nam: Nam,
    target: Target,
    outcome: 'found' | 'none' | 'unavailable',
    count: number,
  ): Promise<void> {
    const medication =
      target.kind === 'medication' ? target.id : target.kind === 'din' ? `din:${target.din}` : target.kind;
    try {
      await this.services.audit.record({
        time: this.deps.clock.now().toISOString(),
        userName: (await this.services.session.userName(context)) ?? '-',
        channel: context.activity.channelId,
        maskedNam: nam.masked(),
        medication,
        outcome,
        count,
      });
    } catch (error) {
      // An audit store that fails must not hide the answer from the user; it is reported to operations.
      this.deps.logger.error({ event: 'audit', err: (error as Error)?.name }, 'audit record failed');
    }
  }

  private async say(context: TurnContext, parts: Part[]): Promise<void> {
    await this.deps.responder.send(context, parts);
  }
}
