import type { AuditLog } from '../accounts/auditLog';
import type { Logger } from '../logger';

/** One consultation of a person's requests: who, whose (masked), what, when, where and how it ended. */
export interface ConsultationAuditEntry {
  /** ISO date-time by the bot's clock. */
  time: string;
  /** The online-services user name of the person who consulted. */
  userName: string;
  /** Bot Framework channel id. */
  channel: string;
  /** Only the last four characters of the NAM, e.g. `********1212`. */
  maskedNam: string;
  /** Catalogue id, `all`, `exceptionalPatient` or `din:<DIN>`. */
  medication: string;
  outcome: 'found' | 'none' | 'unavailable';
  /** Requests shown. */
  count: number;
}

/** Where consultations are recorded. */
export interface ConsultationAudit {
  record(entry: ConsultationAuditEntry): Promise<void>;
}

/** Records consultations as structured `audit` log lines (the default when no audit store is wired). */
export class LoggerConsultationAudit implements ConsultationAudit {
  constructor(private readonly logger: Logger) {}

  async record(entry: ConsultationAuditEntry): Promise<void> {
    this.logger.info({ event: 'audit', action: 'requestStatusConsulted', ...entry }, 'audit');
  }
}

/** Keeps consultations in memory (tests, and support tools reading recent entries). */
export class MemoryConsultationAudit implements ConsultationAudit {
  readonly entries: ConsultationAuditEntry[] = [];

  async record(entry: ConsultationAuditEntry): Promise<void> {
    this.entries.push({ ...entry });
  }
}

/**
 * Records consultations in the service's audit log (a Redis stream with STORAGE=redis), beside the account
 * events, so one trail answers "who looked at whose requests, when, from where". Only the masked NAM.
 */
export class AuditLogConsultationAudit implements ConsultationAudit {
  constructor(private readonly audit: AuditLog) {}

  async record(entry: ConsultationAuditEntry): Promise<void> {
    await this.audit.append({
      time: entry.time,
      userName: entry.userName,
      channel: entry.channel,
      action: 'requestStatusConsulted',
      outcome: entry.outcome === 'unavailable' ? 'failure' : 'success',
      detail: `nam=${entry.maskedNam} medication=${entry.medication} result=${entry.outcome} count=${entry.count}`,
    });
  }
}
