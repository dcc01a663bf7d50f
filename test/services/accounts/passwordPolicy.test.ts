import { LANGUAGES, Messages } from '../../../src/i18n';
import { PasswordPolicy, STRENGTH_HINTS } from '../../../src/services/accounts/passwordPolicy';
import { STRONG_PASSWORDS } from '../../helpers/accounts';

describe('PasswordPolicy', () => {
  const policy = new PasswordPolicy();

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
  ])('refuses %j', (candidate, verdict) => {
    expect(policy.evaluate(candidate, 'CE100001', ['Julie', 'Tremblay'])).toEqual(verdict);
  });

  it.each(STRONG_PASSWORDS)('accepts %j (score ≥ 3 with the French and common dictionaries)', (candidate) => {
    expect(policy.evaluate(candidate, 'CE100001', ['Julie', 'Tremblay'])).toEqual({ ok: true });
  });

  it('counts characters, not UTF-16 units', () => {
    expect(policy.evaluate('Éléphant🐘', 'CE100001')).toMatchObject({ ok: false, reason: 'tooShort' });
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
