import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { hashId } from '../../src/services/logger';
import { JULIE, julieAnswerFor } from '../helpers/accounts';
import { createTestApp, TestClient, textOf } from '../helpers/bot';
import { deleteKeysWithPrefix, describeWithRedis, redisTestUrl, uniqueTestPrefix } from '../helpers/redis';

describeWithRedis('transcripts across instances (Redis, one STATE_SEAL_KEY)', () => {
  const prefix = uniqueTestPrefix('tx');
  afterAll(async () => {
    const client = createClient({ url: redisTestUrl() });
    await client.connect();
    await deleteKeysWithPrefix(client, prefix);
    await client.quit();
  });

  it('hides on one instance a secret answer typed on the other', async () => {
    const env = {
      STORAGE: 'redis',
      REDIS_URL: redisTestUrl(),
      REDIS_KEY_PREFIX: prefix,
      STATE_SEAL_KEY: randomBytes(32).toString('base64'),
      CLOCK_NOW: '2026-11-30T10:00:00-05:00',
    };
    const one = await createTestApp(env);
    const two = await createTestApp(env);
    // Started: the Redis client connects there.
    for (const app of [one, two]) {
      await app.start();
      for (let i = 0; i < 100 && !(await app.isReady()); i += 1) await new Promise((r) => setTimeout(r, 100));
    }
    try {
      const options = { channelId: 'webchat', locale: 'fr-CA', conversationId: 'tx-two-instances' };
      const first = new TestClient(one, options);
      const second = new TestClient(two, options);
      for (const input of ['bonjour', '1', '1']) await first.say(input);
      const asked = textOf(await first.say(JULIE.userName));
      const answer = julieAnswerFor(asked);
      await first.say(answer);
      // The next turns of the same conversation reach the other instance.
      await second.say('annuler');
      await second.say('2');
      await second.say(`ma réponse était ${answer}`);
      // Transcript lines are written after the reply: wait for the last one.
      const key = hashId('webchat/tx-two-instances');
      let lines = await two.escalation.transcripts.recent(key);
      for (let i = 0; i < 50 && !lines.some((e) => e.text.startsWith('ma réponse')); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        lines = await two.escalation.transcripts.recent(key);
      }
      expect(JSON.stringify(lines)).not.toContain(answer);
      expect(lines.filter((e) => e.from === 'user').map((e) => e.text)).toEqual(
        expect.arrayContaining(['annuler', '2', 'ma réponse était ••••']),
      );
    } finally {
      await one.stop();
      await two.stop();
    }
  });
});
