import type { Language } from '../../i18n';

/** Neural voice and xml:lang per language, configurable. */
export type VoiceSettings = Record<Language, { voice: string; xmlLang: string }>;

/** Channels where the user listens instead of reading. */
export const VOICE_CHANNELS: ReadonlySet<string> = new Set(['telephony', 'directlinespeech']);

/** Escapes text for XML element content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Words used to read an e-mail address aloud. */
export interface SpokenSymbols {
  at: string;
  dot: string;
}

// Characters that mean nothing to a listener: markdown emphasis, code marks, emoji and pictographs.
const VISUAL_ONLY = /[*_`#>~]|[\u{1F000}-\u{1FAFF}]|[\u{2600}-\u{27BF}]|\u{FE0F}/gu;
const URL = /\bhttps?:\/\/\S+/g;
const EMAIL = /\b([a-z0-9._%+-]+)@([a-z0-9.-]+\.[a-z]{2,})\b/gi;
const PHONE = /\b(1 )?(\d{3}) (\d{3})-(\d{4})\b/g;
// Control characters and lone surrogates make SSML invalid XML, so they are what this pattern is for.
const CONTROL =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Turns display text into well-formed SSML for the given language: visual marks removed, text escaped,
 * phone numbers read in groups and e-mail addresses read as words.
 */
export function toSsml(text: string, lang: Language, voices: VoiceSettings, symbols: SpokenSymbols): string {
  const { voice, xmlLang } = voices[lang];
  const spoken = text
    .replace(CONTROL, '')
    .replace(URL, '')
    .replace(VISUAL_ONLY, '')
    .replace(/^\s*-\s+/gm, '')
    .replace(/\s+–\s+/g, ', ')
    .replace(/\s*\n+\s*/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
  const escaped = escapeXml(spoken)
    .replace(EMAIL, (_m, local: string, domain: string) =>
      [local, domain].map((part) => part.split('.').join(` ${symbols.dot} `)).join(` ${symbols.at} `),
    )
    .replace(
      PHONE,
      (_m, one: string | undefined, area: string, prefix: string, line: string) =>
        `<say-as interpret-as="telephone">${one ?? ''}${area} ${prefix} ${line}</say-as><break time="300ms"/>`,
    );
  return (
    `<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="${escapeXml(xmlLang)}">` +
    `<voice name="${escapeXml(voice)}">${escaped}</voice></speak>`
  );
}
