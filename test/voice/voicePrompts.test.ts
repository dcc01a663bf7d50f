/**
 * Everything the bot can say on the phone, in both languages: the dialogs walked on the telephony channel,
 * the reusable prompts, and every locale sentence rendered as the responder would, each `speak` parsed with a
 * real XML parser and held to the phone line's rules (short, few options, nothing meant for the eye).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { MENU_PROMPT, MenuPrompt } from '../../src/dialogs/menuPrompt';
import { phonesInline } from '../../src/dialogs/shared/contactInfo';
import { ENTRY_PROMPT, EntryPrompt } from '../../src/dialogs/shared/entryPrompt';
import { readBack, spellCode } from '../../src/dialogs/shared/spell';
import { MAX_VOICE_WORDS, spokenWordCount, ssmlToText, toSsml } from '../../src/dialogs/shared/ssml';
import { YES_NO_PROMPT, YesNoPrompt } from '../../src/dialogs/shared/yesNoPrompt';
import { type Language, LANGUAGES, LOCALES_DIR } from '../../src/i18n';
import type { Application } from '../../src/index';
import { loadCentreInfo } from '../../src/services/centre';
import { createTestApp, ssmlProblems, TestClient } from '../helpers/bot';
import { createDeps, DialogHarness, messages, VOICES } from '../helpers/voice';

/** A Tuesday at 11:00 in Québec: the Centre is open, so asking for an agent transfers the call. */
const OPEN_HOURS = '2026-11-24T11:00:00-05:00';

type Said = { activity: Partial<Activity>; language: Language; where: string };

/** Options offered by one spoken prompt: « faites le 1 », "press 2", « faites le dièse » (not the star). */
function optionsOffered(spoken: string): number {
  return (spoken.match(/faites le (?:\d|dièse)|press (?:\d|the pound key)/gi) ?? []).length;
}

