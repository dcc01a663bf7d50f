import v8 from 'node:v8';
import vm from 'node:vm';
import zlib from 'node:zlib';
import type { Application } from '../../src/index';
import { createTestApp } from '../helpers/bot';

/** A small deterministic PRNG so a failing case can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const valid = (i: number) => ({
  type: 'message',
  channelId: 'webchat',
  serviceUrl: 'http://127.0.0.1:9',
  deliveryMode: 'expectReplies',
  from: { id: `fuzz-user-${i % 50}` },
  recipient: { id: 'bot' },
  conversation: { id: `fuzz-conv-${i % 200}` },
  text: 'bonjour',
});

function deep(levels: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < levels; i += 1) value = { a: value };
  return value;
}

/** A raw request: its body and the headers that differ from a JSON post. */
interface RawRequest {
  body: string | Buffer<ArrayBuffer>;
  headers: Record<string, string>;
}

/** Generators of bad or odd requests; each returns the raw body to send, or the body and odd headers. */
const generators: Array<(i: number, rnd: () => number) => string | RawRequest> = [
  () => '{"type": "message", "text": ',
  () => 'not json at all',
  () => '[]',
  () => 'null',
  (i) => JSON.stringify({ ...valid(i), type: 42 }),
  (i) => JSON.stringify({ ...valid(i), conversation: undefined }),
  (i) => JSON.stringify({ ...valid(i), from: undefined }),
  (i) => JSON.stringify({ ...valid(i), from: 'someone' }),
  (i) => JSON.stringify({ ...valid(i), text: 'é'.repeat(200_000) }),
  (i) => `${JSON.stringify(valid(i)).slice(0, -1)},"value":${'{"a":'.repeat(5_000)}"x"${'}'.repeat(5_000)}}`,
  (i) => JSON.stringify({ ...valid(i), value: deep(40) }),
  (i) => JSON.stringify({ ...valid(i), text: '\u0000\u0001\u0007\u001b[31m rouge \u007f' }),
  (i) =>
    `{"type":"message","channelId":"webchat","serviceUrl":"http://127.0.0.1:9","deliveryMode":"expectReplies","from":{"id":"u${i}"},"conversation":{"id":"c${i}"},"text":"\\ud800 seul \\udfff"}`,
  (i) => JSON.stringify({ ...valid(i), text: '<speak><break time="99s"/></speak> & <voice name="x">' }),
  (i) => JSON.stringify({ ...valid(i), text: '<script>alert(1)</script><img src=x onerror=alert(1)>' }),
  (i) =>
    JSON.stringify({
      ...valid(i),
      text: JSON.stringify({ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: '**gras**' }] }),
    }),
  (i) => JSON.stringify({ ...valid(i), type: 'weirdActivityType' }),
  (i) => JSON.stringify({ ...valid(i), type: 'invoke', name: 'adaptiveCard/action' }),
  (i) =>
    JSON.stringify({ ...valid(i), attachments: Array.from({ length: 5_000 }, () => ({ contentType: 'x' })) }),
  (i) => JSON.stringify({ ...valid(i), serviceUrl: 'javascript:alert(1)' }),
  (i) => JSON.stringify({ ...valid(i), deliveryMode: 'sometimes' }),
  (i, rnd) =>
    JSON.stringify({
      ...valid(i),
      text: String.fromCharCode(...Array.from({ length: 64 }, () => Math.floor(rnd() * 0xffff))),
    }),
  (i, rnd) =>
    JSON.stringify({
      ...valid(i),
      text: ['1', '2', '0', '*', 'menu', 'English', 'annuler', '9'][Math.floor(rnd() * 8)],
    }),
  (i) => JSON.stringify({ ...valid(i), value: { menuChoice: { toString: 'x' } } }),
  (i) => JSON.stringify({ ...valid(i), membersAdded: 'everyone', type: 'conversationUpdate' }),
  (i) => JSON.stringify({ ...valid(i), entities: [{ type: 'DTMF', text: '#'.repeat(1000) }] }),
  (i) => ({ body: JSON.stringify(valid(i)), headers: { 'content-encoding': 'gzip' } }),
  (i) => ({ body: zlib.gzipSync(JSON.stringify(valid(i))), headers: { 'content-encoding': 'gzip' } }),
  () => ({ body: zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024, 32)), headers: { 'content-encoding': 'gzip' } }),
  (i) => ({ body: JSON.stringify(valid(i)), headers: { 'content-encoding': 'br, gzip' } }),
  (i) => ({ body: JSON.stringify(valid(i)), headers: { 'content-type': 'text/plain' } }),
  (i) => ({ body: JSON.stringify(valid(i)), headers: { 'content-type': 'application/octet-stream' } }),
  (i) => ({ body: JSON.stringify(valid(i)), headers: { 'content-type': 'multipart/form-data; boundary=x' } }),
  (i) => ({ body: JSON.stringify(valid(i)), headers: { 'content-type': 'application/json; charset=utf-7' } }),
  (i) => ({ body: JSON.stringify(valid(i)), headers: { authorization: `Bearer ${'x.'.repeat(2_000)}` } }),
];

/** A real garbage collection, so heap figures measure what is retained rather than what is not yet swept. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

describe('hostile input on /api/messages', () => {
  let app: Application;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createTestApp({ RATE_LIMIT_CONVERSATION_PER_MINUTE: '0', RATE_LIMIT_CLIENT_PER_MINUTE: '0' });
    baseUrl = await app.start();
  });

  afterAll(async () => {
    await app.stop();
  });

  it('answers 5,000 generated bad requests with a 4xx or a normal reply, and memory stays flat', async () => {
    const rnd = prng(20261127);
    const statuses = new Map<number, number>();
    const send = async (i: number) => {
      const generated = generators[i % generators.length](i, rnd);
      const { body, headers } = typeof generated === 'string' ? { body: generated, headers: {} } : generated;
      const response = await fetch(`${baseUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500)
        throw new Error(`request ${i} (generator ${i % generators.length}) got ${response.status}`);
    };
    // Warm up the code paths first so the memory comparison measures leaks, not first-use allocations.
    for (let i = 0; i < 500; i += 1) await send(i);
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    const total = 5_000;
    for (let start = 0; start < total; start += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, k) => send(500 + start + k)));
    }
    collectGarbage();
    const after = process.memoryUsage().heapUsed;
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(413)).toBeGreaterThan(0);
    expect(statuses.get(415)).toBeGreaterThan(0);
    // Within 20 % of before, as the issue asks; the 200 fuzzed conversations stay in memory for their idle hour.
    if (process.env.DEBUG_HEAP) console.log({ before, after, ratio: after / before });
    expect(after).toBeLessThan(before * 1.2);
    const health = await fetch(`${baseUrl}/healthz`);
    expect(health.status).toBe(200);
  }, 120_000);
});
