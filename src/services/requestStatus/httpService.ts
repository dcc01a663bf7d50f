import { randomUUID } from 'node:crypto';
import type { Nam } from '../../nlu/nam';
import type { Logger } from '../logger';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuitBreaker';
import {
  type AuthorizationRequest,
  matchesFilter,
  RequestServiceError,
  type RequestFilter,
  type RequestStatusService,
  requestListSchema,
  ServiceUnavailableError,
  sortMostRecentFirst,
} from './types';

/** Settings of the HTTP client, from REQUESTS_API_* variables. */
export interface HttpRequestStatusOptions {
  /** Base URL of the agency's request API, e.g. https://api.example/requests/ (see docs/requests-api.yaml). */
  baseUrl: string;
  /** Per attempt, headers and body included. */
  timeoutMs: number;
  /** Extra attempts after a failure that may be transient (0 or 1 in practice). */
  retries: number;
  /** Bearer token, when the API requires one. */
  token?: string;
  breaker: Omit<CircuitBreakerOptions, 'now'>;
  logger: Logger;
  /** Random pause before a retry, so that many conversations do not retry in lockstep. */
  retryDelayMs?: { min: number; max: number };
  now?: () => number;
}

/** The header that carries the NAM: never in the URL, which proxies and access logs record. */
export const NAM_HEADER = 'X-Nam';

/** Failures worth one more try: timeouts, network errors, 5xx, 408 and 429. A 4xx or a bad answer is not. */
function isTransient(error: RequestServiceError): boolean {
  if (error.failure === 'timeout' || error.failure === 'network') return true;
  if (error.failure !== 'httpStatus' || error.status === undefined) return false;
  return error.status >= 500 || error.status === 408 || error.status === 429;
}

/**
 * Client of the request API. Every answer is validated with zod (a malformed answer is a service error);
 * each attempt times out; an idempotent GET is retried once after a jittered pause when the failure may be
 * transient; a circuit breaker makes the bot answer at once while the service is down. Errors and log lines
 * never contain the NAM.
 */
export class HttpRequestStatusService implements RequestStatusService {
  readonly breaker: CircuitBreaker;
  private readonly endpoint: URL;

  constructor(private readonly options: HttpRequestStatusOptions) {
    this.breaker = new CircuitBreaker({ ...options.breaker, now: options.now });
    const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    this.endpoint = new URL('v1/requests', base);
  }

  async findRequests(nam: Nam, filter: RequestFilter): Promise<AuthorizationRequest[]> {
    const { logger, retries } = this.options;
    for (let attempt = 0; ; attempt += 1) {
      if (!this.breaker.tryAcquire()) {
        throw new ServiceUnavailableError('circuitOpen', 'request service circuit is open');
      }
      const started = Date.now();
      try {
        const requests = await this.attempt(nam, filter);
        this.breaker.onSuccess();
        return requests;
      } catch (caught) {
        const error = this.classify(caught);
        this.breaker.onFailure();
        logger.warn(
          {
            event: 'requestsApi',
            failure: error.failure,
            status: error.status,
            attempt: attempt + 1,
            elapsedMs: Date.now() - started,
            circuit: this.breaker.state,
          },
          'request service call failed',
        );
        if (attempt >= retries || !isTransient(error)) throw error;
        await this.pause();
      }
    }
  }

  private async attempt(nam: Nam, filter: RequestFilter): Promise<AuthorizationRequest[]> {
    const url = new URL(this.endpoint);
    if (filter.kind === 'medication') url.searchParams.set('medication', filter.id);
    if (filter.kind === 'din') url.searchParams.set('din', filter.din);
    if (filter.kind === 'exceptionalPatient') url.searchParams.set('type', 'exceptionalPatient');
    const headers: Record<string, string> = {
      accept: 'application/json',
      [NAM_HEADER]: nam.reveal(),
      'x-request-id': randomUUID(),
    };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let body: string;
    try {
      const response = await fetch(url, { method: 'GET', headers, signal: controller.signal });
      // The body is read under the same timer: a server that sends headers then stalls is still slow.
      body = await response.text();
      if (!response.ok) {
        throw new ServiceUnavailableError(
          'httpStatus',
          `request service answered ${response.status}`,
          response.status,
        );
      }
    } finally {
      clearTimeout(timer);
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new ServiceUnavailableError(
        'invalidResponse',
        'request service answered something other than JSON',
      );
    }
    const parsed = requestListSchema.safeParse(json);
    if (!parsed.success) {
      // Paths only: the values could be personal data.
      const where = parsed.error.issues
        .slice(0, 5)
        .map((i) => i.path.join('.') || '(root)')
        .join(', ');
      throw new ServiceUnavailableError(
        'invalidResponse',
        `request service answer does not match the schema at ${where}`,
      );
    }
    return sortMostRecentFirst(parsed.data.requests.filter((r) => matchesFilter(r, filter)));
  }

  private classify(caught: unknown): RequestServiceError {
    if (caught instanceof RequestServiceError) return caught;
    const name = (caught as { name?: string } | undefined)?.name;
    if (name === 'AbortError' || name === 'TimeoutError') {
      return new ServiceUnavailableError(
        'timeout',
        `request service did not answer within ${this.options.timeoutMs} ms`,
      );
    }
    const code = (caught as { cause?: { code?: string } } | undefined)?.cause?.code;
    return new ServiceUnavailableError('network', `request service unreachable (${code ?? 'network error'})`);
  }

  private async pause(): Promise<void> {
    const { min, max } = this.options.retryDelayMs ?? { min: 100, max: 400 };
    const delay = min + Math.random() * Math.max(0, max - min);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
