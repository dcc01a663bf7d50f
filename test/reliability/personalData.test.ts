import type { Activity } from 'botbuilder';
import { MemoryStorage } from 'botbuilder';
import type { Application } from '../../src/index';
import { FixedClock } from '../../src/services/clock';
import { createTestApp, postTurn, textOf } from '../helpers/bot';
import {
  DEMO_SECRETS,
  julieAnswerFor,
  memoryLogger,
  passwordCardValue,
  RecordingStorage,
} from '../helpers/accounts';

const NEW_PASSWORD = 'Sirop-Erable-Beauce-7431';
const NAM = 'BOUM55081212';
/** The shape of the temporary passwords the bot issues (e.g. ABCD-EFGH-JK). */
const TEMPORARY_PASSWORD = /\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}\b/;

describe('no personal data where it does not belong', () => {
  const { logger, lines } = memoryLogger('trace');
  const storage = new RecordingStorage(new MemoryStorage());
  const traces: Partial<Activity>[] = [];
  let app: Application;
  let baseUrl: string;

  beforeAll(async () => {
    // A Tuesday morning: the centre is open, so « agent » queues an escalation with its transcript.
    app = await createTestApp(
      {},
      { logger, storage, clock: new FixedClock(new Date('2026-12-01T10:00:00-05:00')) },
    );
    baseUrl = await app.start();
  });

  afterAll(async () => {
    await app.stop();
  });

  async function turn(channelId: string, conversationId: string, input: { text?: string; value?: unknown }) {
    const { activities } = await postTurn(baseUrl, {
      channelId,
      conversation: { id: conversationId },
      text: input.text ?? '',
      ...(input.value ? { value: input.value } : {}),
    });
    traces.push(...activities.filter((a) => a.type === 'trace'));
    return activities;
  }

  function answer(replies: Partial<Activity>[], lang: 'fr' | 'en'): string {
    return julieAnswerFor(`${textOf(replies)} ${replies.map((a) => a.speak ?? '').join(' ')}`, lang);
  }

  it('runs reset, sign-in, request status and escalation in both languages and on the phone', async () => {
    // French chat: forgotten password, three answers, a new password in the card, then an agent.
    await turn('emulator', 'pii-fr', { text: "J'ai oublié mon mot de passe" });
    let replies = await turn('emulator', 'pii-fr', { text: 'ce-100001' });
    for (let i = 0; i < 3; i += 1)
      replies = await turn('emulator', 'pii-fr', { text: answer(replies, 'fr') });
    replies = await turn('emulator', 'pii-fr', {
      value: passwordCardValue('new', NEW_PASSWORD),
    });
    expect(textOf(replies)).toMatch(/enregistré/);
    await turn('emulator', 'pii-fr', { text: 'agent' });

    // English chat: sign in with the new password, consult a NAM, then an agent.
    await turn('emulator', 'pii-en', { text: 'English' });
    await turn('emulator', 'pii-en', { text: '1' });
    await turn('emulator', 'pii-en', { text: '2' });
    await turn('emulator', 'pii-en', { text: 'CE100001' });
    await turn('emulator', 'pii-en', { value: { accountsCard: 'current', password: NEW_PASSWORD } });
    await turn('emulator', 'pii-en', { text: 'boum 5508 1212' });
    replies = await turn('emulator', 'pii-en', { text: 'humira' });
    expect(textOf(replies)).toMatch(/accepted|acceptée/i);
    await turn('emulator', 'pii-en', { text: 'agent' });

    // The phone: forgotten password by keypad, answers by voice, a temporary password dictated.
    await turn('telephony', 'pii-voice', { text: '1' });
    await turn('telephony', 'pii-voice', { text: '1' });
    replies = await turn('telephony', 'pii-voice', { text: '2100001#' });
    for (let i = 0; i < 3; i += 1)
      replies = await turn('telephony', 'pii-voice', { text: answer(replies, 'fr') });
    expect(replies.some((a) => a.inputHint === 'ignoringInput')).toBe(true);

    const waiting = await app.escalation.store.waiting();
    expect(waiting.length).toBeGreaterThanOrEqual(2);

    const places: Record<string, string> = {
      logs: lines.join('\n'),
      'state writes': storage.writes.join('\n'),
      traces: JSON.stringify(traces),
      audit: JSON.stringify(await app.audit.recent(1000)),
      'escalation transcripts': JSON.stringify(waiting),
    };
    expect(places.logs.length).toBeGreaterThan(0);
    expect(places.audit).toContain('requestStatusConsulted');
    for (const [place, content] of Object.entries(places)) {
      for (const secret of [...DEMO_SECRETS, NEW_PASSWORD, NAM, 'BOUM 5508 1212', 'boum 5508 1212']) {
        expect({ place, leaked: content.includes(secret) ? secret : undefined }).toEqual({
          place,
          leaked: undefined,
        });
      }
      expect({ place, temporary: TEMPORARY_PASSWORD.exec(content)?.[0] }).toEqual({
        place,
        temporary: undefined,
      });
    }
  }, 60_000);

  it('logs no text a client put in a handoff.status event, which anyone can post', async () => {
    const before = lines.length;
    const { status } = await postTurn(baseUrl, {
      type: 'event',
      name: 'handoff.status',
      channelId: 'webchat',
      conversation: { id: 'pii-handoff' },
      value: { state: `accepted ${NAM} ${NEW_PASSWORD}` },
    });
    expect(status).toBeLessThan(300);
    const logged = lines.slice(before).join('\n');
    expect(logged).toContain('handoffStatus');
    expect(logged).not.toContain(NAM.toLowerCase());
    expect(logged).not.toContain(NEW_PASSWORD.toLowerCase());
  });
});
