import { DeliveryModes, InputHints, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
} from '../shared/dialogLibrary';
import { sendImmediately } from '../../replyHold';
import type { DialogDependencies } from '../shared/dependencies';
import type { Part } from '../shared/responder';
import {
  passwordCard,
  isOtherPasswordCard,
  readPasswordSubmission,
  receivedCard,
  type PasswordCardKind,
  type PasswordSubmission,
} from './passwordCards';

/** Dialog id, persisted. */
export const PASSWORD_CARD_PROMPT = 'accounts.passwordCard';

/** A channel that takes longer than this to replace a card is not waited for. */
const CARD_UPDATE_TIMEOUT_MS = 3000;

/** How to ask for a password. */
export interface PasswordCardPromptOptions {
  kind: PasswordCardKind;
  /** Said before the card (e.g. why the previous password was refused). */
  lead?: Part[];
}

/** Persisted: the card's activity id so it can be replaced; never the password. */
interface PasswordCardState {
  kind: PasswordCardKind;
  cardActivityId?: string;
  /** Submissions without a password so far: every second one also says how to reach a person. */
  empties?: number;
}

/**
 * Asks for a password in an Adaptive Card with masked input and returns what was submitted, or the text if
 * the user typed it in the message box instead (with a warning). Right after submission the card is
 * replaced by one without input, so no value stays on screen. The password is returned to the calling
 * step only: it is never kept in dialog state.
 */
export class PasswordCardPrompt extends Dialog<PasswordCardPromptOptions> {
  constructor(private readonly deps: DialogDependencies) {
    super(PASSWORD_CARD_PROMPT);
  }

  override async beginDialog(
    dc: DialogContext,
    options?: PasswordCardPromptOptions,
  ): Promise<DialogTurnResult> {
    if (!options?.kind) throw new TypeError('PasswordCardPrompt needs a kind');
    const state: PasswordCardState = { kind: options.kind };
    dc.activeDialog!.state = state;
    await this.showCard(dc.context, state, options.lead ?? []);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as PasswordCardState;
    let submission: PasswordSubmission | undefined = readPasswordSubmission(activity.value, state.kind);
    // Only spaces or line breaks are no password (none can be, under the policy): « rien reçu », not a try.
    const typed = !submission && (activity.text ?? '').trim().length > 0;
    if (typed && state.kind === 'new') {
      // A new password is set only from the card's masked fields, typed twice: never from one visible line.
      await this.showAgain(dc.context, state, ['accounts:card.typedInClear', 'accounts:card.typedNotSaved']);
      return Dialog.EndOfTurn;
    }
    if (typed) submission = { password: activity.text ?? '' };
    if (!submission && isOtherPasswordCard(activity.value, state.kind)) {
      // The sign-in card sent again while the new password is asked: an old form, not an empty answer.
      await this.showCard(dc.context, state, ['common:staleCard']);
      return Dialog.EndOfTurn;
    }
    if (!submission) {
      await this.showAgain(dc.context, state, ['accounts:card.empty']);
      return Dialog.EndOfTurn;
    }
    await this.retireCard(dc.context, state);
    if (typed) await this.deps.responder.send(dc.context, ['accounts:card.typedInClear']);
    return dc.endDialog(submission);
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.showCard(context, instance.state as PasswordCardState, []);
  }

  /** The card again after a submission it cannot use; every second time, how to reach a person too. */
  private async showAgain(context: TurnContext, state: PasswordCardState, lead: Part[]): Promise<void> {
    state.empties = (state.empties ?? 0) + 1;
    const offer: Part[] = state.empties % 2 === 0 ? ['accounts:contact.agentOffer'] : [];
    await this.showCard(context, state, [...lead, ...offer]);
  }

  private async showCard(context: TurnContext, state: PasswordCardState, lead: Part[]): Promise<void> {
    const { responder } = this.deps;
    const activity = responder.compose(context, [...lead, `accounts:card.${state.kind}.prompt`], {
      inputHint: InputHints.ExpectingInput,
    });
    activity.attachments = [passwordCard(responder.translator(context), state.kind)];
    const sent = await sendImmediately(context, activity);
    // An earlier card still showing an empty input is harmless, but only the latest one is replaced.
    state.cardActivityId = sent?.id;
  }

  /**
   * Replaces the submitted card. Not with expectReplies, whose replies travel in the HTTP response and can
   * never be updated; elsewhere some channels cannot update, or slowly: that is reported, never fatal, and
   * never holds the turn more than a few seconds.
   */
  private async retireCard(context: TurnContext, state: PasswordCardState): Promise<void> {
    const cardActivityId = state.cardActivityId;
    state.cardActivityId = undefined;
    if (!cardActivityId || context.activity.deliveryMode === DeliveryModes.ExpectReplies) return;
    const { responder, logger } = this.deps;
    const t = responder.translator(context);
    let timer: NodeJS.Timeout | undefined;
    try {
      const update = context.updateActivity({
        type: 'message',
        id: cardActivityId,
        text: t('accounts:card.received'),
        attachments: [receivedCard(t, state.kind)],
      });
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('card update timed out')), CARD_UPDATE_TIMEOUT_MS);
      });
      update.catch(() => undefined);
      await Promise.race([update, timeout]);
    } catch (error) {
      logger.info(
        {
          event: 'accounts',
          action: 'cardNotReplaced',
          channel: context.activity.channelId,
          err: { name: (error as Error)?.name },
        },
        'password card could not be replaced on this channel',
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
