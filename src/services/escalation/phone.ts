import type { CentreInfo, PhoneRegion } from '../centre';

/**
 * Canadian area codes in service or announced (Canadian Numbering Administrator, 2025), by province, plus the
 * North American toll-free codes (a pharmacy may have one). Non-geographic codes (600, 622…) cannot take a
 * call-back and are left out.
 */
const CANADIAN_AREA_CODES = new Set([
  // Alberta
  '368', '403', '587', '780', '825',
  // British Columbia
  '236', '250', '257', '604', '672', '778',
  // Manitoba
  '204', '431', '584',
  // New Brunswick
  '428', '506',
  // Newfoundland and Labrador
  '709', '879',
  // Nova Scotia and Prince Edward Island
  '782', '902',
  // Ontario
  '226', '249', '289', '343', '365', '382', '387', '416', '437', '519', '548', '613', '647', '683', '705',
  '742', '753', '807', '905', '942',
  // Québec
  '263', '354', '367', '418', '438', '450', '468', '514', '579', '581', '819', '873',
  // Saskatchewan
  '306', '474', '639',
  // Yukon, Northwest Territories and Nunavut
  '867',
  // Toll-free
  '800', '833', '844', '855', '866', '877', '888',
]); // prettier-ignore

/** A validated Canadian phone number. */
export interface CanadianPhone {
  /** +1 and ten digits. */
  e164: string;
  /** `514 555-1234`, the way the Centre writes its own numbers. */
  display: string;
  extension?: string;
}

/** Why a phone number was refused. */
export type PhoneProblem = 'digits' | 'areaCode' | 'exchange';

// « poste 123 », « ext. 123 », « x123 »: an extension after the number.
const EXTENSION = /(?:\bposte\b|\bext\b\.?|\bextension\b|\bx)\s*(\d{1,6})\s*$/i;

/**
 * Reads a Canadian phone number typed or keyed in any usual form — `514-555-1234`, `(514) 555 1234`,
 * `1 514 555 1234`, `+15145551234`, `5145551234 poste 22` — and checks that it can be dialled: ten digits
 * (after an optional leading 1), a Canadian area code, and an exchange that does not start with 0 or 1.
 */
export function parseCanadianPhone(
  input: string,
): { ok: true; phone: CanadianPhone } | { ok: false; problem: PhoneProblem } {
  let text = input.trim();
  let extension: string | undefined;
  const ext = EXTENSION.exec(text);
  if (ext) {
    extension = ext[1];
    text = text.slice(0, ext.index);
  }
  // Only the characters people put in phone numbers; anything else means this is not (only) a number.
  if (!/^[\d\s().+-]+$/.test(text)) return { ok: false, problem: 'digits' };
  let digits = text.replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
  if (digits.length !== 10) return { ok: false, problem: 'digits' };
  const area = digits.slice(0, 3);
  if (!CANADIAN_AREA_CODES.has(area)) return { ok: false, problem: 'areaCode' };
  if (!/^[2-9]/.test(digits.slice(3))) return { ok: false, problem: 'exchange' };
  const phone: CanadianPhone = {
    e164: `+1${digits}`,
    display: `${area} ${digits.slice(3, 6)}-${digits.slice(6)}`,
  };
  if (extension) phone.extension = extension;
  return { ok: true, phone };
}

/** `514 555-1234` for `+15145551234`. */
export function displayPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '').slice(-10);
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)}-${digits.slice(6)}`;
}

/**
 * The Centre's region for a caller's number: 418/581/367 → Québec, 514/438 → Montréal (from data/centre.json's
 * `areaCodes`), anything else → elsewhere (the toll-free number).
 */
export function regionForPhone(centre: CentreInfo, phone: CanadianPhone | string): PhoneRegion {
  const e164 = typeof phone === 'string' ? phone : phone.e164;
  const area = e164.replace(/\D/g, '').slice(-10, -7);
  return centre.phones.find((p) => p.areaCodes.includes(area))?.region ?? 'elsewhere';
}

/** The caller's own number on a voice channel, when the channel gives it (telephony: `from.id` in E.164). */
export function callerNumber(fromId: string | undefined): CanadianPhone | undefined {
  if (!fromId || !/^\+?1?\d{10}$/.test(fromId.trim())) return undefined;
  const parsed = parseCanadianPhone(fromId);
  return parsed.ok ? parsed.phone : undefined;
}
