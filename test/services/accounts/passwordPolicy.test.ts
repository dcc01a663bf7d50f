import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnFr from '@zxcvbn-ts/language-fr';
import { LANGUAGES, Messages } from '../../../src/i18n';
import {
  PASSWORD_MIN_SCORE,
  PasswordPolicy,
  STRENGTH_HINTS,
} from '../../../src/services/accounts/passwordPolicy';
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

  it.each([
    ['Sophie-Roy-Pharmacie', ['Sophie', 'Roy']],
    ['roy.sophie.rimouski!2026', ['Sophie', 'Roy']],
    ['Julie-Côté-Rimouski-2026', ['Julie', 'Cote']],
  ])('refuses %j, which holds the user’s first and last name', async (candidate, names) => {
    await expect(policy.evaluate(candidate, 'IP200001', names)).resolves.toEqual({
      ok: false,
      reason: 'containsName',
    });
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

describe('zxcvbn with the estimator’s limits', () => {
  // zxcvbn with its own defaults: what the limits must not change, except how long a check takes.
  const unlimited = new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnFr.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
  });
  const estimator = new InlineStrengthEstimator();
  const inputs = ['CE100001', 'Julie', 'Tremblay', 'Rimouski', 'Filou'];

  it.each([
    'motdepasse1',
    'P@ssw0rd2026!',
    'Tr0ub4dor&3',
    'M0ntr3@l-2026',
    'L3s-P0mm3s-D3-T3rr3-4ever!',
    'Qu3b3c-Qu3b3c',
    'Julie-Tremblay-1985',
    'Rimouski-Filou-Toyota-2026',
    'Montagne-Kayak-123-Hibou-456',
    'azerty123456',
    'correct horse battery staple',
    ...STRONG_PASSWORDS,
  ])('scores %j as zxcvbn’s defaults do', async (candidate) => {
    const { score } = await estimator.estimate(candidate, inputs);
    expect(score).toBe(unlimited.check(candidate, inputs).score);
  });

  it.each([
    '4@3!1|0$5+7%2('.repeat(10).slice(0, 128),
    '1'.repeat(128),
    'a1b2c3d4e5'.repeat(13).slice(0, 128),
    'P@55w0rd!'.repeat(15).slice(0, 128),
  ])('gives a long crafted password (%#) the same verdict as the defaults', async (candidate) => {
    const { score } = await estimator.estimate(candidate, inputs);
    expect(score >= PASSWORD_MIN_SCORE).toBe(unlimited.check(candidate, inputs).score >= PASSWORD_MIN_SCORE);
  });
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
    // Ten estimates (about 12 ms each here) on the calling thread would have let no timer run meanwhile.
    expect(ticks).toBeGreaterThan(10);
  });

  it('leaves a queue longer than its stall limit to the worker, which is answering, not to the calling thread', async () => {
    // Busy 50 ms per estimate, one at a time as zxcvbn is: twenty queued wait 1 s in all, five times the limit.
    const busy = `
      const { parentPort } = require('node:worker_threads');
      parentPort.postMessage({ ready: true });
      parentPort.on('message', ({ id }) => {
        const until = Date.now() + 50;
        while (Date.now() < until);
        parentPort.postMessage({ id, score: 4, hints: [] });
      });`;
    const worker = new WorkerStrengthEstimator(200, busy);
    await worker.estimate('warm-up', []);
    const inline = jest.spyOn(InlineStrengthEstimator.prototype, 'estimate');
    try {
      const started = Date.now();
      const estimates = await Promise.all(
        Array.from({ length: 20 }, (_, i) => worker.estimate(`Montagne-Kayak-${i}7-Hibou-62${i}`, [])),
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(estimates).toEqual(Array.from({ length: 20 }, () => ({ score: 4, hints: [] })));
      expect(inline).not.toHaveBeenCalled();
    } finally {
      inline.mockRestore();
      await worker.close();
    }
  });

  it('gives a new worker time to load zxcvbn: one ready after 600 ms is not stuck at a 200 ms limit', async () => {
    // Says it is ready only after 600 ms, as loading zxcvbn's dictionaries on a busy machine; answers at once.
    const slowStart = `
      const { parentPort } = require('node:worker_threads');
      setTimeout(() => {
        parentPort.postMessage({ ready: true });
        parentPort.on('message', ({ id }) => parentPort.postMessage({ id, score: 4, hints: [] }));
      }, 600);`;
    const worker = new WorkerStrengthEstimator(200, slowStart);
    const inline = jest.spyOn(InlineStrengthEstimator.prototype, 'estimate');
    try {
      await expect(worker.estimate('azertyuiop12', [])).resolves.toEqual({ score: 4, hints: [] });
      expect(inline).not.toHaveBeenCalled();
    } finally {
      inline.mockRestore();
      await worker.close();
    }
  });

  it('stops a worker that is ready but does not answer within its stall limit, and estimates here instead', async () => {
    const neverAnswers = `
      const { parentPort } = require('node:worker_threads');
      parentPort.postMessage({ ready: true });
      parentPort.on('message', () => undefined);`;
    const worker = new WorkerStrengthEstimator(200, neverAnswers);
    const inline = jest.spyOn(InlineStrengthEstimator.prototype, 'estimate');
    try {
      const started = Date.now();
      await expect(worker.estimate('azertyuiop12', [])).resolves.toMatchObject({ score: expect.any(Number) });
      expect(inline).toHaveBeenCalledTimes(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    } finally {
      inline.mockRestore();
      await worker.close();
    }
  });
});
