import { z } from 'zod';
import type { Nam } from '../../nlu/nam';

/**
 * The domain of « Consulter les demandes par personne assurée »: authorization requests for an exception
 * medication or the exceptional-patient measure, as the agency's request service reports them. The same zod
 * schemas validate the HTTP API's answers (docs/requests-api.yaml) and the embedded demo data.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected YYYY-MM-DD' });

/** Free text from the service, in French and optionally English (the bot falls back to French). */
export const localizedTextSchema = z.object({ fr: z.string().min(1), en: z.string().min(1).optional() });
export type LocalizedText = z.infer<typeof localizedTextSchema>;

/** One of the four states the seed names: acceptée, refusée, en traitement, en attente de renseignements. */
export const requestStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('accepted'), authorizedFrom: isoDate, authorizedTo: isoDate }),
  z.object({ state: z.literal('refused'), reason: localizedTextSchema.optional() }),
  z.object({ state: z.literal('inProgress') }),
  z.object({ state: z.literal('awaitingInformation'), missing: localizedTextSchema }),
]);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

export const authorizationRequestSchema = z.object({
  /** médicament d'exception, or mesure du patient d'exception. */
  type: z.enum(['exceptionMedication', 'exceptionalPatient']),
  medication: z.object({
    /** The catalogue id (ASCII generic name) when the service knows it. */
    id: z.string().min(1).optional(),
    /** Generic name as the service writes it. */
    name: z.string().min(1),
    brand: z.string().min(1).optional(),
    din: z
      .string()
      .regex(/^\d{8}$/)
      .optional(),
  }),
  receivedOn: isoDate,
  /** How the prescriber sent the request: en ligne, télécopieur or poste. */
  transmission: z.enum(['online', 'fax', 'mail']),
  status: requestStatusSchema,
});
/** One authorization request for one insured person. */
export type AuthorizationRequest = z.infer<typeof authorizationRequestSchema>;

/** What the API answers for a NAM (the NAM itself is not echoed back). */
export const requestListSchema = z.object({ requests: z.array(authorizationRequestSchema) });

/** Which of a person's requests to list. */
export type RequestFilter =
  | { kind: 'all' }
  | { kind: 'exceptionalPatient' }
  /** A catalogue medication: matched by id, DIN or generic/brand name. */
  | { kind: 'medication'; id: string; dins: readonly string[]; names: readonly string[] }
  /** A DIN that is not in the catalogue: the service may still know it. */
  | { kind: 'din'; din: string };

/** The back end of the request-status flow. Implementations never put the NAM in an error or a log line. */
export interface RequestStatusService {
  /**
   * Every request of the insured person matching the filter, whatever the mode of transmission and however
   * old (the seed: no longer restricted to 90 days since December 2017), most recent first.
   * @throws RequestServiceError when the service cannot answer; never for "no request" (an empty list).
   */
  findRequests(nam: Nam, filter: RequestFilter): Promise<AuthorizationRequest[]>;
}

/** Why the service could not answer; the dialog says the same thing to the user in every case. */
export type RequestServiceFailure = 'timeout' | 'network' | 'httpStatus' | 'invalidResponse' | 'circuitOpen';

/** The request service could not answer. The message is for logs and never contains a NAM. */
export class RequestServiceError extends Error {
  constructor(
    readonly failure: RequestServiceFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RequestServiceError';
  }
}

/** The service is down, slow or refusing: the consultation is temporarily unavailable. */
export class ServiceUnavailableError extends RequestServiceError {
  constructor(failure: RequestServiceFailure, message: string, status?: number) {
    super(failure, message, status);
    this.name = 'ServiceUnavailableError';
  }
}

/** Most recent first; on the same day, a stable order by medication name. */
export function sortMostRecentFirst(requests: AuthorizationRequest[]): AuthorizationRequest[] {
  return [...requests].sort(
    (a, b) => b.receivedOn.localeCompare(a.receivedOn) || a.medication.name.localeCompare(b.medication.name),
  );
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

/**
 * True when a request belongs to the filter. Applied by every implementation, including after the HTTP API's
 * own filtering, so that a service that ignores the filter cannot show another medication's request.
 */
export function matchesFilter(request: AuthorizationRequest, filter: RequestFilter): boolean {
  switch (filter.kind) {
    case 'all':
      return true;
    case 'exceptionalPatient':
      return request.type === 'exceptionalPatient';
    case 'din':
      return request.medication.din === filter.din;
    case 'medication': {
      const { id, name, brand, din } = request.medication;
      if (id) return id === filter.id;
      if (din && filter.dins.includes(din)) return true;
      const names = new Set(filter.names.map(fold));
      return names.has(fold(name)) || (brand !== undefined && names.has(fold(brand)));
    }
  }
}
