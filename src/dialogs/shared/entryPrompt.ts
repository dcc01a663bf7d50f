import { InputHints, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from './dialogLibrary';
import { normalizeText } from '../../nlu/normalize';
import { SpelledInputParser, type SpelledKind } from '../../nlu/spelling';
import { VoiceLexicon } from '../../nlu/voiceLexicon';
import { expectInput } from '../../voice/voiceTurn';
import { MAX_MISSES } from '../menuPrompt';
import type { DialogDependencies } from './dependencies';
import { emptyKeypadEntry, keypadKey, pressKey, type KeypadEntry, type KeypadSpec } from './dtmf';
import type { Part } from './responder';
import { readBack } from './spell';

/** Persisted dialog id. */
export const ENTRY_PROMPT = 'entryPrompt';

/** How to ask for a value. Saved in dialog state: keep it JSON (no functions, no RegExp objects). */
export interface EntryPromptOptions extends KeypadSpec {
  /** Locale parts that ask for the value; their `_voice` variants should say how to key it. */
  prompt: Part[];
  /** Digits only, or letters and digits (spoken or typed; the keypad only gives digits). */
  kind: SpelledKind;
  /** Regular-expression source the upper-case value must match in full, e.g. `(IP|CE)\\d{6}`. */
  pattern?: string;
  /** Said when a value is heard but does not match; defaults to `voice:entry.notUnderstood`. */
  invalid?: Part[];
  /** Read the value back and ask « Est-ce exact? » (oui/non, 1/2) before returning it. */
  confirm?: boolean;
}

/** What {@link EntryPrompt} returns; `undefined` when the caller gave up after repeated misses. */
export interface EntryResult {
  /** Upper-case letters and digits, e.g. "IP123456". */
  value: string;
  /** How it came: keys on the phone, speech on the phone, or typed in a chat. */
  via: 'keypad' | 'speech' | 'text';
}

interface EntryState {
  options: EntryPromptOptions;
  entry: KeypadEntry;
  misses: number;
  phase: 'collect' | 'confirm';
  candidate?: EntryResult;
}

/**
 * Collects a value such as a user name or a health insurance number, on every channel:
 * - keypad (voice channels): one key per message, until "#" or `length` digits; "*" repeats the prompt and
 *   clears the entry; an optional first key chooses a prefix (`keypadPrefixes`, e.g. 1 = IP, 2 = CE); between
 *   keys the no-input timer keeps running;
 * - speech: letters and digits spelled in French or English (see {@link SpelledInputParser});
 * - text: typed as is ("IP123456", "ip 123 456").
 * With `confirm`, the value is read back and confirmed (oui/non, 1/2) before the dialog ends. Two misses in a
 * row bring the agent offer; two more end the dialog with `undefined` so the calling flow decides.
 */
export class EntryPrompt extends Dialog<EntryPromptOptions> {
  constructor(private readonly deps: DialogDependencies) {
    super(ENTRY_PROMPT);
  }

  override async beginDialog(dc: DialogContext, options?: EntryPromptOptions): Promise<DialogTurnResult> {
    if (!options?.prompt) throw new TypeError('EntryPrompt needs a prompt');
    const state: EntryState = { options, entry: emptyKeypadEntry(), misses: 0, phase: 'collect' };
    dc.activeDialog!.state = state;
    await this.ask(dc.context, state, []);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as EntryState;
    if (state.phase === 'confirm') return this.onConfirmation(dc, state);

    const key = keypadKey(activity);
    if (key) {
      const outcome = pressKey(state.entry, key, state.options);
      state.entry = outcome.entry;
      switch (outcome.kind) {
        case 'more':
          // Nothing is said between keys, but the caller is still expected to go on.
          expectInput(dc.context);
          return Dialog.EndOfTurn;
        case 'repeat':
          await this.ask(dc.context, state, []);
          return Dialog.EndOfTurn;
        case 'done':
          return this.finish(dc, state, { value: outcome.value, via: 'keypad' });
        default:
          return this.miss(dc, state, state.options.invalid);
      }
    }

    if (this.deps.lexicon.isRepeat(normalizeText(activity.text ?? ''))) {
      state.entry = emptyKeypadEntry();
      await this.ask(dc.context, state, []);
      return Dialog.EndOfTurn;
    }
    const voice = this.deps.responder.isVoice(dc.context);
    const reading = SpelledInputParser.for(this.deps.responder.messages).parse(
      activity.text ?? '',
      state.options.kind,
      { typed: !voice },
    );
    if (!reading.complete) return this.miss(dc, state);
    // Keys already pressed, then words: the caller switched from the keypad to speech mid-entry.
    const keyed = `${state.entry.prefix ?? ''}${state.entry.digits}`;
    state.entry = emptyKeypadEntry();
    const via = voice ? 'speech' : 'text';
    return this.finish(dc, state, { value: keyed + reading.value, via });
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    const state = instance.state as EntryState;
    if (state.phase === 'confirm' && state.candidate) {
      await this.askConfirmation(context, state.candidate.value, []);
      return;
    }
    state.entry = emptyKeypadEntry();
    await this.ask(context, state, []);
  }

  private async finish(dc: DialogContext, state: EntryState, result: EntryResult): Promise<DialogTurnResult> {
    const value = result.value.toUpperCase();
    const { pattern } = state.options;
    if (!value || (pattern && !new RegExp(`^(?:${pattern})$`).test(value))) {
      return this.miss(dc, state, state.options.invalid);
    }
    const final: EntryResult = { ...result, value };
    if (!state.options.confirm) return dc.endDialog(final);
    state.phase = 'confirm';
    state.candidate = final;
    state.misses = 0;
    await this.askConfirmation(dc.context, value, []);
    return Dialog.EndOfTurn;
  }

  private async onConfirmation(dc: DialogContext, state: EntryState): Promise<DialogTurnResult> {
    const { text } = dc.context.activity;
    const candidate = state.candidate as EntryResult;
    const answer = VoiceLexicon.for(this.deps.responder.messages).yesOrNo(text);
    if (answer === 'yes') return dc.endDialog(candidate);
    if (answer === 'no') {
      state.phase = 'collect';
      state.candidate = undefined;
      state.entry = emptyKeypadEntry();
      state.misses = 0;
      await this.ask(dc.context, state, ['voice:entry.again']);
      return Dialog.EndOfTurn;
    }
    if (this.deps.lexicon.isRepeat(normalizeText(text ?? ''))) {
      await this.askConfirmation(dc.context, candidate.value, []);
      return Dialog.EndOfTurn;
    }
    state.misses += 1;
    if (state.misses >= 2 * MAX_MISSES) return dc.endDialog(undefined);
    const lead: Part[] = state.misses % MAX_MISSES === 0 ? ['voice:entry.offer'] : [];
    await this.askConfirmation(dc.context, candidate.value, [...lead, 'voice:confirm.notUnderstood']);
    return Dialog.EndOfTurn;
  }

  private async miss(dc: DialogContext, state: EntryState, invalid?: Part[]): Promise<DialogTurnResult> {
    state.misses += 1;
    state.entry = emptyKeypadEntry();
    if (state.misses >= 2 * MAX_MISSES) return dc.endDialog(undefined);
    const lead: Part[] =
      state.misses % MAX_MISSES === 0 ? ['voice:entry.offer'] : (invalid ?? ['voice:entry.notUnderstood']);
    await this.ask(dc.context, state, lead);
    return Dialog.EndOfTurn;
  }

  private async ask(context: TurnContext, state: EntryState, lead: Part[]): Promise<void> {
    await this.deps.responder.send(context, [...lead, ...state.options.prompt], {
      inputHint: InputHints.ExpectingInput,
    });
  }

  private async askConfirmation(context: TurnContext, value: string, lead: Part[]): Promise<void> {
    const { responder } = this.deps;
    const t = responder.translator(context);
    const voice = responder.isVoice(context);
    await responder.send(
      context,
      [
        ...lead,
        { key: 'voice:entry.readBack', vars: { value, spoken: readBack(t, value) } },
        'voice:confirm.isThatRight',
        ...(voice ? ['voice:confirm.howTo'] : []),
      ],
      { inputHint: InputHints.ExpectingInput, suggestedActions: voice ? undefined : yesNoButtons(t) },
    );
  }
}

/** Oui / Non buttons for screens; they send words the yes/no recognizer understands. */
export function yesNoButtons(t: (key: string) => string): { type: 'imBack'; title: string; value: string }[] {
  return ['voice:confirm.yesButton', 'voice:confirm.noButton'].map((k) => ({
    type: 'imBack' as const,
    title: t(k),
    value: t(k),
  }));
}
