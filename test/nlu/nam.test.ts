import { inspect } from 'node:util';
import { checkNamDate, maskNam, Nam, parseNam, redactNams } from '../../src/nlu/nam';

function read(input: string, pending?: string): string {
  const result = parseNam(input, pending);
  return result.ok ? result.nam.reveal() : `!${result.problem.reason}`;
}

describe('parseNam', () => {
  describe('typed', () => {
    it.each([
      ['BOUM55081212', 'BOUM55081212'],
      ['boum 5508 1212', 'BOUM55081212'],
      ['BOUM-5508-1212', 'BOUM55081212'],
      ['boum55081212', 'BOUM55081212'],
      ['Boum 55 08 12 12', 'BOUM55081212'],
      ['  gags 7262 0314 ', 'GAGS72620314'],
      ['C’est le BOUM 5508 1212, merci', 'BOUM55081212'],
      ['lavp-9001-3101', 'LAVP90013101'],
      ['BOUM.5508.1212', 'BOUM55081212'],
    ])('%p → %p', (input, expected) => {
      expect(read(input)).toBe(expected);
    });
  });

  describe('spelled with French and English letter names', () => {
    it.each([
      ['B comme Bernard, O comme Olivier, U comme Ursule, M comme Marie, 5508 1212', 'BOUM55081212'],
      ['bé o u emme cinq cinq zéro huit un deux un deux', 'BOUM55081212'],
      ['b o u m 5 5 0 8 1 2 1 2', 'BOUM55081212'],
      ['G A G S sept deux six deux zéro trois un quatre', 'GAGS72620314'],
      ['elle a vé pé quatre-vingt-dix zéro un trente et un zéro un', 'LAVP90013101'],
      ['double vé a esse ka 8001 0101', 'WASK80010101'],
      ['i grec zède ixe ache 8001 0101', 'YZXH80010101'],
      ['bee oh you em fifty five oh eight twelve twelve', 'BOUM55081212'],
      ['B as in Bravo, O, U, M, 5 5 0 8 1 2 1 2', 'BOUM55081212'],
      ['comme Bernard comme Olivier comme Ursule comme Marie 55081212', 'BOUM55081212'],
      ['effe erre ache ji 9512 3101', 'FRHJ95123101'],
    ])('%p → %p', (input, expected) => {
      expect(read(input)).toBe(expected);
    });
  });

  describe('digits spoken as French or English number words', () => {
    it.each([
      ['BOUM cinquante-cinq zéro huit douze douze', 'BOUM55081212'],
      ['BOUM cinquante cinq zéro huit douze douze', 'BOUM55081212'],
      ['GAGS soixante-douze soixante-deux zéro trois quatorze', 'GAGS72620314'],
      ['LAVP quatre-vingt-dix zéro un trente et un zéro un', 'LAVP90013101'],
      ['TREM soixante-dix-sept zéro trois vingt et un quatre-vingt-dix-neuf', 'TREM77032199'],
      ['ROYS quatre-vingts cinquante-deux zéro neuf dix-huit', 'ROYS80520918'],
      ['BOUM fifty-five zero eight twelve twelve', 'BOUM55081212'],
      ['BOUM five five oh eight one two one two', 'BOUM55081212'],
      ['BOUM double five oh eight twelve twelve', 'BOUM55081212'],
    ])('%p → %p', (input, expected) => {
      expect(read(input)).toBe(expected);
    });
  });

  describe('keyed on the phone after spoken letters', () => {
    it('keeps four letters heard alone and completes them with keyed digits', () => {
      const letters = parseNam('bé o u emme');
      expect(letters.ok).toBe(false);
      expect(!letters.ok && letters.letters).toBe('boum');
      expect(read('55081212', 'boum')).toBe('BOUM55081212');
      expect(read('5508 1212#', 'boum')).toBe('BOUM55081212');
    });
  });

  describe('precise problems', () => {
    it.each([
      ['', 'unreadable'],
      ['je ne sais pas', 'unreadable'],
      ['55081212', 'letters'],
      ['BOU 5508 1212', 'letters'],
      ['BOUMM 5508 1212', 'letters'],
      ['5508 BOUM 1212', 'letters'],
      ['BOUM 5508 121', 'digits'],
      ['BOUM 5508 12123', 'digits'],
      ['BOUM', 'digits'],
      ['BOUM 5513 1212', 'month'],
      ['BOUM 5500 1212', 'month'],
      ['BOUM 5563 1212', 'month'],
      ['BOUM 5550 1212', 'month'],
      ['BOUM 5508 3212', 'day'],
      ['BOUM 5508 0012', 'day'],
      ['BOUM 5504 3112', 'day'],
      ['BOUM 5554 3112', 'day'],
      ['BOUM 5502 2912', 'day'],
      ['BOUM 5502 3012', 'day'],
    ])('%p is refused for %p', (input, reason) => {
      expect(read(input)).toBe(`!${reason}`);
    });

    it('says how many letters and digits were heard', () => {
      expect(parseNam('BOU 5508 1212')).toEqual({ ok: false, problem: { reason: 'letters', letters: 3 } });
      expect(parseNam('BOUM 5508 121')).toEqual({ ok: false, problem: { reason: 'digits', digits: 7 } });
      expect(parseNam('BOUM 5513 1212')).toEqual({ ok: false, problem: { reason: 'month', month: '13' } });
      expect(parseNam('BOUM 5504 3112')).toEqual({
        ok: false,
        problem: { reason: 'day', day: '31', month: 4 },
      });
    });
  });

  describe('dates', () => {
    it.each([
      ['550812', true, 'a man born in August'],
      ['726203', true, 'a woman born in December (62 = 12 + 50)'],
      ['905101', true, 'a woman born in January'],
      ['000229', true, '29 February 2000'],
      ['960229', true, '29 February of a leap year'],
      ['975229', false, '29 February (women) of a common year'],
      ['970228', true, '28 February'],
      ['551131', false, '31 November'],
      ['556131', false, '31 November (women)'],
      ['551231', true, '31 December'],
      ['556231', true, '31 December (women)'],
      ['551301', false, 'month 13'],
      ['555001', false, 'month 50'],
      ['556301', false, 'month 63'],
    ])('%s is %p: %s', (digits, valid) => {
      expect(checkNamDate(`${digits}12`) === undefined).toBe(valid);
    });
  });
});

