/** What happened to an account. */
export type AuditAction =
  | 'authenticationSucceeded'
  | 'authenticationFailed'
  | 'secretQuestionRoundPassed'
  | 'secretQuestionRoundFailed'
  | 'resetRefusedNoQuestions'
  | 'lockout'
  | 'refusedWhileLocked'
  | 'conversationLimitReached'
  | 'passwordReset'
  | 'temporaryPasswordIssued'
  | 'passwordChanged'
  | 'secretQuestionsChanged'
  | 'requestStatusConsulted';

/** One audit entry: who, when, where, what and how it ended — never a secret. */
export interface AuditEvent {
  /** ISO date-time by the bot's clock. */
  time: string;
  userName: string;
  /** Bot Framework channel id (webchat, telephony, ...). */
  channel: string;
  action: AuditAction;
  outcome: 'success' | 'failure' | 'refused';
  /** Why, when it helps a reader: `reset`, `authenticate`, `firstLogin`, `voice`... */
  detail?: string;
}

/** An append-only log of account events. */
export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
  /** The latest events, oldest first; for tests and support tools. */
  recent(limit?: number): Promise<AuditEvent[]>;
}

/** Audit log kept in memory (STORAGE=memory), bounded so a long-running process cannot grow without end. */
export class MemoryAuditLog implements AuditLog {
  private readonly events: AuditEvent[] = [];

  constructor(private readonly maxEvents = 10_000) {}

  async append(event: AuditEvent): Promise<void> {
    this.events.push({ ...event });
    if (this.events.length > this.maxEvents) this.events.splice(0, this.events.length - this.maxEvents);
  }

  async recent(limit = 100): Promise<AuditEvent[]> {
    return this.events.slice(-limit).map((e) => ({ ...e }));
  }
}
