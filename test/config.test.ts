import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { ConfigError, loadConfig } from '../src/config';
import { BUILT_ENTRY } from './helpers/process';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs on the embedded default with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3978,
      storage: 'memory',
      redisUrl: 'redis://127.0.0.1:6379',
      demoData: true,
      localChat: true,
      maxBodyBytes: 256 * 1024,
      memoryStorageMaxItems: 50_000,
      clockNow: undefined,
    });
    expect(config.microsoftApp.appId).toBe('');
  });

  it('treats empty strings as unset, as a copied .env.example leaves them', () => {
    expect(loadConfig({ PORT: '', STORAGE: '  ' }).port).toBe(3978);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT: expected a TCP port number'],
    [{ PORT: '70000' }, 'PORT: expected a TCP port number'],
    [{ STORAGE: 'postgres' }, 'STORAGE: expected memory or redis'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL: expected a redis:// or rediss:// URL'],
    [{ DEMO_DATA: 'peut-être' }, 'DEMO_DATA: expected true or false'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected fatal, error'],
    [{ CLOCK_NOW: 'demain' }, 'CLOCK_NOW: expected an ISO 8601 date-time'],
    [{ MicrosoftAppType: 'Other' }, 'MicrosoftAppType: expected MultiTenant'],
    [
      { NODE_ENV: 'production', CLOCK_NOW: '2026-11-27T10:00:00-05:00' },
      'CLOCK_NOW: must not be set when NODE_ENV=production',
    ],
    [
      { NODE_ENV: 'production', LOCAL_CHAT: 'true' },
      'LOCAL_CHAT: the local Web Chat endpoint cannot be enabled',
    ],
    [{ MicrosoftAppType: 'SingleTenant', MicrosoftAppId: 'id' }, 'MicrosoftAppTenantId: required when'],
    [{ TRUST_PROXY_HOPS: '-1' }, 'TRUST_PROXY_HOPS: expected the number of proxies'],
    [{ TRUST_PROXY_HOPS: 'yes' }, 'TRUST_PROXY_HOPS: expected the number of proxies'],
    [{ MEMORY_STORAGE_MAX_ITEMS: '0' }, 'MEMORY_STORAGE_MAX_ITEMS: expected a whole number of items'],
    // Beyond 2^31 - 1 ms Node's timer fires after 1 ms: every request-status call timed out at once.
    [{ REQUESTS_API_TIMEOUT_MS: '3000000000' }, 'REQUESTS_API_TIMEOUT_MS: expected a whole number of'],
    // A lookup longer than the shutdown drain was cut off by an upgrade: the user got no answer at all.
    [
      { REQUESTS_API_TIMEOUT_MS: '60000' },
      'REQUESTS_API_TIMEOUT_MS: with REQUESTS_API_RETRIES=1, at most 9800 ms',
    ],
    [
      { REQUESTS_API_TIMEOUT_MS: '7000', REQUESTS_API_RETRIES: '2' },
      'REQUESTS_API_TIMEOUT_MS: with REQUESTS_API_RETRIES=2, at most 6400 ms',
    ],
    [
      { REQUESTS_API_TIMEOUT_MS: '20001', REQUESTS_API_RETRIES: '0' },
      'REQUESTS_API_TIMEOUT_MS: with REQUESTS_API_RETRIES=0, at most 20000 ms',
    ],
  ])('rejects %p naming the variable and what it expects', (env, expected) => {
    expect(problemsOf(env as Record<string, string>).join('\n')).toContain(expected);
  });

  it.each([
    ['0', '20000'],
    ['1', '9800'],
    ['2', '6400'],
  ])(
    'accepts with %s retries a timeout of %s ms, whose lookup still ends within the drain',
    (retries, timeout) => {
      const config = loadConfig({ REQUESTS_API_RETRIES: retries, REQUESTS_API_TIMEOUT_MS: timeout });
      expect(config.requestsApi.timeoutMs).toBe(Number(timeout));
      expect(config.requestsApi.retryPauseMs.max).toBe(400);
    },
  );

  it('names every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'x', STORAGE: 'y', LOG_LEVEL: 'z' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT', 'STORAGE']);
  });

  it('turns demo data and the local chat off by default in production', () => {
    const config = loadConfig({ NODE_ENV: 'production' });
    expect(config.demoData).toBe(false);
    expect(config.localChat).toBe(false);
  });

  it('trusts no proxy unless told how many there are', () => {
    expect(loadConfig({}).trustProxyHops).toBe(0);
    expect(loadConfig({ TRUST_PROXY_HOPS: '1' }).trustProxyHops).toBe(1);
  });

  it('parses CLOCK_NOW as a fixed instant', () => {
    expect(loadConfig({ CLOCK_NOW: '2026-11-27T10:00:00-05:00' }).clockNow?.toISOString()).toBe(
      '2026-11-27T15:00:00.000Z',
    );
  });
});

describe('the process', () => {
  const entry = BUILT_ENTRY;

  it('exits non-zero at start-up with a message naming each bad variable', () => {
    expect(fs.existsSync(entry)).toBe(true);
    const result = spawnSync(process.execPath, [entry], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, PORT: 'quatre', STORAGE: 'disque' },
      timeout: 10_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT: expected a TCP port number');
    expect(result.stderr).toContain('STORAGE: expected memory or redis');
  });
});

describe('PUBLIC_BASE_URL', () => {
  it.each([
    [{}, 'http://localhost:3978'],
    [{ PORT: '4000' }, 'http://localhost:4000'],
    [{ PUBLIC_BASE_URL: 'https://bot.example.ca/' }, 'https://bot.example.ca'],
    [{ PUBLIC_BASE_URL: 'https://example.ca/ramq/bot' }, 'https://example.ca/ramq/bot'],
  ])('%p gives download links on %p', (env, expected) => {
    expect(loadConfig(env as Record<string, string>).publicBaseUrl).toBe(expected);
  });

  it.each(['bot.example.ca', 'ftp://bot.example.ca', 'https://bot.example.ca/?x=1'])(
    'refuses %p',
    (value) => {
      expect(problemsOf({ PUBLIC_BASE_URL: value }).join('\n')).toContain(
        'PUBLIC_BASE_URL: expected the public',
      );
    },
  );
});
