import { Culture, recognizeNumber, recognizeOrdinal } from '@microsoft/recognizers-text-number';

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

describe('recognizeSmallNumbers against the library’s full models', () => {
  // The full French models compile patterns of over 100,000 characters (about 2 s); ours replace the part
  // that spells every ordinal up to the billions and must read everything a caller can meet the same way.
  const full = (text: string): number[] => {
    const found = new Set<number>();
    const subject = toLatin1(text);
    for (const culture of [Culture.French, Culture.English]) {
      for (const result of [...recognizeNumber(subject, culture), ...recognizeOrdinal(subject, culture)]) {
        const value = Number((result.resolution as { value?: string } | undefined)?.value);
        if (Number.isInteger(value) && value >= 0) found.add(value);
      }
    }
    return [...found];
  };

  it.each([
    'deux',
    'le troisième',
    'la deuxième option',
    'option numéro 3',
    '3,5',
    '1/2',
    'un demi',
    'une demie',
    'deux et demi',
    'trois quarts',
    'deux tiers',
    'trois cinquièmes',
    'un quart',
    'vingt et un',
    'quatre-vingt-dix-neuf',
    'soixante-dix',
    'le premier',
    'première',
    '1er',
    '2e',
    '3ème',
    'dix-septième',
    'vingt et unième',
    'quatre-vingtième',
    'centième',
    'millième',
    'cent vingt-troisième',
    'mille deux cents',
    'c e un zéro zéro zéro zéro un',
    '2100001',
    'choix 2 svp',
    'deux ou trois',
    'une douzaine',
    '5 %',
    'the second one',
    'option number four',
    'twenty-first',
  ])('reads %j as the full models do', (text) => {
    expect(recognizeSmallNumbers(text).sort()).toEqual(full(text).sort());
  });
});
