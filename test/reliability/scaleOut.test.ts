import { createClient } from 'redis';
import { passJulieReset, passwordCardValue } from '../helpers/accounts';
import { postTurn, textOf } from '../helpers/bot';
import { type BotProcess, startBuiltBot } from '../helpers/process';
import { deleteKeysWithPrefix, describeWithRedis, redisTestUrl, uniqueTestPrefix } from '../helpers/redis';

/** A real bot process (the built dist/) with Redis storage under the test's prefix. */
function startBot(prefix: string): Promise<BotProcess> {
  return startBuiltBot({
    STORAGE: 'redis',
    REDIS_URL: redisTestUrl(),
    REDIS_KEY_PREFIX: prefix,
    // Both instances must open the same sealed data; in production this key is configured.
    STATE_SEAL_KEY: Buffer.alloc(32, 7).toString('base64'),
  });
}

async function turn(url: string, conversationId: string, input: { text?: string; value?: unknown }) {
  const { status, activities } = await postTurn(url, {
    from: { id: 'u-scale' },
    conversation: { id: conversationId },
    text: input.text ?? '',
    ...(input.value ? { value: input.value } : {}),
  });
  expect(status).toBe(200);
  return textOf(activities);
}

describeWithRedis('two bot processes on one Redis', () => {
  const prefix = uniqueTestPrefix('scale');
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    bots.push(await startBot(prefix), await startBot(prefix));
  }, 60_000);

  afterAll(async () => {
    for (const bot of bots) bot.child.kill('SIGTERM');
    const client = createClient({ url: redisTestUrl() });
    await client.connect();
    await deleteKeysWithPrefix(client, prefix);
    await client.close();
  });

  it('completes a password reset with the conversation alternating between them turn by turn', async () => {
    const conversation = `scale-${Date.now()}`;
    let n = 0;
    const next = (input: { text?: string; value?: unknown }) => turn(bots[n++ % 2].url, conversation, input);

    const said = await passJulieReset((text) => next({ text }));
    expect(said[0]).toMatch(/nom d.utilisateur/i);
    expect(said[said.length - 1]).toMatch(/nouveau mot de passe/i);
    const done = await next({
      value: passwordCardValue('new', 'Sirop-Erable-Beauce-7431'),
    });
    expect(done).toMatch(/nouveau mot de passe est enregistré/i);
    // Both processes took turns; the last one left no error behind.
    expect(n).toBeGreaterThanOrEqual(6);
  }, 60_000);

  it('shares the lockout counter: failed rounds on either process lock the user name on both', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const conversation = `scale-lock-${attempt}-${Date.now()}`;
      const url = bots[attempt % 2].url;
      await turn(url, conversation, { text: "J'ai oublié mon mot de passe" });
      await turn(url, conversation, { text: 'CE100002x' });
      await turn(url, conversation, { text: 'CE100001' });
      for (let round = 0; round < 3; round += 1) await turn(url, conversation, { text: 'mauvaise réponse' });
    }
    const conversation = `scale-lock-final-${Date.now()}`;
    await turn(bots[1].url, conversation, { text: "J'ai oublié mon mot de passe" });
    expect(await turn(bots[1].url, conversation, { text: 'CE100001' })).toMatch(/verrouill|bloqu/i);
  }, 90_000);

  it('answers two simultaneous turns of one conversation cleanly: one applies, the other is refused politely', async () => {
    const conversation = `scale-race-${Date.now()}`;
    await turn(bots[0].url, conversation, { text: 'bonjour' });
    const replies = await Promise.all([
      turn(bots[0].url, conversation, { text: '2' }),
      turn(bots[1].url, conversation, { text: '2' }),
    ]);
    // A refused turn says only that: what it would have said was held until its save, which was refused.
    const refused = replies.filter((r) => r.includes('Votre message précédent est encore en traitement'));
    const applied = replies.filter((r) => !refused.includes(r) && r.includes('418 643-8210'));
    expect(applied.length).toBeGreaterThanOrEqual(1);
    for (const reply of refused) expect(reply).not.toContain('418 643-8210');
    expect(applied.length + refused.length).toBe(2);
    // The conversation goes on from the state that was saved.
    expect(await turn(bots[1].url, conversation, { text: 'menu' })).toContain(
      'Répondez par le numéro de votre choix',
    );
  }, 30_000);
});
