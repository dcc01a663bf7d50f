import type { Translate } from '../../i18n';
import type { CentreInfo } from '../../services/centre';
import type { Part } from './responder';

/** "8 h 30" in French, "8:30 a.m." in English, from the locale's time templates. */
export function formatTime(t: Translate, hhmm: string): string {
  const [hours, minutes] = hhmm.split(':').map(Number);
  const hours12 = hours % 12 === 0 ? 12 : hours % 12;
  const vars = {
    hours,
    hours12,
    minutes: String(minutes).padStart(2, '0'),
    meridiem: t(hours < 12 ? 'hours:meridiem.am' : 'hours:meridiem.pm'),
  };
  return t(minutes === 0 ? 'hours:timeOnTheHour' : 'hours:time', vars);
}

/**
 * The opening hours in one phrase, as the centre writes them: the usual hours over the range of open days,
 * then the days that differ ("du lundi au vendredi, de 8 h 30 à 16 h 30 (le mercredi, de 10 h 30 à 16 h)").
 */
export function scheduleText(t: Translate, centre: CentreInfo): string {
  const days = [...centre.hours].sort((a, b) => a.weekday - b.weekday);
  const counts = new Map<string, number>();
  for (const d of days) counts.set(`${d.open}-${d.close}`, (counts.get(`${d.open}-${d.close}`) ?? 0) + 1);
  const usual = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const [open, close] = usual.split('-');
  const exceptions = days
    .filter((d) => `${d.open}-${d.close}` !== usual)
    .map((d) =>
      t('hours:exception', {
        day: t(`hours:weekday.${d.weekday}`),
        open: formatTime(t, d.open),
        close: formatTime(t, d.close),
      }),
    );
  const vars = {
    first: t(`hours:weekday.${days[0].weekday}`),
    last: t(`hours:weekday.${days[days.length - 1].weekday}`),
    open: formatTime(t, open),
    close: formatTime(t, close),
    exceptions: exceptions.join(t('common:listSeparator')),
  };
  return t(exceptions.length ? 'hours:scheduleWithExceptions' : 'hours:schedule', vars);
}

/** Every phone number with its region, on one line, for error messages. */
export function phonesInline(t: Translate, centre: CentreInfo): string {
  return centre.phones
    .map((p) => `${t(`hours:region.${p.region}`)} ${p.display}`)
    .join(t('common:listSeparator'));
}

/**
 * The hours and contact block: hours, phone numbers by region, the phone line's key, e-mail and address.
 *
 * @param titled starts with the Centre's name; not on the phone after a sentence that already names it
 *   (« joignez le Centre d'assistance aux professionnels : »), where a caller would hear it twice.
 */
export function contactParts(t: Translate, centre: CentreInfo, withAddress: boolean, titled = true): Part[] {
  const parts: Part[] = [
    ...(titled ? ['hours:title'] : []),
    { key: 'hours:hoursLine', vars: { schedule: scheduleText(t, centre) } },
    {
      lines: [
        'hours:phonesTitle',
        ...centre.phones.map((p) => ({
          key: 'hours:phoneLine',
          vars: { region: t(`hours:region.${p.region}`), number: p.display },
        })),
      ],
    },
    { key: 'hours:identify', vars: { key: centre.onlineServicesKey } },
    { key: 'hours:emailLine', vars: { email: centre.email } },
  ];
  if (withAddress) parts.push({ key: 'hours:mailLine', vars: { address: centre.mailingAddress.join(', ') } });
  return parts;
}