describe('privacy helpers', () => {
  it('masks all but the last four characters', () => {
    expect(maskNam('BOUM55081212')).toBe('********1212');
    expect(maskNam('BOUM 5508 1212')).toBe('********1212');
  });

  it('redacts NAM-like strings inside free text', () => {
    expect(redactNams('no data for BOUM 5508 1212 or gags72620314.')).toBe(
      'no data for ********1212 or ********0314.',
    );
  });

  it.each([
    ['GAGS72620314X', '********0314X'],
    ['1GAGS72620314', '1********0314'],
    ['nam GAGS72620314, Prolia?', 'nam ********0314, Prolia?'],
    ['GAGS.7262.0314', '********0314'],
    ['\uFF27\uFF21\uFF27\uFF33\uFF17\uFF12\uFF16\uFF12\uFF10\uFF13\uFF11\uFF14', '********0314'],
    ['ＢＯＵＭ　５５０８　１２１２ merci', '********1212 merci'],
    ['é GAGS\u200B72620314 😀 ＢＯＵＭ５５０８１２１２x', 'é ********0314 😀 ********1212x'],
    [
      'typed one character at a time: G A G S 7 2 6 2 0 3 1 4 svp',
      'typed one character at a time: ********0314 svp',
    ],
  ])('redacts a NAM glued to what follows, split by periods or typed full width: %p', (input, expected) => {
    expect(redactNams(input)).toBe(expected);
  });

  it.each([
    ['pour BOUM  5508  1212 svp', 'pour ********1212 svp'],
    ['BOUM 550 812 12', '********1212'],
    ['BOUM 5 5 0 8 1 2 1 2', '********1212'],
    ['B.O.U.M. 5508 1212', '********1212'],
    ['B-O-U-M 5508-1212', '********1212'],
    ['BOUM 5508 / 1212', '********1212'],
    ['nam: BOUM_5508_1212.', 'nam: ********1212.'],
  ])('redacts a NAM however it is spaced or punctuated, as the bot reads it: %p', (input, expected) => {
    expect(parseNam(input.replace(/^(pour|nam:) /, '').replace(/ svp$/, '')).ok).toBe(true);
    expect(redactNams(input)).toBe(expected);
  });

  it.each([
    'mon cell 514 555 1234',
    'cell 514-555-1234 poste 22',
    'Québec 418 643-8210, Montréal 514 873-3480',
  ])('leaves a phone number after a short word alone: %p', (input) => {
    expect(redactNams(input)).toBe(input);
  });

  it.each([
    'Humira 40 mg',
    'Stelara 45 mg/0,5 ml',
    'XGAGS72620314',
    'abcd1234567',
    'Ｈｕｍｉｒａ ４０ ｍｇ',
    'Pharmacie Côté, 1234 rue Saint-Jean 😀',
    'option a b c d 1 2 3',
  ])('leaves what is not a NAM unchanged: %p', (input) => {
    expect(redactNams(input)).toBe(input);
  });

  it('a Nam prints, serializes and inspects masked; reveal() is explicit', () => {
    const result = parseNam('BOUM55081212');
    if (!result.ok) throw new Error('expected a NAM');
    const nam: Nam = result.nam;
    expect(String(nam)).toBe('********1212');
    expect(`${nam}`).toBe('********1212');
    expect(JSON.stringify({ nam })).toBe('{"nam":"********1212"}');
    expect(inspect({ nam })).not.toContain('BOUM');
    expect(nam.lastFour).toBe('1212');
    expect(nam.sex).toBe('M');
    expect(nam.reveal()).toBe('BOUM55081212');
  });

  it('knows women by the month offset', () => {
    const result = parseNam('GAGS72620314');
    expect(result.ok && result.nam.sex).toBe('F');
  });
});
