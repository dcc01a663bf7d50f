import { InputHints } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from '../shared/dialogLibrary';
import type { UserNameRecognizer } from '../../nlu/userName';
import type { AccountService } from '../../services/accounts';
import { describeOpening } from '../../services/businessHours';
import { agentLineOpen, transferToAgent } from '../shared/callControl';
import { scheduleText } from '../shared/contactInfo';
import { YES_NO_PROMPT, YesNoPrompt, type YesNoPromptOptions } from '../shared/yesNoPrompt';
import type { DialogDependencies } from '../shared/dependencies';
import { FlowDialog } from '../shared/flowDialog';
import { spellCode } from '../shared/spell';
import { attemptOf } from './attempt';
import { NEW_PASSWORD, NewPasswordDialog, type NewPasswordOptions } from './newPasswordDialog';
import { contactOffer } from './replies';
import {
  SECRET_QUESTION_CHALLENGE,
  SecretQuestionChallengeDialog,
  type ChallengeOptions,
  type ChallengeResult,
} from './secretQuestionChallengeDialog';
import { startSession } from './session';
import { USER_NAME_PROMPT, UserNamePrompt, type UserNamePromptOptions } from './userNamePrompt';
import { commitReplies } from '../../replyHold';

/** Persisted dialog id (a FlowId). */
export const PASSWORD_RESET = 'passwordReset';
const STEPS = `${PASSWORD_RESET}.steps`;

interface ResetValues {
  userName: string;
  /** Voice: the caller without secret questions was offered a transfer to an agent. */
  transferOffered?: boolean;
}

/**
 * « Mot de passe oublié? » (online-services option 1): user name, then three of the eight secret questions.
 * Once they match, a chat user chooses a new password in a masked card; a caller on a voice channel gets a
 * temporary password, spelled out, valid 24 hours. An account without its eight questions gets the seed's
 * message: call the Centre for a temporary password; a caller, already on the Centre's line, is offered the
 * transfer to an agent who can give one (or, outside business hours, told when the Centre is open).
 */
export class PasswordResetDialog extends FlowDialog {
  constructor(
    deps: DialogDependencies,
    private readonly accounts: AccountService,
    recognizer: UserNameRecognizer,
  ) {
    super('passwordReset', deps);
    this.addDialog(new UserNamePrompt(deps, recognizer));
    this.addDialog(new SecretQuestionChallengeDialog(deps, accounts));
    this.addDialog(new NewPasswordDialog(deps, accounts));
    this.addDialog(new YesNoPrompt(deps));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.askUserName.bind(this),
        this.checkIdentity.bind(this),
        this.giveNewCredential.bind(this),
        this.finish.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  private async askUserName(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const prompt: UserNamePromptOptions = { lead: ['accounts:reset.intro'] };
    return step.beginDialog(USER_NAME_PROMPT, prompt);
  }

  private async checkIdentity(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const userName = step.result as string | undefined;
    if (!userName) return step.endDialog();
    (step.values as ResetValues).userName = userName;
    const challenge: ChallengeOptions = { userName, purpose: 'reset' };
    return step.beginDialog(SECRET_QUESTION_CHALLENGE, challenge);
  }

  private async giveNewCredential(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.result as ChallengeResult;
    if (result.kind === 'notConfigured') {
      if (this.deps.responder.isVoice(step.context)) return this.offerAgentOnTheLine(step);
      await this.deps.responder.send(
        step.context,
        contactOffer(step.context, this.deps, [
          'accounts:reset.notConfigured',
          'accounts:reset.callForTemporary',
        ]),
      );
      return step.endDialog();
    }
    if (result.kind !== 'passed') return step.endDialog();
    const { userName } = step.values as ResetValues;
    if (this.deps.responder.isVoice(step.context)) return this.dictateTemporaryPassword(step, userName);
    const change: NewPasswordOptions = { userName, reason: 'reset', lead: ['accounts:reset.verified'] };
    return step.beginDialog(NEW_PASSWORD, change);
  }

  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.values as ResetValues).transferOffered) {
      if (step.result === true) return transferToAgent(step, this.deps);
      if (step.result === false)
        await this.deps.responder.send(step.context, ['accounts:reset.transferDeclined']);
      return step.endDialog();
    }
    if (step.result === true) {
      await startSession(step.context, this.deps, (step.values as ResetValues).userName);
      await this.deps.responder.send(step.context, ['accounts:reset.done']);
    }
    return step.endDialog();
  }

  /**
   * A caller without secret questions is already on the Centre's line: « appelez le Centre » and its numbers
   * make no sense there. During business hours an agent, who can issue a temporary password, is one transfer
   * away; outside them, the caller learns when to call back.
   */
  private async offerAgentOnTheLine(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { responder, centre, clock, businessHours } = this.deps;
    const now = clock.now();
    if (!agentLineOpen(this.deps, now) && businessHours) {
      const t = responder.translator(step.context);
      const when = describeOpening(t, businessHours, businessHours.nextOpening(now), now);
      await responder.send(step.context, [
        'accounts:reset.notConfigured',
        { key: 'accounts:reset.agentWhenOpen', vars: { schedule: scheduleText(t, centre), when } },
      ]);
      return step.endDialog();
    }
    (step.values as ResetValues).transferOffered = true;
    const question: YesNoPromptOptions = {
      prompt: ['accounts:reset.notConfigured', 'accounts:reset.transferForTemporary'],
    };
    return step.beginDialog(YES_NO_PROMPT, question);
  }

  /**
   * Nothing can be typed on the phone: the caller gets a temporary password, read twice character by
   * character. It exists only in this one reply (in the spoken part, not in the display text): it is
   * never stored, logged or kept in state, which is also why it cannot be repeated later.
   */
  private async dictateTemporaryPassword(
    step: WaterfallStepContext,
    userName: string,
  ): Promise<DialogTurnResult> {
    const { responder } = this.deps;
    const temporary = await this.accounts.issueTemporaryPassword(userName, attemptOf(step.context));
    // Shown once and never stored: the caller must hear it even if the conversation's state is not saved.
    commitReplies(step.context);
    // Case-insensitive: temporary passwords are compared folded to upper case, so « majuscule » would only add noise.
    const spelled = spellCode(responder.translator(step.context), temporary.value, { caseSensitive: false });
    await responder.send(step.context, [{ key: 'accounts:reset.temporaryIssued', vars: { spelled } }], {
      inputHint: InputHints.IgnoringInput,
    });
    await responder.send(step.context, ['accounts:reset.temporaryNext']);
    return step.endDialog();
  }
}
