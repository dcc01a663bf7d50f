import type { AppRedisClient } from '../redisClient';

/** What the agent hub audits. */
export type AgentAuditAction =
  | 'escalationAccepted'
  | 'escalationTaken'
  | 'escalationEnded'
  | 'escalationClosed'
  | 'temporaryPasswordIssued'
  | 'temporaryPasswordRefused'
  | 'callbackCompleted'
  | 'agentCommandRefused';

/** One audit entry of the agent hub: who (hashed unless an agent), what, on which escalation — never a secret. */
export interface AgentAuditEvent {
  /** ISO date-time by the bot's clock. */
  time: string;
  action: AgentAuditAction;
  outcome: 'success' | 'refused';
  /** The agent's Entra object id; for a refused non-agent, a hash of their channel id and user id. */
  actor: string;
  channel: string;
  escalationId?: string;
  /** The online-services user name concerned (a temporary password), never a password. */
  userName?: string;
  /** Which command, or why it was refused. */
  detail?: string;
}

/**
 * The agent hub's audit trail. Account changes made by an agent (a temporary password) are also audited by the
 * AccountService in the accounts' own log; this one says which agent did it, for which escalation, and keeps the
 * refusals of agent commands sent by people who are not agents.
 */
export interface AgentAuditLog {
  append(event: AgentAuditEvent): Promise<void>;
  /** The latest events, oldest first. */
  recent(limit?: number): Promise<AgentAuditEvent[]>;
}

/** {@link AgentAuditLog} in memory, bounded. */
export class MemoryAgentAuditLog implements AgentAuditLog {
  private readonly events: AgentAuditEvent[] = [];

  constructor(private readonly maxEvents = 10_000) {}

  async append(event: AgentAuditEvent): Promise<void> {
    this.events.push({ ...event });
    if (this.events.length > this.maxEvents) this.events.splice(0, this.events.length - this.maxEvents);
  }

  async recent(limit = 100): Promise<AgentAuditEvent[]> {
    return this.events.slice(-limit).map((e) => ({ ...e }));
  }
}

/** {@link AgentAuditLog} as a Redis stream, shared by every instance, trimmed to about 100 000 entries. */
export class RedisAgentAuditLog implements AgentAuditLog {
  constructor(
    private readonly client: Pick<AppRedisClient, 'xAdd' | 'xRevRange'>,
    private readonly key: string,
  ) {}

  async append(event: AgentAuditEvent): Promise<void> {
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(event)) if (value !== undefined) fields[name] = String(value);
    await this.client.xAdd(this.key, '*', fields, {
      TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: 100_000 },
    });
  }

  async recent(limit = 100): Promise<AgentAuditEvent[]> {
    const entries = await this.client.xRevRange(this.key, '+', '-', { COUNT: limit });
    return [...(entries ?? [])].reverse().map(({ message }) => message as unknown as AgentAuditEvent);
  }
}
