import { randomBytes } from 'node:crypto';
import type { Middleware } from 'botbuilder';
import { StorageUnavailableError } from '../errors';

/** Length of a sealing key, in bytes (AES-256). */
export const SEAL_KEY_BYTES = 32;

/**
 * The key that seals personal data kept in conversation state (the NAM) and keys the fingerprints of the
 * secrets the transcripts hide. Every instance sharing a conversation must use the same one, and a restart
 * must keep it, or a sealed NAM no longer opens and the user is asked for it again.
 */
export interface SealKeySource {
  /** The key. Throws {@link StorageUnavailableError} while a key kept in storage is not yet known. */
  current(): Buffer;
}

/** A key given once: STATE_SEAL_KEY, or a random key when the state lives only in this process. */
export class FixedSealKey implements SealKeySource {
  private readonly key: Buffer;

  /** @param key {@link SEAL_KEY_BYTES} bytes; random when absent. */
  constructor(key?: Buffer) {
    if (key && key.length !== SEAL_KEY_BYTES)
      throw new Error(`the sealing key must be ${SEAL_KEY_BYTES} bytes`);
    this.key = key ?? randomBytes(SEAL_KEY_BYTES);
  }

  current(): Buffer {
    return this.key;
  }
}

/** `key` as a source: a given source as it is, 32 bytes as a fixed key, nothing as a random one. */
export function sealKeySource(key?: SealKeySource | Buffer): SealKeySource {
  return key === undefined || Buffer.isBuffer(key) ? new FixedSealKey(key) : key;
}

/** What {@link RedisSharedSealKey} needs of a Redis client. */
export interface SealKeyRedis {
  set(key: string, value: string, options: { condition: 'NX' }): Promise<unknown>;
  get(key: string): Promise<string | null>;
}

/**
 * STATE_SEAL_KEY unset, state in Redis: a random key chosen by the first instance to ask, kept in Redis
 * (without expiry) and adopted by every other instance and by each restart, so that a conversation moving
 * between instances, or outliving one, still opens what it sealed. It sits next to the data it seals, so it
 * only keeps the NAM out of plain sight: production sets STATE_SEAL_KEY (the start-up log says so).
 */
export class RedisSharedSealKey implements SealKeySource {
  private key: Buffer | undefined;
  private loading: Promise<Buffer> | undefined;

  /**
   * @param client the application's Redis client.
   * @param redisKey where the key is kept (under the deployment's key prefix).
   */
  constructor(
    private readonly client: SealKeyRedis,
    private readonly redisKey: string,
  ) {}

  current(): Buffer {
    if (!this.key) throw new StorageUnavailableError('seal key read');
    return this.key;
  }

  /** The key, read from Redis (or chosen there) the first time; rejects with StorageUnavailableError. */
  ensure(): Promise<Buffer> {
    if (this.key) return Promise.resolve(this.key);
    return this.refresh();
  }

  /** Whether the key is known, or can be read now (for readiness). */
  available(): Promise<boolean> {
    return this.ensure().then(
      () => true,
      () => false,
    );
  }

  /**
   * Reads the key again, as after a reconnection: a Redis restarted empty gets back the key this instance
   * holds (or, if another instance put one back first, this instance adopts that one).
   */
  refresh(): Promise<Buffer> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<Buffer> {
    try {
      const proposed = (this.key ?? randomBytes(SEAL_KEY_BYTES)).toString('base64');
      await this.client.set(this.redisKey, proposed, { condition: 'NX' });
      const stored = Buffer.from((await this.client.get(this.redisKey)) ?? '', 'base64');
      if (stored.length !== SEAL_KEY_BYTES) throw new Error('the shared sealing key is malformed');
      this.key = stored;
      return stored;
    } catch (error) {
      throw error instanceof StorageUnavailableError
        ? error
        : new StorageUnavailableError('seal key read', error);
    }
  }
}

/**
 * Turn middleware: the turn goes on once the shared key is known (at once, after the first turn), so that no
 * dialog seals under a key another instance does not have; if Redis cannot give it, the turn fails politely.
 */
export function sealKeyFirst(shared: RedisSharedSealKey): Middleware {
  return {
    onTurn: async (_context, next) => {
      await shared.ensure();
      await next();
    },
  };
}
