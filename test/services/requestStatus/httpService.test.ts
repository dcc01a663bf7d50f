import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { parseNam, type Nam } from '../../../src/nlu/nam';
import { createLogger } from '../../../src/services/logger';
import { DEMO_REQUESTS } from '../../../src/services/requestStatus/demoService';
import { HttpRequestStatusService, NAM_HEADER } from '../../../src/services/requestStatus/httpService';
import { RequestServiceError, type RequestFilter } from '../../../src/services/requestStatus/types';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 whose behaviour each test sets; it records what it received. */
class FakeRequestsApi {
  readonly server = http.createServer((req, res) => this.handler(req, res));
  readonly received: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
  handler: Handler = (_req, res) => res.end('{}');

  async start(): Promise<string> {
    this.server.on('request', (req: IncomingMessage) =>
      this.received.push({ url: req.url ?? '', headers: req.headers }),
    );
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function json(body: unknown, status = 200): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

const nam = (value: string): Nam => {
  const result = parseNam(value);
  if (!result.ok) throw new Error('bad test NAM');
  return result.nam;
};
const BOUM = nam('BOUM55081212');
const ALL: RequestFilter = { kind: 'all' };

let api: FakeRequestsApi;
let baseUrl: string;
let logLines: string[];
let now: number;

function client(overrides: Partial<ConstructorParameters<typeof HttpRequestStatusService>[0]> = {}) {
  logLines = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  return new HttpRequestStatusService({
    baseUrl,
    timeoutMs: 300,
    retries: 1,
    retryDelayMs: { min: 5, max: 20 },
    breaker: { failureThreshold: 5, cooldownMs: 1000 },
    logger: createLogger('trace', stream),
    now: () => now,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<RequestServiceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RequestServiceError) return error;
    throw error;
  }
  throw new Error('expected a RequestServiceError');
}

beforeEach(async () => {
  api = new FakeRequestsApi();
  baseUrl = await api.start();
  now = 1_000_000;
});

afterEach(async () => {
  await api.stop();
});

describe('HttpRequestStatusService against a real local server', () => {
  it('sends the NAM in a header, never in the URL, and returns validated requests most recent first', async () => {
    api.handler = json({ requests: [...DEMO_REQUESTS.BOUM55081212].reverse() });
    const requests = await client().findRequests(BOUM, ALL);
    expect(requests.map((r) => r.receivedOn)).toEqual(['2026-01-10', '2025-03-02']);
    expect(api.received).toHaveLength(1);
    expect(api.received[0].url).toBe('/api/v1/requests');
    expect(api.received[0].url).not.toContain('BOUM');
    expect(api.received[0].headers[NAM_HEADER.toLowerCase()]).toBe('BOUM55081212');
  });

  it.each<[RequestFilter, string]>([
    [
      { kind: 'medication', id: 'adalimumab', dins: [], names: ['adalimumab', 'Humira'] },
      '/api/v1/requests?medication=adalimumab',
    ],
    [{ kind: 'din', din: '02343541' }, '/api/v1/requests?din=02343541'],
    [{ kind: 'exceptionalPatient' }, '/api/v1/requests?type=exceptionalPatient'],
  ])('passes the filter %p as a query parameter and filters the answer again', async (filter, url) => {
    api.handler = json({ requests: [...DEMO_REQUESTS.BOUM55081212, ...DEMO_REQUESTS.GAGS72620314] });
    const requests = await client().findRequests(BOUM, filter);
    expect(api.received[0].url).toBe(url);
    expect(requests).toHaveLength(1);
  });

  it('sends the bearer token when configured', async () => {
    api.handler = json({ requests: [] });
    await client({ token: 'secret-token' }).findRequests(BOUM, ALL);
    expect(api.received[0].headers.authorization).toBe('Bearer secret-token');
  });

  it('returns an empty list for a person without requests', async () => {
    api.handler = json({ requests: [] });
    await expect(client().findRequests(nam('LAVP90013101'), ALL)).resolves.toEqual([]);
  });

  it('times out when the server is slow to answer, after one retry', async () => {
    api.handler = (_req, res) => {
      setTimeout(() => res.end('{"requests":[]}'), 2000).unref();
    };
    const started = Date.now();
    const error = await failure(client().findRequests(BOUM, ALL));
    expect(error.failure).toBe('timeout');
    expect(error.name).toBe('ServiceUnavailableError');
    expect(api.received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('times out when the headers arrive but the body stalls', async () => {
    api.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"requests":[');
      setTimeout(() => res.end(']}'), 2000).unref();
    };
    const error = await failure(client({ retries: 0 }).findRequests(BOUM, ALL));
    expect(error.failure).toBe('timeout');
  });

  it('retries a 500 once and succeeds when the second answer is good', async () => {
    let calls = 0;
    api.handler = (req, res) => {
      calls += 1;
      if (calls === 1) return json({ error: 'boom' }, 500)(req, res);
      return json({ requests: DEMO_REQUESTS.GAGS72620314 })(req, res);
    };
    const requests = await client().findRequests(nam('GAGS72620314'), ALL);
    expect(requests).toHaveLength(2);
    expect(api.received).toHaveLength(2);
  });

  it('gives up after the retry when the server keeps answering 500', async () => {
    api.handler = json({ error: 'boom' }, 503);
    const error = await failure(client().findRequests(BOUM, ALL));
    expect(error.failure).toBe('httpStatus');
    expect(error.status).toBe(503);
    expect(api.received).toHaveLength(2);
  });

  it('does not retry a 4xx', async () => {
    api.handler = json({ error: 'forbidden' }, 403);
    const error = await failure(client().findRequests(BOUM, ALL));
    expect(error.status).toBe(403);
    expect(api.received).toHaveLength(1);
  });

  it('treats malformed JSON as a service error, without retrying', async () => {
    api.handler = (_req, res) => res.end('{"requests": [ oops');
    const error = await failure(client().findRequests(BOUM, ALL));
    expect(error.failure).toBe('invalidResponse');
    expect(api.received).toHaveLength(1);
  });

  it('treats an answer that does not match the schema as a service error naming the path only', async () => {
    api.handler = json({
      requests: [{ ...DEMO_REQUESTS.BOUM55081212[0], receivedOn: 'BOUM55081212', status: { state: 'lost' } }],
    });
    const error = await failure(client().findRequests(BOUM, ALL));
    expect(error.failure).toBe('invalidResponse');
    expect(error.message).toContain('requests.0.receivedOn');
    expect(error.message).not.toContain('BOUM');
  });

  it('reports connection refused as a network failure', async () => {
    await api.stop();
    const error = await failure(client().findRequests(BOUM, ALL));
    expect(error.failure).toBe('network');
    api = new FakeRequestsApi();
    baseUrl = await api.start();
  });

  it('opens the circuit after repeated failures, answers at once while open, and closes after a good trial', async () => {
    api.handler = json({ error: 'down' }, 500);
    const service = client({ retries: 0, breaker: { failureThreshold: 2, cooldownMs: 30_000 } });
    await failure(service.findRequests(BOUM, ALL));
    await failure(service.findRequests(BOUM, ALL));
    expect(service.breaker.state).toBe('open');

    const started = Date.now();
    const open = await failure(service.findRequests(BOUM, ALL));
    expect(open.failure).toBe('circuitOpen');
    expect(Date.now() - started).toBeLessThan(50);
    expect(api.received).toHaveLength(2);

    now += 30_000;
    expect(service.breaker.state).toBe('halfOpen');
    api.handler = json({ requests: [] });
    await expect(service.findRequests(BOUM, ALL)).resolves.toEqual([]);
    expect(service.breaker.state).toBe('closed');
  });

  it('opens again when the trial call fails', async () => {
    api.handler = json({ error: 'down' }, 500);
    const service = client({ retries: 0, breaker: { failureThreshold: 1, cooldownMs: 1000 } });
    await failure(service.findRequests(BOUM, ALL));
    now += 1000;
    expect((await failure(service.findRequests(BOUM, ALL))).failure).toBe('httpStatus');
    expect(service.breaker.state).toBe('open');
    expect((await failure(service.findRequests(BOUM, ALL))).failure).toBe('circuitOpen');
  });

  it('never writes the NAM in an error or a log line', async () => {
    api.handler = (_req, res) => res.end('not json BOUM55081212');
    const service = client();
    const error = await failure(service.findRequests(BOUM, ALL));
    api.handler = json({ error: 'x' }, 500);
    await failure(service.findRequests(BOUM, ALL));
    expect(`${error.message} ${error.stack}`).not.toContain('BOUM');
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(line).not.toMatch(/BOUM|55081212/);
  });
});
