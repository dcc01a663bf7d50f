import Holidays from 'date-holidays';
import type { Translate } from '../i18n';
import { formatTime } from '../dialogs/shared/contactInfo';
import type { CentreInfo } from './centre';

/**
 * The Centre's business hours: open or closed at an instant, and when it next opens, computed in the
 * Centre's time zone (America/Toronto, from data/centre.json) so that daylight-saving changes move nothing.
 *
 * Closed days, on top of the weekly hours:
 * - Québec's statutory holidays from `date-holidays` (CA-QC), the entries it types `public`: Nouvel An,
 *   Vendredi saint, Journée nationale des patriotes, Fête nationale (24 juin), Fête du Canada, Fête du travail,
 *   Action de grâce, Noël. The library types the lundi de Pâques `optional` (employers choose Good Friday or
 *   Easter Monday under the Loi sur les normes du travail), so it is NOT counted: add it as an extra closure
 *   when the Centre closes that day (the public service usually does).
 * - The library has no substitute days: when the 24th of June or the 1st of July falls on a Sunday, Québec law
 *   moves the holiday to the Monday (Loi sur la fête nationale; Loi sur les normes du travail, art. 60), so
 *   that Monday is closed here too.
 * - The Centre's own closures (CENTRE_EXTRA_CLOSURES): `YYYY-MM-DD`, a range `YYYY-MM-DD..YYYY-MM-DD`, or a
 *   yearly `MM-DD` (for instance the public service's 26 December and 2 January).
 */

/** A calendar date in the Centre's time zone. */
export interface LocalDate {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
}

/** One day's opening, as instants. */
export interface OpeningWindow {
  opensAt: Date;
  closesAt: Date;
}

/** Why a weekday with hours is closed. */
export type Closure = { kind: 'holiday'; name: string } | { kind: 'extraClosure' };

/** Open or closed right now, and what comes next. */
export type HoursStatus =
  { open: true; closesAt: Date } | { open: false; nextOpening: Date; closure?: Closure };

/** How far ahead the next opening is looked for; longer than any plausible closure. */
const SEARCH_DAYS = 60;

/** Time-zone arithmetic without a dependency: Intl gives the wall clock of an instant in a zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock date and time of an instant in a time zone. */
export function wallClock(
  date: Date,
  timeZone: string,
): LocalDate & { hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** Milliseconds to add to UTC to get the zone's wall clock at that instant (−5 h or −4 h in Montréal). */
function zoneOffsetMs(date: Date, timeZone: string): number {
  const w = wallClock(date, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

/**
 * The instant at which the zone's clocks show the given date and time. Business hours never start in the
 * skipped or repeated hour of a DST change (2 h to 3 h at night), so the second pass settles every case here.
 */
export function zonedInstant(date: LocalDate, hhmm: string, timeZone: string): Date {
  const [hour, minute] = hhmm.split(':').map(Number);
  const naive = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const first = naive - zoneOffsetMs(new Date(naive), timeZone);
  const second = naive - zoneOffsetMs(new Date(first), timeZone);
  return new Date(second);
}

/** The date `days` after (or before) `date`. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days, 12));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday, as in data/centre.json. */
export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day, 12)).getUTCDay();
}

