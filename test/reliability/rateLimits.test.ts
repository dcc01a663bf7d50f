import type { Application } from '../../src/index';
import { createTestApp } from '../helpers/bot';
import { describeWithRedis, redisTestUrl, uniqueTestPrefix } from '../helpers/redis';
import { createClient } from 'redis';
import { deleteKeysWithPrefix } from '../helpers/redis';

function message(conversationId: string, text = '1') {
  return {
    type: 'message',
    channelId: 'webchat',
    serviceUrl: 'http://127.0.0.1:9',
    deliveryMode: 'expectReplies',
    from: { id: `u-${conversationId}` },
    recipient: { id: 'bot' },
    conversation: { id: conversationId },
    text,
  };
}

async function post(baseUrl: string, body: object, forwardedFor?: string): Promise<Response> {
  return fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify(body),
  });
}

async function expectThrottledAfter(
  app: Application,
  baseUrl: string,
  conversations: string[],
  allowed: number,
) {
  const statuses: number[] = [];
  for (let i = 0; i < allowed + 1; i += 1) {
    const response = await post(baseUrl, message(conversations[i % conversations.length]));
    statuses.push(response.status);
    if (response.status === 429) {
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const body = (await response.json()) as { activities: Array<{ text: string }> };
      expect(body.activities[0].text).toContain('Veuillez patienter');
    } else {
      await response.arrayBuffer();
    }
  }
  expect(statuses.slice(0, allowed).every((s) => s === 200)).toBe(true);
  expect(statuses[allowed]).toBe(429);
  return app;
}