const VISUAL = /\*\*|https?:|www\.|[{}[\]<>`_#]|\p{Extended_Pictographic}/u;

function checkSaid({ activity, language, where }: Said): string[] {
  const problems: string[] = [];
  const at = `${language} ${where}: ${activity.text?.slice(0, 60)}`;
  if (activity.type !== 'message') return problems;
  const speak = activity.speak ?? '';
  if (!speak) return [`${at}: no speak`];
  problems.push(...ssmlProblems(speak).map((p) => `${at}: ${p}`));
  const { xmlLang, voice } = VOICES[language];
  if (!speak.includes(`xml:lang="${xmlLang}"><voice name="${voice}">`))
    problems.push(`${at}: wrong language`);
  const words = spokenWordCount(speak);
  if (words > MAX_VOICE_WORDS) problems.push(`${at}: ${words} words`);
  const heard = ssmlToText(speak);
  if (VISUAL.test(heard)) problems.push(`${at}: visual residue in « ${heard} »`);
  if (optionsOffered(heard) > 4) problems.push(`${at}: more than four options`);
  if (!['expectingInput', 'acceptingInput', 'ignoringInput'].includes(activity.inputHint ?? '')) {
    problems.push(`${at}: input hint ${activity.inputHint}`);
  }
  if (activity.attachments?.length || activity.suggestedActions) problems.push(`${at}: visual attachments`);
  return problems;
}

/** Conversations that visit every dialog and interruption the bot has on the phone line. */
const SCRIPTS: Array<{ name: string; inputs: string[] }> = [
  { name: 'main menu and hours', inputs: ['2', '*', 'blabla', 'zut', 'heures'] },
  { name: 'online services', inputs: ['1', '*', '#', 'n’importe quoi', 'encore pire', '9'] },
  { name: 'help, cancel, menu, restart', inputs: ['1', 'aide', 'annuler', 'menu', 'recommencer'] },
  { name: 'transfer by key', inputs: ['0'] },
  { name: 'transfer by word', inputs: ['1', 'conseiller'] },
  { name: 'four misses', inputs: ['a', 'b', 'c', 'd'] },
  { name: 'goodbye', inputs: ['non merci'] },
  { name: 'language back and forth', inputs: ['français', 'English', 'English', 'français'] },
  // The first steps of the flows behind the online-services menu, as a caller reaches them.
  { name: 'forgotten password', inputs: ['1', '1', 'xx', '*'] },
  { name: 'request status', inputs: ['1', '2', 'xx', '*'] },
  { name: 'secret questions', inputs: ['1', '3', 'xx', '*'] },
  { name: 'access request', inputs: ['1', '#', '4', 'xx', '*'] },
];

let app: Application;
const said: Said[] = [];

beforeAll(async () => {
  app = await createTestApp({ CLOCK_NOW: OPEN_HOURS });
  for (const language of LANGUAGES) {
    for (const script of SCRIPTS) {
      const client = new TestClient(app, { channelId: 'telephony' });
      // The language heard is the one the bot chose (a caller switches mid-call), read from each speak.
      const record = (replies: Partial<Activity>[], input: string) =>
        said.push(
          ...replies.map((activity) => ({
            activity,
            language: (activity.speak?.includes('xml:lang="en-CA"') ? 'en' : 'fr') as Language,
            where: `${script.name} « ${input} »`,
          })),
        );
      record(await client.join(), '(call)');
      if (language === 'en') record(await client.say('English please'), 'English please');
      for (const input of script.inputs) record(await client.say(input), input);
    }
    // The reusable prompts, as other flows use them.
    const deps = createDeps();
    const harnesses = [
      new DialogHarness(
        [new EntryPrompt(deps)],
        {
          id: ENTRY_PROMPT,
          options: {
            prompt: ['menu:main.question'],
            kind: 'alphanumeric',
            pattern: '[A-Z]{4}\\d{8}',
            confirm: true,
          },
        },
        { language },
      ),
      new DialogHarness(
        [new YesNoPrompt(deps)],
        { id: YES_NO_PROMPT, options: { prompt: ['voice:confirm.isThatRight'] } },
        { language },
      ),
      new DialogHarness(
        [new MenuPrompt(deps)],
        {
          id: MENU_PROMPT,
          options: {
            menu: {
              id: 'onlineServices',
              options: [
                'passwordReset',
                'requestStatus',
                'secretQuestions',
                'accessRequest',
                'back',
                'agent',
              ].map((id, i) => ({ id, key: ['1', '2', '3', '4', '9', '0'][i] })),
            },
            lead: 'common:anythingElse',
          },
        },
        { language },
      ),
    ];
    for (const [i, h] of harnesses.entries()) {
      for (const input of ['bonjour', 'xx', 'yy', 'TREM 5001 0112', '#', 'zz', '*', '1']) {
        said.push(
          ...(await h.say(input)).map((activity) => ({
            activity,
            language,
            where: `prompt ${i} « ${input} »`,
          })),
        );
      }
    }
  }
});

describe('everything said on the phone line', () => {
  it('was collected from every script in both languages', () => {
    expect(said.filter((s) => s.activity.type === 'message').length).toBeGreaterThan(150);
    expect(new Set(said.map((s) => s.language))).toEqual(new Set(['fr', 'en']));
  });

  it('is well-formed SSML in the right language and voice, short, with at most four options, nothing visual', () => {
    expect(said.flatMap(checkSaid)).toEqual([]);
  });

  it('says « Pour …, faites le 1 » in French and "For …, press 1" in English', () => {
    const menus = said
      .filter((s) => s.activity.inputHint === 'expectingInput')
      .map((s) => ssmlToText(s.activity.speak ?? ''));
    expect(menus.some((m) => /Pour les services en ligne .+, faites le 1\./.test(m))).toBe(true);
    expect(menus.some((m) => /For the exception medications online services, press 1\./.test(m))).toBe(true);
  });

  it('asks with expectingInput, informs with acceptingInput, transfers with ignoringInput', () => {
    const hints = new Set(said.map((s) => s.activity.inputHint).filter(Boolean));
    expect(hints).toEqual(new Set(['expectingInput', 'acceptingInput', 'ignoringInput']));
  });
});

/** Every string in a locale file, with its key. */
function localeStrings(lang: Language): Array<{ key: string; text: string }> {
  const out: Array<{ key: string; text: string }> = [];
  for (const file of fs.readdirSync(path.join(LOCALES_DIR, lang)).filter((f) => f.endsWith('.json'))) {
    const ns = file.slice(0, -5);
    const walk = (value: unknown, at: string) => {
      if (typeof value === 'string' && !at.includes('$comment'))
        out.push({ key: `${ns}:${at}`, text: value });
      else if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) walk(v, at ? `${at}.${k}` : k);
      }
    };
    walk(JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, lang, file), 'utf8')), '');
  }
  return out;
}

describe.each(LANGUAGES)('every locale sentence, rendered for the phone (%s)', (lang) => {
  const t = messages.forLanguage(lang);
  const centre = loadCentreInfo();
  const strings = localeStrings(lang);
  const symbols = {
    at: t('voice:at'),
    dot: t('voice:dot'),
    hour: t('voice:hour'),
    firstOfMonth: t('voice:firstOfMonth'),
  };
  // Variables carry what users and back-ends may send: markup, quotes, ampersands, e-mail and phone numbers.
  const hostile = 'O’Brien <b>&"\'</b> x@y.ca 418 643-8210 ⚠️ **gras**';
  const varsFor = (text: string) => {
    const vars: Record<string, string> = {};
    for (const [, name] of text.matchAll(/{{\s*([\w.]+)\s*}}/g)) {
      vars[name] =
        name === 'phones'
          ? phonesInline(t, centre)
          : name === 'spoken'
            ? readBack(t, 'BOUM55081212')
            : name === 'spelled'
              ? spellCode(t, 'Ab3-')
              : hostile;
    }
    return vars;
  };

  it('has strings to check', () => {
    expect(strings.length).toBeGreaterThan(100);
  });

  it('gives well-formed SSML for every key, with hostile variables', () => {
    const problems = strings.flatMap(({ key, text }) => {
      const ssml = toSsml(t(key, varsFor(text)), lang, VOICES, symbols);
      return ssmlProblems(ssml).map((p) => `${key}: ${p}`);
    });
    expect(problems).toEqual([]);
  });

  it('keeps every _voice sentence short and free of anything visual', () => {
    const voiceKeys = strings.filter(({ key }) => key.endsWith('_voice'));
    expect(voiceKeys.length).toBeGreaterThan(10);
    const problems = voiceKeys.flatMap(({ key, text }) => {
      const vars = Object.fromEntries(
        Object.keys(varsFor(text)).map((k) => [k, k === 'phones' ? phonesInline(t, centre) : 'X']),
      );
      const ssml = toSsml(
        t(key.replace(/_voice$/, ''), { ...vars, context: 'voice' }),
        lang,
        VOICES,
        symbols,
      );
      const heard = ssmlToText(ssml);
      const found: string[] = [];
      if (spokenWordCount(ssml) > MAX_VOICE_WORDS) found.push(`${key}: ${spokenWordCount(ssml)} words`);
      if (/\*|https?:|\p{Extended_Pictographic}/u.test(text))
        found.push(`${key}: visual marks in the source`);
      if (VISUAL.test(heard)) found.push(`${key}: visual residue`);
      return found;
    });
    expect(problems).toEqual([]);
  });
});
