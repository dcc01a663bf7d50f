import { BotState, ConversationState, UserState, type Storage, type TurnContext } from 'botbuilder';

/** What botbuilder's BotState keeps in turn state: the loaded object and its fingerprint when loaded or saved. */
interface CachedState {
  state: Record<string, unknown>;
  hash: string;
}

/** BotState's turn-state key, private in its typings but stable within the pinned botbuilder 4.23. */
function turnStateKey(state: BotState): symbol {
  return (state as unknown as { stateKey: symbol }).stateKey;
}

/** The state as saved, without its eTag: the text itself serves as the fingerprint. */
function fingerprint(state: Record<string, unknown>): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}

/**
 * botbuilder's load and saveChanges, with one change: whether the state changed during the turn is decided by
 * comparing its JSON text, not a SHA-256 of botbuilder's own serializer. State is plain JSON (storage keeps it
 * so), and that hashing was about 5 % of a menu turn's CPU in the benchmark.
 */
async function load(
  owner: BotState,
  storage: Storage,
  storageKey: () => Promise<string>,
  context: TurnContext,
  force: boolean,
): Promise<Record<string, unknown>> {
  const key = turnStateKey(owner);
  const cached = context.turnState.get(key) as CachedState | undefined;
  if (!force && cached?.state) return cached.state;
  const itemKey = await storageKey();
  const items = await storage.read([itemKey]);
  const state = (items[itemKey] as Record<string, unknown> | undefined) ?? {};
  context.turnState.set(key, { state, hash: fingerprint(state) } satisfies CachedState);
  return state;
}

async function saveChanges(
  owner: BotState,
  storage: Storage,
  storageKey: () => Promise<string>,
  context: TurnContext,
  force: boolean,
): Promise<void> {
  const key = turnStateKey(owner);
  let cached = context.turnState.get(key) as CachedState | undefined;
  if (!force && (!cached || cached.hash === fingerprint(cached.state))) return;
  cached ??= { state: {}, hash: '' };
  // As botbuilder does: state is written last-writer-wins; conflicts are handled by the storage guard.
  cached.state.eTag = '*';
  await storage.write({ [await storageKey()]: cached.state });
  cached.hash = fingerprint(cached.state);
  context.turnState.set(key, cached);
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
