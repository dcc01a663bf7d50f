/** On the phone, the text that goes with what is said tells the caller to say, never to type. */
import { LANGUAGE_KEY, Responder } from '../../../src/dialogs/shared/responder';
import { flattenResources, type Language, Messages, readLocaleResources } from '../../../src/i18n';
import type { TurnContext } from 'botbuilder';

const messages = new Messages();
const responder = new Responder(messages, {
  fr: { voice: 'fr-CA-SylvieNeural', xmlLang: 'fr-CA' },
  en: { voice: 'en-CA-ClaraNeural', xmlLang: 'en-CA' },
});

function contextOn(channelId: string, lang: Language): TurnContext {
  return { activity: { channelId }, turnState: new Map([[LANGUAGE_KEY, lang]]) } as unknown as TurnContext;
}

/**
 * Words for typing an answer: « écrivez », « saisissez », "type", "write". Not those about the keypad (« tapez
 * le 1 », "enter it on your keypad") nor about an e-mail to the Centre (« nous écrire par courriel », "write to us").
 */
const WRITING = new RegExp(
  [
    '(?:écrivez|écrivez-moi|écrivez-le|saisissez|type|typing)(?!\\p{L})',
    '(?:écrire|write)(?!\\p{L})(?!\\s+(?:à|au|par courriel|to us))',
    "tapez(?!\\p{L})(?!\\s+(?:le\\s+)?(?:\\d|#|\\*|sur le clavier|l'étoile|le dièse))",
  ]
    .map((word) => `(?<!\\p{L})${word}`)
    .join('|'),
  'iu',
);

/** Every key with a `_voice` variant, with each of its variables given a value. */
function keysWithVoiceVariant(lang: Language): Array<{ key: string; vars: Record<string, string> }> {
  const strings = flattenResources(readLocaleResources()[lang] as Record<string, unknown>);
  const found: Array<{ key: string; vars: Record<string, string> }> = [];
  for (const [key, display] of strings) {
    const voice = strings.get(`${key}_voice`);
    if (voice === undefined || key.endsWith('_voice')) continue;
    // Said only in a Teams channel (the way to a personal chat, with its link): never on a call.
    if (key.startsWith('teams:channel.')) continue;
    const names = [...`${display} ${voice}`.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);
    found.push({ key, vars: Object.fromEntries(names.map((n) => [n, 'X9'])) });
  }
  return found;
}

describe.each(['fr', 'en'] as Language[])('telephony display text (%s)', (lang) => {
  const keys = keysWithVoiceVariant(lang);

  it('covers the keys that had a written-only display text', () => {
    expect(keys.map((k) => k.key)).toEqual(
      expect.arrayContaining(['accounts:contact.agentOffer', 'accounts:pick.howToStop', 'voice:entry.offer']),
    );
  });

  it.each(keys.map((k) => [k.key, k] as const))('%s never tells a caller to write or type', (_key, part) => {
    const [reply, ...rest] = responder.replies(contextOn('telephony', lang), [part]);
    const text = [reply, ...rest].map((r) => r.text ?? '').join('\n');
    expect(text).not.toMatch(WRITING);
  });

  it('still shows the display variant on screens', () => {
    const text = responder.compose(contextOn('webchat', lang), ['accounts:contact.agentOffer']).text;
    expect(text).toBe(messages.forLanguage(lang)('accounts:contact.agentOffer'));
  });

  it('never writes down a temporary password dictated only in the voice variant', () => {
    const replies = responder.replies(contextOn('telephony', lang), [
      { key: 'accounts:reset.temporaryIssued', vars: { spelled: 'K 7 P M 4' } },
    ]);
    expect(replies.map((r) => r.text).join('\n')).not.toContain('K 7 P M 4');
    expect(replies.map((r) => r.speak).join('\n')).toContain('K 7 P M 4');
  });
});
