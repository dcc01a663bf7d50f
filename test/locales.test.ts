import fs from 'node:fs';
import path from 'node:path';
import { LANGUAGES, LOCALES_DIR, Messages } from '../src/i18n';

type Json = { [key: string]: Json } | string | string[] | number | boolean | null;

function flatKeys(value: Json, prefix = ''): string[] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => flatKeys(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

function namespaces(lang: string): string[] {
  return fs
    .readdirSync(path.join(LOCALES_DIR, lang))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

function keysOf(lang: string, ns: string): string[] {
  const json = JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, lang, ns), 'utf8')) as Json;
  return flatKeys(json).sort();
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('locales', () => {
  it('has the same namespaces in French and English', () => {
    expect(namespaces('en')).toEqual(namespaces('fr'));
  });

  it.each(namespaces('fr'))('%s has the same keys in French and English', (ns) => {
    expect(keysOf('en', ns)).toEqual(keysOf('fr', ns));
  });

  it('has no empty French or English sentence', () => {
    const empty: string[] = [];
    for (const lang of LANGUAGES) {
      for (const ns of namespaces(lang)) {
        const json = JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, lang, ns), 'utf8')) as Json;
        const walk = (v: Json, at: string) => {
          if (typeof v === 'string' && v.trim() === '' && !at.includes('meridiem'))
            empty.push(`${lang}/${ns}:${at}`);
          else if (v && typeof v === 'object' && !Array.isArray(v))
            for (const [k, c] of Object.entries(v)) walk(c, `${at}.${k}`);
        };
        walk(json, '');
      }
    }
    expect(empty).toEqual([]);
  });

  it('defines every literal key the source code asks for, in both languages', () => {
    const messages = new Messages();
    const missing: string[] = [];
    const srcDir = path.join(__dirname, '..', 'src');
    for (const file of sourceFiles(srcDir)) {
      // Comments may show example keys; only code asks for translations.
      const text = fs
        .readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      // Literal keys look like 'namespace:path.to.key'; template keys are checked by the dialog tests.
      for (const match of text.matchAll(/['`]([a-zA-Z]+:[a-zA-Z0-9_.]+)['`]/g)) {
        const key = match[1];
        if (/^(https?|redis|rediss|node|data|blob)/.test(key)) continue;
        for (const lang of LANGUAGES) {
          if (!messages.has(lang, key)) missing.push(`${lang} ${key} (${path.relative(srcDir, file)})`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('gives English phone menus labels that read after « For … , press N. »', () => {
    const t = new Messages().forLanguage('en');
    const verbs = /^(hear|try|retry|go|return|listen|press|say|choose|enter|repeat)\b/i;
    const offenders: string[] = [];
    for (const ns of namespaces('en')) {
      const json = JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, 'en', ns), 'utf8')) as Json;
      const walk = (v: Json, at: string) => {
        if (at.endsWith('.voice') && typeof v === 'string' && verbs.test(v))
          offenders.push(`${ns}${at}: ${t('menu:voiceLine', { label: v, key: '1' })}`);
        else if (v && typeof v === 'object' && !Array.isArray(v))
          for (const [k, c] of Object.entries(v)) walk(c, `${at}.${k}`);
      };
      walk(json, '');
    }
    expect(offenders).toEqual([]);
  });

  it('uses vouvoiement in French: no tutoiement in any sentence', () => {
    const tu = /(?<![\p{L}'’])(?:(?:tu|toi|ton|ta|tes|te)(?!\p{L})|t['’](?=\p{L}))/iu;
    const offenders: string[] = [];
    for (const ns of namespaces('fr')) {
      const json = JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, 'fr', ns), 'utf8')) as Json;
      const walk = (v: Json, at: string) => {
        if (typeof v === 'string' && !at.startsWith('.$comment') && !at.includes('intents') && tu.test(v))
          offenders.push(`${ns}${at}: ${v}`);
        else if (v && typeof v === 'object' && !Array.isArray(v))
          for (const [k, c] of Object.entries(v)) walk(c, `${at}.${k}`);
      };
      if (ns !== 'intents.json') walk(json, '');
    }
    expect(offenders).toEqual([]);
  });
});
