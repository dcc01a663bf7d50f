import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18nInstance } from 'i18next';

/** Languages the bot speaks. French is the default for everyone. */
export type Language = 'fr' | 'en';
export const LANGUAGES: readonly Language[] = ['fr', 'en'];
export const DEFAULT_LANGUAGE: Language = 'fr';
/** The locale a reply in each language carries, so that screen readers and channels read it as written. */
export const REPLY_LOCALES: Readonly<Record<Language, string>> = { fr: 'fr-CA', en: 'en-CA' };

/** The namespace of keys written without one. */
const DEFAULT_NAMESPACE = 'common';

/** Variables interpolated into a message. */
export type MessageVars = Record<string, string | number>;

/** Translates one key for one language; keys are `namespace:path`. */
export type Translate = (key: string, vars?: MessageVars) => string;

/** The project's locale folder, wherever the code runs from (src/ under ts-jest, dist/src/ when built). */
export const LOCALES_DIR = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
  'locales',
);

/** Reads every `locales/<lang>/<namespace>.json` file synchronously: there are few and they are small. */
export function readLocaleResources(dir: string = LOCALES_DIR): Record<string, Record<string, unknown>> {
  const resources: Record<string, Record<string, unknown>> = {};
  for (const lang of LANGUAGES) {
    resources[lang] = {};
    for (const file of fs.readdirSync(path.join(dir, lang)).filter((f) => f.endsWith('.json'))) {
      resources[lang][file.slice(0, -'.json'.length)] = JSON.parse(
        fs.readFileSync(path.join(dir, lang, file), 'utf8'),
      );
    }
  }
  return resources;
}

/** A template compiled from one locale string: literal pieces with the variable names between them. */
interface CompiledTemplate {
  literals: string[];
  names: string[];
}

// Only the plain `{{name}}` form is compiled; anything else i18next offers (nesting, formats, unescaped
// values) goes through i18next itself, so the fast path can never give a different sentence.
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const OTHER_SYNTAX = /\$t\(|\{\{(?!\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\})/;
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

function compile(template: string): CompiledTemplate | undefined {
  if (OTHER_SYNTAX.test(template)) return undefined;
  const literals: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    literals.push(template.slice(last, match.index));
    names.push(match[1]);
    last = (match.index ?? 0) + match[0].length;
  }
  literals.push(template.slice(last));
  return { literals, names };
}

function fill(template: CompiledTemplate, vars: MessageVars | undefined): string | undefined {
  const { literals, names } = template;
  let text = literals[0];
  for (let i = 0; i < names.length; i += 1) {
    const value = vars?.[names[i]];
    if (value === undefined) return undefined;
    const shown = String(value);
    const after = literals[i + 1];
    // A value ending a sentence with its own period ("4 p.m.", "etc.") takes the place of the template's.
    text += shown + (shown.endsWith('.') && after.startsWith('.') ? after.slice(1) : after);
  }
  return text;
}

/** Every string of one language's resources under its `namespace:dotted.path` key. */
export function flattenResources(resources: Record<string, unknown>): Map<string, string> {
  const strings = new Map<string, string>();
  const walk = (prefix: string, value: unknown): void => {
    if (typeof value === 'string') strings.set(prefix, value);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value))
        walk(prefix.endsWith(':') ? prefix + key : `${prefix}.${key}`, child);
    }
  };
  for (const [namespace, tree] of Object.entries(resources)) walk(`${namespace}:`, tree);
  return strings;
}

/** Keys whose voice variant holds the same values as their display variant (see {@link Messages.voiceVariantWritable}). */
function writableVoiceVariants(strings: Map<string, string>): Set<string> {
  const names = (template: string) => new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]));
  const keys = new Set<string>();
  for (const [key, display] of strings) {
    const voice = strings.get(`${key}_voice`);
    if (voice === undefined || key.endsWith('_voice')) continue;
    const shown = names(display);
    const spoken = names(voice);
    if (spoken.size === shown.size && [...spoken].every((name) => shown.has(name))) keys.add(key);
  }
  return keys;
}

/**
 * The bot's translations, loaded by i18next. Every reply line goes through {@link Messages.forLanguage}, so the
 * common case — a key, an optional `context` variant and plain `{{name}}` variables — is served from templates
 * compiled once at start-up: i18next's own lookup (key parsing, plural and context resolution, interpolation
 * regexes) cost about a tenth of a turn in the benchmark. Anything else falls back to i18next.
 */
export class Messages {
  private readonly instance: I18nInstance;
  private readonly translators = new Map<Language, Translate>();
  /** Per language, the keys whose `_voice` variant holds no value the display variant lacks. */
  private readonly writableVoiceVariants = new Map<Language, Set<string>>();

  constructor(dir: string = LOCALES_DIR) {
    const resources = readLocaleResources(dir);
    this.instance = i18next.createInstance();
    void this.instance.init({
      initAsync: false,
      resources: resources as never,
      lng: DEFAULT_LANGUAGE,
      fallbackLng: false,
      ns: Object.keys(resources[DEFAULT_LANGUAGE]),
      defaultNS: DEFAULT_NAMESPACE,
      interpolation: { escapeValue: false },
      returnNull: false,
    } as never);
    for (const lang of LANGUAGES) {
      const fixed = this.instance.getFixedT(lang);
      const strings = flattenResources(resources[lang]);
      // Plural forms would need i18next's rules: with any of them present, every lookup goes to i18next.
      const hasPlurals = [...strings.keys()].some((key) => PLURAL_SUFFIX.test(key));
      const templates = new Map([...strings].map(([key, raw]) => [key, compile(raw)] as const));
      this.writableVoiceVariants.set(lang, writableVoiceVariants(strings));
      this.translators.set(lang, (key, vars) => {
        if (!hasPlurals) {
          const fullKey = key.includes(':') ? key : `${DEFAULT_NAMESPACE}:${key}`;
          const context = vars?.context;
          const variant = context === undefined ? undefined : `${fullKey}_${String(context)}`;
          const template = templates.get(variant !== undefined && strings.has(variant) ? variant : fullKey);
          const text = template && fill(template, vars);
          if (text !== undefined) return text;
        }
        return fixed(key, vars as never) as unknown as string;
      });
    }
  }

  /** A translator bound to one language. */
  forLanguage(lang: Language): Translate {
    return this.translators.get(lang) as Translate;
  }

  /** A list stored in the locale files (keywords, synonyms), or [] when absent. */
  list(lang: Language, key: string): string[] {
    const value = this.instance.getFixedT(lang)(key, { returnObjects: true }) as unknown;
    return Array.isArray(value) ? value.map(String) : [];
  }

  /**
   * True when the key's `_voice` variant may also be shown as the display text of a voice channel: it exists
   * and holds the same values as the display variant. A temporary password dictated through `{{spelled}}`
   * only in the spoken variant is never written down this way, and a display that quotes the user's answer
   * back (masked) keeps doing so where the voice variant leaves it out.
   */
  voiceVariantWritable(lang: Language, key: string): boolean {
    const fullKey = key.includes(':') ? key : `${DEFAULT_NAMESPACE}:${key}`;
    return this.writableVoiceVariants.get(lang)?.has(fullKey) ?? false;
  }

  /** True when the key exists for that language. */
  has(lang: Language, key: string): boolean {
    return this.instance.exists(key, { lng: lang });
  }
}
