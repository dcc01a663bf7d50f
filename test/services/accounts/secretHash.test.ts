import { normalizeAnswer } from '../../../src/services/accounts/answers';
import { hashSecret, verifySecret } from '../../../src/services/accounts/secretHash';

describe('hashSecret and verifySecret', () => {
  it('hashes with a fresh salt each time, in a self-describing scrypt format without the secret', async () => {
    const a = await hashSecret('Pharmacie-Rimouski-2026');
    const b = await hashSecret('Pharmacie-Rimouski-2026');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toEqual(b);
    expect(a).not.toContain('Pharmacie');
  });

  it('verifies the right secret only', async () => {
    const hash = await hashSecret('Pharmacie-Rimouski-2026');
    await expect(verifySecret('Pharmacie-Rimouski-2026', hash)).resolves.toBe(true);
    await expect(verifySecret('pharmacie-rimouski-2026', hash)).resolves.toBe(false);
    await expect(verifySecret('', hash)).resolves.toBe(false);
  });

  it('treats composed and decomposed accents as the same secret', async () => {
    const hash = await hashSecret('Café-Érable-Québec-7');
    await expect(verifySecret('Café-Érable-Québec-7'.normalize('NFD'), hash)).resolves.toBe(true);
  });

  it.each(['', 'plain-text', 'scrypt$1$2$3$bad', 'bcrypt$16384$8$1$c2FsdA==$aGFzaA=='])(
    'never matches a malformed hash (%s)',
    async (encoded) => {
      await expect(verifySecret('anything', encoded)).resolves.toBe(false);
    },
  );
});

describe('normalizeAnswer', () => {
  it.each([
    ['Pâté chinois', 'pate chinois'],
    ['  pate   CHINOIS ', 'pate chinois'],
    ['École Saint-Jean', 'ecole saint jean'],
    ['ecole saint jean', 'ecole saint jean'],
    ["L'Œuvre de l'Île", 'l oeuvre de l ile'],
    ['Canadiens!!!', 'canadiens'],
    ['Filou.', 'filou'],
    ['', ''],
  ])('folds %j to %j', (answer, expected) => {
    expect(normalizeAnswer(answer)).toBe(expected);
  });
});
