import i18next from 'i18next';
import { flattenResources, LANGUAGES, Messages, readLocaleResources, type MessageVars } from '../src/i18n';

const resources = readLocaleResources();
const reference = i18next.createInstance();
void reference.init({
  initAsync: false,
  resources: resources as never,
  lng: 'fr',
  fallbackLng: false,
  ns: Object.keys(resources.fr),
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
} as never);
const messages = new Messages();

/** Variables for every placeholder of a text, with values that show where each one went. */
function varsFor(text: string): MessageVars {
  const vars: MessageVars = {};
  for (const match of text.matchAll(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g))
    vars[match[1]] = `<${match[1]}:${text.length}>`;
  return vars;
}

describe('Messages', () => {
  const cases = LANGUAGES.flatMap((lang) =>
    [...flattenResources(resources[lang])]
      .filter(([key]) => !key.endsWith('_voice'))
      .map(([key, text]) => ({ lang, key, text })),
  );

  it('has strings to check in both languages', () => {
    expect(cases.filter((c) => c.lang === 'fr').length).toBeGreaterThan(200);
    expect(cases.filter((c) => c.lang === 'en').length).toBeGreaterThan(200);
  });

  it.each(LANGUAGES)(
    'gives exactly what i18next gives for every %s key, with and without the voice context',
    (lang) => {
      const t = messages.forLanguage(lang);
      const fixed = reference.getFixedT(lang);
      for (const { key, text } of cases.filter((c) => c.lang === lang)) {
        const voiceText = String(fixed(`${key}_voice`, { defaultValue: '' }));
        const vars = { ...varsFor(text), ...varsFor(voiceText) };
        expect([key, t(key, vars)]).toEqual([key, fixed(key, vars as never)]);
        expect([key, t(key, { ...vars, context: 'voice' })]).toEqual([
          key,
          fixed(key, { ...vars, context: 'voice' } as never),
        ]);
        if (Object.keys(vars).length === 0) expect([key, t(key)]).toEqual([key, fixed(key)]);
      }
    },
  );

  it('lets a value that ends with its own period end the sentence, without a second one', () => {
    const t = messages.forLanguage('en');
    expect(t('hours:hoursLine', { schedule: 'Monday to Friday, 8:30 a.m. to 4 p.m.' })).toBe(
      'Hours: Monday to Friday, 8:30 a.m. to 4 p.m.',
    );
    expect(t('hours:hoursLine', { schedule: 'Monday to Friday' })).toBe('Hours: Monday to Friday.');
  });

  it('leaves a missing variable to i18next rather than inventing a value', () => {
    const t = messages.forLanguage('fr');
    const fixed = reference.getFixedT('fr');
    expect(t('common:notUnderstood', {})).toBe(fixed('common:notUnderstood', {} as never));
  });

  it('reads keys without a namespace from the common namespace, and answers an unknown key with the key', () => {
    const t = messages.forLanguage('en');
    expect(t('help')).toBe(t('common:help'));
    expect(t('common:no.such.key')).toBe('no.such.key');
  });

  it('uses the voice variant when there is one and the display text otherwise', () => {
    const t = messages.forLanguage('fr');
    const common = resources.fr.common as Record<string, string>;
    expect(t('common:help', { context: 'voice' })).toBe(common.help_voice);
    expect(t('common:notUnderstood', { example: '1', context: 'voice' })).toBe(common.notUnderstood_voice);
    expect(t('common:notUnderstood', { example: '1' })).toBe(
      common.notUnderstood.replace('{{example}}', '1'),
    );
    const withoutVariant = Object.keys(common).find(
      (k) => typeof common[k] === 'string' && !(`${k}_voice` in common) && !k.endsWith('_voice'),
    );
    expect(withoutVariant).toBeDefined();
    expect(t(`common:${withoutVariant}`, { context: 'voice' })).toBe(t(`common:${withoutVariant}`));
  });
});
