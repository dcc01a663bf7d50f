import type { AuditAction, AuditEvent, AuditLog } from './auditLog';
import type { AccountRedisClient } from './redisAccountStore';

/** Options of {@link RedisAuditLog}. */
export interface RedisAuditLogOptions {
  client: AccountRedisClient;
  /** The stream's key, e.g. `ramq-bot:accounts:audit`. */
  key: string;
  /** Approximate number of entries kept; older ones are trimmed. Default 100 000. */
  maxEntries?: number;
}

/** Audit log as a Redis stream (STORAGE=redis): one entry per event, shared by every instance. */
export class RedisAuditLog implements AuditLog {
  constructor(private readonly options: RedisAuditLogOptions) {}

  async append(event: AuditEvent): Promise<void> {
    const fields: Record<string, string> = {
      time: event.time,
      userName: event.userName,
      channel: event.channel,
      action: event.action,
      outcome: event.outcome,
    };
    if (event.detail) fields.detail = event.detail;
    await this.options.client.xAdd(this.options.key, '*', fields, {
      TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.options.maxEntries ?? 100_000 },
    });
  }

  async recent(limit = 100): Promise<AuditEvent[]> {
    const entries = await this.options.client.xRevRange(this.options.key, '+', '-', { COUNT: limit });
    return [...(entries ?? [])].reverse().map(({ message }) => {
      const m = message as Record<string, string>;
      const event: AuditEvent = {
        time: m.time,
        userName: m.userName,
        channel: m.channel,
        action: m.action as AuditAction,
        outcome: m.outcome as AuditEvent['outcome'],
      };
      if (m.detail) event.detail = m.detail;
      return event;
    });
  }
}
