import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18nInstance } from 'i18next';

/** Languages the bot speaks. French is the default for everyone. */
export type Language = 'fr' | 'en';
export const LANGUAGES: readonly Language[] = ['fr', 'en'];
export const DEFAULT_LANGUAGE: Language = 'fr';

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

/**
 * The bot's translations. Lookups are synchronous and cheap once built, which keeps them off the hot path's cost.
 */
export class Messages {
  private readonly instance: I18nInstance;
  private readonly translators = new Map<Language, Translate>();

  constructor(dir: string = LOCALES_DIR) {
    const resources = readLocaleResources(dir);
    this.instance = i18next.createInstance();
    void this.instance.init({
      initAsync: false,
      resources: resources as never,
      lng: DEFAULT_LANGUAGE,
      fallbackLng: false,
      ns: Object.keys(resources[DEFAULT_LANGUAGE]),
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      returnNull: false,
    } as never);
    for (const lang of LANGUAGES) {
      const fixed = this.instance.getFixedT(lang);
      // Most lookups have no variables (menus, prompts): they always give the same sentence, so they are
      // resolved once. i18next's lookup showed up at about a tenth of a turn's CPU in the benchmark.
      const constant = new Map<string, string>();
      this.translators.set(lang, (key, vars) => {
        const onlyContext = vars && Object.keys(vars).length === 1 && typeof vars.context === 'string';
        if (vars && !onlyContext) return fixed(key, vars as never) as unknown as string;
        const cacheKey = onlyContext ? `${key}\u0000${String(vars.context)}` : key;
        let text = constant.get(cacheKey);
        if (text === undefined) {
          text = fixed(key, vars as never) as unknown as string;
          constant.set(cacheKey, text);
        }
        return text;
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

  /** True when the key exists for that language. */
  has(lang: Language, key: string): boolean {
    return this.instance.exists(key, { lng: lang });
  }
}
