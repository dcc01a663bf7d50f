import { Messages } from '../../src/i18n';
import {
  BusinessHours,
  describeOpening,
  extraClosureProblem,
  zonedInstant,
} from '../../src/services/businessHours';
import { loadCentreInfo } from '../../src/services/centre';

const centre = loadCentreInfo();
const hours = new BusinessHours(centre);
const messages = new Messages();
const fr = messages.forLanguage('fr');
const en = messages.forLanguage('en');

/** An instant given as Montréal wall-clock time with its UTC offset, as people write it. */
const at = (iso: string) => new Date(iso);

describe('BusinessHours', () => {
  describe('open or closed on each day of an ordinary week (30 November 2026, EST)', () => {
    it.each([
      ['Monday 10:00', '2026-11-30T10:00:00-05:00', true],
      ['Tuesday 10:00', '2026-12-01T10:00:00-05:00', true],
      ['Wednesday 10:00 (opens 10:30)', '2026-12-02T10:00:00-05:00', false],
      ['Wednesday 11:00', '2026-12-02T11:00:00-05:00', true],
      ['Thursday 10:00', '2026-12-03T10:00:00-05:00', true],
      ['Friday 10:00', '2026-12-04T10:00:00-05:00', true],
      ['Saturday 10:00', '2026-12-05T10:00:00-05:00', false],
      ['Sunday 10:00', '2026-12-06T10:00:00-05:00', false],
    ])('%s → open: %p', (_label, iso, open) => {
      expect(hours.isOpen(at(iso))).toBe(open);
    });
  });

  describe('the edges of a day', () => {
    it.each([
      ['Monday 8:29', '2026-11-30T08:29:00-05:00', false],
      ['Monday 8:30', '2026-11-30T08:30:00-05:00', true],
      ['Monday 16:29', '2026-11-30T16:29:00-05:00', true],
      ['Monday 16:30 (closing time is closed)', '2026-11-30T16:30:00-05:00', false],
      ['Monday 16:31', '2026-11-30T16:31:00-05:00', false],
      ['Wednesday 10:29', '2026-12-02T10:29:00-05:00', false],
      ['Wednesday 10:30', '2026-12-02T10:30:00-05:00', true],
      ['Wednesday 15:59', '2026-12-02T15:59:00-05:00', true],
      ['Wednesday 16:00', '2026-12-02T16:00:00-05:00', false],
      ['Wednesday 16:29 (closed since 16:00)', '2026-12-02T16:29:00-05:00', false],
    ])('%s → open: %p', (_label, iso, open) => {
      expect(hours.isOpen(at(iso))).toBe(open);
    });
  });

  describe('Québec statutory holidays (date-holidays CA-QC, type public)', () => {
    it.each([
      ['Noël, a Friday', '2026-12-25T10:00:00-05:00', 'Noël'],
      ['Fête nationale, a Wednesday', '2026-06-24T11:00:00-04:00', 'Fête nationale du Québec'],
      ['Journée nationale des patriotes', '2026-05-18T10:00:00-04:00', 'Journée nationale des patriotes'],
      ['Vendredi saint', '2026-04-03T10:00:00-04:00', 'Vendredi saint'],
      ['Fête du travail', '2026-09-07T10:00:00-04:00', 'Fête du travail'],
      ['Action de grâce', '2026-10-12T10:00:00-04:00', 'Action de grâce'],
      [
        'Fête nationale moved to Monday 25 June 2029 (24th is a Sunday)',
        '2029-06-25T10:00:00-04:00',
        'Fête nationale du Québec',
      ],
    ])('%s is closed', (_label, iso, name) => {
      const status = hours.status(at(iso));
      expect(status.open).toBe(false);
      expect(status).toMatchObject({ closure: { kind: 'holiday', name } });
    });

    it('counts Easter Monday as open: the library types it optional (see the module comment)', () => {
      expect(hours.isOpen(at('2026-04-06T10:00:00-04:00'))).toBe(true);
    });

    it('reopens after the Christmas weekend on Monday 28 December at 8:30', () => {
      expect(hours.nextOpening(at('2026-12-24T17:00:00-05:00')).toISOString()).toBe(
        '2026-12-28T13:30:00.000Z',
      );
    });
  });

  describe('extra closures (CENTRE_EXTRA_CLOSURES)', () => {
    const withClosures = new BusinessHours(centre, {
      extraClosures: ['2026-12-28..2026-12-31', '04-06', '2026-11-30'],
    });

    it.each([
      ['a range', '2026-12-29T10:00:00-05:00'],
      ['a yearly date (Easter Monday 2026 listed as 04-06)', '2026-04-06T10:00:00-04:00'],
      ['a single date', '2026-11-30T10:00:00-05:00'],
    ])('closes %s', (_label, iso) => {
      expect(withClosures.status(at(iso))).toMatchObject({ open: false, closure: { kind: 'extraClosure' } });
    });

    it('skips the whole holiday period when looking for the next opening', () => {
      // 25 Dec holiday, 28–31 closed, 1 Jan 2027 holiday, weekend: Monday 4 January 2027.
      expect(withClosures.nextOpening(at('2026-12-24T17:00:00-05:00')).toISOString()).toBe(
        '2027-01-04T13:30:00.000Z',
      );
    });

    it.each([
      ['2026-12-24', undefined],
      ['12-26', undefined],
      ['2026-12-24..2027-01-02', undefined],
      ['2026-13-01', 'expected YYYY-MM-DD, YYYY-MM-DD..YYYY-MM-DD or MM-DD'],
      ['24/12/2026', 'expected YYYY-MM-DD, YYYY-MM-DD..YYYY-MM-DD or MM-DD'],
      ['2027-01-02..2026-12-24', 'a range must not end before it starts'],
      ['12-24..12-26', 'a range needs two YYYY-MM-DD dates'],
    ])('validates %p', (entry, problem) => {
      expect(extraClosureProblem(entry)).toBe(problem);
    });

    it('refuses an invalid entry at construction', () => {
      expect(() => new BusinessHours(centre, { extraClosures: ['demain'] })).toThrow(/Invalid extra closure/);
    });
  });

  describe('daylight-saving changes (America/Toronto)', () => {
    it.each([
      // Spring forward on Sunday 8 March 2026: Friday is EST (−5), Monday is EDT (−4).
      ['after Friday 6 March (EST)', '2026-03-06T17:00:00-05:00', '2026-03-09T12:30:00.000Z'],
      // Fall back on Sunday 1 November 2026: Friday is EDT, Monday is EST.
      ['after Friday 30 October (EDT)', '2026-10-30T17:00:00-04:00', '2026-11-02T13:30:00.000Z'],
      ['during the spring-forward night', '2026-03-08T02:30:00-05:00', '2026-03-09T12:30:00.000Z'],
      ['during the repeated fall-back hour', '2026-11-01T01:30:00-05:00', '2026-11-02T13:30:00.000Z'],
    ])('next opening %s is Monday 8:30 local', (_label, iso, expected) => {
      expect(hours.nextOpening(at(iso)).toISOString()).toBe(expected);
    });

    it.each([
      ['Monday 9 March 8:29 EDT', '2026-03-09T12:29:00Z', false],
      ['Monday 9 March 8:30 EDT', '2026-03-09T12:30:00Z', true],
      ['Monday 9 March 16:29 EDT', '2026-03-09T20:29:00Z', true],
      ['Monday 9 March 16:30 EDT', '2026-03-09T20:30:00Z', false],
      ['Monday 2 November 8:29 EST', '2026-11-02T13:29:00Z', false],
      ['Monday 2 November 8:30 EST', '2026-11-02T13:30:00Z', true],
    ])('%s → open: %p', (_label, iso, open) => {
      expect(hours.isOpen(at(iso))).toBe(open);
    });

    it('builds wall-clock instants on either side of the change', () => {
      expect(zonedInstant({ year: 2026, month: 3, day: 6 }, '08:30', 'America/Toronto').toISOString()).toBe(
        '2026-03-06T13:30:00.000Z',
      );
      expect(zonedInstant({ year: 2026, month: 3, day: 9 }, '08:30', 'America/Toronto').toISOString()).toBe(
        '2026-03-09T12:30:00.000Z',
      );
    });
  });

  describe('the next opening in words', () => {
    it.each([
      ['Saturday', '2026-11-28T10:00:00-05:00', 'lundi à 8 h 30', 'on Monday at 8:30 a.m.'],
      ['Monday evening', '2026-11-30T17:00:00-05:00', 'demain à 8 h 30', 'tomorrow at 8:30 a.m.'],
      [
        'Tuesday evening (Wednesday opens late)',
        '2026-12-01T16:31:00-05:00',
        'demain à 10 h 30',
        'tomorrow at 10:30 a.m.',
      ],
      ['early Monday', '2026-11-30T07:00:00-05:00', "aujourd'hui à 8 h 30", 'today at 8:30 a.m.'],
      ['Wednesday 10:00', '2026-12-02T10:00:00-05:00', "aujourd'hui à 10 h 30", 'today at 10:30 a.m.'],
      ['Christmas Eve evening', '2026-12-24T17:00:00-05:00', 'lundi à 8 h 30', 'on Monday at 8:30 a.m.'],
    ])('%s', (_label, iso, french, english) => {
      const now = at(iso);
      const opening = hours.nextOpening(now);
      expect(describeOpening(fr, hours, opening, now)).toBe(french);
      expect(describeOpening(en, hours, opening, now)).toBe(english);
    });

    it('names the date beyond a week', () => {
      const long = new BusinessHours(centre, { extraClosures: ['2026-12-28..2026-12-31'] });
      const now = at('2026-12-24T17:00:00-05:00');
      expect(describeOpening(fr, long, long.nextOpening(now), now)).toBe('le lundi 4 janvier à 8 h 30');
      expect(describeOpening(en, long, long.nextOpening(now), now)).toBe(
        'on Monday, January 4, at 8:30 a.m.',
      );
    });
  });

  it('says « 1er » for the first of the month in French', () => {
    const long = new BusinessHours(centre, { extraClosures: ['2026-11-23..2026-11-30'] });
    const now = at('2026-11-20T17:00:00-05:00');
    expect(describeOpening(fr, long, long.nextOpening(now), now)).toBe('le mardi 1er décembre à 8 h 30');
    expect(describeOpening(en, long, long.nextOpening(now), now)).toBe(
      'on Tuesday, December 1, at 8:30 a.m.',
    );
  });

  describe('call-backs', () => {
    it('are due now during hours and at the next opening otherwise', () => {
      const open = at('2026-11-30T10:00:00-05:00');
      expect(hours.callbackDue(open)).toEqual(open);
      expect(hours.callbackDue(at('2026-11-28T10:00:00-05:00')).toISOString()).toBe(
        '2026-11-30T13:30:00.000Z',
      );
    });
  });
});
