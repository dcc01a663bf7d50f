import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from '../shared/dialogLibrary';
import type { UserNameRecognizer } from '../../nlu/userName';
import type { AccountService } from '../../services/accounts';
import type { DialogDependencies } from '../shared/dependencies';
import { FlowDialog } from '../shared/flowDialog';
import { attemptOf } from './attempt';
import { NEW_PASSWORD, NewPasswordDialog, type NewPasswordOptions } from './newPasswordDialog';
import type { PasswordSubmission } from './passwordCards';
import {
  PASSWORD_CARD_PROMPT,
  PasswordCardPrompt,
  type PasswordCardPromptOptions,
} from './passwordCardPrompt';
import { contactOffer, sendConversationLimit, sendLocked } from './replies';
import {
  SECRET_QUESTION_CHALLENGE,
  SecretQuestionChallengeDialog,
  type ChallengeOptions,
  type ChallengeResult,
} from './secretQuestionChallengeDialog';
import type { SecretQuestionsOptions } from './secretQuestionsDialog';
import { currentSession, startSession } from './session';
import { USER_NAME_PROMPT, UserNamePrompt, type UserNamePromptOptions } from './userNamePrompt';

/** Persisted dialog id (a FlowId). */
export const AUTHENTICATE = 'authenticate';
const STEPS = `${AUTHENTICATE}.steps`;

/** After this many wrong passwords in one run of the flow, the bot stops and offers help. */
export const MAX_PASSWORD_TRIES = 3;

/** Why authentication is needed; `secretQuestions` means the caller goes on to the questions itself. */
export interface AuthenticateOptions {
  purpose?: 'secretQuestions' | 'requestStatus';
  /** Wrong passwords so far in this run. */
  failures?: number;
}

/** Who was authenticated; `firstLogin` when a temporary password has just been replaced. */
export interface AuthenticateResult {
  userName: string;
  firstLogin?: boolean;
}

interface AuthenticateValues {
  userName: string;
}

/**
 * Proves who the user is before anything personal: user name and password (in a masked card) in chat, user
 * name and three secret questions on a voice channel. An open session is reused. A temporary password
 * leads at once to choosing a new password and then the eight secret questions (the seed's first login).
 * Ends with {@link AuthenticateResult}, or undefined when the user could not be authenticated.
 */
export class AuthenticateDialog extends FlowDialog<AuthenticateOptions> {
  constructor(
    deps: DialogDependencies,
    private readonly accounts: AccountService,
    recognizer: UserNameRecognizer,
  ) {
    super('authenticate', deps);
    this.addDialog(new UserNamePrompt(deps, recognizer));
    this.addDialog(new PasswordCardPrompt(deps));
    this.addDialog(new SecretQuestionChallengeDialog(deps, accounts));
    this.addDialog(new NewPasswordDialog(deps, accounts));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.reuseSessionOrAskUserName.bind(this),
        this.askSecret.bind(this),
        this.verify.bind(this),
        this.afterFirstPassword.bind(this),
        this.finish.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  private async reuseSessionOrAskUserName(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const session = await currentSession(step.context, this.deps);
    if (session) return step.endDialog({ userName: session.userName } satisfies AuthenticateResult);
    const options = (step.options ?? {}) as AuthenticateOptions;
    const prompt: UserNamePromptOptions = { lead: options.failures ? [] : ['accounts:auth.intro'] };
    return step.beginDialog(USER_NAME_PROMPT, prompt);
  }

  private async askSecret(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const userName = step.result as string | undefined;
    if (!userName) return step.endDialog(undefined);
    (step.values as AuthenticateValues).userName = userName;
    const refusal = await this.accounts.checkAccess(userName, attemptOf(step.context));
    if (refusal?.kind === 'locked') {
      await sendLocked(step.context, this.deps, refusal.until);
      return step.endDialog(undefined);
    }
    if (refusal?.kind === 'conversationLimit') {
      await sendConversationLimit(step.context, this.deps);
      return step.endDialog(undefined);
    }
    if (this.deps.responder.isVoice(step.context)) {
      const challenge: ChallengeOptions = { userName, purpose: 'authenticate' };
      return step.beginDialog(SECRET_QUESTION_CHALLENGE, challenge);
    }
    const prompt: PasswordCardPromptOptions = { kind: 'current' };
    return step.beginDialog(PASSWORD_CARD_PROMPT, prompt);
  }

  private async verify(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { userName } = step.values as AuthenticateValues;
    if (this.deps.responder.isVoice(step.context)) {
      const result = step.result as ChallengeResult;
      if (result.kind === 'passed') return this.succeed(step, userName);
      if (result.kind === 'notConfigured') {
        await this.deps.responder.send(
          step.context,
          contactOffer(step.context, this.deps, ['accounts:auth.voiceNotConfigured']),
        );
      }
      return step.endDialog(undefined);
    }
    const submission = step.result as PasswordSubmission;
    const outcome = await this.accounts.authenticate(userName, submission.password, attemptOf(step.context));
    switch (outcome.kind) {
      case 'authenticated': {
        if (!outcome.mustChangePassword) return this.succeed(step, userName);
        const change: NewPasswordOptions = {
          userName,
          reason: 'firstLogin',
          lead: ['accounts:auth.mustChange'],
        };
        return step.beginDialog(NEW_PASSWORD, change);
      }
      case 'locked':
        await sendLocked(step.context, this.deps, outcome.until);
        return step.endDialog(undefined);
      case 'conversationLimit':
        await sendConversationLimit(step.context, this.deps);
        return step.endDialog(undefined);
      case 'temporaryExpired':
        await this.deps.responder.send(
          step.context,
          contactOffer(step.context, this.deps, ['accounts:auth.temporaryExpired']),
        );
        return step.endDialog(undefined);
      default:
        return this.retryAfterFailure(step);
    }
  }

  private async retryAfterFailure(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as AuthenticateOptions;
    const failures = (options.failures ?? 0) + 1;
    if (failures >= MAX_PASSWORD_TRIES) {
      await this.deps.responder.send(
        step.context,
        contactOffer(step.context, this.deps, ['accounts:auth.failed', 'accounts:auth.forgotHint']),
      );
      return step.endDialog(undefined);
    }
    await this.deps.responder.send(step.context, ['accounts:auth.failed', 'accounts:auth.tryAgain']);
    return step.replaceDialog(STEPS, { ...options, failures } satisfies AuthenticateOptions);
  }

  private async afterFirstPassword(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result !== true) return step.endDialog(undefined);
    const { userName } = step.values as AuthenticateValues;
    await startSession(step.context, this.deps, userName);
    const options = (step.options ?? {}) as AuthenticateOptions;
    // The seed: after a temporary password, the user goes straight to the secret questions.
    if (options.purpose === 'secretQuestions') {
      return step.endDialog({ userName, firstLogin: true } satisfies AuthenticateResult);
    }
    const setup: SecretQuestionsOptions = { userName, firstLogin: true };
    return step.beginDialog('secretQuestions', setup);
  }

  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { userName } = step.values as AuthenticateValues;
    return step.endDialog({ userName, firstLogin: true } satisfies AuthenticateResult);
  }

  private async succeed(step: WaterfallStepContext, userName: string): Promise<DialogTurnResult> {
    await startSession(step.context, this.deps, userName);
    await this.deps.responder.send(step.context, ['accounts:auth.success']);
    return step.endDialog({ userName } satisfies AuthenticateResult);
  }
}
