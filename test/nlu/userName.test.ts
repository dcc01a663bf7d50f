import { Messages } from '../../src/i18n';
import { Lexicon } from '../../src/nlu/lexicon';
import * as numbers from '../../src/nlu/numbers';
import { UserNameRecognizer } from '../../src/nlu/userName';

describe('UserNameRecognizer', () => {
  const messages = new Messages();
  const recognizer = new UserNameRecognizer(messages, new Lexicon(messages));

  describe('typed in chat', () => {
    it.each([
      ['CE100001', 'CE100001'],
      ['ce100001', 'CE100001'],
      ['ce 100001', 'CE100001'],
      ['CE-100001', 'CE100001'],
      ['Ce - 100 001', 'CE100001'],
      ['ip200001', 'IP200001'],
      ['IP_200001', 'IP200001'],
      ["Mon nom d'utilisateur est CE-100001.", 'CE100001'],
      ['my user name is ip 200001', 'IP200001'],
      ['2100001#', 'CE100001'],
    ])('reads %j as %s', (text, userName) => {
      expect(recognizer.recognize(text)).toEqual({ ok: true, userName });
    });
  });

  describe('spelled aloud (French and English)', () => {
    it.each([
      ['cé e un zéro zéro zéro zéro un', 'CE100001'],
      ['C E 1 0 0 0 0 1', 'CE100001'],
      ['ce un zéro zéro zéro zéro un', 'CE100001'],
      ['i pé deux zéro zéro zéro zéro un', 'IP200001'],
      ['i p deux zero zero zero zero un', 'IP200001'],
      ['see e one zero zero zero zero one', 'CE100001'],
      ['c e cent mille un', 'CE100001'],
      ['c e neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf', 'CE999999'],
    ])('reads %j as %s', (text, userName) => {
      expect(recognizer.recognize(text, { keypad: true })).toEqual({ ok: true, userName });
    });
  });

  describe('keyed on a phone (1 = IP, 2 = CE, the digits, then #)', () => {
    it.each([
      ['2100001#', 'CE100001'],
      ['1200001#', 'IP200001'],
      ['2 1 0 0 0 0 1 #', 'CE100001'],
      ['2100001', 'CE100001'],
    ])('reads %j as %s', (text, userName) => {
      expect(recognizer.recognize(text, { keypad: true })).toEqual({ ok: true, userName });
    });

    it('refuses a prefix key other than 1 or 2', () => {
      expect(recognizer.recognize('3100001#', { keypad: true })).toEqual({ ok: false, problem: 'prefix' });
    });
  });

  describe('says precisely what is wrong', () => {
    it.each([
      ['', { ok: false, problem: 'empty' }],
      ['bonjour', { ok: false, problem: 'empty' }],
      ['100001', { ok: false, problem: 'prefix' }],
      ['AB123456', { ok: false, problem: 'prefix' }],
      ['CE', { ok: false, problem: 'missingDigits' }],
      ['CE12345', { ok: false, problem: 'digitCount', digitCount: 5 }],
      ['CE1234567', { ok: false, problem: 'digitCount', digitCount: 7 }],
      ['CE12A456', { ok: false, problem: 'characters' }],
      ['CE10000l', { ok: false, problem: 'characters' }],
    ])('%j → %j', (text, expected) => {
      expect(recognizer.recognize(text)).toEqual(expected);
    });
  });

  describe('long messages', () => {
    afterEach(() => jest.restoreAllMocks());

    it('does not hand a long message to the costly number recognizers, which take ~10 ms per 1,000 characters', () => {
      const recognize = jest.spyOn(numbers, 'recognizeSmallNumbers');
      const long = `ce ${'vingt-deux '.repeat(1800)}`;
      expect(recognizer.recognize(long)).toEqual({ ok: false, problem: 'characters' });
      expect(recognize).not.toHaveBeenCalled();
      // A number said in words still reaches them.
      expect(recognizer.recognize('c e cent mille un')).toEqual({ ok: true, userName: 'CE100001' });
      expect(recognize).toHaveBeenCalledTimes(1);
    });
  });
});
