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

async function post(baseUrl: string, body: object): Promise<Response> {
  return fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
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