describe('rate limits (memory)', () => {
  it('throttles one conversation with 429, Retry-After and a polite French sentence', async () => {
    const app = await createTestApp({
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '5',
      RATE_LIMIT_CLIENT_PER_MINUTE: '0',
    });
    const baseUrl = await app.start();
    try {
      await expectThrottledAfter(app, baseUrl, ['rl-conv-a'], 5);
      // Another conversation is not affected.
      expect((await post(baseUrl, message('rl-conv-b'))).status).toBe(200);
    } finally {
      await app.stop();
    }
  });

  it('counts requests that fail validation against the client address too', async () => {
    const app = await createTestApp({
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '0',
      RATE_LIMIT_CLIENT_PER_MINUTE: '3',
    });
    const baseUrl = await app.start();
    try {
      const statuses: number[] = [];
      for (const body of [{ type: 'message' }, [1, 2], 'null', { ...message('rl-bad'), from: 7 }]) {
        const response = await fetch(`${baseUrl}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
        statuses.push(response.status);
        if (response.status === 429)
          expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        await response.arrayBuffer();
      }
      expect(statuses).toEqual([400, 400, 400, 429]);
      // A valid request from the same client is refused too, politely.
      const valid = await post(baseUrl, message('rl-bad-then-good'));
      expect(valid.status).toBe(429);
      expect(((await valid.json()) as { activities: Array<{ text: string }> }).activities[0].text).toContain(
        'Veuillez patienter',
      );
    } finally {
      await app.stop();
    }
  });

  it('says so in English to a user who asked for English', async () => {
    const app = await createTestApp({
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '3',
      RATE_LIMIT_CLIENT_PER_MINUTE: '0',
    });
    const baseUrl = await app.start();
    try {
      const texts = [];
      for (const text of ['bonjour', 'English please', '1', '1']) {
        const response = await post(baseUrl, message('rl-conv-en', text));
        texts.push(response.status);
        if (response.status === 429) {
          const body = (await response.json()) as { activities: Array<{ text: string }> };
          expect(body.activities[0].text).toContain('Please wait');
        } else await response.arrayBuffer();
      }
      expect(texts).toEqual([200, 200, 200, 429]);
      // Someone else in the same situation who never asked is still told in French.
      for (let i = 0; i < 3; i += 1) await (await post(baseUrl, message('rl-conv-fr'))).arrayBuffer();
      const french = (await (await post(baseUrl, message('rl-conv-fr'))).json()) as {
        activities: Array<{ text: string }>;
      };
      expect(french.activities[0].text).toContain('Veuillez patienter');
    } finally {
      await app.stop();
    }
  });

  it('throttles one client address across conversations', async () => {
    const app = await createTestApp({
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '0',
      RATE_LIMIT_CLIENT_PER_MINUTE: '4',
    });
    const baseUrl = await app.start();
    try {
      await expectThrottledAfter(app, baseUrl, ['rl-ip-1', 'rl-ip-2', 'rl-ip-3'], 4);
    } finally {
      await app.stop();
    }
  });
});

describe('rate limits behind a proxy (memory)', () => {
  /** Statuses of `count` posts, each from a new conversation, with this X-Forwarded-For. */
  async function statuses(baseUrl: string, forwardedFor: string, count: number, label: string) {
    const result: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const response = await post(baseUrl, message(`rl-xff-${label}-${i}`), forwardedFor);
      await response.arrayBuffer();
      result.push(response.status);
    }
    return result;
  }

  it('counts the address the trusted proxy saw, not what the client wrote before it', async () => {
    const app = await createTestApp({
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '0',
      RATE_LIMIT_CLIENT_PER_MINUTE: '2',
      TRUST_PROXY_HOPS: '1',
    });
    const baseUrl = await app.start();
    try {
      // Two pharmacies behind the same front end each get their own allowance.
      expect(await statuses(baseUrl, '203.0.113.7', 3, 'a')).toEqual([200, 200, 429]);
      expect(await statuses(baseUrl, '198.51.100.20', 2, 'b')).toEqual([200, 200]);
      // A client cannot pick a fresh address: only the entry the proxy appended counts.
      expect(await statuses(baseUrl, '10.9.9.9, 203.0.113.7', 1, 'c')).toEqual([429]);
    } finally {
      await app.stop();
    }
  });

  it('gives each client its own allowance when the proxy appends ports (Azure App Service)', async () => {
    const app = await createTestApp({
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '0',
      RATE_LIMIT_CLIENT_PER_MINUTE: '2',
      TRUST_PROXY_HOPS: '1',
    });
    const baseUrl = await app.start();
    try {
      expect(await statuses(baseUrl, '203.0.113.7:50001', 3, 'g')).toEqual([200, 200, 429]);
      // Another pharmacy is not throttled because of the first, nor is an IPv6 client.
      expect(await statuses(baseUrl, '198.51.100.20:50002', 2, 'h')).toEqual([200, 200]);
      expect(await statuses(baseUrl, '[2001:db8::5]:50003', 2, 'i')).toEqual([200, 200]);
      // The first client on a new source port is still the first client.
      expect(await statuses(baseUrl, '203.0.113.7:50004', 1, 'j')).toEqual([429]);
    } finally {
      await app.stop();
    }
  });

  it('counts an IPv6 client by its /64, and an IPv4-mapped address as the IPv4 one', async () => {
    const app = await createTestApp({
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '0',
      RATE_LIMIT_CLIENT_PER_MINUTE: '2',
      TRUST_PROXY_HOPS: '1',
    });
    const baseUrl = await app.start();
    try {
      // A fresh address of the same /64 for each request does not dodge the limit.
      const dodging = [];
      for (const [i, host] of ['1', '2', '3'].entries())
        dodging.push(...(await statuses(baseUrl, `2001:db8:7:7::${host}`, 1, `k${i}`)));
      expect(dodging).toEqual([200, 200, 429]);
      expect(await statuses(baseUrl, '2001:db8:7:8::1', 1, 'l')).toEqual([200]);
      expect(await statuses(baseUrl, '203.0.113.9', 2, 'm')).toEqual([200, 200]);
      expect(await statuses(baseUrl, '::ffff:203.0.113.9', 1, 'n')).toEqual([429]);
    } finally {
      await app.stop();
    }
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const app = await createTestApp({
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '0',
      RATE_LIMIT_CLIENT_PER_MINUTE: '2',
    });
    const baseUrl = await app.start();
    try {
      const spoofed = [
        await statuses(baseUrl, '192.0.2.1', 1, 'd'),
        await statuses(baseUrl, '192.0.2.2', 1, 'e'),
      ];
      expect(spoofed.flat()).toEqual([200, 200]);
      expect(await statuses(baseUrl, '192.0.2.3', 1, 'f')).toEqual([429]);
    } finally {
      await app.stop();
    }
  });
});

describeWithRedis('rate limits (Redis, shared by two instances)', () => {
  const prefix = uniqueTestPrefix('rl');
  afterAll(async () => {
    const client = createClient({ url: redisTestUrl() });
    await client.connect();
    await deleteKeysWithPrefix(client, prefix);
    await client.close();
  });

  it('counts one conversation across both instances', async () => {
    const env = {
      STORAGE: 'redis',
      REDIS_URL: redisTestUrl(),
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '4',
      RATE_LIMIT_CLIENT_PER_MINUTE: '0',
    };
    const one = await createTestApp(env);
    const two = await createTestApp(env);
    const urls = [await one.start(), await two.start()];
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const response = await post(urls[i % 2], message('rl-shared'));
        statuses.push(response.status);
        await response.arrayBuffer();
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
    } finally {
      await one.stop();
      await two.stop();
    }
  });
});
