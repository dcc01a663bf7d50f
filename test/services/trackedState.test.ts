import {
  type Activity,
  ConversationState,
  MemoryStorage,
  type StoreItems,
  TestAdapter,
  TurnContext,
  UserState,
  type BotState,
} from 'botbuilder';
import { IdleMemoryStorage } from '../../src/services/idleMemoryStorage';
import { TrackedConversationState, TrackedUserState, loadTogether } from '../../src/services/trackedState';

/** Memory storage that records what is written. */
class RecordingStorage extends MemoryStorage {
  readonly writes: StoreItems[] = [];

  override async write(changes: StoreItems): Promise<void> {
    this.writes.push(JSON.parse(JSON.stringify(changes)) as StoreItems);
    await super.write(changes);
  }
}

function turn(text = 'bonjour'): TurnContext {
  const adapter = new TestAdapter();
  const activity: Partial<Activity> = {
    type: 'message',
    text,
    channelId: 'test',
    conversation: { id: 'conv-1', isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'user-1', name: '' },
    recipient: { id: 'bot', name: '' },
  };
  return new TurnContext(adapter, activity);
}

type Step = (state: BotState, context: TurnContext) => Promise<void>;

/** The same turns with a state class: what it wrote, one list per turn. */
async function writesOf(
  make: (storage: RecordingStorage) => BotState,
  turns: Step[][],
): Promise<StoreItems[][]> {
  const storage = new RecordingStorage();
  const state = make(storage);
  const perTurn: StoreItems[][] = [];
  for (const steps of turns) {
    const context = turn();
    const before = storage.writes.length;
    for (const step of steps) await step(state, context);
    await state.saveChanges(context);
    perTurn.push(storage.writes.slice(before).map((w) => stripETags(w)));
  }
  return perTurn;
}

function stripETags(items: StoreItems): StoreItems {
  return Object.fromEntries(
    Object.entries(items).map(([key, value]) => {
      const { eTag: _eTag, ...rest } = value as Record<string, unknown>;
      return [key, rest];
    }),
  );
}

const setFlag: (value: unknown) => Step = (value) => async (state, context) => {
  await state.createProperty('flags').set(context, { welcomed: value });
};
const read: Step = async (state, context) => {
  await state.createProperty('flags').get(context, {});
};
const touchETag: Step = async (state, context) => {
  const loaded = (await state.load(context)) as Record<string, unknown>;
  loaded.eTag = 'something-else';
};
const clear: Step = async (state, context) => {
  await state.load(context);
  await state.clear(context);
};

describe.each([
  [
    'conversation',
    (s: RecordingStorage) => new ConversationState(s),
    (s: RecordingStorage) => new TrackedConversationState(s),
  ],
  ['user', (s: RecordingStorage) => new UserState(s), (s: RecordingStorage) => new TrackedUserState(s)],
])('tracked %s state', (_kind, original, tracked) => {
  const script: Step[][] = [
    [read], // a default set on first read is a change
    [read], // nothing changed
    [setFlag(true)], // changed
    [setFlag(true)], // set to the same value: no change
    [touchETag], // only the eTag: no change
    [clear], // cleared: written empty
    [], // not even loaded: nothing written
    [setFlag('é')],
  ];

  it('writes exactly when botbuilder’s own state class writes, and the same items', async () => {
    const expected = await writesOf(original, script);
    const actual = await writesOf(tracked, script);
    expect(actual).toEqual(expected);
    expect(actual.map((w) => w.length)).toEqual([1, 0, 1, 0, 0, 1, 0, 1]);
  });

  it('writes on demand with force, even without a change', async () => {
    const storage = new RecordingStorage();
    const state = tracked(storage);
    const context = turn();
    await state.load(context);
    await state.saveChanges(context, true);
    expect(storage.writes).toHaveLength(1);
  });

  it('reads the saved state back in a later turn, and reloads from storage with force', async () => {
    const storage = new RecordingStorage();
    const state = tracked(storage);
    const first = turn();
    await state.createProperty('flags').set(first, { welcomed: true });
    await state.saveChanges(first);
    const later = turn();
    await expect(state.createProperty('flags').get(later)).resolves.toEqual({ welcomed: true });
    const key = Object.keys(storage.writes[0])[0];
    await storage.write({ [key]: { flags: { welcomed: false }, eTag: '*' } });
    expect(((await state.load(later, true)) as { flags: unknown }).flags).toEqual({ welcomed: false });
  });
});

describe('tracked state when two turns of one conversation overlap', () => {
  it('refuses the second save instead of undoing the first one’s change', async () => {
    const storage = new IdleMemoryStorage({ idleMsFor: () => undefined, sweepEveryMs: 60_000 });
    const state = new TrackedConversationState(storage);
    const flags = state.createProperty<Record<string, unknown>>('flags');
    const first = turn();
    const second = turn();
    await flags.get(first, {});
    await flags.get(second, {});
    await flags.set(first, { menu: 'onlineServices' });
    await flags.set(second, { menu: 'hours' });
    await state.saveChanges(first);
    await expect(state.saveChanges(second)).rejects.toThrow(/eTag conflict/);
    await expect(flags.get(turn())).resolves.toEqual({ menu: 'onlineServices' });
  });

  it('saves twice in one turn without refusing itself', async () => {
    const storage = new IdleMemoryStorage({ idleMsFor: () => undefined, sweepEveryMs: 60_000 });
    const state = new TrackedConversationState(storage);
    const flags = state.createProperty<Record<string, unknown>>('flags');
    const context = turn();
    await flags.set(context, { step: 1 });
    await state.saveChanges(context);
    await flags.set(context, { step: 2 });
    await state.saveChanges(context);
    await expect(flags.get(turn())).resolves.toEqual({ step: 2 });
  });
});

describe('loadTogether', () => {
  /** Memory storage that counts its text reads. */
  class CountingStorage extends IdleMemoryStorage {
    readonly reads: string[][] = [];

    override readTexts(keys: string[]) {
      this.reads.push(keys);
      return super.readTexts(keys);
    }
  }

  const storage = () => new CountingStorage({ idleMsFor: () => undefined, sweepEveryMs: 60_000 });

  it('reads conversation and user state in one storage call, and each gets what was saved', async () => {
    const store = storage();
    const conversation = new TrackedConversationState(store);
    const user = new TrackedUserState(store);
    const flags = conversation.createProperty<Record<string, unknown>>('flags');
    const profile = user.createProperty<Record<string, unknown>>('profile');
    const first = turn();
    await flags.set(first, { welcomed: true });
    await profile.set(first, { language: 'en' });
    await conversation.saveChanges(first);
    await user.saveChanges(first);

    store.reads.length = 0;
    const next = turn();
    await loadTogether(next, [conversation, user]);
    await expect(flags.get(next)).resolves.toEqual({ welcomed: true });
    await expect(profile.get(next)).resolves.toEqual({ language: 'en' });
    expect(store.reads).toEqual([['test/conversations/conv-1/', 'test/users/user-1/']]);
  });

  it('leaves states over different storages to load on first use', async () => {
    const [a, b] = [storage(), storage()];
    const conversation = new TrackedConversationState(a);
    const user = new TrackedUserState(b);
    const context = turn();
    await loadTogether(context, [conversation, user]);
    expect([a.reads, b.reads]).toEqual([[], []]);
    await conversation.load(context);
    await user.load(context);
    expect([a.reads.length, b.reads.length]).toEqual([1, 1]);
  });
});
