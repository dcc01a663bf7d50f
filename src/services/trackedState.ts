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
      isTracked(s) && !context.turnState.get(turnStateKey(s)),
  );
  if (pending.length < 2 || pending.some((s) => storageOf(s) !== storageOf(pending[0]))) return;
  const keys = pending.map((s) => s.getStorageKey(context));
  // A key botbuilder cannot build (no conversation or user id) is left to load(), which says so.
  if (keys.some((k) => k === undefined)) return;
  const stored = await textStorage(storageOf(pending[0])).readTexts(keys as string[]);
  pending.forEach((s, i) => remember(context, s, stored[i]));
}

/**
 * Saves the turn's conversation and user state: when both changed and the storage can, in one all-or-nothing
 * write, so that a user-state change the replies announce (a language chosen) is never lost while the
 * conversation moves on, nor the reverse. Otherwise each is saved as usual.
 */
export async function saveTogether(
  context: TurnContext,
  states: Array<ConversationState | UserState>,
): Promise<void> {
  const changed: Array<{
    owner: TrackedConversationState | TrackedUserState;
    cached: CachedState;
    text: string;
  }> = [];
  for (const owner of states) {
    if (!isTracked(owner)) {
      await owner.saveChanges(context, false);
      continue;
    }
    const cached = context.turnState.get(turnStateKey(owner)) as CachedState | undefined;
    if (!cached) continue;
    const text = fingerprint(cached.state);
    if (text !== cached.hash) changed.push({ owner, cached, text });
  }
  if (changed.length === 0) return;
  const storage = storageOf(changed[0].owner);
  const text = textStorage(storage);
  const keys = await Promise.all(changed.map((c) => c.owner.keyFor(context)));
  // One change too: a write carries the text it replaces (see TextWrite.previousText).
  if (text.writeTexts && changed.every((c) => storageOf(c.owner) === storage)) {
    const eTags = await text.writeTexts(
      changed.map((c, i) => ({
        key: keys[i],
        text: c.text,
        expectedETag: c.cached.eTag,
        previousText: c.cached.hash,
      })),
    );
    changed.forEach((c, i) => remembered(c.cached, c.text, eTags[i]));
    return;
  }
  for (const [i, c] of changed.entries()) {
    const eTag = await textStorage(storageOf(c.owner)).writeText(keys[i], c.text, c.cached.eTag);
    remembered(c.cached, c.text, eTag);
  }
}

/** Records a successful write in the turn's cached state. */
function remembered(cached: CachedState, text: string, eTag: string): void {
  cached.eTag = eTag;
  cached.hash = text;
}

function isTracked(state: BotState): state is TrackedConversationState | TrackedUserState {
  return state instanceof TrackedConversationState || state instanceof TrackedUserState;
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
  /** The storage key of the turn's conversation; rejects, as botbuilder does, when an id is missing. */
  async keyFor(context: TurnContext): Promise<string> {
    return this.storageKey(context);
  }

  override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    return load(this, this.storage, async () => this.storageKey(context), context, force);
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    return saveChanges(this, this.storage, async () => this.storageKey(context), context, force);
  }
}

/** User state with the cheaper change check of {@link load} and {@link saveChanges}. */
export class TrackedUserState extends UserState {
  /** The storage key of the turn's user; rejects, as botbuilder does, when an id is missing. */
  async keyFor(context: TurnContext): Promise<string> {
    return this.storageKey(context);
  }

  override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    return load(this, this.storage, async () => this.storageKey(context), context, force);
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    return saveChanges(this, this.storage, async () => this.storageKey(context), context, force);
  }
}