/** `YYYY-MM-DD`. */
export function isoDate(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

function parseIsoDate(text: string): LocalDate {
  const [year, month, day] = text.split('-').map(Number);
  return { year, month, day };
}

const FULL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const YEARLY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * Checks one CENTRE_EXTRA_CLOSURES entry; returns a problem description, or undefined when it is valid.
 * Used by the configuration so that a typo stops start-up rather than opening the Centre on a closed day.
 */
export function extraClosureProblem(entry: string): string | undefined {
  const [from, to, ...rest] = entry.split('..');
  if (rest.length > 0) return 'expected YYYY-MM-DD, YYYY-MM-DD..YYYY-MM-DD or MM-DD';
  if (to === undefined) {
    return FULL_DATE.test(from) || YEARLY.test(from)
      ? undefined
      : 'expected YYYY-MM-DD, YYYY-MM-DD..YYYY-MM-DD or MM-DD';
  }
  if (!FULL_DATE.test(from) || !FULL_DATE.test(to)) return 'a range needs two YYYY-MM-DD dates';
  return from <= to ? undefined : 'a range must not end before it starts';
}

/** Options of {@link BusinessHours}. */
export interface BusinessHoursOptions {
  /** CENTRE_EXTRA_CLOSURES entries (see the module comment); validated by the configuration. */
  extraClosures?: readonly string[];
}

/** Open/closed and next opening for the Centre d'assistance aux professionnels. */
export class BusinessHours {
  private readonly timeZone: string;
  private readonly hoursByWeekday = new Map<number, { open: string; close: string }>();
  private readonly holidays = new Holidays('CA', 'QC', { types: ['public'], languages: ['fr'] });
  private readonly holidaysByYear = new Map<number, Map<string, string>>();
  private readonly extraDates = new Set<string>();
  private readonly extraYearly = new Set<string>();
  private readonly extraRanges: Array<[string, string]> = [];

  constructor(centre: Pick<CentreInfo, 'timeZone' | 'hours'>, options: BusinessHoursOptions = {}) {
    this.timeZone = centre.timeZone;
    for (const h of centre.hours) this.hoursByWeekday.set(h.weekday, { open: h.open, close: h.close });
    for (const entry of options.extraClosures ?? []) {
      const problem = extraClosureProblem(entry);
      if (problem) throw new TypeError(`Invalid extra closure "${entry}": ${problem}`);
      const [from, to] = entry.split('..');
      if (to !== undefined) this.extraRanges.push([from, to]);
      else if (YEARLY.test(from)) this.extraYearly.add(from);
      else this.extraDates.add(from);
    }
  }

  /** The Centre's time zone. */
  get zone(): string {
    return this.timeZone;
  }

  /** The Centre's calendar date at an instant. */
  localDate(at: Date): LocalDate {
    const { year, month, day } = wallClock(at, this.timeZone);
    return { year, month, day };
  }

  /** Why a date is closed although it is a weekday with hours, or undefined. */
  closureOn(date: LocalDate): Closure | undefined {
    const iso = isoDate(date);
    const holiday = this.holidayNames(date.year).get(iso);
    if (holiday) return { kind: 'holiday', name: holiday };
    if (
      this.extraDates.has(iso) ||
      this.extraYearly.has(iso.slice(5)) ||
      this.extraRanges.some(([from, to]) => from <= iso && iso <= to)
    ) {
      return { kind: 'extraClosure' };
    }
    return undefined;
  }

  /** The opening of a date, or undefined when the Centre does not open that day. */
  windowOn(date: LocalDate): OpeningWindow | undefined {
    const hours = this.hoursByWeekday.get(weekdayOf(date));
    if (!hours || this.closureOn(date)) return undefined;
    return {
      opensAt: zonedInstant(date, hours.open, this.timeZone),
      closesAt: zonedInstant(date, hours.close, this.timeZone),
    };
  }

  /** True from opening time included to closing time excluded (16 h 29 open, 16 h 30 closed). */
  isOpen(at: Date): boolean {
    const window = this.windowOn(this.localDate(at));
    return window !== undefined && window.opensAt <= at && at < window.closesAt;
  }

  /** The first opening strictly after `at` (when open now, the next day's opening). */
  nextOpening(at: Date): Date {
    const today = this.localDate(at);
    for (let i = 0; i <= SEARCH_DAYS; i += 1) {
      const window = this.windowOn(addDays(today, i));
      if (window && window.opensAt > at) return window.opensAt;
    }
    // Only a misconfiguration (no hours at all, or closures covering months) gets here.
    throw new Error(`BusinessHours: no opening within ${SEARCH_DAYS} days`);
  }

  /** Open or closed at `at`, with the closing time or the next opening and why today is closed. */
  status(at: Date): HoursStatus {
    const today = this.localDate(at);
    const window = this.windowOn(today);
    if (window && window.opensAt <= at && at < window.closesAt)
      return { open: true, closesAt: window.closesAt };
    const closure = this.closureOn(today);
    return closure
      ? { open: false, nextOpening: this.nextOpening(at), closure }
      : { open: false, nextOpening: this.nextOpening(at) };
  }

  /** When a call-back asked for at `at` is due: now during business hours, else the next opening. */
  callbackDue(at: Date): Date {
    return this.isOpen(at) ? at : this.nextOpening(at);
  }

  private holidayNames(year: number): Map<string, string> {
    let names = this.holidaysByYear.get(year);
    if (!names) {
      names = new Map();
      for (const h of this.holidays.getHolidays(year)) {
        if (h.type !== 'public') continue;
        const date = parseIsoDate(h.date.slice(0, 10));
        names.set(isoDate(date), h.name);
        // Québec moves these two to the Monday when they fall on a Sunday; the library does not.
        const substitutes = (date.month === 6 && date.day === 24) || (date.month === 7 && date.day === 1);
        if (substitutes && weekdayOf(date) === 0) names.set(isoDate(addDays(date, 1)), h.name);
      }
      this.holidaysByYear.set(year, names);
    }
    return names;
  }
}

/**
 * The next opening in words, relative to now in the Centre's time zone: « aujourd'hui à 10 h 30 »,
 * « demain à 8 h 30 », « lundi à 8 h 30 », or « le mardi 5 janvier à 8 h 30 » beyond a week.
 * The locale keys are `escalation:when.*`; times use the hours namespace's formats.
 */
export function describeOpening(t: Translate, hours: BusinessHours, opening: Date, now: Date): string {
  const day = hours.localDate(opening);
  const wall = wallClock(opening, hours.zone);
  const time = formatTime(t, `${String(wall.hour).padStart(2, '0')}:${String(wall.minute).padStart(2, '0')}`);
  const today = hours.localDate(now);
  const weekday = t(`hours:weekday.${weekdayOf(day)}`);
  const iso = isoDate(day);
  if (iso === isoDate(today)) return t('escalation:when.today', { time });
  if (iso === isoDate(addDays(today, 1))) return t('escalation:when.tomorrow', { time });
  if (iso <= isoDate(addDays(today, 6))) return t('escalation:when.weekday', { weekday, time });
  // « le mardi 1er décembre », never « 1 décembre ».
  return t('escalation:when.date', {
    ...(day.day === 1 ? { context: 'first' } : {}),
    weekday,
    day: day.day,
    month: t(`escalation:month.${day.month}`),
    time,
  });
}
