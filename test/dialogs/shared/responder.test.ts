import type { TurnContext } from 'botbuilder';
import { Messages } from '../../../src/i18n';
import { Responder } from '../../../src/dialogs/shared/responder';
import { ssmlToText } from '../../../src/dialogs/shared/ssml';

const responder = new Responder(new Messages(), {
  fr: { voice: 'fr-CA-SylvieNeural', xmlLang: 'fr-CA' },
  en: { voice: 'en-CA-ClaraNeural', xmlLang: 'en-CA' },
});

function contextOn(channelId: string): TurnContext {
  return { activity: { channelId }, turnState: new Map() } as unknown as TurnContext;
}

describe('Responder: what the user wrote, said back (echo)', () => {
  const typed = 'Pharmacie **Côté** [x](http://e.example)';
  const part = { key: 'accessRequest:correcting', echo: { value: typed } };

  it('is escaped in display text, where it would be markdown', () => {
    const text = responder.compose(contextOn('webchat'), [part]).text;
    expect(text).toContain('Pharmacie \\*\\*Côté\\*\\* \\[x\\](http\\://e\\.example)');
  });

  it('is spoken as typed: no backslash in speech', () => {
    const [reply] = responder.replies(contextOn('telephony'), [part]);
    expect(reply.speak).not.toContain('\\');
    expect(ssmlToText(reply.speak ?? '')).toContain('Pharmacie Côté x');
  });
});
