import type { Activity } from 'botbuilder';
import type { Application } from '../src/index';
import { createTestApp, textOf } from './helpers/bot';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER_TENANT = '0a1b2c3d-0000-4000-8000-123456789abc';
const BOT = '28:bot-app-id';

function teamsActivity(
  overrides: Partial<Activity> & { conversationType?: string; tenant?: string },
): object {
  const { conversationType = 'personal', tenant = TENANT, ...rest } = overrides;
  return {
    type: 'message',
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9',
    deliveryMode: 'expectReplies',
    locale: 'en-US',
    from: { id: '29:user-1', aadObjectId: 'aad-user-1', name: 'Julie Tremblay' },
    recipient: { id: BOT, name: 'Assistant RAMQ' },
    conversation: { id: `a:${conversationType}-${Math.random()}`, conversationType, tenantId: tenant },
    channelData: { tenant: { id: tenant } },
    ...rest,
  };
}

/** A message in a team channel that @mentions the bot, as Teams sends it. */
function channelMention(conversationId: string, text: string): object {
  return teamsActivity({
    conversationType: 'channel',
    conversation: { id: conversationId, conversationType: 'channel', tenantId: TENANT },
    text: `<at>Assistant RAMQ</at> ${text}`,
    entities: [
      { type: 'mention', text: '<at>Assistant RAMQ</at>', mentioned: { id: BOT, name: 'Assistant RAMQ' } },
    ],
  } as never);
}

async function post(baseUrl: string, body: object): Promise<{ status: number; texts: string[] }> {
  const response = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const activities = text
    ? ((JSON.parse(text) as { activities?: Partial<Activity>[] }).activities ?? [])
    : [];
  return {
    status: response.status,
    texts: activities.filter((a) => a.type === 'message').map((a) => textOf([a])),
  };
}

describe('Teams', () => {
  let app: Application;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createTestApp({ TEAMS_ALLOWED_TENANTS: `${TENANT}` });
    baseUrl = await app.start();
  });

  afterAll(async () => {
    await app.stop();
  });

  it('greets in French with the main menu when installed in a personal chat, though Teams sends en-US', async () => {
    const { texts } = await post(
      baseUrl,
      teamsActivity({ type: 'conversationUpdate', membersAdded: [{ id: BOT, name: 'Assistant RAMQ' }] }),
    );
    expect(texts.join('\n')).toContain('Bonjour!');
    expect(texts.join('\n')).toContain('Répondez par le numéro de votre choix');
  });

  it('refuses another tenant politely, with the phone numbers', async () => {
    const { status, texts } = await post(baseUrl, teamsActivity({ tenant: OTHER_TENANT, text: 'bonjour' }));
    expect(status).toBe(200);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('réservé aux organisations autorisées');
    expect(texts[0]).toContain('418 643-8210');
  });

  it('ignores channel messages that do not mention the bot', async () => {
    const { texts } = await post(
      baseUrl,
      teamsActivity({ conversationType: 'channel', text: 'on se voit à midi?' }),
    );
    expect(texts).toEqual([]);
  });

  it('answers a mention in a channel, with the mention removed from the text', async () => {
    const conversation = { id: 'a:channel-mention', conversationType: 'channel', tenantId: TENANT };
    const mention = {
      type: 'mention',
      text: '<at>Assistant RAMQ</at>',
      mentioned: { id: BOT, name: 'Assistant RAMQ' },
    };
    await post(
      baseUrl,
      teamsActivity({
        conversationType: 'channel',
        conversation,
        text: '<at>Assistant RAMQ</at> bonjour',
        entities: [mention],
      } as never),
    );
    const { texts } = await post(
      baseUrl,
      teamsActivity({
        conversationType: 'channel',
        conversation,
        text: '<at>Assistant RAMQ</at> 2',
        entities: [mention],
      } as never),
    );
    expect(texts.join('\n')).toContain('418 643-8210');
  });

  it('lets a card button press through in a channel, where no mention is possible', async () => {
    const conversation = { id: 'a:channel-card', conversationType: 'channel', tenantId: TENANT };
    const { texts } = await post(
      baseUrl,
      teamsActivity({
        conversationType: 'channel',
        conversation,
        text: '',
        value: { menuChoice: '2', menu: 'main' },
      } as never),
    );
    expect(texts.join('\n')).toContain('Bonjour!');
  });

  it('moves a flow that asks for secrets out of a channel, to a personal chat', async () => {
    const { texts } = await post(
      baseUrl,
      channelMention('a:channel-private', "j'ai oublié mon mot de passe"),
    );
    const said = texts.join('\n');
    expect(said).toContain('conversation privée');
    expect(said).toContain(`https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(BOT)}`);
    expect(said).not.toMatch(/nom d.utilisateur/i);
  });

  it.each([
    [
      'an agent',
      'agent',
      "Pour parler à un agent, écrivez-moi en conversation privée : l'agent vous répondra à vous seul",
    ],
    ['form 4313', 'demande d’accès formulaire 4313', 'Pour protéger vos renseignements personnels'],
  ])(
    'sends a request for %s from a channel to a personal chat, queueing nobody',
    async (_what, asked, notice) => {
      const { texts } = await post(baseUrl, channelMention(`a:channel-${Math.random()}`, asked));
      const said = texts.join('\n');
      expect(said).toContain(notice);
      expect(said).toContain(`https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(BOT)}`);
      expect(said).not.toContain('Je transmets votre demande');
      expect(await app.escalation.store.active()).toEqual([]);
    },
  );

  it('sends menus as Adaptive Cards whose buttons work, and ignores a button from an older menu', async () => {
    const conversation = { id: 'a:personal-cards', conversationType: 'personal', tenantId: TENANT };
    const response = await fetch(`${baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsActivity({ conversation, text: 'bonjour' } as never)),
    });
    const { activities } = (await response.json()) as { activities: Partial<Activity>[] };
    const card = activities.flatMap((a) => a.attachments ?? [])[0];
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const content = card.content as {
      version: string;
      actions: Array<{ type: string; data: Record<string, unknown> }>;
    };
    expect(content.version).toBe('1.5');
    expect(content.actions.map((a) => a.data.menuChoice)).toEqual(['1', '2', '0']);
    expect(content.actions.every((a) => a.type === 'Action.Submit')).toBe(true);

    const online = await post(
      baseUrl,
      teamsActivity({ conversation, text: '', value: content.actions[0].data } as never),
    );
    expect(online.texts.join('\n')).toContain('9 – Menu précédent');
    // The main menu's « 2 » pressed again on the old card must not act as the online-services « 2 ».
    const stale = await post(
      baseUrl,
      teamsActivity({ conversation, text: '', value: content.actions[1].data } as never),
    );
    expect(stale.texts.join('\n')).toContain('9 – Menu précédent');
    expect(stale.texts.join('\n')).not.toMatch(/assurance maladie|nom d.utilisateur/i);
  });
});
