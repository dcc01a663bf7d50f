import { CardFactory, type Attachment } from 'botbuilder';
import type { Translate } from '../../i18n';

/** Which password a card asks for: the current one (login) or a new one (with its confirmation). */
export type PasswordCardKind = 'current' | 'new';

/** Field of the submitted data that tells the bot which card was submitted. */
export const CARD_MARKER = 'accountsCard';

/** Input id of the password; a client driving the bot over HTTP posts it in `activity.value`. */
export const PASSWORD_INPUT = 'password';
/** Input id of the new password's confirmation. */
export const CONFIRMATION_INPUT = 'confirmation';

/** What a password card submits. */
export interface PasswordSubmission {
  password: string;
  /** Only for a new password entered in the card. */
  confirmation?: string;
}

// Input.Text style "password" appeared in Adaptive Cards 1.5.
const VERSION = '1.5';
const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

function passwordInput(id: string, label: string, errorMessage: string): object {
  return { type: 'Input.Text', id, label, style: 'password', isRequired: true, errorMessage, maxLength: 128 };
}

/** A card with masked input(s) for a password; the bot replaces it as soon as it is submitted. */
export function passwordCard(t: Translate, kind: PasswordCardKind): Attachment {
  const base = `accounts:card.${kind}`;
  const inputs =
    kind === 'current'
      ? [passwordInput(PASSWORD_INPUT, t(`${base}.label`), t('accounts:card.required'))]
      : [
          passwordInput(PASSWORD_INPUT, t(`${base}.label`), t('accounts:card.required')),
          passwordInput(CONFIRMATION_INPUT, t(`${base}.confirmationLabel`), t('accounts:card.required')),
        ];
  return CardFactory.adaptiveCard({
    $schema: SCHEMA,
    type: 'AdaptiveCard',
    version: VERSION,
    body: [
      { type: 'TextBlock', text: t(`${base}.title`), weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: t(`${base}.instructions`), wrap: true },
      ...inputs,
    ],
    actions: [{ type: 'Action.Submit', title: t('accounts:card.submit'), data: { [CARD_MARKER]: kind } }],
  });
}

/** What replaces a submitted card: no input, so no value can stay on screen or in the client's history. */
export function receivedCard(t: Translate, kind: PasswordCardKind): Attachment {
  return CardFactory.adaptiveCard({
    $schema: SCHEMA,
    type: 'AdaptiveCard',
    version: VERSION,
    body: [
      {
        type: 'TextBlock',
        text: t(`accounts:card.${kind}.title`),
        weight: 'Bolder',
        size: 'Medium',
        wrap: true,
      },
      { type: 'TextBlock', text: t('accounts:card.received'), wrap: true, isSubtle: true },
    ],
  });
}

/** True for a submission of the other password card (the sign-in card while a new password is asked). */
export function isOtherPasswordCard(value: unknown, kind: PasswordCardKind): boolean {
  if (!value || typeof value !== 'object') return false;
  const marker = (value as Record<string, unknown>)[CARD_MARKER];
  return marker !== undefined && marker !== kind;
}

/** The password(s) in a card submission, or undefined when the value is not one of ours or is empty. */
export function readPasswordSubmission(
  value: unknown,
  kind: PasswordCardKind,
): PasswordSubmission | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const data = value as Record<string, unknown>;
  // A client posting the inputs without the marker (an HTTP test driver) is accepted too.
  if (data[CARD_MARKER] !== undefined && data[CARD_MARKER] !== kind) return undefined;
  const password = data[PASSWORD_INPUT];
  if (typeof password !== 'string' || password.trim().length === 0) return undefined;
  const confirmation = data[CONFIRMATION_INPUT];
  return typeof confirmation === 'string' ? { password, confirmation } : { password };
}
