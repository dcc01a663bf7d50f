import { BotState, ConversationState, UserState, type Storage, type TurnContext } from 'botbuilder';
import { type StoredText, type TextStorage, textStorageOf } from './textStorage';

/**
 * What botbuilder's BotState keeps in turn state, the loaded object and its fingerprint when loaded or saved,
 * plus the eTag it had then: null when nothing was stored, undefined after a clear (written unconditionally).
 */
interface CachedState {
  state: Record<string, unknown>;
  hash: string;
  eTag?: string | null;
}

/** BotState's turn-state key, private in its typings but stable within the pinned botbuilder 4.23. */
function turnStateKey(state: BotState): symbol {
  return (state as unknown as { stateKey: symbol }).stateKey;
}

/** The state as saved, without an eTag: the text itself serves as the fingerprint. */
function fingerprint(state: Record<string, unknown>): string {
  if (!Object.hasOwn(state, 'eTag')) return JSON.stringify(state);
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}

const textStorages = new WeakMap<Storage, TextStorage>();

function textStorage(storage: Storage): TextStorage {
  let text = textStorages.get(storage);
  if (!text) {
    text = textStorageOf(storage);
    textStorages.set(storage, text);
  }
  return text;
}

/**
 * botbuilder's load and saveChanges, with two changes. Whether the state changed during the turn is decided by
 * comparing its JSON text, as the storage holds it, instead of a SHA-256 of botbuilder's own serializer: a
 * menu turn then serializes each state once instead of up to four times. And a write expects the eTag that
 * was read, where botbuilder writes `'*'` (last writer wins): when two turns of one conversation run at once,
 * the second to save is refused (ConcurrentTurnError) instead of silently undoing the first one's changes.
 */
async function load(
  owner: BotState,
  storage: Storage,
  storageKey: () => Promise<string>,
  context: TurnContext,
  force: boolean,
): Promise<Record<string, unknown>> {
  const cached = context.turnState.get(turnStateKey(owner)) as CachedState | undefined;
  if (!force && cached?.state) return cached.state;
  const [stored] = await textStorage(storage).readTexts([await storageKey()]);
  return remember(context, owner, stored);
}

/** Keeps what was read in turn state, as load does, and returns the state object. */
function remember(
  context: TurnContext,
  owner: BotState,
  stored: StoredText | undefined,
): Record<string, unknown> {
  const state = stored ? (JSON.parse(stored.text) as Record<string, unknown>) : {};
  const cached: CachedState = { state, hash: stored?.text ?? '{}', eTag: stored?.eTag ?? null };
  context.turnState.set(turnStateKey(owner), cached);
  return state;
}

/** BotState's storage, protected in its typings. */
function storageOf(state: BotState): Storage {
  return (state as unknown as { storage: Storage }).storage;
}

/**
 * Loads the turn's conversation and user state with one storage read (one MGET with Redis) instead of one
 * each, when both are tracked states over the same storage; otherwise each loads on first use, as usual.
 * Those already loaded in this turn are left as they are.
 */
export async function loadTogether(
  context: TurnContext,
  states: Array<ConversationState | UserState>,
): Promise<void> {
  const pending = states.filter(
    (s): s is TrackedConversationState | TrackedUserState =>
      (s instanceof TrackedConversationState || s instanceof TrackedUserState) &&
      !context.turnState.get(turnStateKey(s)),
  );
  if (pending.length < 2 || pending.some((s) => storageOf(s) !== storageOf(pending[0]))) return;
  const keys = pending.map((s) => s.getStorageKey(context));
  // A key botbuilder cannot build (no conversation or user id) is left to load(), which says so.
  if (keys.some((k) => k === undefined)) return;
  const stored = await textStorage(storageOf(pending[0])).readTexts(keys as string[]);
  pending.forEach((s, i) => remember(context, s, stored[i]));
}

async function saveChanges(
  owner: BotState,
  storage: Storage,
  storageKey: () => Promise<string>,
  context: TurnContext,
  force: boolean,
): Promise<void> {
  const key = turnStateKey(owner);
  const cached = context.turnState.get(key) as CachedState | undefined;
  if (!cached && !force) return;
  const current = cached ?? { state: {}, hash: '' };
  const text = fingerprint(current.state);
  if (!force && text === current.hash) return;
  current.eTag = await textStorage(storage).writeText(await storageKey(), text, current.eTag);
  current.hash = text;
  context.turnState.set(key, current);
}

/** Conversation state with the cheaper change check of {@link load} and {@link saveChanges}. */
export class TrackedConversationState extends ConversationState {
  override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    return load(this, this.storage, async () => this.storageKey(context), context, force);
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    return saveChanges(this, this.storage, async () => this.storageKey(context), context, force);
  }
}

/** User state with the cheaper change check of {@link load} and {@link saveChanges}. */
export class TrackedUserState extends UserState {
  override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    return load(this, this.storage, async () => this.storageKey(context), context, force);
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    return saveChanges(this, this.storage, async () => this.storageKey(context), context, force);
  }
}
