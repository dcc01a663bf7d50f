import type { Application } from '../../../src/index';
import { FixedClock } from '../../../src/services/clock';
import { createTestApp, postTurn, textOf } from '../../helpers/bot';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe('Teams identity linking', () => {
  const clock = new FixedClock(new Date('2026-12-01T09:00:00-05:00'));
  let app: Application;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createTestApp({ TEAMS_ALLOWED_TENANTS: TENANT }, { clock });
    baseUrl = await app.start();
  });

  afterAll(async () => {
    await app.stop();
  });

  /** One Teams personal-chat turn for the given conversation, as the Teams service posts it. */
  async function send(conversationId: string, input: { text?: string; value?: unknown }): Promise<string> {
    const { activities } = await postTurn(baseUrl, {
      channelId: 'msteams',
      locale: 'en-US',
      from: { id: '29:julie', aadObjectId: 'aad-julie', name: 'Julie Tremblay' },
      recipient: { id: '28:bot', name: 'Assistant RAMQ' },
      conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      text: input.text ?? '',
      ...(input.value ? { value: input.value } : {}),
    });
    return textOf(activities);
  }

  async function askRequestStatus(conversationId: string): Promise<string> {
    await send(conversationId, { text: 'bonjour' });
    await send(conversationId, { text: '1' });
    return send(conversationId, { text: '2' });
  }

  it('signs in once, then skips authentication in a new conversation within 8 hours, and not after', async () => {
    const first = await askRequestStatus('a:teams-link-1');
    expect(first).toMatch(/nom d.utilisateur/i);
    await send('a:teams-link-1', { text: 'CE100001' });
    const signedIn = await send('a:teams-link-1', {
      value: { accountsCard: 'current', password: 'Pharmacie-Rimouski-2026' },
    });
    expect(signedIn).toMatch(/numéro d.assurance maladie/i);

    clock.advance(7 * 60 * 60_000);
    const sameDay = await askRequestStatus('a:teams-link-2');
    expect(sameDay).toMatch(/numéro d.assurance maladie/i);
    expect(sameDay).not.toMatch(/nom d.utilisateur/i);

    clock.advance(2 * 60 * 60_000);
    const nextMorning = await askRequestStatus('a:teams-link-3');
    expect(nextMorning).toMatch(/nom d.utilisateur/i);
  });

  it('forgets the link on « déconnexion »', async () => {
    await askRequestStatus('a:teams-link-4');
    await send('a:teams-link-4', { text: 'CE100001' });
    await send('a:teams-link-4', { value: { accountsCard: 'current', password: 'Pharmacie-Rimouski-2026' } });
    await send('a:teams-link-4', { text: 'déconnexion' });
    expect(await askRequestStatus('a:teams-link-5')).toMatch(/nom d.utilisateur/i);
  });
});
