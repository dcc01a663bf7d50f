import { recognizeSmallNumbers, toLatin1 } from '../../src/nlu/numbers';

describe('toLatin1', () => {
  it.each([
    ['l’option numéro quatre', "l'option numéro quatre"],
    ['« trois »', '« trois »'],
    ['“un” — deux', '"un" - deux'],
    ['le 7 😀', 'le 7  '],
    ['e\u0301lectronique', 'électronique'],
  ])('folds %j to %j', (text, expected) => {
    expect(toLatin1(text)).toBe(expected);
  });

  it('leaves no character beyond Latin-1', () => {
    const folded = toLatin1('‘’“”–—−…€™ 漢字 \u{1F600} ok');
    expect([...folded].every((c) => c.charCodeAt(0) <= 0xff)).toBe(true);
    expect(folded.endsWith(' ok')).toBe(true);
  });
});

describe('recognizeSmallNumbers', () => {
  it.each([
    ['l’option numéro quatre', [4]],
    ['la deuxième 😀', [2]],
    ['cent mille un', [100001]],
    ['the third', [3]],
    ['bonjour', []],
  ])('reads %j as %j', (text, expected) => {
    expect(recognizeSmallNumbers(text)).toEqual(expected);
  });
});
