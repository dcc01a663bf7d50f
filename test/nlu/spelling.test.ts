import { Messages } from '../../src/i18n';
import { SpelledInputParser } from '../../src/nlu/spelling';

const parser = SpelledInputParser.for(new Messages());

describe('SpelledInputParser', () => {
  describe('letters and digits, alphanumeric', () => {
    it.each([
      // French letter names, one by one or run together
      ['i pé un deux trois quatre cinq six', 'IP123456'],
      ['cé e un zéro zéro zéro zéro un', 'CE100001'],
      ['bé o u emme', 'BOUM'],
      ['double vé a esse ka', 'WASK'],
      ['i grec zède ixe hache', 'YZXH'],
      ['effe erre ache ji', 'FRHJ'],
      ['elle a vé pé', 'LAVP'],
      // « B comme Bernard », English "as in"
      ['B comme Bernard, O comme Olivier, U comme Ursule, M comme Marie', 'BOUM'],
      ['comme Bernard comme Olivier', 'BO'],
      ['B as in Bravo, O, U, M', 'BOUM'],
      ['bee oh you em', 'BOUM'],
      ['see ee one zero zero zero zero one', 'CE100001'],
      // digits as words and number words, French and English
      ['cinquante-cinq zéro huit douze douze', '55081212'],
      ['soixante et onze quatre-vingt-dix-neuf', '7199'],
      ['quatre-vingt-dix zéro un trente et un', '900131'],
      ['soixante-dix-sept vingt et un', '7721'],
      ['forty two', '42'],
      // "double" and « deux fois »
      ['double m', 'MM'],
      ['deux fois trois', '33'],
      ['un double zéro', '100'],
      ['triple sept', '777'],
      // typed or transcribed compact forms
      ['IP123456', 'IP123456'],
      ['CE 100001', 'CE100001'],
      ["C'est le BOUM 5508 1212", 'BOUM55081212'],
      ['euh, i, p, 1 2 3', 'IP123'],
    ])('%p → %p', (input, expected) => {
      const reading = parser.parse(input, 'alphanumeric');
      expect(reading.value).toBe(expected);
      expect(reading.complete).toBe(true);
    });
  });

  describe('digits only', () => {
    it.each([
      ['un deux trois quatre', '1234'],
      ['zéro cinq', '05'],
      ['oh five', '05'],
      ['one two three', '123'],
      ['douze trente-quatre', '1234'],
      ['5 5 0 8', '5508'],
      ['deux fois neuf', '99'],
      ['fifty five oh eight twelve twelve', '55081212'],
    ])('%p → %p', (input, expected) => {
      expect(parser.parse(input, 'digits')).toEqual({ value: expected, complete: true, unknown: [] });
    });

    it('refuses letters', () => {
      const reading = parser.parse('i pé un deux', 'digits');
      expect(reading.complete).toBe(false);
      expect(reading.value).toBe('12');
    });
  });

  describe('typed answers', () => {
    it.each([
      ['ip 123 456', 'IP123456'],
      ['boum 5508 1212', 'BOUM55081212'],
      ['Ce-100001', 'CE100001'],
    ])('%p → %p', (input, expected) => {
      expect(parser.parse(input, 'alphanumeric', { typed: true }).value).toBe(expected);
    });

    it('does not take an unknown spoken word letter by letter', () => {
      expect(parser.parse('ip 123 456').complete).toBe(false);
    });
  });

  describe('what it does not understand', () => {
    it.each([['bonjour madame'], [''], ['double'], ['xyzzy 12']])('%p is incomplete', (input) => {
      expect(parser.parse(input).complete).toBe(false);
    });
  });
});
