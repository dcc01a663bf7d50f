import { createAccountServices, type AccountServices } from '../../../src/services/accounts';
import { FixedClock } from '../../../src/services/clock';
import { createLogger } from '../../../src/services/logger';
import { createRedisClient, type AppRedisClient } from '../../../src/services/redisClient';
import {
  attemptFrom,
  CLOCK_START,
  DEMO_SECRETS,
  JULIE,
  memoryLogger,
  MINUTE,
  STRONG_PASSWORDS,
} from '../../helpers/accounts';
import { accountServiceContract } from '../../helpers/accountServiceContract';
import {
  deleteKeysWithPrefix,
  describeWithRedis,
  describeWithRedisServer,
  redisTestUrl,
  startThrowawayRedis,
  uniqueTestPrefix,
  type ThrowawayRedis,
} from '../../helpers/redis';

// Whole conversations hash every secret with scrypt (by design slow): leave room on a loaded machine.
jest.setTimeout(60_000);

describeWithRedis('AccountService in Redis (shared Redis)', () => {
  const prefix = uniqueTestPrefix('test:accounts');
  let client: AppRedisClient;
  let secondClient: AppRedisClient;
  let instance = 0;

  beforeAll(async () => {
    client = createRedisClient(redisTestUrl());
    secondClient = createRedisClient(redisTestUrl());
    await Promise.all([client.connect(), secondClient.connect()]);
  });

  afterAll(async () => {
    if (!client) return;
    await deleteKeysWithPrefix(client, prefix);
    await Promise.all([client.close(), secondClient.close()]);
  });

  /** Services over their own key prefix, so that every test starts from the demo data alone. */
  async function build(
    keyPrefix: string,
    clock: FixedClock,
    redisClient: AppRedisClient = client,
  ): Promise<AccountServices> {
    return createAccountServices({
      storage: 'redis',
      redisClient,
      keyPrefix,
      demoData: true,
      clock,
      logger: createLogger('silent'),
    });
  }

  describe('contract', () => {
    accountServiceContract(async () => {
      instance += 1;
      const clock = new FixedClock(CLOCK_START);
      return { services: await build(`${prefix}${instance}:`, clock), clock };
    });
  });

  it('shares counters and locks between bot instances (two clients, one Redis)', async () => {
    const keyPrefix = `${prefix}shared:`;
    const clock = new FixedClock(CLOCK_START);
    const first = await build(keyPrefix, clock, client);
    const second = await build(keyPrefix, clock, secondClient);
    for (let i = 0; i < 4; i += 1) {
      const instanceServices = i % 2 === 0 ? first : second;
      await expect(
        instanceServices.accounts.authenticate(JULIE.userName, `wrong-${i}`, attemptFrom(`c${i}`)),
      ).resolves.toEqual({
        kind: 'failed',
      });
    }
    await expect(
      second.accounts.authenticate(JULIE.userName, 'wrong-5', attemptFrom('c5')),
    ).resolves.toMatchObject({
      kind: 'locked',
    });
    await expect(first.accounts.checkAccess(JULIE.userName, attemptFrom('c6'))).resolves.toMatchObject({
      kind: 'locked',
    });
    clock.advance(30 * MINUTE);
    await expect(first.accounts.checkAccess(JULIE.userName, attemptFrom('c7'))).resolves.toBeUndefined();
  });

  it('writes the demo accounts without a warning when Redis is up but the client still connecting', async () => {
    const connecting = createRedisClient(redisTestUrl());
    const connected = connecting.connect();
    const { logger, lines } = memoryLogger('info');
    try {
      const services = await createAccountServices({
        storage: 'redis',
        redisClient: connecting,
        keyPrefix: `${prefix}connecting:`,
        demoData: true,
        clock: new FixedClock(CLOCK_START),
        logger,
      });
      await connected;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !lines.join('').includes('demo accounts loaded')) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await expect(
        services.accounts.authenticate(JULIE.userName, JULIE.password, attemptFrom()),
      ).resolves.toMatchObject({ kind: 'authenticated' });
      expect(lines.join('')).not.toContain('not written yet');
    } finally {
      await connecting.close();
    }
  });

  it('writes demo accounts only where absent, never over a changed password', async () => {
    const keyPrefix = `${prefix}seed:`;
    const clock = new FixedClock(CLOCK_START);
    const first = await build(keyPrefix, clock);
    await expect(
      first.accounts.changePassword(JULIE.userName, STRONG_PASSWORDS[0], attemptFrom(), 'reset'),
    ).resolves.toEqual({
      ok: true,
    });
    // A restart (or a second instance starting) with DEMO_DATA=true keeps the changed account.
    const restarted = await build(keyPrefix, clock);
    await expect(
      restarted.accounts.authenticate(JULIE.userName, STRONG_PASSWORDS[0], attemptFrom('a')),
    ).resolves.toMatchObject({
      kind: 'authenticated',
    });
    await expect(
      restarted.accounts.authenticate(JULIE.userName, JULIE.password, attemptFrom('b')),
    ).resolves.toEqual({
      kind: 'failed',
    });
    // The untouched demo account IP200001 is renewed: its temporary password works a day later.
    clock.advance(25 * 60 * MINUTE);
    const dayLater = await build(keyPrefix, clock);
    await expect(
      dayLater.accounts.authenticate('IP200001', 'TEMP-4821-QC', attemptFrom('c')),
    ).resolves.toMatchObject({
      kind: 'authenticated',
      mustChangePassword: true,
    });
  });

  it('keeps only hashes in Redis and appends the audit log to a stream', async () => {
    const keyPrefix = `${prefix}raw:`;
    const { logger, lines } = memoryLogger();
    const clock = new FixedClock(CLOCK_START);
    const services = await createAccountServices({
      storage: 'redis',
      redisClient: client,
      keyPrefix,
      demoData: true,
      clock,
      logger,
    });
    await services.accounts.authenticate(
      JULIE.userName,
      'Mauvais-Mot-De-Passe-1',
      attemptFrom('a', 'webchat'),
    );

    const raw = await client.get(`${keyPrefix}accounts:user:${JULIE.userName}`);
    expect(raw).toEqual(expect.stringContaining('"passwordHistory"'));
    const entries = await client.xRange(`${keyPrefix}accounts:audit`, '-', '+');
    expect((entries ?? []).map((e) => e.message)).toEqual([
      expect.objectContaining({
        userName: JULIE.userName,
        channel: 'webchat',
        action: 'authenticationFailed',
        outcome: 'failure',
      }),
    ]);
    const everything = [raw, JSON.stringify(entries), ...lines].join('\n');
    for (const secret of [...DEMO_SECRETS, 'Mauvais-Mot-De-Passe-1'])
      expect(everything).not.toContain(secret);
  });
});

