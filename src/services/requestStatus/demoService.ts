import type { Nam } from '../../nlu/nam';
import {
  type AuthorizationRequest,
  matchesFilter,
  type RequestFilter,
  type RequestStatusService,
  requestListSchema,
  ServiceUnavailableError,
  sortMostRecentFirst,
} from './types';

/**
 * The demonstration data of issue 4, exactly: three fictitious insured persons. Validated with the API's own
 * schema at start-up so the demo cannot drift from what the HTTP client accepts.
 */
export const DEMO_REQUESTS: Readonly<Record<string, readonly AuthorizationRequest[]>> = {
  BOUM55081212: [
    {
      type: 'exceptionMedication',
      medication: { id: 'adalimumab', name: 'adalimumab', brand: 'Humira' },
      receivedOn: '2026-01-10',
      transmission: 'online',
      status: { state: 'accepted', authorizedFrom: '2026-01-15', authorizedTo: '2027-01-14' },
    },
    {
      type: 'exceptionMedication',
      medication: { id: 'etanercept', name: 'étanercept', brand: 'Enbrel' },
      receivedOn: '2025-03-02',
      transmission: 'fax',
      status: {
        state: 'refused',
        reason: {
          fr: 'Les critères de paiement ne sont pas satisfaits',
          en: 'The payment criteria are not met',
        },
      },
    },
  ],
  GAGS72620314: [
    {
      type: 'exceptionMedication',
      medication: { id: 'denosumab', name: 'dénosumab', brand: 'Prolia', din: '02343541' },
      receivedOn: '2026-11-20',
      transmission: 'mail',
      status: { state: 'inProgress' },
    },
    {
      type: 'exceptionalPatient',
      medication: { id: 'ivacaftor', name: 'ivacaftor', brand: 'Kalydeco' },
      receivedOn: '2026-10-30',
      transmission: 'online',
      status: {
        state: 'awaitingInformation',
        missing: {
          fr: 'Résultats du test à la sueur et note clinique du prescripteur',
          en: "Sweat test results and the prescriber's clinical note",
        },
      },
    },
  ],
  LAVP90013101: [],
};

for (const requests of Object.values(DEMO_REQUESTS)) requestListSchema.parse({ requests });

/** The embedded service: the demo data when DEMO_DATA=true, or no data at all. */
export class EmbeddedRequestStatusService implements RequestStatusService {
  constructor(
    private readonly data: Readonly<Record<string, readonly AuthorizationRequest[]>> = DEMO_REQUESTS,
  ) {}

  async findRequests(nam: Nam, filter: RequestFilter): Promise<AuthorizationRequest[]> {
    const requests = this.data[nam.reveal()] ?? [];
    return sortMostRecentFirst(requests.filter((r) => matchesFilter(r, filter)));
  }
}

/**
 * Used when neither REQUESTS_API_URL nor DEMO_DATA is set: saying "no request" for a real person would be
 * false, so the consultation is reported unavailable instead.
 */
export class UnconfiguredRequestStatusService implements RequestStatusService {
  async findRequests(): Promise<AuthorizationRequest[]> {
    throw new ServiceUnavailableError('network', 'no request service is configured (REQUESTS_API_URL)');
  }
}
