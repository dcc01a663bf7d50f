import type { Attachment } from 'botbuilder';
import { REPLY_LOCALES, type Language, type Messages, type Translate } from '../../i18n';
import type { MedicationMatcher } from '../../nlu/medicationMatcher';
import type { AuthorizationRequest, LocalizedText } from '../../services/requestStatus/types';
import { escapeLineStart } from '../shared/markdown';

/**
 * How a request is shown: an Adaptive Card with a complete text version for chat, a short sentence for
 * voice. Every word comes from locales/<lang>/requests.json.
 */

/** "15 janvier 2026", "1er mars 2026", "January 15, 2026": from the locale's month names and pattern. */
export function formatDate(messages: Messages, language: Language, iso: string): string {
  const [year, month, day] = iso.split('-').map(Number);
  const t = messages.forLanguage(language);
  const months = messages.list(language, 'requests:date.months');
  return t('requests:date.format', {
    day: day === 1 ? t('requests:date.firstDay') : String(day),
    month: months[month - 1] ?? String(month),
    year: String(year),
  });
}

/** The service's free text in the user's language, French when it gave no translation. */
export function localized(text: LocalizedText, language: Language): string {
  return (language === 'en' ? text.en : undefined) ?? text.fr;
}

/** What a report needs to know about the turn. */
export interface ReportContext {
  messages: Messages;
  language: Language;
  matcher: MedicationMatcher;
}

/** "adalimumab (Humira)": the catalogue's generic name in the user's language when known, and the brand. */
export function requestMedicationLabel(ctx: ReportContext, request: AuthorizationRequest): string {
  const { id, name, brand } = request.medication;
  const known = id ? ctx.matcher.byId(id) : undefined;
  const generic = known ? known.generic[ctx.language] : name;
  return brand ? `${generic} (${brand})` : generic;
}

interface Rendered {
  medication: string;
  type: string;
  received: string;
  transmission: string;
  state: string;
  /** Label and value of the state's detail (period, reason or missing information), if any. */
  detail?: { label: string; value: string };
  /** A sentence to add after the facts (what to do next). */
  note?: string;
}

function render(ctx: ReportContext, request: AuthorizationRequest): Rendered {
  const t: Translate = ctx.messages.forLanguage(ctx.language);
  const date = (iso: string) => formatDate(ctx.messages, ctx.language, iso);
  const base = {
    medication: requestMedicationLabel(ctx, request),
    type: t(`requests:report.type.${request.type}`),
    received: date(request.receivedOn),
    transmission: t(`requests:report.transmission.${request.transmission}`),
    state: t(`requests:report.state.${request.status.state}`),
  };
  const status = request.status;
  switch (status.state) {
    case 'accepted':
      return {
        ...base,
        detail: {
          label: t('requests:report.fields.period'),
          value: t('requests:report.period', {
            from: date(status.authorizedFrom),
            to: date(status.authorizedTo),
          }),
        },
      };
    case 'refused':
      return {
        ...base,
        detail: {
          label: t('requests:report.fields.reason'),
          value: status.reason ? localized(status.reason, ctx.language) : t('requests:report.noReason'),
        },
      };
    case 'inProgress':
      return { ...base, note: t('requests:report.inProgressNote') };
    case 'awaitingInformation':
      return {
        ...base,
        detail: {
          label: t('requests:report.fields.missing'),
          value: localized(status.missing, ctx.language),
        },
        note: t('requests:report.howToSend'),
      };
  }
}

const STATE_COLOURS: Record<AuthorizationRequest['status']['state'], string> = {
  accepted: 'Good',
  refused: 'Attention',
  inProgress: 'Accent',
  awaitingInformation: 'Warning',
};

/** The complete text of one request, for channels without cards and as the activity's `text`. */
export function requestText(ctx: ReportContext, request: AuthorizationRequest, index: number): string {
  const t = ctx.messages.forLanguage(ctx.language);
  const r = render(ctx, request);
  const line = (label: string, value: string) => t('requests:report.line', { label, value });
  const lines = [
    `**${t('requests:report.title', { index, medication: r.medication })}**`,
    line(t('requests:report.fields.type'), r.type),
    line(t('requests:report.fields.received'), r.received),
    line(t('requests:report.fields.transmission'), r.transmission),
    line(t('requests:report.fields.state'), `**${r.state}**`),
  ];
  if (r.detail) lines.push(line(r.detail.label, r.detail.value));
  return r.note ? `${lines.join('\n')}\n\n${r.note}` : lines.join('\n');
}

/** One Adaptive Card (schema 1.4, rendered by Teams and Web Chat) for one request. */
export function requestCard(ctx: ReportContext, request: AuthorizationRequest, index: number): Attachment {
  const t = ctx.messages.forLanguage(ctx.language);
  const r = render(ctx, request);
  const facts = [
    { title: t('requests:report.fields.type'), value: r.type },
    { title: t('requests:report.fields.received'), value: r.received },
    { title: t('requests:report.fields.transmission'), value: r.transmission },
  ];
  const body: object[] = [
    {
      type: 'TextBlock',
      // « 2. etanercept » alone on its line is a markdown list, which Web Chat and Teams renumber « 1. ».
      text: escapeLineStart(t('requests:report.title', { index, medication: r.medication })),
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
    },
    { type: 'FactSet', facts },
    {
      type: 'TextBlock',
      text: t('requests:report.stateLine', { state: r.state }),
      weight: 'Bolder',
      color: STATE_COLOURS[request.status.state],
      wrap: true,
    },
  ];
  if (r.detail) body.push({ type: 'FactSet', facts: [{ title: r.detail.label, value: r.detail.value }] });
  if (r.note) body.push({ type: 'TextBlock', text: r.note, wrap: true, isSubtle: true });
  return {
    contentType: 'application/vnd.microsoft.card.adaptive',
    content: {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.4',
      lang: REPLY_LOCALES[ctx.language],
      fallbackText: requestText(ctx, request, index),
      body,
    },
  };
}

/** One request as one spoken sentence or two, for voice channels. */
export function requestSpoken(ctx: ReportContext, request: AuthorizationRequest): string {
  const t = ctx.messages.forLanguage(ctx.language);
  const date = (iso: string) => formatDate(ctx.messages, ctx.language, iso);
  const status = request.status;
  let state: string;
  switch (status.state) {
    case 'accepted':
      state = t('requests:voice.state.accepted', {
        from: date(status.authorizedFrom),
        to: date(status.authorizedTo),
      });
      break;
    case 'refused':
      state = status.reason
        ? t('requests:voice.state.refused', { reason: localized(status.reason, ctx.language) })
        : t('requests:voice.state.refusedNoReason');
      break;
    case 'inProgress':
      state = t('requests:voice.state.inProgress');
      break;
    case 'awaitingInformation':
      state = t('requests:voice.state.awaitingInformation', {
        missing: localized(status.missing, ctx.language),
      });
      break;
  }
  const sentence = t('requests:voice.item', {
    medication: requestMedicationLabel(ctx, request),
    type: t(`requests:voice.type.${request.type}`),
    received: date(request.receivedOn),
    transmission: t(`requests:voice.transmission.${request.transmission}`),
    state,
  });
  // Generic names are lower case; a spoken sentence starts with a capital for the speech engine's prosody.
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
