import { containsPhrase, normalizeText } from '../../src/nlu/normalize';

describe('normalizeText', () => {
  it.each([
    ["  J'AI oublié   mon mot-de-passe!! ", "j' ai oublie mon mot de passe"],
    ['Réinitialiser’ça', "reinitialiser' ca"],
    ['Faites le *  ou le #', 'faites le * ou le #'],
    ['', ''],
  ])('folds %j to %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe('containsPhrase', () => {
  it.each([
    ['au revoir merci', 'au revoir', true],
    ['merci au revoir', 'au revoir', true],
    ['au revoir', 'au revoir', true],
    ['bon au revoir la', 'au revoir', true],
    ['au revoirs', 'au revoir', false],
    ['beau revoir', 'au revoir', false],
    // A first occurrence inside a word must not hide a later one on word boundaries.
    ['beau revoir puis au revoir', 'au revoir', true],
    ['mot de passe', 'passe', true],
    ['passeport', 'passe', false],
    ['depasse', 'passe', false],
    ['', 'passe', false],
    ['mot de passe', '', false],
  ])('in %j, %j → %s', (text, phrase, expected) => {
    expect(containsPhrase(text, phrase)).toBe(expected);
  });

  it('agrees with the padded-string definition on every phrase of every position', () => {
    const words = ['a', 'au', 'revoir', 'aurevoir', 'r', 'oir', 'au revoir'];
    const texts: string[] = [];
    for (const x of words)
      for (const y of words) for (const z of words) texts.push(`${x} ${y} ${z}`, `${x}${y} ${z}`);
    for (const text of texts) {
      for (const phrase of words) {
        expect(containsPhrase(text, phrase)).toBe(` ${text} `.includes(` ${phrase} `));
      }
    }
  });
});
