import { ActivityTypes, type Activity } from 'botbuilder';
import { isVoiceChannel } from './ssml';

/** Entity type the telephony channel puts on a message that carries one keypad key. */
export const DTMF_ENTITY = 'DTMF';

/** A phone keypad key. */
export type KeypadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#';

const KEY = /^[0-9*#]$/;

/** True when the message carries a `DTMF` entity (the caller pressed a key rather than spoke). */
export function isDtmf(activity: Partial<Activity>): boolean {
  return (activity.entities ?? []).some((e) => e.type?.toLowerCase() === DTMF_ENTITY.toLowerCase());
}

/**
 * The key a message stands for on a voice channel: the telephony channel sends each key as its own message
 * whose text is the key, with a `DTMF` entity. A one-character "1", "*" or "#" means the same without the
 * entity (speech recognition writes a lone spoken digit that way), so both are keys. Elsewhere: undefined.
 */
export function keypadKey(activity: Partial<Activity>): KeypadKey | undefined {
  if (activity.type !== ActivityTypes.Message || !isVoiceChannel(activity.channelId)) return undefined;
  const text = (activity.text ?? '').trim();
  return KEY.test(text) ? (text as KeypadKey) : undefined;
}

/** A keypress message as the telephony channel sends it; for tests and the phone simulator. */
export function keypressActivity(key: KeypadKey): Partial<Activity> {
  return { type: ActivityTypes.Message, text: key, entities: [{ type: DTMF_ENTITY, tone: key }] };
}

/** A keypad entry in progress: an optional prefix chosen by the first key, then digits. */
export interface KeypadEntry {
  /** Letters chosen by the first key (e.g. "IP" for 1), when the entry has prefix keys. */
  prefix?: string;
  digits: string;
}

/** How a multi-key entry is collected. */
export interface KeypadSpec {
  /** Digits after which the entry is complete without "#". Without it, "#" ends the entry. */
  length?: number;
  /** The first key picks letters instead of a digit, e.g. `{ "1": "IP", "2": "CE" }` for a user name. */
  keypadPrefixes?: Record<string, string>;
}

/** What one key did to an entry. */
export type KeypressOutcome =
  /** Keep collecting. */
  | { kind: 'more'; entry: KeypadEntry }
  /** The entry is complete ("#" or expected length reached). */
  | { kind: 'done'; entry: KeypadEntry; value: string }
  /** "*": the caller wants the prompt again; the entry is cleared. */
  | { kind: 'repeat'; entry: KeypadEntry }
  /** A key that makes no sense here ("#" on an empty entry, an unknown prefix key); the entry is cleared. */
  | { kind: 'invalid'; entry: KeypadEntry };

const EMPTY: KeypadEntry = { digits: '' };

/** The entry with nothing keyed yet. */
export function emptyKeypadEntry(): KeypadEntry {
  return { ...EMPTY };
}

/**
 * Applies one key to a multi-key entry: a pure function, so a flow may keep the entry wherever it likes
 * ({@link EntryPrompt} keeps it in its dialog state). "*" repeats, "#" ends, the expected length ends.
 */
export function pressKey(entry: KeypadEntry, key: KeypadKey, spec: KeypadSpec = {}): KeypressOutcome {
  if (key === '*') return { kind: 'repeat', entry: emptyKeypadEntry() };
  const hasPrefixKeys = spec.keypadPrefixes !== undefined && Object.keys(spec.keypadPrefixes).length > 0;
  if (key === '#') {
    if (!entry.digits && !entry.prefix) return { kind: 'invalid', entry: emptyKeypadEntry() };
    return { kind: 'done', entry, value: `${entry.prefix ?? ''}${entry.digits}` };
  }
  if (hasPrefixKeys && entry.prefix === undefined) {
    const prefix = spec.keypadPrefixes?.[key];
    if (prefix === undefined) return { kind: 'invalid', entry: emptyKeypadEntry() };
    return { kind: 'more', entry: { prefix, digits: '' } };
  }
  const next: KeypadEntry = { ...entry, digits: entry.digits + key };
  if (spec.length !== undefined && next.digits.length >= spec.length) {
    return { kind: 'done', entry: next, value: `${next.prefix ?? ''}${next.digits}` };
  }
  return { kind: 'more', entry: next };
}

/** What one message did to the keys a prompt is gathering. */
export type KeyGathering =
  /** Not a keypress: the prompt reads the message as usual. */
  | { kind: 'notKey' }
  /** A key was added: the prompt says nothing and waits for the next one. */
  | { kind: 'more'; entry: KeypadEntry }
  /**
   * The keys are complete ("#" or the spec's length); `keys` are those pressed, without "#". `early` when no
   * "#" ended them: the caller may still press it, and it must not answer the next question.
   */
  | { kind: 'done'; keys: string; early: boolean }
  /** "*": the caller wants the question again; the keys are dropped. */
  | { kind: 'repeat' }
  /** "#" before any key. */
  | { kind: 'empty' };

/**
 * For prompts that read a whole answer from one message (a user name, a NAM's digits, a number in a list):
 * on the phone each key comes as its own message, so the keys are gathered in the prompt's state until "#"
 * or the expected length, then read as one answer. `finishedEarly` ends the entry before that when no
 * further key could make sense (question 5 of 18 cannot become 50-something).
 */
export function gatherKey(
  activity: Partial<Activity>,
  entry: KeypadEntry | undefined,
  spec: KeypadSpec & { finishedEarly?: (digits: string) => boolean } = {},
): KeyGathering {
  const key = keypadKey(activity);
  if (!key) return { kind: 'notKey' };
  const outcome = pressKey(entry ?? emptyKeypadEntry(), key, spec);
  switch (outcome.kind) {
    case 'done':
      return { kind: 'done', keys: outcome.value, early: key !== '#' };
    case 'repeat':
      return { kind: 'repeat' };
    case 'invalid':
      return { kind: 'empty' };
    default:
      return spec.finishedEarly?.(outcome.entry.digits)
        ? { kind: 'done', keys: outcome.entry.digits, early: true }
        : { kind: 'more', entry: outcome.entry };
  }
}
