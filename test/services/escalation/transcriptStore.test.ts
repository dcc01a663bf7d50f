import { createClient } from 'redis';
import {
  MAX_TRANSCRIPT_ENTRIES,
  MemoryTranscriptStore,
  RedisTranscriptStore,
  type TranscriptStore,
} from '../../../src/services/escalation/transcriptStore';
import type { TranscriptEntry } from '../../../src/services/escalation/types';
import { deleteKeysWithPrefix, describeWithRedis, redisTestUrl, uniqueTestPrefix } from '../../helpers/redis';

function line(n: number, from: TranscriptEntry['from'] = 'user'): TranscriptEntry {
  return { at: `2026-11-27T10:00:${String(n % 60).padStart(2, '0')}.000Z`, from, text: `ligne ${n}` };
}

/** What every transcript store must do, whatever keeps the lines. */
function transcriptStoreContract(make: () => TranscriptStore): void {
  it('keeps a conversation’s lines in order, the user’s and the bot’s, apart from other conversations', async () => {
    const store = make();
    await store.append('a', [line(1), line(2, 'bot')]);
    await store.append('b', [line(9)]);
    await store.append('a', [line(3)]);
    await expect(store.recent('a')).resolves.toEqual([line(1), line(2, 'bot'), line(3)]);
    await expect(store.recent('b')).resolves.toEqual([line(9)]);
    await expect(store.recent('nobody')).resolves.toEqual([]);
  });

  it(`keeps only the last ${MAX_TRANSCRIPT_ENTRIES} lines of a conversation`, async () => {
    const store = make();
    for (let turn = 0; turn < MAX_TRANSCRIPT_ENTRIES; turn += 1)
      await store.append('long', [line(2 * turn), line(2 * turn + 1, 'bot')]);
    const kept = await store.recent('long');
    expect(kept).toHaveLength(MAX_TRANSCRIPT_ENTRIES);
    expect(kept[0]).toEqual(line(MAX_TRANSCRIPT_ENTRIES));
    expect(kept.at(-1)).toEqual(line(2 * MAX_TRANSCRIPT_ENTRIES - 1, 'bot'));
  });

  it('ignores an empty append', async () => {
    const store = make();
    await store.append('empty', []);
    await expect(store.recent('empty')).resolves.toEqual([]);
  });
}

describe('MemoryTranscriptStore', () => {
  transcriptStoreContract(() => new MemoryTranscriptStore(60_000));
});

describeWithRedis('RedisTranscriptStore', () => {
  const client = createClient({ url: redisTestUrl() });
  const prefix = uniqueTestPrefix('transcripts');

  beforeAll(async () => {
    await client.connect();
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(client, prefix);
    client.destroy();
  });

  transcriptStoreContract(() => new RedisTranscriptStore(client, prefix, 3600));

  it('makes each conversation’s list expire with the conversation', async () => {
    const store = new RedisTranscriptStore(client, prefix, 120);
    await store.append('ttl', [line(1)]);
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*ttl*` }))
      keys.push(...(Array.isArray(batch) ? batch : [batch]));
    expect(keys).toHaveLength(1);
    const ttl = await client.ttl(keys[0]);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });
});
