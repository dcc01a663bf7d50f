import type { Application } from '../../../src/index';
import { FixedClock } from '../../../src/services/clock';
import {
  FORM_LINK_TTL_MS,
  isFormToken,
  MemoryFormDownloadStore,
  RedisFormDownloadStore,
} from '../../../src/services/forms/formDownloads';
import { type AppRedisClient, createRedisClient } from '../../../src/services/redisClient';
import { requestForm } from '../../helpers/accessRequest';
import { createTestApp, TestClient } from '../../helpers/bot';
import { pdfTextItems } from '../../helpers/pdfText';
import { describeWithRedisServer, startThrowawayRedis, type ThrowawayRedis } from '../../helpers/redis';

const PDF = new Uint8Array(Buffer.from('%PDF-1.7 test'));
const MINUTE = 60 * 1000;

describe('form downloads over HTTP', () => {
  let app: Application;
  let baseUrl: string;
  const clock = new FixedClock(new Date('2026-11-27T15:00:00Z'));

  beforeAll(async () => {
    app = await createTestApp({}, { clock });
    baseUrl = await app.start();
  });

  afterAll(async () => {
    await app.stop();
  });

  it('serves the filled form once, then answers 410 Gone', async () => {
    const path = await requestForm(new TestClient(app));
    const first = await fetch(`${baseUrl}${path}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/pdf');
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.headers.get('content-disposition')).toBe(
      'attachment; filename="formulaire-4313-demande-acces-services-en-ligne.pdf"',
    );
    const bytes = new Uint8Array(await first.arrayBuffer());
    const texts = (await pdfTextItems(bytes)).map((i) => i.str);
    expect(texts).toEqual(
      expect.arrayContaining(['TREMBLAY', 'MARIE', 'PHARMACIE CÔTÉ', 'G1R 1P9', '123456']),
    );

    const again = await fetch(`${baseUrl}${path}`);
    expect(again.status).toBe(410);
    expect((await again.arrayBuffer()).byteLength).toBeLessThan(100);
  });

  it('does not use the link on HEAD, which some chat clients send to preview links', async () => {
    const path = await requestForm(new TestClient(app));
    expect((await fetch(`${baseUrl}${path}`, { method: 'HEAD' })).status).toBe(204);
    expect((await fetch(`${baseUrl}${path}`)).status).toBe(200);
  });

  it.each([
    ['a well-formed token never issued', `/forms/${'A'.repeat(43)}`],
    ['a malformed token', '/forms/not-a-token'],
    ['a token with a path trick', '/forms/..%2F..%2Fetc%2Fpasswd'],
  ])('answers 404 to %s', async (_what, path) => {
    expect((await fetch(`${baseUrl}${path}`)).status).toBe(404);
  });

  it('still works just before 15 minutes and expires at 15 minutes', async () => {
    const early = await requestForm(new TestClient(app));
    const late = await requestForm(new TestClient(app));
    clock.advance(FORM_LINK_TTL_MS - 1000);
    expect((await fetch(`${baseUrl}${early}`)).status).toBe(200);
    clock.advance(1000);
    expect((await fetch(`${baseUrl}${late}`)).status).toBe(410);
    expect((await fetch(`${baseUrl}${late}`)).status).toBe(404);
  });
});

describe('MemoryFormDownloadStore', () => {
  it('hands a form over once, keeps only a tombstone, and sweeps it at expiry', async () => {
    const clock = new FixedClock(new Date('2026-11-27T15:00:00Z'));
    const store = new MemoryFormDownloadStore({ clock });
    const token = await store.put(PDF, 'f.pdf');
    expect(isFormToken(token)).toBe(true);
    expect(await store.take(token)).toEqual({ status: 'ok', pdf: PDF, filename: 'f.pdf' });
    expect(await store.take(token)).toEqual({ status: 'gone' });
    expect(store.size).toBe(1);
    clock.advance(FORM_LINK_TTL_MS);
    store.sweep();
    expect(store.size).toBe(0);
    expect(await store.take(token)).toEqual({ status: 'unknown' });
    await store.close();
  });

  it('forgets a form nobody downloaded once its 15 minutes are over', async () => {
    const clock = new FixedClock(new Date('2026-11-27T15:00:00Z'));
    const store = new MemoryFormDownloadStore({ clock });
    await store.put(PDF, 'f.pdf');
    await store.put(PDF, 'f.pdf');
    clock.advance(14 * MINUTE);
    store.sweep();
    expect(store.size).toBe(2);
    clock.advance(MINUTE);
    store.sweep();
    expect(store.size).toBe(0);
    await store.close();
  });

  it('gives a new random token each time and stays bounded', async () => {
    const store = new MemoryFormDownloadStore({ clock: new FixedClock(new Date()), maxEntries: 3 });
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => store.put(PDF, 'f.pdf')));
    expect(new Set(tokens).size).toBe(5);
    expect(store.size).toBe(3);
    expect(await store.take(tokens[0])).toEqual({ status: 'unknown' });
    expect((await store.take(tokens[4])).status).toBe('ok');
    await store.close();
  });
});

describeWithRedisServer('RedisFormDownloadStore', () => {
  let redis: ThrowawayRedis;
  let client: AppRedisClient;

  beforeAll(async () => {
    redis = await startThrowawayRedis();
    client = createRedisClient(redis.url);
    await client.connect();
  });

  afterAll(async () => {
    await client.close();
    await redis.stop();
  });

  it('keeps the form under a key that Redis itself expires after 15 minutes, and hands it over once', async () => {
    const clock = new FixedClock(new Date('2026-11-27T15:00:00Z'));
    const store = new RedisFormDownloadStore(client, 'test:', clock);
    const token = await store.put(PDF, 'f.pdf');
    const ttl = await client.pTTL(`test:forms:${token}`);
    expect(ttl).toBeGreaterThan(FORM_LINK_TTL_MS - 5000);
    expect(ttl).toBeLessThanOrEqual(FORM_LINK_TTL_MS);

    const taken = await store.take(token);
    expect(taken.status).toBe('ok');
    expect(taken.status === 'ok' && Buffer.from(taken.pdf).equals(Buffer.from(PDF))).toBe(true);
    expect(await client.exists(`test:forms:${token}`)).toBe(0);
    expect(await store.take(token)).toEqual({ status: 'gone' });
    expect(await store.take('B'.repeat(43))).toEqual({ status: 'unknown' });
  });

  it('follows the injected clock too', async () => {
    const clock = new FixedClock(new Date('2026-11-27T15:00:00Z'));
    const store = new RedisFormDownloadStore(client, 'test:', clock);
    const token = await store.put(PDF, 'f.pdf');
    clock.advance(FORM_LINK_TTL_MS);
    expect(await store.take(token)).toEqual({ status: 'gone' });
    expect(await client.exists(`test:forms:${token}`)).toBe(0);
  });

  it('hands a form to only one of two racing requests', async () => {
    const store = new RedisFormDownloadStore(client, 'test:', new FixedClock(new Date()));
    const token = await store.put(PDF, 'f.pdf');
    const results = await Promise.all([store.take(token), store.take(token)]);
    expect(results.map((r) => r.status).sort()).toEqual(['gone', 'ok']);
  });
});
