import { ActionTypes, type CardAction, InputHints, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
} from '../shared/dialogLibrary';
import { LANGUAGES } from '../../i18n';
import { containsPhrase, normalizeText } from '../../nlu/normalize';
import { MAX_MISSES } from '../menuPrompt';
import { isCardOnlySubmission } from '../shared/cards';
import type { DialogDependencies } from '../shared/dependencies';
import type { Part } from '../shared/responder';

/** Persisted dialog id. */
export const REQUEST_CHOICE = 'requestStatus.choice';

/** Returned when the user presses 0 or otherwise asks for a person inside one of these menus. */
export const AGENT_CHOICE = 'agent';

/** One option. Its label, spoken label and words default to `requests:choices.<id>.*`. */
export interface ChoiceSpec {
  id: string;
  /** The phone key. */
  key: string;
  /** Display label, when not the default locale key (e.g. a medication name). */
  label?: Part;
  /** Extra words that select this option (e.g. a medication's names). */
  words?: string[];
}

/** How to ask. */
export interface ChoicePromptOptions {
  choices: ChoiceSpec[];
  /** Said once before the question; never stored, so it may carry what the user just said. */
  lead?: Part[];
  /** The question, repeated on every reprompt. */
  prompt?: Part;
}

interface ChoiceState {
  choices: ChoiceSpec[];
  prompt?: Part;
  misses: number;
}

/** True for a question answered by yes or no (the NAM read-back), which is not a menu. */
function isYesNo(choices: ChoiceSpec[]): boolean {
  return choices.every((c) => c.id === 'yes' || c.id === 'no');
}

/**
 * A phone-line style menu for the request-status flow (the shared MenuPrompt only knows the two menus of
 * menu.json). Understands keys, number words, ordinals, option words in both languages and buttons; "*"
 * repeats; 0 asks for an agent; after two answers it cannot understand it offers help without looping.
 */
export class RequestChoicePrompt extends Dialog<ChoicePromptOptions> {
  private readonly wordCache = new Map<string, string[]>();

  constructor(private readonly deps: DialogDependencies) {
    super(REQUEST_CHOICE);
  }

  override async beginDialog(dc: DialogContext, options?: ChoicePromptOptions): Promise<DialogTurnResult> {
    if (!options?.choices?.length) throw new TypeError('RequestChoicePrompt needs choices');
    const state: ChoiceState = { choices: options.choices, prompt: options.prompt, misses: 0 };
    dc.activeDialog!.state = state;
    await this.show(dc.context, state, options.lead ?? []);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as ChoiceState;
    // An earlier step's card pressed again (these menus have no card of their own): says so, not a miss.
    if (isCardOnlySubmission(activity)) {
      await this.show(dc.context, state, ['common:staleCard']);
      return Dialog.EndOfTurn;
    }
    const answer = this.recognize(state.choices, activity.text ?? '');
    if (answer === 'repeat') {
      await this.show(dc.context, state, []);
      return Dialog.EndOfTurn;
    }
    if (answer) return dc.endDialog(answer);
    state.misses += 1;
    if (state.misses >= MAX_MISSES) {
      state.misses = 0;
      await this.show(dc.context, state, ['common:noMatchOffer']);
    } else if (isYesNo(state.choices)) {
      // « Faites le numéro de votre choix… le menu » would be wrong for a yes/no question.
      await this.show(dc.context, state, ['voice:confirm.notUnderstood']);
    } else {
      const example = state.choices[0]?.key ?? '1';
      await this.show(dc.context, state, [{ key: 'common:notUnderstood', vars: { example } }]);
    }
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.show(context, instance.state as ChoiceState, []);
  }

  /** The chosen option id, AGENT_CHOICE, 'repeat', or undefined when the answer is not understood. */
  recognize(choices: ChoiceSpec[], text: string): string | undefined {
    const { lexicon } = this.deps;
    const normalized = normalizeText(text);
    if (!normalized) return undefined;
    if (lexicon.isRepeat(normalized)) return 'repeat';
    for (const candidate of [normalized, lexicon.stripFillers(normalized)]) {
      const key = /^#?\d$/.test(candidate) ? candidate.replace('#', '') : lexicon.digitWord(candidate);
      if (key !== undefined) {
        if (key === '0') return AGENT_CHOICE;
        const byKey = choices.find((c) => c.key === key);
        if (byKey) return byKey.id;
      }
      const position = lexicon.ordinalWord(candidate);
      if (position !== undefined && choices[Number(position) - 1]) return choices[Number(position) - 1].id;
    }
    let best: { id: string; length: number } | undefined;
    let tie = false;
    for (const choice of choices) {
      for (const word of this.wordsOf(choice)) {
        if (!containsPhrase(normalized, word)) continue;
        if (!best || word.length > best.length) {
          best = { id: choice.id, length: word.length };
          tie = false;
        } else if (word.length === best.length && best.id !== choice.id) {
          tie = true;
        }
      }
    }
    return best && !tie ? best.id : undefined;
  }

  private wordsOf(choice: ChoiceSpec): string[] {
    const cacheKey = choice.words ? undefined : choice.id;
    const cached = cacheKey ? this.wordCache.get(cacheKey) : undefined;
    if (cached) return cached;
    const { messages } = this.deps.responder;
    const words = [
      ...new Set(
        [
          ...(choice.words ?? []),
          ...LANGUAGES.flatMap((l) => [
            ...messages.list(l, `requests:choices.${choice.id}.words`),
            ...(messages.has(l, `requests:choices.${choice.id}.label`)
              ? [messages.forLanguage(l)(`requests:choices.${choice.id}.label`)]
              : []),
          ]),
        ].map(normalizeText),
      ),
    ].filter((w) => w.length > 0);
    if (cacheKey) this.wordCache.set(cacheKey, words);
    return words;
  }

  private label(choice: ChoiceSpec, voice: boolean): Part {
    if (choice.label) return choice.label;
    return `requests:choices.${choice.id}.${voice ? 'voice' : 'label'}`;
  }

  private async show(context: TurnContext, state: ChoiceState, lead: Part[]): Promise<void> {
    const { responder } = this.deps;
    const question = state.prompt ? [state.prompt] : [];
    if (responder.isVoice(context)) {
      const lines: Part[] = state.choices.map((c) => ({
        key: 'menu:voiceLine',
        vars: { label: responder.render(context, this.label(c, true), true), key: c.key },
      }));
      // A yes/no question is not a menu: « réentendre la question ».
      const repeat = isYesNo(state.choices) ? 'menu:voiceRepeatQuestion' : 'menu:voiceRepeat';
      await responder.send(context, [...lead, ...question, ...lines, repeat], {
        inputHint: InputHints.ExpectingInput,
      });
      return;
    }
    const lines: Part[] = state.choices.map((c) => ({
      key: 'menu:line',
      vars: { key: c.key, label: responder.render(context, this.label(c, false), false) },
    }));
    const buttons: CardAction[] = state.choices.map((c) => ({
      type: ActionTypes.ImBack,
      title: `${c.key} – ${responder.render(context, this.label(c, false), false)}`,
      value: c.key,
    }));
    await responder.send(context, [...lead, ...question, { lines }], {
      inputHint: InputHints.ExpectingInput,
      suggestedActions: buttons,
    });
  }
}
