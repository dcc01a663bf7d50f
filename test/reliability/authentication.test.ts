import crypto, { type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Application } from '../../src/index';
import { createTestApp, postTurn } from '../helpers/bot';

const APP_ID = '11111111-2222-3333-4444-555555555555';
const ISSUER = 'https://api.test-channel.local';
const SERVICE_URL = 'http://127.0.0.1:9';

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function sign(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const header = b64url({ alg: 'RS256', typ: 'JWT', kid });
  const payload = b64url(claims);
  const signature = crypto
    .sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), privateKey)
    .toString('base64url');
  return `${header}.${payload}.${signature}`;
}

/** A local OpenID provider publishing one key, as the Bot Connector service does, endorsed for webchat. */
async function startOpenIdProvider(
  publicKey: KeyObject,
  kid: string,
): Promise<{ url: string; close: () => void }> {
  const jwk = publicKey.export({ format: 'jwk' });
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/openid') {
      res.end(
        JSON.stringify({
          issuer: ISSUER,
          jwks_uri: `${base}/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
    } else {
      res.end(
        JSON.stringify({
          keys: [{ ...jwk, kid, use: 'sig', alg: 'RS256', endorsements: ['webchat', 'msteams'] }],
        }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/openid`,
    close: () => server.close(),
  };
}

describe('authentication with a Microsoft app id', () => {
  const trusted = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  let provider: { url: string; close: () => void };
  let app: Application;
  let baseUrl: string;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}) => ({
    iss: ISSUER,
    aud: APP_ID,
    nbf: now() - 60,
    exp: now() + 3600,
    serviceurl: SERVICE_URL,
    ...overrides,
  });

  beforeAll(async () => {
    provider = await startOpenIdProvider(trusted.publicKey, 'trusted-key');
    app = await createTestApp({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-used-for-inbound-validation',
      BotOpenIdMetadata: provider.url,
      ToBotFromChannelTokenIssuer: ISSUER,
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '3',
    });
    baseUrl = await app.start();
  });

  afterAll(async () => {
    await app.stop();
    provider.close();
  });

  async function post(authorization?: string, conversationId = 'c-auth'): Promise<number> {
    const response = await fetch(`${baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({
        type: 'message',
        channelId: 'webchat',
        serviceUrl: SERVICE_URL,
        deliveryMode: 'expectReplies',
        from: { id: 'u-auth' },
        recipient: { id: APP_ID },
        conversation: { id: conversationId },
        text: 'bonjour',
      }),
    });
    const body = await response.text();
    expect(body).not.toMatch(/openid|getaddrinfo|stack/i);
    return response.status;
  }

  it('accepts a valid token signed by the published key, checking it once per request', async () => {
    const checks = jest.spyOn(ConfigurationBotFrameworkAuthentication.prototype, 'authenticateRequest');
    try {
      expect(await post(`Bearer ${sign(trusted.privateKey, 'trusted-key', claims())}`)).toBe(200);
      // Once for the server's check before the rate limit, the adapter's own check reusing it.
      expect(checks).toHaveBeenCalledTimes(1);
    } finally {
      checks.mockRestore();
    }
  });

  it.each([
    ['no token', () => undefined],
    ['a malformed token', () => 'Bearer not-a-jwt'],
    [
      'an expired token',
      () =>
        `Bearer ${sign(trusted.privateKey, 'trusted-key', claims({ exp: now() - 600, nbf: now() - 7200 }))}`,
    ],
    [
      'a token that never expires (no exp)',
      () => `Bearer ${sign(trusted.privateKey, 'trusted-key', claims({ exp: undefined }))}`,
    ],
    [
      'a token for another audience',
      () => `Bearer ${sign(trusted.privateKey, 'trusted-key', claims({ aud: 'another-bot' }))}`,
    ],
    [
      'a token from another issuer',
      () => `Bearer ${sign(trusted.privateKey, 'trusted-key', claims({ iss: 'https://evil.example' }))}`,
    ],
    [
      'a token signed by an unknown key',
      () => `Bearer ${sign(stranger.privateKey, 'trusted-key', claims())}`,
    ],
    ['a token naming an unpublished key', () => `Bearer ${sign(stranger.privateKey, 'other-key', claims())}`],
    [
      'an unsigned token (alg none)',
      () => `Bearer ${b64url({ alg: 'none', typ: 'JWT', kid: 'trusted-key' })}.${b64url(claims())}.`,
    ],
    [
      'a token signed with the public key as an HMAC secret (alg HS256)',
      () => {
        const header = b64url({ alg: 'HS256', typ: 'JWT', kid: 'trusted-key' });
        const payload = b64url(claims());
        const secret = trusted.publicKey.export({ type: 'spki', format: 'pem' });
        const mac = crypto.createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
        return `Bearer ${header}.${payload}.${mac}`;
      },
    ],
    [
      'a token not valid yet (nbf in an hour)',
      () =>
        `Bearer ${sign(trusted.privateKey, 'trusted-key', claims({ nbf: now() + 3600, exp: now() + 7200 }))}`,
    ],
    [
      'a token issued for another serviceUrl',
      () =>
        `Bearer ${sign(trusted.privateKey, 'trusted-key', claims({ serviceurl: 'https://attacker.example/' }))}`,
    ],
    ['a token under another scheme', () => `Basic ${sign(trusted.privateKey, 'trusted-key', claims())}`],
    // Beyond Node's 16 KiB of headers the request is refused before it is read (431).
    ['a large token', () => `Bearer ${'a'.repeat(6_000)}.${'b'.repeat(6_000)}.c`],
  ])('refuses %s with 401', async (_name, header) => {
    expect(await post(header())).toBe(401);
  });

  it('does not count refused requests against the conversation they name', async () => {
    // Someone without a token cannot use up a real conversation's allowance (3 a minute in this test).
    for (let i = 0; i < 6; i += 1) expect(await post('Bearer not-a-jwt', 'c-victim')).toBe(401);
    const valid = () => `Bearer ${sign(trusted.privateKey, 'trusted-key', claims())}`;
    for (let i = 0; i < 3; i += 1) expect(await post(valid(), 'c-victim')).toBe(200);
    // The limit itself still holds for signed requests.
    expect(await post(valid(), 'c-victim')).toBe(429);
  });
});

describe('without a Microsoft app id in production', () => {
  let app: Application;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createTestApp({ NODE_ENV: 'production' });
    baseUrl = await app.start();
  });

  afterAll(async () => {
    await app.stop();
  });

  it.each([
    ['the metadata address of a cloud host', 'http://169.254.169.254/latest/', 401],
    ['a public address', 'https://smba.trafficmanager.net/amer/', 401],
    ['a host name that only starts like loopback', 'http://127.0.0.1.example.com/', 401],
    ['loopback', 'http://127.0.0.1:9', 200],
    ['localhost', 'http://localhost:56150', 200],
  ])(
    'answers %s as serviceUrl with %i: replies never go to another machine',
    async (_name, serviceUrl, status) => {
      const { status: answered } = await postTurn(baseUrl, {
        serviceUrl,
        conversation: { id: `c-anon-${status}-${serviceUrl.length}` },
        text: 'bonjour',
      });
      expect(answered).toBe(status);
    },
  );
});
