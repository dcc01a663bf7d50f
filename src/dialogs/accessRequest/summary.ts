import { type Attachment, CardFactory } from 'botbuilder';
import type { Translate } from '../../i18n';
import {
  type Answers,
  type FieldDefinition,
  FIELDS,
  type FieldValue,
  type FormSection,
  type PhoneNumber,
} from '../../services/forms/accessRequestModel';
import { escapeLineStart, escapeMarkdown } from '../shared/markdown';
import type { Part } from '../shared/responder';
import { CHOICE_GROUPS } from './accessRequestWords';

/** Channels that render Adaptive Cards; elsewhere the summary is plain text. */
export const CARD_CHANNELS: ReadonlySet<string> = new Set(['webchat', 'msteams', 'emulator', 'directline']);

const SECTIONS: readonly FormSection[] = ['user', 'authorization'];

/**
 * A value as it will be printed: text boxes in capitals (the directives ask for block letters), the user
 * name after its « CE », phone numbers with their extension, and choices by their name in the chat's language.
 */
export function displayValue(
  t: Translate,
  field: Pick<FieldDefinition, 'kind'>,
  value: FieldValue | null | undefined,
): string {
  if (value === null || value === undefined) return t('accessRequest:review.empty');
  if (typeof value !== 'string') return displayPhone(t, value);
  const choice = CHOICE_GROUPS[field.kind];
  if (choice) return t(`accessRequest:choices.${choice.group}.${value}.display`);
  const upper = value.toLocaleUpperCase('fr-CA');
  return field.kind === 'existingUsername' ? `CE${upper}` : upper;
}

function displayPhone(t: Translate, phone: PhoneNumber): string {
  return phone.extension
    ? t('accessRequest:review.phoneWithExtension', { ...phone, extension: phone.extension })
    : t('accessRequest:review.phone', { ...phone });
}

/** The summary's number of a field: its rank on the form, which « corriger 9 » refers to. */
export function fieldNumber(field: FieldDefinition): number {
  return FIELDS.indexOf(field) + 1;
}

/** The summary as text: one paragraph per section, one numbered line per box. */
export function summaryParts(t: Translate, answers: Answers): Part[] {
  return SECTIONS.map((section) => ({
    lines: [
      `accessRequest:sections.${section}`,
      ...FIELDS.filter((f) => f.section === section).map((f) => ({
        key: 'accessRequest:review.line',
        vars: { number: fieldNumber(f), label: t(`accessRequest:fields.${f.id}.label`) },
        echo: { value: displayValue(t, f, answers[f.id]) },
      })),
    ],
  }));
}

/**
 * The summary as an Adaptive Card (1.3, which Teams and Web Chat both render): a fact set per section, then
 * « confirm », or a field picked from a list and « correct ». Submitted values carry `accessRequest`.
 */
export function summaryCard(t: Translate, answers: Answers): Attachment {
  const body: unknown[] = [
    { type: 'TextBlock', text: t('accessRequest:card.title'), weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: t('accessRequest:card.note'), isSubtle: true, wrap: true, spacing: 'Small' },
  ];
  for (const section of SECTIONS) {
    body.push({
      type: 'TextBlock',
      text: t(`accessRequest:sections.${section}`),
      weight: 'Bolder',
      separator: true,
      wrap: true,
    });
    body.push({
      type: 'FactSet',
      facts: FIELDS.filter((f) => f.section === section).map((f) => ({
        // Fact titles are markdown: « 9. Nom » unescaped is a list item, which Web Chat and Teams number « 1. ».
        // The choice set below is plain text, where a backslash would show.
        title: escapeLineStart(`${fieldNumber(f)}. ${t(`accessRequest:fields.${f.id}.label`)}`),
        // What the user typed, shown as typed: « **Côté** » or a link must not become bold or a link.
        value: escapeMarkdown(displayValue(t, f, answers[f.id])),
      })),
    });
  }
  body.push({
    type: 'Input.ChoiceSet',
    id: 'field',
    style: 'compact',
    label: t('accessRequest:card.choose'),
    value: FIELDS[0].id,
    choices: FIELDS.map((f) => ({
      title: `${fieldNumber(f)}. ${t(`accessRequest:fields.${f.id}.label`)}`,
      value: f.id,
    })),
  });
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.3',
    body,
    actions: [
      { type: 'Action.Submit', title: t('accessRequest:card.confirm'), data: { accessRequest: 'confirm' } },
      { type: 'Action.Submit', title: t('accessRequest:card.correct'), data: { accessRequest: 'correct' } },
    ],
  });
}
