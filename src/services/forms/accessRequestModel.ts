/**
 * The data of form 4313 « Demande d'accès aux services en ligne », sections 2 and 3, and the list of the
 * questions the bot asks to fill them. Section 1 is fixed for this service and section 4 is for the Régie,
 * so neither is collected.
 */

/** Sex as the form asks it: two boxes, M and F. */
export type Sex = 'M' | 'F';

/** The functions section 2 offers, in the form's order. */
export const USER_FUNCTIONS = ['administrativeAssistant', 'nurse', 'pharmacyTechnician'] as const;
/** A function of section 2 (the person who will use the online service). */
export type UserFunction = (typeof USER_FUNCTIONS)[number];

/** The functions section 3 offers, in the form's order. */
export const AUTHORIZER_FUNCTIONS = ['pharmacistOwner', 'healthProfessional'] as const;
/** A function of section 3 (the person who authorizes the access). */
export type AuthorizerFunction = (typeof AUTHORIZER_FUNCTIONS)[number];

/** A North American number split the way the form's boxes are: IND. RÉG., number, Poste. */
export interface PhoneNumber {
  /** Three digits. */
  areaCode: string;
  /** « 555-1234 ». */
  number: string;
  /** Digits only; never set for a fax number. */
  extension?: string;
}

/** The identity and contact boxes sections 2 and 3 share. */
export interface PersonSection {
  lastName: string;
  firstName: string;
  sex: Sex;
  establishment: string;
  address: string;
  email: string;
  /** « G1K 7B4 ». */
  postalCode: string;
  phone: PhoneNumber;
  fax?: PhoneNumber;
}

/** Section 2 « Utilisateur ». */
export interface UserSection extends PersonSection {
  function: UserFunction;
  /** What follows the « CE » the form prints, when the user already has a user name for other services. */
  existingUsername?: string;
}

/** Section 3 « Autorisation ». */
export interface AuthorizationSection extends PersonSection {
  function: AuthorizerFunction;
  practiceNumber: string;
}

/** Everything the bot writes on the form. */
export interface AccessRequestForm {
  user: UserSection;
  authorization: AuthorizationSection;
}

/** How an answer is read and checked. */
export type FieldKind =
  | 'name'
  | 'sex'
  | 'userFunction'
  | 'authorizerFunction'
  | 'existingUsername'
  | 'establishment'
  | 'address'
  | 'email'
  | 'postalCode'
  | 'phone'
  | 'fax'
  | 'practiceNumber';

/** The form's two sections that the bot fills. */
export type FormSection = 'user' | 'authorization';

/** The boxes of a section, as named in {@link UserSection} and {@link AuthorizationSection}. */
export type FieldName = keyof UserSection | keyof AuthorizationSection;

/** One question of the flow. Its id is persisted in dialog state: never rename one. */
export interface FieldDefinition {
  /** `<section>.<name>`, also the locale key under `accessRequest:fields`. */
  id: string;
  section: FormSection;
  name: FieldName;
  kind: FieldKind;
  optional: boolean;
}

const field = (
  section: FormSection,
  name: FieldName,
  kind: FieldKind,
  optional = false,
): FieldDefinition => ({
  id: `${section}.${name}`,
  section,
  name,
  kind,
  optional,
});

/**
 * The questions in the order of the form, box by box, so that the summary and the paper read the same way.
 * Only the existing user name and the fax numbers are optional: every other box of sections 2 and 3 is
 * expected on a complete form.
 */
export const FIELDS: readonly FieldDefinition[] = [
  field('user', 'lastName', 'name'),
  field('user', 'firstName', 'name'),
  field('user', 'sex', 'sex'),
  field('user', 'function', 'userFunction'),
  field('user', 'existingUsername', 'existingUsername', true),
  field('user', 'establishment', 'establishment'),
  field('user', 'address', 'address'),
  field('user', 'email', 'email'),
  field('user', 'postalCode', 'postalCode'),
  field('user', 'phone', 'phone'),
  field('user', 'fax', 'fax', true),
  field('authorization', 'lastName', 'name'),
  field('authorization', 'firstName', 'name'),
  field('authorization', 'sex', 'sex'),
  field('authorization', 'function', 'authorizerFunction'),
  field('authorization', 'practiceNumber', 'practiceNumber'),
  field('authorization', 'establishment', 'establishment'),
  field('authorization', 'address', 'address'),
  field('authorization', 'email', 'email'),
  field('authorization', 'postalCode', 'postalCode'),
  field('authorization', 'phone', 'phone'),
  field('authorization', 'fax', 'fax', true),
];

/** The workplace boxes section 3 may copy from section 2 when both people work at the same place. */
export const SHARED_WORKPLACE_FIELDS: readonly FieldName[] = ['establishment', 'address', 'postalCode'];

/** The definition of a field id, or undefined for an unknown id. */
export function fieldById(id: string): FieldDefinition | undefined {
  return FIELDS.find((f) => f.id === id);
}

/** A validated answer: text, a phone number, or undefined when an optional box is left empty. */
export type FieldValue = string | PhoneNumber;

/** Answers gathered so far, by field id; kept in dialog state only while the flow runs. */
export type Answers = Record<string, FieldValue | null>;

/** True when every required field has an answer. */
export function isComplete(answers: Answers): boolean {
  return FIELDS.every((f) => f.optional || (answers[f.id] !== undefined && answers[f.id] !== null));
}

function section<T>(answers: Answers, name: FormSection): T {
  const entries = FIELDS.filter((f) => f.section === name)
    .map((f) => [f.name, answers[f.id] ?? undefined] as const)
    .filter(([, value]) => value !== undefined);
  return Object.fromEntries(entries) as T;
}

/**
 * The typed form from the gathered answers.
 * @throws Error naming the first missing field when a required one is missing (a bug in the flow, not the user's).
 */
export function toForm(answers: Answers): AccessRequestForm {
  const missing = FIELDS.find((f) => !f.optional && (answers[f.id] === undefined || answers[f.id] === null));
  if (missing) throw new Error(`access request incomplete: ${missing.id}`);
  return {
    user: section<UserSection>(answers, 'user'),
    authorization: section<AuthorizationSection>(answers, 'authorization'),
  };
}
