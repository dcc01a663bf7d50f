import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { sealKeySource, type SealKeySource } from '../sealKey';

/**
 * Seals personal data that must survive a turn (the NAM, so that « réessayer » or « un autre médicament »
 * works without retyping it; on voice, the requests still to be read) before it goes into conversation state.
 *
 * Conversation state is persisted (Redis in production) and may be read by support tools, so it only ever
 * holds an AES-256-GCM token: bound to its conversation (a token copied elsewhere does not open), expiring
 * with the conversation's idle time, and unreadable without the key (see {@link SealKeySource}: STATE_SEAL_KEY,
 * shared by every instance; unset, a key shared through Redis, or random per process with memory storage).
 */
export class Sealer {
  private readonly keys: SealKeySource;

  /**
   * @param key the key, or 32 bytes of it; random when absent.
   * @param ttlMs how long a token opens.
   * @param now the clock, so that tests can expire tokens.
   */
  constructor(
    key: SealKeySource | Buffer | undefined,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = sealKeySource(key);
  }

  /** An opaque token for `value`, which opens only in the conversation `binding` until it expires. */
  seal(value: unknown, binding: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.current(), iv);
    cipher.setAAD(Buffer.from(binding, 'utf8'));
    const plain = Buffer.from(JSON.stringify({ v: value, exp: this.now() + this.ttlMs }), 'utf8');
    const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString('base64url');
  }

  /** The sealed value, or undefined when the token is foreign, tampered with, or expired. */
  open(token: string | undefined, binding: string): unknown {
    if (!token) return undefined;
    // Outside the try: a key not yet known is the storage's failure, not a foreign token.
    const key = this.keys.current();
    try {
      const raw = Buffer.from(token, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(binding, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      const { v, exp } = JSON.parse(plain) as { v: unknown; exp: number };
      return exp >= this.now() ? v : undefined;
    } catch {
      return undefined;
    }
  }
}
