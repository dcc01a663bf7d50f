import { ActionTypes, InputHints, type CardAction, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
} from '../shared/dialogLibrary';
import { normalizeText } from '../../nlu/normalize';
import { SpelledInputParser } from '../../nlu/spelling';
import { parseCanadianPhone } from '../../services/escalation/phone';
import { expectInput } from '../../voice/voiceTurn';
import type { DialogDependencies } from '../shared/dependencies';
import { keypadKey } from '../shared/dtmf';
import { allowTrailingPound } from '../shared/keyEntry';
import type { Part } from '../shared/responder';
import { phonesInline } from '../shared/contactInfo';
import { recordedUserWords } from '../../escalation/transcriptRecorder';
import { FIELD_CHOICES, type FieldKind, type FieldReader } from './fields';

/** Persisted dialog id. */
export const FIELD_PROMPT = 'escalation.field';

/** By default, after this many answers that cannot be used, the question is dropped and the flow decides. */
export const MAX_FIELD_MISSES = 3;

/** Which question to ask. Saved in dialog state: plain JSON. */
export interface FieldPromptOptions {
  kind: FieldKind;
  lead?: Part[];
  /**
   * How many unusable answers end the question (default {@link MAX_FIELD_MISSES}): 2 where the flow has a
   * way forward without the answer (the Centre's numbers instead of the region's).
   */
  maxMisses?: number;
}

interface FieldState {
  options: FieldPromptOptions;
  misses: number;
  /** Voice: phone digits keyed so far. */
  keyed: string;
}

/**
 * Asks one of the call-back questions on any channel and returns its value (see FieldValues), or undefined
 * after {@link MAX_FIELD_MISSES} unusable answers. On the phone, choices take one key, a phone number is
 * keyed digit by digit until « # » or ten digits (eleven after a leading 1), and the rest is said.
 */
export class FieldPrompt extends Dialog<FieldPromptOptions> {
  constructor(
    private readonly deps: DialogDependencies,
    private readonly reader: FieldReader,
  ) {
    super(FIELD_PROMPT);
  }

  override async beginDialog(dc: DialogContext, options?: FieldPromptOptions): Promise<DialogTurnResult> {
    if (!options?.kind) throw new TypeError('FieldPrompt needs a kind');
    const kept: FieldPromptOptions = { kind: options.kind };
    if (options.maxMisses) kept.maxMisses = options.maxMisses;
    const state: FieldState = { options: kept, misses: 0, keyed: '' };
    dc.activeDialog!.state = state;
    await this.ask(dc.context, state, options.lead ?? []);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as FieldState;
    const { kind } = state.options;
    let text = activity.text ?? '';
    if (this.deps.lexicon.isRepeat(normalizeText(text))) {
      state.keyed = '';
      await this.ask(dc.context, state, []);
      return Dialog.EndOfTurn;
    }
    const key = keypadKey(activity);
    if (key && kind === 'phone') {
      if (key !== '#') state.keyed += key;
      const expected = state.keyed.startsWith('1') ? 11 : 10;
      if (key !== '#' && state.keyed.length < expected) {
        expectInput(dc.context);
        return Dialog.EndOfTurn;
      }
      // Complete at its length, the number may still be followed by the "#" the prompt asks for.
      if (key !== '#') await allowTrailingPound(dc.context, this.deps.state);
      text = state.keyed;
      state.keyed = '';
    } else if (kind === 'phone' && this.deps.responder.isVoice(dc.context)) {
      // A spoken number: « cinq un quatre, cinq cinq cinq… ».
      const reading = SpelledInputParser.for(this.deps.responder.messages).parse(text, 'digits');
      if (reading.complete && !parseCanadianPhone(text).ok) text = reading.value;
    }
    const reading = this.reader.read(kind, text);
    if (reading.ok) return dc.endDialog(asRecorded(dc.context, reading.value));
    state.misses += 1;
    const maxMisses = state.options.maxMisses ?? MAX_FIELD_MISSES;
    if (state.misses >= maxMisses) return dc.endDialog(undefined);
    const lead: Part[] = [reading.problem];
    // One try left: the other way to reach the Centre is said now, not only once the request is dropped. Not
    // for a question dropped after two misses (the region), whose way forward is the very next reply.
    if (maxMisses > 2 && state.misses === maxMisses - 1) {
      const phones = phonesInline(this.deps.responder.translator(dc.context), this.deps.centre);
      lead.push({ key: 'escalation:callback.notUnderstoodHelp', vars: { phones } });
    }
    await this.ask(dc.context, state, lead);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.ask(context, instance.state as FieldState, []);
  }

  private async ask(context: TurnContext, state: FieldState, lead: Part[]): Promise<void> {
    const { responder } = this.deps;
    const { kind } = state.options;
    const t = responder.translator(context);
    const choices = kind in FIELD_CHOICES ? FIELD_CHOICES[kind as keyof typeof FIELD_CHOICES] : [];
    const buttons: CardAction[] = choices.map((choice, i) => ({
      type: ActionTypes.ImBack,
      title: `${i + 1} – ${t(`escalation:field.${kind}.choices.${choice}`)}`,
      value: String(i + 1),
    }));
    await responder.send(context, [...lead, `escalation:field.${kind}.ask`], {
      inputHint: InputHints.ExpectingInput,
      suggestedActions: buttons.length ? buttons : undefined,
    });
  }
}

/**
 * A time or a reason in the user's own words (`{ text }`) as the transcript reads the message: agents read it,
 * and the read-back quotes it, so a secret typed earlier in the conversation (« ma réponse Filou est refusée »)
 * is masked there too. Other values are the bot's own choices.
 */
function asRecorded<V>(context: TurnContext, value: V): V {
  if (!value || typeof value !== 'object' || !('text' in value)) return value;
  const recorded = recordedUserWords(context);
  return recorded === undefined ? value : { ...value, text: recorded };
}
