import { redactNams } from '../../nlu/nam';
import { normalizeText } from '../../nlu/normalize';
import type { FieldKind, FieldValue, PhoneNumber } from './accessRequestModel';
import { isWinAnsi } from './winAnsi';

/**
 * Why an answer was refused. Each code is a locale key under `accessRequest:errors`, whose message says what
 * is wrong and gives an example, so the user can fix the answer at the first try.
 */
export type ValidationError =
  | 'empty'
  | 'name.characters'
  | 'name.length'
  | 'choice.unknown'
  | 'existingUsername.ip'
  | 'existingUsername.format'
  | 'text.characters'
  | 'text.nam'
  | 'establishment.length'
  | 'address.length'
  | 'address.format'
  | 'email.at'
  | 'email.spaces'
  | 'email.domain'
  | 'email.format'
  | 'email.length'
  | 'postalCode.length'
  | 'postalCode.letters'
  | 'postalCode.format'
  | 'phone.missingAreaCode'
  | 'phone.length'
  | 'phone.areaCode'
  | 'phone.exchange'
  | 'phone.characters'
  | 'phone.extension'
  | 'fax.extension'
  | 'practiceNumber.digits'
  | 'practiceNumber.length';

/** The outcome of checking one answer. */
export type Validation<T> = { ok: true; value: T } | { ok: false; error: ValidationError };

/** The longest answers the form's boxes can print legibly (the PDF shrinks the text down to a floor). */
export const MAX_LENGTH = { name: 40, establishment: 70, address: 80, email: 60 } as const;

/**
 * Practice numbers are digits only. Their length depends on the professional order (five to seven digits
 * for the orders whose members sign this form), so only that range is checked, not an order's exact format.
 */
export const PRACTICE_NUMBER_DIGITS = { min: 5, max: 7 } as const;

const ok = <T>(value: T): Validation<T> => ({ ok: true, value });
const fail = <T>(error: ValidationError): Validation<T> => ({ ok: false, error });

