import { Messages } from '../../src/i18n';
import { VoiceLexicon } from '../../src/nlu/voiceLexicon';

const lexicon = VoiceLexicon.for(new Messages());

describe('VoiceLexicon', () => {
  describe('yesOrNo', () => {
    it.each([
      ['oui', 'yes'],
      ['Oui, c’est ça.', 'yes'],
      ["c'est exact", 'yes'],
      ['ouais', 'yes'],
      ['yes', 'yes'],
      ["that's right", 'yes'],
      ['1', 'yes'],
      ['un', 'yes'],
      ['non', 'no'],
      ['non merci', 'no'],
      ['Non, ce n’est pas ça', 'no'],
      ['pas correct', 'no'],
      ['nope', 'no'],
      ['2', 'no'],
      ['deux', 'no'],
      ['peut-être', undefined],
      ['oui non', undefined],
      ['3', undefined],
      ['', undefined],
    ])('%p → %p', (input, expected) => {
      expect(lexicon.yesOrNo(input)).toBe(expected);
    });
  });

  describe('isGoodbye', () => {
    it.each([
      ["c'est tout", false, true],
      ['Au revoir!', false, true],
      ["ok c'est tout merci", false, true],
      ["that's all", false, true],
      ['goodbye', false, true],
      ['non merci', true, true],
      ['merci', true, true],
      ['no thanks', true, true],
      ['non merci', false, false],
      ['merci', false, false],
      ['non', true, false],
      ['mot de passe', true, false],
    ])('%p (at a menu: %p) → %p', (input, atMenu, expected) => {
      expect(lexicon.isGoodbye(input, atMenu)).toBe(expected);
    });
  });

  describe('isMore', () => {
    it.each([
      ['#', true],
      ['autres choix', true],
      ['more options', true],
      ['1', false],
    ])('%p → %p', (input, expected) => {
      expect(lexicon.isMore(input)).toBe(expected);
    });
  });
});
