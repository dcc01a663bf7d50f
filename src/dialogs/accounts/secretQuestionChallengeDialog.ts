import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from '../shared/dialogLibrary';
import type { AccountService } from '../../services/accounts';
import type { DialogDependencies } from '../shared/dependencies';
import { attemptOf } from './attempt';
import { contactOffer, sendConversationLimit, sendLocked } from './replies';
import {
  SECRET_ANSWER_PROMPT,
  SecretAnswerPrompt,
  type SecretAnswerPromptOptions,
} from './secretAnswerPrompt';
import { YES_NO_PROMPT, YesNoPrompt, type YesNoPromptOptions } from './yesNoPrompt';
import { ConcurrentTurnError } from '../../errors';

/** Dialog id, persisted. */
export const SECRET_QUESTION_CHALLENGE = 'accounts.challenge';
const ROUND = `${SECRET_QUESTION_CHALLENGE}.round`;
const ANSWERS = `${SECRET_QUESTION_CHALLENGE}.answers`;

/** Whose identity to check, and why (the audit log records it). */
export interface ChallengeOptions {
  userName: string;
  purpose: 'reset' | 'authenticate';
  /** The last round's questions, not asked again when the user tries « avec trois autres questions ». */
  avoid?: string[];
}

/**
 * How the check ended. `stopped` means the user was already told why (lock, too many attempts, gave up);
 * `notConfigured` is left to the caller, whose message depends on what the user was trying to do.
 */
export type ChallengeResult = { kind: 'passed' } | { kind: 'notConfigured' } | { kind: 'stopped' };

/** Kept for the round: the challenge's id and which questions it asks (the service holds everything else). */
interface RoundValues {
  challengeId: string;
  questionIds: string[];
}

interface AnswersOptions {
  challengeId: string;
  questionIds: string[];
  index: number;
}

/**
 * Three of the user's eight secret questions, drawn at random for each round. All three must match; the bot
 * never says which did not. After a failed round the user may try again with other questions until the
 * service locks the user name. Answers go straight to the service, which keeps only how many matched.
 */
export class SecretQuestionChallengeDialog extends ComponentDialog<ChallengeOptions> {
  constructor(
    private readonly deps: DialogDependencies,
    private readonly accounts: AccountService,
  ) {
    super(SECRET_QUESTION_CHALLENGE);
    this.addDialog(new SecretAnswerPrompt(deps, accounts.catalogue));
    this.addDialog(new YesNoPrompt(deps));
    this.addDialog(
      new WaterfallDialog(ROUND, [
        this.drawQuestions.bind(this),
        this.judgeRound.bind(this),
        this.retryOrStop.bind(this),
      ]),
    );
    this.addDialog(new WaterfallDialog(ANSWERS, [this.askQuestion.bind(this), this.recordAnswer.bind(this)]));
    this.initialDialogId = ROUND;
  }

  private async drawQuestions(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { userName, purpose, avoid } = step.options as ChallengeOptions;
    const start = await this.accounts.startChallenge(userName, purpose, attemptOf(step.context), avoid);
    switch (start.kind) {
      case 'locked':
        await sendLocked(step.context, this.deps, start.until);
        return step.endDialog({ kind: 'stopped' } satisfies ChallengeResult);
      case 'conversationLimit':
        await sendConversationLimit(step.context, this.deps);
        return step.endDialog({ kind: 'stopped' } satisfies ChallengeResult);
      case 'notConfigured':
        return step.endDialog({ kind: 'notConfigured' } satisfies ChallengeResult);
      default: {
        Object.assign(step.values, {
          challengeId: start.challengeId,
          questionIds: start.questionIds,
        } satisfies RoundValues);
        const answers: AnswersOptions = {
          challengeId: start.challengeId,
          questionIds: start.questionIds,
          index: 0,
        };
        return step.beginDialog(ANSWERS, answers);
      }
    }
  }

  private async askQuestion(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { questionIds, index } = step.options as AnswersOptions;
    const prompt: SecretAnswerPromptOptions = {
      questionId: questionIds[index],
      position: index + 1,
      total: questionIds.length,
      lead: index === 0 ? ['accounts:challenge.intro'] : [],
    };
    return step.beginDialog(SECRET_ANSWER_PROMPT, prompt);
  }

  private async recordAnswer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as AnswersOptions;
    const verdict = await this.accounts.answerChallenge(
      options.challengeId,
      options.index,
      step.result as string,
    );
    // The other answer sent at the same moment was recorded; this turn is refused like any that lost a race.
    if (verdict === 'changed') throw new ConcurrentTurnError();
    if (options.index + 1 < options.questionIds.length) {
      return step.replaceDialog(ANSWERS, { ...options, index: options.index + 1 } satisfies AnswersOptions);
    }
    return step.endDialog();
  }

  private async judgeRound(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const outcome = await this.accounts.finishChallenge(
      (step.values as RoundValues).challengeId,
      attemptOf(step.context),
    );
    switch (outcome.kind) {
      case 'passed':
        return step.endDialog({ kind: 'passed' } satisfies ChallengeResult);
      case 'locked':
        await sendLocked(step.context, this.deps, outcome.until);
        return step.endDialog({ kind: 'stopped' } satisfies ChallengeResult);
      case 'expired':
        await this.deps.responder.send(step.context, ['accounts:challenge.expired']);
        return step.endDialog({ kind: 'stopped' } satisfies ChallengeResult);
      case 'inProgress':
        // The other turn answers for the round; this one is refused like any turn that lost a race.
        throw new ConcurrentTurnError();
      default: {
        const question: YesNoPromptOptions = {
          question: [
            'accounts:challenge.failed',
            ...(outcome.roundsLeft === 1 ? ['accounts:challenge.lastRound'] : []),
            'accounts:challenge.retry',
          ],
        };
        return step.beginDialog(YES_NO_PROMPT, question);
      }
    }
  }

  private async retryOrStop(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result === true) {
      const again: ChallengeOptions = {
        ...(step.options as ChallengeOptions),
        avoid: (step.values as RoundValues).questionIds,
      };
      return step.replaceDialog(ROUND, again);
    }
    await this.deps.responder.send(
      step.context,
      contactOffer(step.context, this.deps, ['accounts:challenge.stopped']),
    );
    return step.endDialog({ kind: 'stopped' } satisfies ChallengeResult);
  }
}
