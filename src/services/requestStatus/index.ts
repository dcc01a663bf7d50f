import type { SealKeySource } from '../sealKey';
import type { Config } from '../../config';
import type { Messages } from '../../i18n';
import { MedicationMatcher } from '../../nlu/medicationMatcher';
import type { Logger } from '../logger';
import { type ConsultationAudit, LoggerConsultationAudit } from './audit';
import { EmbeddedRequestStatusService, UnconfiguredRequestStatusService } from './demoService';
import { HttpRequestStatusService } from './httpService';
import { loadMedicationCatalogue } from './medicationCatalogue';
import { Sealer } from './sealer';
import type { RequestStatusService } from './types';

export type { ConsultationAudit, ConsultationAuditEntry } from './audit';
export { AuditLogConsultationAudit } from './audit';
export type { SessionGate } from './session';
export * from './types';

/** The request-status services, built once at start-up. */
export interface RequestStatusSetup {
  service: RequestStatusService;
  matcher: MedicationMatcher;
  sealer: Sealer;
  audit: ConsultationAudit;
}

/**
 * Builds the back end chosen by the configuration: the HTTP client when REQUESTS_API_URL is set, else the
 * embedded demo data when DEMO_DATA=true, else a service that reports itself unavailable (never "no request"
 * for a real person). Indexes the medication catalogue once. `sealKey` seals the NAM kept between turns
 * (random when absent: tests, and memory storage, whose state dies with the process anyway).
 */
export function createRequestStatusSetup(
  config: Pick<Config, 'requestsApi' | 'demoData' | 'conversationIdleMinutes'>,
  logger: Logger,
  messages: Messages,
  sealKey?: SealKeySource,
): RequestStatusSetup {
  const { requestsApi } = config;
  let service: RequestStatusService;
  if (requestsApi.url) {
    service = new HttpRequestStatusService({
      baseUrl: requestsApi.url,
      timeoutMs: requestsApi.timeoutMs,
      retries: requestsApi.retries,
      retryDelayMs: requestsApi.retryPauseMs,
      token: requestsApi.token,
      breaker: { failureThreshold: requestsApi.breakerThreshold, cooldownMs: requestsApi.breakerCooldownMs },
      logger,
    });
  } else if (config.demoData) {
    service = new EmbeddedRequestStatusService();
  } else {
    logger.warn(
      'REQUESTS_API_URL is not set and DEMO_DATA is off: request status will report itself unavailable',
    );
    service = new UnconfiguredRequestStatusService();
  }
  return {
    service,
    matcher: MedicationMatcher.fromMessages(loadMedicationCatalogue(), messages),
    sealer: new Sealer(sealKey, config.conversationIdleMinutes * 60_000),
    audit: new LoggerConsultationAudit(logger),
  };
}
