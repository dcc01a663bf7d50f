import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from '../shared/dialogLibrary';
import type { AccountService, PasswordChangeReason, PolicyVerdict } from '../../services/accounts';
import { PASSWORD_MIN_LENGTH } from '../../services/accounts/passwordPolicy';
import type { DialogDependencies } from '../shared/dependencies';
import type { Part } from '../shared/responder';
import { attemptOf } from './attempt';
import type { PasswordSubmission } from './passwordCards';
import {
  PASSWORD_CARD_PROMPT,
  PasswordCardPrompt,
  type PasswordCardPromptOptions,
} from './passwordCardPrompt';
import { contactOffer } from './replies';
import { commitReplies } from '../../replyHold';
import { ConcurrentTurnError } from '../../errors';

/** Dialog id, persisted. */
export const NEW_PASSWORD = 'accounts.newPassword';
const STEPS = `${NEW_PASSWORD}.steps`;

/** After this many refused passwords, the bot stops and offers the Centre. */
export const MAX_NEW_PASSWORD_TRIES = 5;
/** How many previous passwords may not be reused (said to the user). */
const HISTORY = 5;

/** Whose password, and why it is changed. */
export interface NewPasswordOptions {
  userName: string;
  reason: PasswordChangeReason;
  /** Refused tries so far. */
  tries?: number;
  lead?: Part[];
}

/** Why the service refused a password, in plain words, with the zxcvbn hint when there is one. */
export function refusalParts(verdict: Exclude<PolicyVerdict, { ok: true }>): Part[] {
  const parts: Part[] = [
    { key: `accounts:policy.${verdict.reason}`, vars: { min: PASSWORD_MIN_LENGTH, history: HISTORY } },
  ];
  if (verdict.reason === 'weak' && verdict.hint) parts.push(`accounts:policy.hints.${verdict.hint}`);
  return parts;
}

/**
 * Chat only: asks for a new password and its confirmation in a masked card, checks the policy through the
 * service and saves it. Ends with true once saved, false when the user could not choose one.
 */
export class NewPasswordDialog extends ComponentDialog<NewPasswordOptions> {
  constructor(
    private readonly deps: DialogDependencies,
    private readonly accounts: AccountService,
  ) {
    super(NEW_PASSWORD);
    this.addDialog(new PasswordCardPrompt(deps));
    this.addDialog(new WaterfallDialog(STEPS, [this.askPassword.bind(this), this.savePassword.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async askPassword(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as NewPasswordOptions;
    const prompt: PasswordCardPromptOptions = { kind: 'new', lead: options.lead ?? [] };
    return step.beginDialog(PASSWORD_CARD_PROMPT, prompt);
  }

  private async savePassword(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as NewPasswordOptions;
    const submission = step.result as PasswordSubmission;
    let refusal: Part[];
    // « choisissez un autre mot de passe » would be wrong after a mere typing slip: the mismatch says what to do.
    let again: Part[] = ['accounts:newPassword.tryAgain'];
    // A missing confirmation is no confirmation: a client that sends only one field has not confirmed.
    if (submission.confirmation !== submission.password) {
      refusal = ['accounts:newPassword.mismatch'];
      again = [];
    } else {
      const verdict = await this.accounts.changePassword(
        options.userName,
        submission.password,
        attemptOf(step.context),
        options.reason,
      );
      // The other password sent at the same moment was saved; this turn is refused like any that lost a race.
      if (!verdict.ok && verdict.reason === 'changedMeanwhile') throw new ConcurrentTurnError();
      if (verdict.ok) {
        commitReplies(step.context);
        await this.deps.responder.send(step.context, ['accounts:newPassword.changed']);
        return step.endDialog(true);
      }
      refusal = refusalParts(verdict);
    }
    const tries = (options.tries ?? 0) + 1;
    if (tries >= MAX_NEW_PASSWORD_TRIES) {
      await this.deps.responder.send(
        step.context,
        contactOffer(step.context, this.deps, [...refusal, 'accounts:newPassword.giveUp']),
      );
      return step.endDialog(false);
    }
    const next: NewPasswordOptions = {
      ...options,
      tries,
      lead: [...refusal, ...again],
    };
    return step.replaceDialog(STEPS, next);
  }
}
