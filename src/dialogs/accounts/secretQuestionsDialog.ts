import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from '../shared/dialogLibrary';
import type { AccountService } from '../../services/accounts';
import { QUESTIONS_PER_ACCOUNT } from '../../services/accounts';
import type { DialogDependencies } from '../shared/dependencies';
import { LANGUAGES } from '../../i18n';
import { normalizeText } from '../../nlu/normalize';
import { FlowDialog } from '../shared/flowDialog';
import type { Part } from '../shared/responder';
import { attemptOf } from './attempt';
import {
  AUTHENTICATE,
  type AuthenticateDialog,
  type AuthenticateOptions,
  type AuthenticateResult,
} from './authenticateDialog';
import { QUESTION_PICK_PROMPT, QuestionPickPrompt, type QuestionPickOptions } from './questionPickPrompt';
import {
  SECRET_ANSWER_PROMPT,
  SecretAnswerPrompt,
  type SecretAnswerPromptOptions,
} from './secretAnswerPrompt';
import { currentSession } from './session';
import { YES_NO_PROMPT, YesNoPrompt, YesNoWords, type YesNoPromptOptions } from './yesNoPrompt';
import { MIN_ANSWER_LENGTH, normalizeAnswer } from '../../services/accounts/answers';
import { commitReplies } from '../../replyHold';
import { ConcurrentTurnError } from '../../errors';

/** Persisted dialog id (a FlowId). */
export const SECRET_QUESTIONS = 'secretQuestions';
const STEPS = `${SECRET_QUESTIONS}.steps`;
const CHOOSE = `${SECRET_QUESTIONS}.choose`;

/** How the flow starts: from the menu (authenticates first) or right after a first login. */
export interface SecretQuestionsOptions {
  /** Already authenticated (first login): skip authentication. */
  userName?: string;
  firstLogin?: boolean;
}

interface SecretQuestionsValues {
  userName: string;
  draftId: string;
  chosen: string[];
}

/** One turn of the choosing loop: the questions chosen so far (ids only) and a question awaiting a new answer. */
interface ChooseOptions {
  draftId: string;
  chosen: string[];
  /** A question whose answer was refused: ask it again without choosing anew. */
  retry?: string;
  /** Answers to `retry` refused in a row (too short, too long). */
  refusals?: number;
  lead?: Part[];
}

/**
 * The « Questions secrètes » page (online-services option 3, and at once after a first login): the user
 * chooses eight different questions from the catalogue and answers each one, then confirms before anything
 * is saved. Answers are hashed by the service as they arrive and kept in a server-side draft, never in
 * dialog state.
 */
export class SecretQuestionsDialog extends FlowDialog<SecretQuestionsOptions> {
  /** What asks for another question where an answer is expected (« retour », « changer de question »). */
  private readonly anotherQuestionWords: ReadonlySet<string>;

  /** The yes and no words, which are no secret answer. */
  private readonly yesNoWords: YesNoWords;

