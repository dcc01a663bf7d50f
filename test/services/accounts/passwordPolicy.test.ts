import { LANGUAGES, Messages } from '../../../src/i18n';
import { PasswordPolicy, STRENGTH_HINTS } from '../../../src/services/accounts/passwordPolicy';
import {
  InlineStrengthEstimator,
  WorkerStrengthEstimator,
} from '../../../src/services/accounts/strengthEstimator';
import { STRONG_PASSWORDS } from '../../helpers/accounts';

describe.each([
  ['on the calling thread', () => new InlineStrengthEstimator()],
  ['on a worker thread', () => new WorkerStrengthEstimator()],
])('PasswordPolicy with zxcvbn %s', (_where, makeEstimator) => {
  const estimator = makeEstimator();
  const policy = new PasswordPolicy(estimator);
  afterAll(() => estimator.close());

  it.each([
    ['Court-1', { ok: false, reason: 'tooShort' }],
    ['a'.repeat(129), { ok: false, reason: 'tooLong' }],
    ['Montagne-CE100001-Bleue', { ok: false, reason: 'containsUserName' }],
    ['montagne-ce-100001-bleue', { ok: false, reason: 'containsUserName' }],
    ['motdepasse123', { ok: false, reason: 'weak', hint: 'anotherWord' }],
    ['azertyuiop12', { ok: false, reason: 'weak', hint: 'straightRow' }],
    ['aaaaaaaaaaaa', { ok: false, reason: 'weak', hint: 'simpleRepeat' }],
    ['abcdefghij12', { ok: false, reason: 'weak', hint: 'sequences' }],
    ['Tremblay1985', { ok: false, reason: 'weak', hint: 'userInputs' }],
    ['Printemps2026', { ok: false, reason: 'weak', hint: 'anotherWord' }],
  ])('refuses %j', async (candidate, verdict) => {
    await expect(policy.evaluate(candidate, 'CE100001', ['Julie', 'Tremblay'])).resolves.toEqual(verdict);
  });

  it.each(STRONG_PASSWORDS)(
    'accepts %j (score ≥ 3 with the French and common dictionaries)',
    async (candidate) => {
      await expect(policy.evaluate(candidate, 'CE100001', ['Julie', 'Tremblay'])).resolves.toEqual({
        ok: true,
      });
    },
  );

  it('counts characters, not UTF-16 units', async () => {
    await expect(policy.evaluate('Éléphant🐘', 'CE100001')).resolves.toMatchObject({
      ok: false,
      reason: 'tooShort',
    });
  });
});

describe('password policy wording', () => {
  const messages = new Messages();

  it.each(LANGUAGES.flatMap((lang) => STRENGTH_HINTS.map((hint) => [lang, hint] as const)))(
    'has a %s sentence for the zxcvbn hint %s',
    (lang, hint) => {
      expect(messages.has(lang, `accounts:policy.hints.${hint}`)).toBe(true);
    },
  );
});

describe('WorkerStrengthEstimator', () => {
  it('gives the same estimate as zxcvbn on the calling thread, and keeps answering after being closed', async () => {
    const worker = new WorkerStrengthEstimator();
    const inline = new InlineStrengthEstimator();
    const inputs = ['CE100001', 'Julie', 'Tremblay'];
    for (const candidate of ['Tremblay1985', 'Montagne-Kayak-1234-Hibou-567', 'azertyuiop12']) {
      await expect(worker.estimate(candidate, inputs)).resolves.toEqual(
        await inline.estimate(candidate, inputs),
      );
    }
    await worker.close();
    // A closed worker is started again on the next estimate.
    await expect(worker.estimate('azertyuiop12', inputs)).resolves.toMatchObject({
      score: expect.any(Number),
    });
    await worker.close();
  });

  it('runs the estimates in parallel with the calling thread, which stays free', async () => {
    const worker = new WorkerStrengthEstimator();
    await worker.estimate('warm-up', []);
    let ticks = 0;
    const ticking = setInterval(() => (ticks += 1), 1);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => worker.estimate(`Montagne-Kayak-${i}234-Hibou-567`, [])),
    );
    clearInterval(ticking);
    await worker.close();
    // Ten slow estimates (about 100 ms each here) on the calling thread would have let no timer run.
    expect(ticks).toBeGreaterThan(10);
  });
});
