import { InputHints, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from './dialogLibrary';
import { normalizeText } from '../../nlu/normalize';
import { VoiceLexicon } from '../../nlu/voiceLexicon';
import { MAX_MISSES } from '../menuPrompt';
import type { DialogDependencies } from './dependencies';
import { yesNoButtons } from './entryPrompt';
import type { Part } from './responder';

/** Persisted dialog id. */
export const YES_NO_PROMPT = 'yesNoPrompt';

/** The question. Saved in dialog state: keep it JSON. */
export interface YesNoPromptOptions {
  /** Locale parts that ask the question. On voice « Si oui, faites le 1. Sinon, faites le 2. » follows. */
  prompt: Part[];
  /**
   * Said after every second answer not understood, in place of the agent offer (`voice:entry.offer`): for
   * questions asked when no agent can come (the Centre closed, the wait for an agent over).
   */
  offer?: Part[];
}

interface YesNoState {
  options: YesNoPromptOptions;
  misses: number;
}

/**
 * Asks a yes/no question and returns `true` (yes), `false` (no) or `undefined` (the caller gave up after
 * repeated misses; the agent, or the given way forward, was offered). Understands « oui », « non merci »,
 * "yes", "nope", the keys 1 (yes) and 2 (no) by keypad or voice, and buttons on screens; "*" repeats.
 */
export class YesNoPrompt extends Dialog<YesNoPromptOptions> {
  constructor(private readonly deps: DialogDependencies) {
    super(YES_NO_PROMPT);
  }

  override async beginDialog(dc: DialogContext, options?: YesNoPromptOptions): Promise<DialogTurnResult> {
    if (!options?.prompt) throw new TypeError('YesNoPrompt needs a prompt');
    const state: YesNoState = { options, misses: 0 };
    dc.activeDialog!.state = state;
    await this.ask(dc.context, state, []);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as YesNoState;
    const answer = VoiceLexicon.for(this.deps.responder.messages).yesOrNo(activity.text);
    if (answer) return dc.endDialog(answer === 'yes');
    if (this.deps.lexicon.isRepeat(normalizeText(activity.text ?? ''))) {
      await this.ask(dc.context, state, []);
      return Dialog.EndOfTurn;
    }
    state.misses += 1;
    if (state.misses >= 2 * MAX_MISSES) return dc.endDialog(undefined);
    const lead: Part[] =
      state.misses % MAX_MISSES === 0 ? (state.options.offer ?? ['voice:entry.offer']) : [];
    await this.ask(dc.context, state, [...lead, 'voice:confirm.notUnderstood'], false);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.ask(context, instance.state as YesNoState, []);
  }

  private async ask(context: TurnContext, state: YesNoState, lead: Part[], withHowTo = true): Promise<void> {
    const { responder } = this.deps;
    const voice = responder.isVoice(context);
    await responder.send(
      context,
      [...lead, ...state.options.prompt, ...(voice && withHowTo ? ['voice:confirm.howTo'] : [])],
      {
        inputHint: InputHints.ExpectingInput,
        suggestedActions: voice ? undefined : yesNoButtons(responder.translator(context)),
      },
    );
  }
}
