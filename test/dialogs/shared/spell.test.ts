import { readBack, spellCode } from '../../../src/dialogs/shared/spell';
import { SSML_LONG_PAUSE, SSML_PAUSE, ssmlToText, toSsml } from '../../../src/dialogs/shared/ssml';
import { Messages } from '../../../src/i18n';
import { ssmlProblems } from '../../helpers/bot';
import { VOICES } from '../../helpers/voice';

const messages = new Messages();
const fr = messages.forLanguage('fr');
const en = messages.forLanguage('en');
const plain = (s: string) => s.replace(new RegExp(`[${SSML_PAUSE}${SSML_LONG_PAUSE}]`, 'g'), '|');

describe('spellCode', () => {
  it('spells a temporary password with the French spelling alphabet, case and symbols', () => {
    expect(plain(spellCode(fr, 'bR4-q'))).toBe(
      'bé minuscule, comme Bernard,| erre majuscule, comme Robert,| 4,| le symbole tiret,| ku minuscule, comme Québec',
    );
  });

  it('uses the English equivalents in English', () => {
    expect(plain(spellCode(en, 'Wy7'))).toBe(
      'capital double U, as in Whiskey,| lowercase Y, as in Yankee,| 7',
    );
  });

  it('can ignore case', () => {
    expect(plain(spellCode(fr, 'AB', { caseSensitive: false }))).toBe('a comme André,| bé comme Bernard');
  });

  it.each([['fr'], ['en']] as const)('gives well-formed SSML with a pause per character (%s)', (lang) => {
    const t = messages.forLanguage(lang);
    const ssml = toSsml(spellCode(t, 'Xk9#&<'), lang, VOICES, { at: 'at', dot: 'dot' });
    expect(ssmlProblems(ssml)).toEqual([]);
    expect(ssml.match(/<break time="250ms"\/>/g)).toHaveLength(5);
    expect(ssmlToText(ssml)).not.toMatch(/[#&<]/);
  });
});

describe('readBack', () => {
  it.each([
    ['IP123456', 'i, pé,| 1 2 3,| 4 5 6'],
    ['CE100001', 'cé, e,| 1 0 0,| 0 0 1'],
    ['BOUM55081212', 'bé, o, u, emme,| 5 5 0 8,| 1 2 1 2'],
    ['1234', '1 2 3 4'],
  ])('%p → %p', (value, expected) => {
    expect(plain(readBack(fr, value))).toBe(expected);
  });
});