  /**
   * @param authenticate - the sign-in dialog this flow begins when nobody is signed in. It is added to this
   * flow's own set, not only found through the parent at run time: « aide » or « English » reprompts the
   * stack without a parent, and an id found nowhere in the set then throws.
   */
  constructor(
    deps: DialogDependencies,
    private readonly accounts: AccountService,
    authenticate: AuthenticateDialog,
  ) {
    super('secretQuestions', deps);
    this.addDialog(authenticate);
    this.anotherQuestionWords = new Set(
      LANGUAGES.flatMap((lang) => deps.responder.messages.list(lang, 'accounts:setup.anotherQuestionWords'))
        .map(normalizeText)
        .filter((w) => w.length > 0),
    );
    this.yesNoWords = new YesNoWords(deps.responder.messages);
    this.addDialog(new QuestionPickPrompt(deps, accounts.catalogue, deps.lexicon));
    this.addDialog(new SecretAnswerPrompt(deps, accounts.catalogue));
    this.addDialog(new YesNoPrompt(deps));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.authenticate.bind(this),
        this.startChoosing.bind(this),
        this.confirm.bind(this),
        this.save.bind(this),
      ]),
    );
    this.addDialog(
      new WaterfallDialog(CHOOSE, [
        this.pickQuestion.bind(this),
        this.askAnswer.bind(this),
        this.keepAnswer.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  private async authenticate(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as SecretQuestionsOptions;
    if (options.userName) {
      return step.next({
        userName: options.userName,
        firstLogin: options.firstLogin,
      } satisfies AuthenticateResult);
    }
    const session = await currentSession(step.context, this.deps);
    if (session) return step.next({ userName: session.userName } satisfies AuthenticateResult);
    const authenticate: AuthenticateOptions = { purpose: 'secretQuestions' };
    return step.beginDialog(AUTHENTICATE, authenticate);
  }

  private async startChoosing(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const who = step.result as AuthenticateResult | undefined;
    if (!who) return step.endDialog();
    const draftId = await this.accounts.startSecretQuestionDraft(who.userName);
    Object.assign(step.values, {
      userName: who.userName,
      draftId,
      chosen: [],
    } satisfies SecretQuestionsValues);
    const intro = who.firstLogin ? 'accounts:setup.introFirstLogin' : 'accounts:setup.intro';
    const choose: ChooseOptions = {
      draftId,
      chosen: [],
      lead: [{ key: intro, vars: { total: QUESTIONS_PER_ACCOUNT } }],
    };
    return step.beginDialog(CHOOSE, choose);
  }

  private async pickQuestion(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as ChooseOptions;
    if (options.retry) return step.next(options.retry);
    const pick: QuestionPickOptions = {
      available: this.accounts.catalogue.ids.filter((id) => !options.chosen.includes(id)),
      chosen: options.chosen.length,
      total: QUESTIONS_PER_ACCOUNT,
      lead: options.lead,
    };
    return step.beginDialog(QUESTION_PICK_PROMPT, pick);
  }

  private async askAnswer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as ChooseOptions;
    const questionId = step.result as string;
    (step.values as { questionId?: string }).questionId = questionId;
    const prompt: SecretAnswerPromptOptions = {
      questionId,
      position: options.chosen.length + 1,
      total: QUESTIONS_PER_ACCOUNT,
      lead: options.retry ? options.lead : [],
    };
    return step.beginDialog(SECRET_ANSWER_PROMPT, prompt);
  }

  private async keepAnswer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as ChooseOptions;
    const questionId = (step.values as { questionId: string }).questionId;
    // « retour », « je veux changer de question »: the user wants another question, not that as the answer.
    if (this.anotherQuestionWords.has(normalizeText(step.result as string))) {
      const again: ChooseOptions = {
        draftId: options.draftId,
        chosen: options.chosen,
        lead: ['accounts:setup.pickAnother'],
      };
      return step.replaceDialog(CHOOSE, again);
    }
    const answer = step.result as string;
    // « oui », « non », "yes": anyone would guess it, and it reads as a reply to the bot wherever it is typed again.
    const verdict = this.isYesOrNo(answer)
      ? 'yesOrNo'
      : await this.accounts.addDraftAnswer(options.draftId, questionId, answer);
    if (
      verdict === 'tooShort' ||
      verdict === 'tooLong' ||
      verdict === 'sameAsAnother' ||
      verdict === 'yesOrNo'
    ) {
      const refusals = (options.retry === questionId ? (options.refusals ?? 0) : 0) + 1;
      // Every second refusal in a row also says how to reach a person, as an empty answer does: never a loop.
      const lead: Part[] = [`accounts:setup.${verdict}`];
      if (refusals % 2 === 0) lead.push('accounts:contact.agentOffer');
      const retry: ChooseOptions = { ...options, retry: questionId, refusals, lead };
      return step.replaceDialog(CHOOSE, retry);
    }
    // The other answer sent at the same moment was kept; this turn is refused like any turn that lost a race.
    if (verdict === 'changed') throw new ConcurrentTurnError();
    if (verdict !== 'saved') {
      await this.deps.responder.send(step.context, ['accounts:setup.expired']);
      return step.endDialog(undefined);
    }
    const chosen = [...options.chosen, questionId];
    if (chosen.length >= QUESTIONS_PER_ACCOUNT) return step.endDialog(chosen);
    const next: ChooseOptions = {
      draftId: options.draftId,
      chosen,
      lead: [
        { key: 'accounts:setup.answerKept', vars: { count: chosen.length, total: QUESTIONS_PER_ACCOUNT } },
      ],
    };
    return step.replaceDialog(CHOOSE, next);
  }

  /** A yes or a no in words; a lone key (« 1 », « 2 ») is refused as too short instead. */
  private isYesOrNo(answer: string): boolean {
    return (
      normalizeAnswer(answer).length >= MIN_ANSWER_LENGTH && this.yesNoWords.recognize(answer) !== undefined
    );
  }

  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const chosen = step.result as string[] | undefined;
    if (!chosen) return step.endDialog();
    (step.values as SecretQuestionsValues).chosen = chosen;
    const language = this.deps.responder.language(step.context);
    const lines: Part[] = chosen.map((id, i) => ({
      key: 'accounts:setup.summaryLine',
      vars: { position: i + 1, question: this.accounts.catalogue.text(id, language) },
    }));
    const question: YesNoPromptOptions = {
      question: ['accounts:setup.summary', { lines }, 'accounts:setup.confirm'],
    };
    return step.beginDialog(YES_NO_PROMPT, question);
  }

  private async save(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { draftId } = step.values as SecretQuestionsValues;
    if (step.result !== true) {
      // The « oui » sent at the same moment saved them; this turn is refused like any that lost a race.
      if (!(await this.accounts.discardDraft(draftId))) throw new ConcurrentTurnError();
      // At a first login the new password was saved just before: « rien n'a été modifié » would be false.
      const firstLogin = ((step.options ?? {}) as SecretQuestionsOptions).firstLogin === true;
      await this.deps.responder.send(step.context, [
        firstLogin ? 'accounts:setup.discardedAfterNewPassword' : 'accounts:setup.discarded',
      ]);
      return step.endDialog();
    }
    const outcome = await this.accounts.commitDraft(draftId, attemptOf(step.context));
    // The « non » sent at the same moment discarded them; this turn is refused like any that lost a race.
    if (outcome === 'discarded') throw new ConcurrentTurnError();
    // Only a save outlives a refused state write; « délai écoulé » from a turn that lost a race must not go out.
    if (outcome === 'saved') commitReplies(step.context);
    await this.deps.responder.send(step.context, [
      outcome === 'saved' ? 'accounts:setup.saved' : 'accounts:setup.expired',
    ]);
    return step.endDialog();
  }
}
