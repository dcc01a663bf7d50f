import type { Language } from '../../i18n';

/** Neural voice and xml:lang per language, configurable. */
export type VoiceSettings = Record<Language, { voice: string; xmlLang: string }>;

/** Channels where the user listens instead of reading. */
export const VOICE_CHANNELS: ReadonlySet<string> = new Set(['telephony', 'directlinespeech']);

/** True when replies on this channel are heard rather than read. */
export function isVoiceChannel(channelId: string | undefined): boolean {
  return channelId !== undefined && VOICE_CHANNELS.has(channelId);
}

/** The longest spoken message, in words: a caller cannot scroll back, so longer messages are split. */
export const MAX_VOICE_WORDS = 60;

/**
 * Marks a short pause in spoken text (rendered as `<break time="250ms"/>`). It is a private-use character so
 * it survives i18next interpolation and XML escaping, and cannot be confused with anything a person types.
 */
export const SSML_PAUSE = '\uE000';
/** Marks a longer pause (`<break time="700ms"/>`), e.g. between the groups of a code read out. */
export const SSML_LONG_PAUSE = '\uE001';
const PAUSE_MS = { short: 250, long: 700, phone: 300 } as const;

/** Escapes text for XML element content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Words used to read symbols and numbers aloud, from the `voice` locale namespace. */
export interface SpokenSymbols {
  at: string;
  dot: string;
  /** The word for "h" in French times ("8 h 30" → "8 heures 30"); absent: times are left as written. */
  hour?: string;
  /** How the first day of a month is written for the synthesizer ("1er" in French, read « premier »). */
  firstOfMonth?: string;
}

// Characters that mean nothing to a listener: markdown marks, emoji, pictographs and their joiners.
const MARKDOWN_MARKS = /[*_`#>~]/g;
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200D|\uFE0F|\u20E3/gu;
const MARKDOWN_LINK = /\[([^\]]*)\]\([^)]*\)/g;
const URL = /\b(?:https?:\/\/|www\.)\S+/gi;
const EMAIL = /\b([a-z0-9._%+-]+)@([a-z0-9.-]+\.[a-z]{2,})\b/gi;
const PHONE = /\b(1 )?(\d{3}) (\d{3})-(\d{4})\b/g;
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b(?!T)/g;
const FRENCH_TIME = /\b([01]?\d|2[0-3]) ?h ?([0-5]\d)\b/g;
const FRENCH_HOUR = /\b([01]?\d|2[0-3]) h(?![\p{L}\d])/gu;
const PARENTHESES = /\s*\(([^()]*)\)/g;
// A word mixing letters and digits (a user name, a postal code, a reference) is read character by character.
const CODE = /\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z\d]{3,}\b/g;
const ORDINAL_OR_UNIT = /^\d+(?:er|re|e|es|eme|nd|rd|st|th|h|min|ms|s)$/i;
// Control characters and lone surrogates make SSML invalid XML, so they are what this pattern is for.
const CONTROL =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A date as a person says it: « 1er décembre 2015 », "December 1, 2015". Month names come from the
 * platform's Intl data for the voice's locale.
 */
export function formatSpokenDate(date: Date, xmlLang: string, firstOfMonth = '1'): string {
  const parts = new Intl.DateTimeFormat(xmlLang, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).formatToParts(date);
  return parts.map((p) => (p.type === 'day' && p.value === '1' ? firstOfMonth : p.value)).join('');
}

/** Strips what only makes sense on a screen and folds the text onto one line. */
function forTheEar(text: string): string {
  return text
    .replace(CONTROL, '')
    .replace(MARKDOWN_LINK, '$1')
    .replace(URL, '')
    .replace(EMOJI, '')
    .replace(MARKDOWN_MARKS, '')
    .replace(/^\s*-\s+/gm, '')
    .replace(/\s+–\s+/g, ', ')
    .replace(/\s*\n+\s*/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/**
 * Turns display or voice text into well-formed SSML for the given language: visual marks removed, text
 * escaped, phone numbers read in groups, e-mail addresses read as words, ISO dates and French times said
 * naturally, codes mixing letters and digits spelled, and {@link SSML_PAUSE} marks turned into breaks.
 */
export function toSsml(text: string, lang: Language, voices: VoiceSettings, symbols: SpokenSymbols): string {
  const { voice, xmlLang } = voices[lang];
  let spoken = escapeXml(forTheEar(text))
    .replace(EMAIL, (_m, local: string, domain: string) =>
      [local, domain].map((part) => part.split('.').join(` ${symbols.dot} `)).join(` ${symbols.at} `),
    )
    .replace(ISO_DATE, (match, y: string, m: string, d: string) => {
      const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
      return Number.isNaN(date.getTime()) ? match : formatSpokenDate(date, xmlLang, symbols.firstOfMonth);
    });
  if (symbols.hour) {
    spoken = spoken
      .replace(FRENCH_TIME, (_m, h: string, min: string) => `${Number(h)} ${symbols.hour} ${min}`)
      .replace(FRENCH_HOUR, (_m, h: string) => `${Number(h)} ${symbols.hour}`);
  }
  spoken = spoken
    // A listener hears no brackets: an aside becomes a clause set off by commas.
    .replace(PARENTHESES, (_m, inner: string) => `, ${inner.trim()},`)
    .replace(/,\s*([.,;:!?])/g, '$1')
    // An aside ending with an abbreviation (« 4 p.m. », « etc. ») then meets the sentence's period: one is enough.
    .replace(/(\p{L}\.)\.(?!\.)/gu, '$1')
    .replace(CODE, (code: string) =>
      ORDINAL_OR_UNIT.test(code) ? code : `<say-as interpret-as="characters">${code}</say-as>`,
    )
    .replace(
      PHONE,
      (_m, one: string | undefined, area: string, prefix: string, line: string) =>
        `<say-as interpret-as="telephone">${one ?? ''}${area} ${prefix} ${line}</say-as>` +
        `<break time="${PAUSE_MS.phone}ms"/>`,
    )
    .replace(new RegExp(SSML_LONG_PAUSE, 'g'), `<break time="${PAUSE_MS.long}ms"/>`)
    .replace(new RegExp(SSML_PAUSE, 'g'), `<break time="${PAUSE_MS.short}ms"/>`);
  return (
    `<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="${escapeXml(xmlLang)}">` +
    `<voice name="${escapeXml(voice)}">${spoken}</voice></speak>`
  );
}

/** True when the string already is an SSML document (rather than plain text put in `speak` by mistake). */
export function isSsmlDocument(speak: string): boolean {
  return /^\s*(?:<\?xml[^>]*\?>\s*)?<speak[\s>]/.test(speak);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * What a listener hears, as plain text: tags removed, entities decoded, and each `<break>` replaced by
 * `breakMark(duration)` (a space by default). Used to count words and by the phone simulator.
 */
export function ssmlToText(ssml: string, breakMark: (time: string) => string = () => ' '): string {
  return ssml
    .replace(/<break\b([^>]*)\/>/g, (_m, attributes: string) =>
      breakMark(/time="([^"]*)"/.exec(attributes)?.[1] ?? ''),
    )
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|apos);/g, (_m, name: string) => ENTITIES[name])
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCodePoint(Number(code)))
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/** Number of spoken words in an SSML document (tokens holding a letter or a digit). */
export function spokenWordCount(ssml: string): number {
  return ssmlToText(ssml)
    .split(/\s+/)
    .filter((w) => /[\p{L}\d]/u.test(w)).length;
}
