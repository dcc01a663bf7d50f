import type { Activity } from 'botbuilder';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/config';
import type { Application } from '../../../src/index';
import { createTestApp, TestClient, textOf } from '../../helpers/bot';
import { openRequestStatus } from '../../helpers/requestStatusBot';

function flowTraces(replies: Partial<Activity>[]): string[] {
  return replies
    .filter((a) => a.type === 'trace' && a.name === 'flow')
    .map((a) => `${a.label}:${(a.value as { flow: string }).flow}`);
}

describe('request status in the composed application (src/index.ts)', () => {
  let app: Application;
  beforeAll(async () => {
    app = await createTestApp();
  });

  it('offers online-services option 2 and starts the flow', async () => {
    const client = new TestClient(app, { traces: true });
    await client.say('bonjour');
    expect(textOf(await client.say('1'))).toMatch(/\*\*2\*\* – Consulter l'état d'une demande/);
    expect(flowTraces(await client.say('2'))).toContain('start:requestStatus');
  });

  it.each(['où en est ma demande pour Humira', 'statut de la demande de Mme Gagnon', 'status of my request'])(
    'routes %p to the flow',
    async (text) => {
      const client = new TestClient(app, { traces: true });
      expect(flowTraces(await client.say(text))).toContain('start:requestStatus');
    },
  );
});

describe('« 0 » inside the request-status flow (composed application, Centre open)', () => {
  let app: Application;
  beforeAll(async () => {
    // A Tuesday at 11:00 in Québec.
    app = await createTestApp({ CLOCK_NOW: '2026-11-24T11:00:00-05:00' });
  });

  async function afterAReport(client: TestClient): Promise<void> {
    await openRequestStatus(client);
    await client.say('BOUM55081212');
    expect(textOf(await client.say('Humira'))).toContain('Que voulez-vous faire maintenant?');
  }

  it.each([
    ['after a report', afterAReport],
    [
      'when no medication matches',
      async (client: TestClient) => {
        await openRequestStatus(client);
        await client.say('BOUM55081212');
        expect(textOf(await client.say('xyzzy'))).toContain(
          'aucun médicament d’exception qui corresponde'.replace('’', "'"),
        );
      },
    ],
  ])('%s, queues the user for an agent as the menus’ « 0 » does', async (_when, reach) => {
    const client = new TestClient(app, { traces: true });
    await reach(client);
    const replies = await client.say('0');
    expect(textOf(replies)).toContain("Vous êtes en position 1 dans la file d'attente");
    expect(flowTraces(replies)).toEqual(expect.arrayContaining(['end:requestStatus', 'start:escalation']));
    await client.say('annuler');
  });
});

describe('request status configuration', () => {
  it('reads the REQUESTS_API_* variables with their defaults', () => {
    const defaults = loadConfig({ NODE_ENV: 'test' });
    expect(defaults.requestsApi).toEqual({
      url: undefined,
      timeoutMs: 3000,
      retries: 1,
      retryPauseMs: { min: 100, max: 400 },
      breakerThreshold: 5,
      breakerCooldownMs: 30000,
      token: undefined,
    });
    const set = loadConfig({
      NODE_ENV: 'test',
      REQUESTS_API_URL: 'http://127.0.0.1:9/api',
      REQUESTS_API_TIMEOUT_MS: '1500',
      REQUESTS_API_RETRIES: '0',
      STATE_SEAL_KEY: Buffer.alloc(32, 1).toString('base64'),
    });
    expect(set.requestsApi.url).toBe('http://127.0.0.1:9/api');
    expect(set.requestsApi.timeoutMs).toBe(1500);
    expect(set.requestsApi.retries).toBe(0);
    expect(set.stateSealKey?.length).toBe(32);
  });

  it.each([
    ['REQUESTS_API_URL', 'ftp://x'],
    ['REQUESTS_API_TIMEOUT_MS', '0'],
    ['REQUESTS_API_RETRIES', '5'],
    ['STATE_SEAL_KEY', 'c2hvcnQ='],
  ])('refuses %s=%p', (name, value) => {
    expect(() => loadConfig({ NODE_ENV: 'test', [name]: value })).toThrow(name);
  });

  it('builds the HTTP client when REQUESTS_API_URL is set', async () => {
    const server = http.createServer((_req, res) => res.end('{"requests":[]}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const withApi = await createTestApp({ REQUESTS_API_URL: url });
      expect(withApi.config.requestsApi.url).toBe(url);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