describeWithRedisServer('AccountService when Redis starts late (throw-away redis-server)', () => {
  let server: ThrowawayRedis;
  let client: AppRedisClient;

  beforeAll(async () => {
    server = await startThrowawayRedis();
    await server.stop();
  });

  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('starts without Redis and writes the demo accounts as soon as Redis answers', async () => {
    client = createRedisClient(server.url, undefined, { maxReconnectDelayMs: 100 });
    client.connect().catch(() => undefined);
    const { logger, lines } = memoryLogger('info');
    const clock = new FixedClock(CLOCK_START);
    const services = await createAccountServices({
      storage: 'redis',
      redisClient: client,
      keyPrefix: 'late:',
      demoData: true,
      clock,
      logger,
    });
    expect(lines.join('')).toContain('demo accounts: written once Redis is ready');
    // A Redis still connecting is every start's case, not a fault.
    expect(lines.join('')).not.toContain('"level":40');
    await server.start();
    const deadline = Date.now() + 10_000;
    while (
      Date.now() < deadline &&
      (await client.get('late:accounts:user:CE100001').catch(() => null)) === null
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await expect(
      services.accounts.authenticate(JULIE.userName, JULIE.password, attemptFrom()),
    ).resolves.toMatchObject({
      kind: 'authenticated',
    });
  });
});