/** Trims, unifies apostrophes and collapses spaces: what the user meant, without typing noise. */
export function cleanText(input: string): string {
  return input
    .replace(/[’‘`´]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

// Letters of any Latin alphabet, with the separators names use: « Marie-Ève », « O'Neil », « St. Pierre ».
const NAME = /^\p{L}[\p{L}\p{M}' .-]*$/u;

/** A last or first name: letters, spaces, hyphens, apostrophes and periods, as printable on the form. */
export function validateName(input: string): Validation<string> {
  const value = cleanText(input);
  if (!value) return fail('empty');
  if (!NAME.test(value) || !isWinAnsi(value)) return fail('name.characters');
  if (value.length > MAX_LENGTH.name) return fail('name.length');
  return ok(value);
}

function validateFreeText(
  input: string,
  min: number,
  max: number,
  lengthError: ValidationError,
): Validation<string> {
  const value = cleanText(input);
  if (!value) return fail('empty');
  if (!isWinAnsi(value)) return fail('text.characters');
  // The form asks for no health insurance number: one typed here would be printed whole and kept in state.
  if (redactNams(value) !== value) return fail('text.nam');
  if (value.length < min || value.length > max) return fail(lengthError);
  return ok(value);
}

/** « Nom de la pharmacie ou de l'établissement ». */
export function validateEstablishment(input: string): Validation<string> {
  return validateFreeText(input, 2, MAX_LENGTH.establishment, 'establishment.length');
}

/** « Adresse de correspondance (lieu de travail) »: a street address has a civic number and a street name. */
export function validateAddress(input: string): Validation<string> {
  const result = validateFreeText(input, 5, MAX_LENGTH.address, 'address.length');
  if (!result.ok) return result;
  if (!/\d/.test(result.value) || !/\p{L}{2,}/u.test(result.value)) return fail('address.format');
  return result;
}

// Deliberately practical rather than RFC 5322: what a pharmacy's mailbox looks like, ASCII only.
const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const EMAIL_DOMAIN = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;

/** « Adresse électronique ». */
export function validateEmail(input: string): Validation<string> {
  const value = input.trim().replace(/^mailto:/i, '');
  if (!value) return fail('empty');
  if (/\s/.test(value)) return fail('email.spaces');
  const at = value.split('@');
  if (at.length !== 2) return fail('email.at');
  const [local, domain] = at;
  if (!domain || !domain.includes('.')) return fail('email.domain');
  if (!EMAIL_LOCAL.test(local) || !EMAIL_DOMAIN.test(domain)) return fail('email.format');
  if (value.length > MAX_LENGTH.email) return fail('email.length');
  return ok(value);
}

// Canada Post never uses D, F, I, O, Q or U, nor W or Z as the first letter.
const POSTAL_CODE = /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d$/;

/** « Code postal », returned as « G1K 7B4 ». */
export function validatePostalCode(input: string): Validation<string> {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  if (!compact) return fail('empty');
  if (compact.length !== 6) return fail('postalCode.length');
  if (!/^[A-Z]\d[A-Z]\d[A-Z]\d$/.test(compact)) return fail('postalCode.format');
  if (!POSTAL_CODE.test(compact)) return fail('postalCode.letters');
  return ok(`${compact.slice(0, 3)} ${compact.slice(3)}`);
}

// « poste 123 », « p. 123 », « ext. 123 », « x123 », « #123 » after the number.
const EXTENSION = /\s*(?:,\s*)?(?:poste|p\.|ext\.?|extension|x|#)\s*(\d*)\s*$/i;

/**
 * A North American phone number with its area code (« IND. RÉG. ») and, when allowed, its extension
 * (« Poste »). A leading 1 is accepted and dropped, as the form has no box for it.
 */
export function validatePhone(input: string, allowExtension = true): Validation<PhoneNumber> {
  let text = input.trim();
  if (!text) return fail('empty');
  let extension: string | undefined;
  const ext = EXTENSION.exec(text);
  // « x » or « # » after no digit at all (« xxxx », « #? ») is not an extension but a wrong answer.
  if (ext && !/\d/.test(text.slice(0, ext.index))) return fail('phone.characters');
  if (ext) {
    if (!allowExtension) return fail('fax.extension');
    if (!/^\d{1,6}$/.test(ext[1])) return fail('phone.extension');
    extension = ext[1];
    text = text.slice(0, ext.index);
  }
  if (/[^\d\s().+-]/.test(text)) return fail('phone.characters');
  let digits = text.replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
  if (digits.length === 7) return fail('phone.missingAreaCode');
  if (digits.length !== 10) return fail('phone.length');
  if (!/^[2-9]/.test(digits)) return fail('phone.areaCode');
  if (!/^[2-9]/.test(digits.slice(3))) return fail('phone.exchange');
  const phone: PhoneNumber = {
    areaCode: digits.slice(0, 3),
    number: `${digits.slice(3, 6)}-${digits.slice(6)}`,
  };
  if (extension) phone.extension = extension;
  return ok(phone);
}

/** « Numéro de pratique »: digits only; spaces and hyphens typed for readability are ignored. */
export function validatePracticeNumber(input: string): Validation<string> {
  const compact = input.replace(/[\s-]/g, '');
  if (!compact) return fail('empty');
  if (!/^\d+$/.test(compact)) return fail('practiceNumber.digits');
  if (compact.length < PRACTICE_NUMBER_DIGITS.min || compact.length > PRACTICE_NUMBER_DIGITS.max) {
    return fail('practiceNumber.length');
  }
  return ok(compact);
}

/**
 * The user name for other online services of the Régie. The form prints « CE » before the box, so the
 * answer is kept without it; a name starting with IP belongs to a professional and has no place here.
 */
export function validateExistingUsername(input: string): Validation<string> {
  // Like every user name of the online services, CE then six digits; found inside « oui, CE123456 » too.
  const named = /(?<![A-Z0-9])(?:CE)?[\s-]?(\d{3})[\s-]?(\d{3})(?![0-9])/i.exec(input.trim());
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  if (!compact) return fail('empty');
  if (/(?<![A-Z])IP\d/.test(compact)) return fail('existingUsername.ip');
  if (named && (/CE/i.test(named[0]) || /^\d{6}$/.test(compact))) return ok(`${named[1]}${named[2]}`);
  // « oui », « CE 12 », seven digits: not a user name, whatever « oui » means here.
  return fail('existingUsername.format');
}

/** The words that name each choice of a multiple-choice box, in both languages, already normalized. */
export type ChoiceWords = ReadonlyArray<{ value: string; words: readonly string[] }>;

/**
 * One of the choices of a multiple-choice box (sex, function): its number in the list (« 2 »), its value
 * (« F »), or a word or phrase that names it (« technicienne en pharmacie »). The longest phrase found wins,
 * and a tie between two choices is refused rather than guessed.
 */
export function validateChoice(input: string, choices: ChoiceWords): Validation<string> {
  const normalized = normalizeText(input);
  // An emoji or punctuation alone folds to nothing, but something was sent: « aucune réponse » would be untrue.
  if (!normalized) return fail(input.trim() ? 'choice.unknown' : 'empty');
  if (/^\d$/.test(normalized)) {
    const choice = choices[Number(normalized) - 1];
    return choice ? ok(choice.value) : fail('choice.unknown');
  }
  let best: { value: string; length: number; tie: boolean } | undefined;
  for (const choice of choices) {
    for (const word of [normalizeText(choice.value), ...choice.words]) {
      if (!word || !` ${normalized} `.includes(` ${word} `)) continue;
      if (!best || word.length > best.length) best = { value: choice.value, length: word.length, tie: false };
      else if (word.length === best.length && best.value !== choice.value) best.tie = true;
    }
  }
  return best && !best.tie ? ok(best.value) : fail('choice.unknown');
}

/** Checks an answer for a field of the given kind; multiple-choice kinds need their words. */
export function validateField(
  kind: FieldKind,
  input: string,
  choices: ChoiceWords = [],
): Validation<FieldValue> {
  switch (kind) {
    case 'name':
      return validateName(input);
    case 'sex':
    case 'userFunction':
    case 'authorizerFunction':
      return validateChoice(input, choices);
    case 'existingUsername':
      return validateExistingUsername(input);
    case 'establishment':
      return validateEstablishment(input);
    case 'address':
      return validateAddress(input);
    case 'email':
      return validateEmail(input);
    case 'postalCode':
      return validatePostalCode(input);
    case 'phone':
      return validatePhone(input, true);
    case 'fax':
      return validatePhone(input, false);
    case 'practiceNumber':
      return validatePracticeNumber(input);
  }
}
