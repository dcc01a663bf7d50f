import type { EscalationRedisClient } from './redisEscalationStore';
import type { TranscriptEntry } from './types';

/** How many transcript lines are kept per conversation: the last turns an agent needs, no more. */
export const MAX_TRANSCRIPT_ENTRIES = 20;

/**
 * The last lines of each conversation, already redacted, kept apart from conversation state so the recorder
 * can write after the turn's dialogs have run (and know whether the turn was sensitive). Lines expire with
 * the conversation.
 */
export interface TranscriptStore {
  append(conversationKey: string, entries: TranscriptEntry[]): Promise<void>;
  /** The last lines, oldest first. */
  recent(conversationKey: string): Promise<TranscriptEntry[]>;
}

/** {@link TranscriptStore} in memory, bounded in conversations (least recently written dropped first). */
export class MemoryTranscriptStore implements TranscriptStore {
  private readonly lines = new Map<string, { entries: TranscriptEntry[]; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxConversations = 2_000,
  ) {}

  async append(conversationKey: string, entries: TranscriptEntry[]): Promise<void> {
    // Applied before the first await: a caller that does not wait (the recorder) is still read in order.
    const current = this.current(conversationKey).concat(entries).slice(-MAX_TRANSCRIPT_ENTRIES);
    this.lines.delete(conversationKey);
    this.lines.set(conversationKey, { entries: current, expires: this.now() + this.ttlMs });
    while (this.lines.size > this.maxConversations) {
      const oldest = this.lines.keys().next().value as string;
      this.lines.delete(oldest);
    }
  }

  async recent(conversationKey: string): Promise<TranscriptEntry[]> {
    return this.current(conversationKey);
  }

  private current(conversationKey: string): TranscriptEntry[] {
    const found = this.lines.get(conversationKey);
    if (!found || found.expires <= this.now()) return [];
    return found.entries.map((e) => ({ ...e }));
  }
}

/** Appends ARGV[3..] to the list, keeps its last ARGV[1] lines and makes it expire in ARGV[2] seconds. */
const APPEND_LUA = `
redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`;

/** {@link TranscriptStore} in Redis: one capped list per conversation, expiring with it. */
export class RedisTranscriptStore implements TranscriptStore {
  constructor(
    private readonly client: EscalationRedisClient,
    private readonly keyPrefix: string,
    private readonly ttlSeconds: number,
  ) {}

  async append(conversationKey: string, entries: TranscriptEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // One round trip per turn instead of three: this runs on every message of every conversation.
    await this.client.eval(APPEND_LUA, {
      keys: [this.key(conversationKey)],
      arguments: [
        String(MAX_TRANSCRIPT_ENTRIES),
        String(this.ttlSeconds),
        ...entries.map((e) => JSON.stringify(e)),
      ],
    });
  }

  async recent(conversationKey: string): Promise<TranscriptEntry[]> {
    const raw = await this.client.lRange(this.key(conversationKey), 0, -1);
    return raw.map((r) => JSON.parse(r) as TranscriptEntry);
  }

  private key(conversationKey: string): string {
    return `${this.keyPrefix}transcript:${conversationKey}`;
  }
}
