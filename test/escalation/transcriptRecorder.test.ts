import { findUserName, looksLikeSecretAnswer, redactLine } from '../../src/services/escalation/redaction';
import {
  type Activity,
  type ConversationAccount,
  ConversationState,
  MemoryStorage,
  TestAdapter,
  type TurnContext,
  UserState,
} from 'botbuilder';
import { leafOfState, markSensitiveTurn, TranscriptRecorder } from '../../src/escalation/transcriptRecorder';
import { Messages } from '../../src/i18n';
import { FixedClock } from '../../src/services/clock';
import { hashId } from '../../src/services/logger';
import { MemoryTranscriptStore } from '../../src/services/escalation/transcriptStore';
import type { TranscriptEntry } from '../../src/services/escalation/types';
import { PendingWrites } from '../../src/pendingWrites';
import { NAM_PROMPT } from '../../src/dialogs/requestStatus/namPrompt';
import { QUESTION_PICK_PROMPT } from '../../src/dialogs/accounts/questionPickPrompt';
import { keypressActivity, type KeypadKey } from '../../src/dialogs/shared/dtmf';
import { createStateAccessors } from '../../src/state';
import type { Application } from '../../src/index';
import { answerJulieRound, DEMO_SECRETS, JULIE, passwordCardValue } from '../helpers/accounts';
import { type ClientOptions, createTestApp, TestClient, textOf } from '../helpers/bot';

/** Monday 30 November 2026, 10:00 in Québec: the Centre is open and « agent » queues a request. */
const OPEN = '2026-11-30T10:00:00-05:00';

/** What a client heard: the replies' text and, on the phone, their speech. */
const heard = (replies: Partial<Activity>[]) =>
  `${textOf(replies)} ${replies.map((a) => a.speak ?? '').join(' ')}`;

/** A bot of the test's own (Julie's failed rounds and lockouts stay in it) and one client of it. */
async function ownClient(options: ClientOptions, clockNow = OPEN) {
  const app = await createTestApp({ CLOCK_NOW: clockNow });
  return { app, client: new TestClient(app, options) };
}

/** The escalation the client's last replies announced. */
async function escalationOf(app: Application, text: string) {
  const id = /E-[A-Z2-9]{6}/.exec(text)?.[0];
  if (!id) throw new Error(`no escalation in: ${text}`);
  const escalation = await app.escalation.store.get(id);
  if (!escalation) throw new Error(`${id} not stored`);
  return escalation;
}

describe('redactLine', () => {
  it.each([
    [
      'NAM typed in a sentence',
      'où en est la demande de BOUM 5508 1212 pour Humira',
      'où en est la demande de ********1212 pour Humira',
    ],
    ['NAM with hyphens', 'TREJ-8501-0101', '********0101'],
    ['temporary password shape', 'votre mot de passe : K7PM-4QX2-9R', 'votre mot de passe : ••••'],
    [
      'temporary password copied with spaces',
      'le mot de passe temporaire k7pm 4qx2 9r ne marche pas',
      'le mot de passe temporaire •••• ne marche pas',
    ],
    ['temporary password with spaces and dashes', 'K7PM - 4QX2 - 9R', '••••'],
    ['three short words that are not one', 'je le fais avec elle un jour', 'je le fais avec elle un jour'],
    [
      'ordinary text',
      'Bonjour, mon mot de passe ne fonctionne plus',
      'Bonjour, mon mot de passe ne fonctionne plus',
    ],
  ])('%s', (_label, input, expected) => {
    expect(redactLine(input)).toBe(expected);
  });

  it.each([
    ['spelled NAM', 'bé o u em cinq cinq zéro huit un deux un deux', '********1212'],
    ['typed NAM alone', 'BOUM55081212', '********1212'],
    ['something unreadable keeps only its last four characters', 'je ne sais pas 1234', '***********1234'],
  ])('%s, in answer to a NAM question', (_label, input, expected) => {
    expect(redactLine(input, { nam: true })).toBe(expected);
  });

  it('cuts very long lines', () => {
    expect(redactLine('x'.repeat(2000))).toHaveLength(500);
  });

  it.each([
    ['CE100001', 'CE100001'],
    ['mon nom est ip 123 456', 'IP123456'],
    ['ce-100002', 'CE100002'],
    ['rien ici', undefined],
  ])('finds the user name in %p', (text, userName) => {
    expect(findUserName(text)).toBe(userName);
  });
});

describe('redactLine on what a user wrote', () => {
  it.each([
    [
      'a password in a sentence',
      'mon mot de passe est Pharmacie-Rimouski-2026.',
      'mon mot de passe est ••••.',
    ],
    ['a password alone', 'Bureau-Levis-2026-Nord', '••••'],
    ['a password with symbols only', '« Mot!De?Passe »', '« •••• »'],
    ['the user name kept', 'CE100001 et Bureau-Levis-2026-Nord', 'CE100001 et ••••'],
    ['a phone number kept', 'rappelez-moi au 418-643-8210 poste 12', 'rappelez-moi au 418-643-8210 poste 12'],
    ['a date kept', 'depuis le 2026-11-30', 'depuis le 2026-11-30'],
    ['a link kept', 'voir https://www.ramq.gouv.qc.ca/fr/4313', 'voir https://www.ramq.gouv.qc.ca/fr/4313'],
    ['an address kept', 'julie.tremblay@pharmacie.ca', 'julie.tremblay@pharmacie.ca'],
    [
      'words kept',
      'Médicaments d’exception et Patient d’exception',
      'Médicaments d’exception et Patient d’exception',
    ],
    [
      'a password with a symbol inside, ending with "!"',
      'Pharmacie!Rimouski! ne marche pas',
      '•••• ne marche pas',
    ],
    [
      'words ending a question or an exclamation kept',
      'Où en est mon renouvellement? Merci infiniment!',
      'Où en est mon renouvellement? Merci infiniment!',
    ],
    [
      'Markdown emphasis kept',
      '*Médicaments d’exception* et **questionnaire**',
      '*Médicaments d’exception* et **questionnaire**',
    ],
    ['a place name kept', 'à Saint-Jean-sur-Richelieu', 'à Saint-Jean-sur-Richelieu'],
    ['a short code kept', 'depuis la COVID-19', 'depuis la COVID-19'],
    ['the user name with a hyphen kept', 'CE-100001', 'CE-100001'],
    [
      'an escalation id and a call-back reference kept',
      'E-7K3M9Q et R-261130-004',
      'E-7K3M9Q et R-261130-004',
    ],
  ])('%s', (_label, input, expected) => {
    expect(redactLine(input)).toBe(expected);
  });

  it.each([
    ['the eight digits of a NAM, its letters sent alone before', '7262 0314', '****0314'],
    ['the eight digits glued', '72620314', '****0314'],
    ['the eight digits with a dash', '5508-1212', '****1212'],
    ['the letters and the first digits, the rest to follow', 'GAGS 7262', '****7262'],
    ['the letters and six digits', 'gags 7262 03', '******6203'],
    ['a DIN whose digits are no NAM date kept', '02258595', '02258595'],
    ['a date kept', '2026 1130', '2026 1130'],
    ['a phone number kept', '418 643 8210', '418 643 8210'],
    ['a word and a year kept', 'mars 2026', 'mars 2026'],
    ['the letters alone kept', 'GAGS', 'GAGS'],
  ])('masks a NAM split over two messages: %s', (_label, input, expected) => {
    expect(redactLine(input, { spoken: true })).toBe(expected);
  });

  it('keeps password-shaped words only when told to', () => {
    expect(redactLine('Bureau-Levis-2026-Nord', { passwords: false })).toBe('Bureau-Levis-2026-Nord');
  });
});

describe('looksLikeSecretAnswer, for what is typed where the user name is asked', () => {
  it.each([
    ["je ne connais pas mon nom d'utilisateur", false],
    ['agent', false],
    ['2', false],
    ['CE100001 Pharmacie2026', false],
    ['Pharmacie Rimouski 2026', true],
    ['chevalbatteriecorrecte', true],
    ['Mot de passe!', true],
  ])('%j: %s', (text, expected) => {
    expect(looksLikeSecretAnswer(text)).toBe(expected);
  });
});

describe('leafOfState', () => {
  it('walks nested component stacks to the innermost dialog', () => {
    const state = {
      dialogStack: [
        {
          id: 'root',
          state: {
            dialogs: {
              dialogStack: [
                { id: 'mainMenu.steps', state: {} },
                {
                  id: 'passwordReset',
                  state: { dialogs: { dialogStack: [{ id: 'accounts.secretAnswer', state: {} }] } },
                },
              ],
            },
          },
        },
      ],
    };
    expect(leafOfState(state as never)).toBe('accounts.secretAnswer');
    expect(leafOfState(undefined)).toBeUndefined();
  });
});

/** A recorder over memory state and transcripts, as the tests of the recorder alone need it. */
function memoryRecorder(
  options: { store?: MemoryTranscriptStore; pendingWrites?: PendingWrites; warnings?: string[] } = {},
) {
  const storage = new MemoryStorage();
  const state = createStateAccessors(new ConversationState(storage), new UserState(storage));
  const store = options.store ?? new MemoryTranscriptStore(60_000);
  const recorder = new TranscriptRecorder({
    store,
    state,
    messages: new Messages(),
    clock: new FixedClock(new Date('2026-11-30T15:00:00Z')),
    logger: { warn: (_obj, msg) => void options.warnings?.push(msg) },
    pendingWrites: options.pendingWrites ?? new PendingWrites(),
  });
  let key = '';
  /** A test adapter whose turns run `logic` behind the recorder, from `template`'s channel and conversation. */
  const adapterFor = (
    logic: (context: TurnContext) => Promise<unknown> = async () => undefined,
    template?: Partial<Activity>,
  ) =>
    new TestAdapter(async (context) => {
      key = TranscriptRecorder.keyOf(context);
      await logic(context);
    }, template).use(recorder);
  /** What the recorder kept of the last adapter's conversation. */
  const lines = () => store.recent(key);
  /** Makes `dialogId` the turn's active dialog, as while that question waits for its answer. */
  const askedBy = async (context: TurnContext, dialogId: string) => {
    await state.dialogState.set(context, { dialogStack: [{ id: dialogId, state: {} }] });
    await state.conversationState.saveChanges(context);
  };
  return { state, store, recorder, adapterFor, lines, askedBy };
}

describe('TranscriptRecorder on its own', () => {
  it('withholds a turn a dialog marked sensitive, and keeps only text replies', async () => {
    const { adapterFor, lines } = memoryRecorder();
    const adapter = adapterFor(async (context) => {
      if (context.activity.text === 'mon code 4321') markSensitiveTurn(context);
      await context.sendActivity({ type: 'message', text: 'reçu', speak: '<speak>secret parlé</speak>' });
    });
    await adapter.send('bonjour').send('mon code 4321').startTest();
    expect((await lines()).map((l) => [l.from, l.text, l.withheld])).toEqual([
      ['user', 'bonjour', undefined],
      ['bot', 'reçu', undefined],
      ['user', '', 'secret'],
      ['bot', 'reçu', undefined],
    ]);
  });
});

describe('TranscriptRecorder on the phone', () => {
  it('withholds each key of a NAM keyed one per message, which masking would keep whole', async () => {
    const { adapterFor, lines, askedBy } = memoryRecorder();
    // The NAM question stays the active dialog, as while the caller keys the digits.
    const adapter = adapterFor((context) => askedBy(context, NAM_PROMPT), {
      channelId: 'telephony',
      conversation: { id: 'call-1' } as ConversationAccount,
    });
    await adapter.send('bonjour').startTest();
    for (const digit of '55081212') await adapter.send(keypressActivity(digit as KeypadKey)).startTest();
    const kept = await lines();
    expect(kept).toHaveLength(9);
    expect(kept.slice(1).every((l) => l.withheld === 'secret' && l.text === '')).toBe(true);
  });
});

describe('TranscriptRecorder on the phone, a NAM said in words at another question', () => {
  it('masks it to its last four, as at the NAM question', async () => {
    const { adapterFor, lines } = memoryRecorder();
    const adapter = adapterFor(undefined, {
      channelId: 'telephony',
      conversation: { id: 'call-2' } as ConversationAccount,
    });
    await adapter.send('pour BOUM cinquante-cinq zéro huit douze douze humira').startTest();
    await adapter.send('le dossier de BOUM cinquante-cinq zéro huit douze douze').startTest();
    await adapter.send('je veux parler à un agent').startTest();
    const kept = await lines();
    expect(JSON.stringify(kept)).not.toMatch(/cinquante|BOUM/);
    expect(kept.map((l) => l.text)).toEqual([
      'pour ********1212 humira',
      'le dossier de ********1212',
      'je veux parler à un agent',
    ]);
  });
});

describe('TranscriptRecorder while the next secret question is chosen', () => {
  it('withholds an answer typed where a question number is asked, keeps the number', async () => {
    const { adapterFor, lines, askedBy } = memoryRecorder();
    const adapter = adapterFor((context) => askedBy(context, QUESTION_PICK_PROMPT), {
      channelId: 'webchat',
      conversation: { id: 'setup-1' } as ConversationAccount,
    });
    await adapter.send('bonjour').startTest();
    await adapter.send('Minou').startTest();
    // A year is a common secret answer; the list's numbers have one or two digits.
    await adapter.send('1985').startTest();
    await adapter.send('2').startTest();
    const kept = await lines();
    expect(JSON.stringify(kept)).not.toContain('Minou');
    expect(JSON.stringify(kept)).not.toContain('1985');
    expect(kept.slice(1).map((l) => [l.text, l.withheld])).toEqual([
      ['', 'secret'],
      ['', 'secret'],
      ['2', undefined],
    ]);
  });
});

describe('TranscriptRecorder and the reply', () => {
  /** Transcript lines that wait for `release`, then fail when told to. */
  class SlowTranscriptStore extends MemoryTranscriptStore {
    private readonly held: Array<() => void> = [];
    failing = false;

    override async append(conversationKey: string, entries: TranscriptEntry[]): Promise<void> {
      await new Promise<void>((resolve) => this.held.push(resolve));
      if (this.failing) throw new Error('redis down');
      return super.append(conversationKey, entries);
    }

    release(): void {
      for (const resume of this.held.splice(0)) resume();
    }
  }

  it.each([
    ['kept once written', false, 2, []],
    ['lost, with a warning', true, 0, ['transcript line not kept']],
  ])('answers before the lines are written; a line is %s', async (_label, failing, kept, warned) => {
    const store = new SlowTranscriptStore(60_000);
    store.failing = failing;
    const pendingWrites = new PendingWrites();
    const warnings: string[] = [];
    const { adapterFor, lines } = memoryRecorder({ store, pendingWrites, warnings });
    const adapter = adapterFor((context) => context.sendActivity('reçu'));
    await adapter.send('bonjour').assertReply('reçu').startTest();
    expect(pendingWrites.size).toBe(1);
    expect(await lines()).toEqual([]);
    store.release();
    await pendingWrites.settle();
    expect(await lines()).toHaveLength(kept);
    expect(warnings).toEqual(warned);
  });
});

describe('TranscriptRecorder in the running bot', () => {
  let app: Application;

  beforeAll(async () => {
    app = await createTestApp({ CLOCK_NOW: OPEN });
  });

  it('never keeps secret answers; says that something was withheld', async () => {
    const client = new TestClient(app);
    for (const input of ['bonjour', '1', '1', JULIE.userName]) await client.say(input);
    // Three of Julie's answers, right or wrong, must not reach the transcript.
    for (const answer of ['Filou', 'Rimouski', 'Toyota']) await client.say(answer);
    const escalation = await escalationOf(app, textOf(await client.say('agent')));
    const dump = JSON.stringify(escalation);
    for (const secret of DEMO_SECRETS) expect(dump).not.toContain(secret);
    expect(escalation.transcript.filter((e) => e.withheld === 'secret')).toHaveLength(3);
    expect(escalation.userNameCandidate).toBe('CE100001');
    expect(escalation.userName).toBeUndefined();
  });

  it('withholds a secret answer typed where it asks whether to try other questions, keeps a yes or no', async () => {
    // Its own bot: the failed rounds count against Julie's account.
    const { app: ownApp, client } = await ownClient({});
    for (const input of ['bonjour', '1', '1', JULIE.userName]) await client.say(input);
    for (const wrong of ['pas sûr', 'aucune idée', 'je ne sais plus']) await client.say(wrong);
    // Asked « Voulez-vous réessayer avec trois autres questions? », the user keeps answering.
    expect(textOf(await client.say(JULIE.answers.firstPet))).toMatch(/autres questions/);
    await client.say(JULIE.answers.favouriteDish);
    const escalation = await escalationOf(ownApp, textOf(await client.say('agent')));
    const dump = JSON.stringify(escalation);
    for (const secret of DEMO_SECRETS) expect(dump).not.toContain(secret);
    expect(escalation.transcript.filter((e) => e.withheld === 'secret')).toHaveLength(5);

    const other = new TestClient(ownApp);
    for (const input of ['bonjour', '1', '1', JULIE.userName, 'a', 'b', 'c', 'non']) await other.say(input);
    const second = await escalationOf(ownApp, textOf(await other.say('agent')));
    expect(second.transcript.some((e) => e.from === 'user' && e.text === 'non')).toBe(true);
  });

  it('withholds a secret answer typed just after a round that said no, keeps a menu number', async () => {
    const { app: ownApp, client } = await ownClient({});
    for (const input of ['bonjour', '1', '1', JULIE.userName]) await client.say(input);
    for (const wrong of ['pas sûr', 'aucune idée', 'je ne sais plus']) await client.say(wrong);
    // « Voulez-vous réessayer? » « non »: the round is over, the menu is back, and the user remembers one.
    await client.say('non');
    await client.say(JULIE.answers.firstPet);
    await client.say('2');
    const escalation = await escalationOf(ownApp, textOf(await client.say('agent')));
    expect(JSON.stringify(escalation)).not.toContain(JULIE.answers.firstPet);
    expect(escalation.transcript.some((e) => e.from === 'user' && e.text === '2')).toBe(true);
  });

  it('withholds secret answers a caller says again once the round passed and the menu is back', async () => {
    const { app: ownApp, client } = await ownClient({
      channelId: 'telephony',
      locale: 'fr-CA',
      conversationId: 'call-after-round',
    });
    await client.say('1');
    await client.say('1');
    const firstAsked = heard(await client.say('2100001#'));
    const { given, last } = await answerJulieRound(firstAsked, async (t) => heard(await client.say(t)));
    expect(last).toMatch(/mot de passe temporaire/);
    // The temporary password is dictated, then the menu; the caller repeats two of the answers just given.
    await client.say(given[0]);
    await client.say(given[2]);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = await ownApp.escalation.transcripts.recent(hashId('telephony/call-after-round'));
    const dump = JSON.stringify(lines);
    for (const answer of given) expect(dump).not.toContain(answer);
    expect(lines.filter((e) => e.from === 'user').slice(-2)).toEqual([
      expect.objectContaining({ withheld: 'secret' }),
      expect.objectContaining({ withheld: 'secret' }),
    ]);
  });

  it.each([
    ['telephony', 'K 7 P M 4 Q X 2 9 R'],
    ['telephony', 'k sept p m quatre q x deux neuf r'],
    ['telephony', 'K comme Kilo 7 P M 4 Q X 2 9 R'],
    ['webchat', 'k 7 p m 4 q x 2 9 r'],
  ])(
    'on %s, withholds a temporary password spelled where the user name is asked: %s',
    async (channelId, said) => {
      // The bot dictates temporary passwords character by character; said back the same way, they are ten short
      // words, which the password-shaped and the temporary-password searches never see.
      const client = new TestClient(app, { channelId, locale: 'fr-CA', conversationId: `spelled-${said}` });
      for (const input of ['1', '1']) await client.say(input);
      await client.say(said);
      await client.say('c e 1 0 0 0 0 1');
      await new Promise((resolve) => setImmediate(resolve));
      const lines = await app.escalation.transcripts.recent(hashId(`${channelId}/spelled-${said}`));
      const users = lines.filter((e) => e.from === 'user');
      expect(users.slice(-2)).toEqual([
        expect.objectContaining({ text: '', withheld: 'secret' }),
        // A user name spelled the same way is kept: the agent needs it.
        expect.objectContaining({ text: 'c e 1 0 0 0 0 1' }),
      ]);
    },
  );

  it('never keeps a password, even typed in clear instead of in the card; the verified user name is kept', async () => {
    const client = new TestClient(app);
    for (const input of ['bonjour', '1', '3', JULIE.userName]) await client.say(input);
    await client.say(JULIE.password);
    const escalation = await escalationOf(app, textOf(await client.say('agent')));
    expect(JSON.stringify(escalation)).not.toContain(JULIE.password);
    expect(escalation.transcript.some((e) => e.withheld === 'secret')).toBe(true);
    expect(escalation.userName).toBe('CE100001');
  });

  it.each([
    ['alone, where the user name is asked', ['bonjour', '1', '2'], JULIE.password],
    ['after the user name, where it is asked', ['bonjour', '1', '2'], `CE100002 Bureau!Levis2026`],
    ['in words, where the user name is asked', ['bonjour', '1', '2'], 'Pharmacie Rimouski 2026'],
    ['in a sentence, anywhere', ['bonjour'], `mon mot de passe ${JULIE.password} ne marche plus`],
    [
      'in words in a sentence, anywhere',
      ['bonjour'],
      'mon mot de passe est Pharmacie Rimouski 2026, il bloque',
    ],
  ])('never keeps a password typed %s', async (_label, before, typed) => {
    const client = new TestClient(app);
    for (const input of before) await client.say(input);
    await client.say(typed);
    const escalation = await escalationOf(app, textOf(await client.say('agent')));
    expect(JSON.stringify(escalation)).not.toContain(JULIE.password);
    expect(JSON.stringify(escalation)).not.toContain('Bureau!Levis2026');
    expect(JSON.stringify(escalation)).not.toContain('Pharmacie Rimouski 2026');
    // The bot's own lines stay readable.
    expect(JSON.stringify(escalation.transcript)).toContain('Que puis-je faire pour vous?');
    expect(JSON.stringify(escalation.transcript)).toContain('*Médicaments d');
    expect(escalation.transcript.length).toBeGreaterThan(before.length);
  });

  it('masks a password the bot quotes back (a medication search), not only the user’s own line', async () => {
    const client = new TestClient(app);
    for (const input of ['bonjour', '1', '2', JULIE.userName]) await client.say(input);
    await client.say({ value: { accountsCard: 'current', password: JULIE.password } });
    await client.say('BOUM 5508 1212');
    const echoed = textOf(await client.say('Montagne!Hibou2026'));
    // Not even on the user's screen (someone may be looking over their shoulder), nor in the agents' transcript.
    expect(echoed).toContain('« •••• »');
    expect(echoed).not.toContain('Montagne!Hibou2026');
    const escalation = await escalationOf(app, textOf(await client.say('agent')));
    expect(JSON.stringify(escalation.transcript)).not.toContain('Montagne!Hibou2026');
    expect(JSON.stringify(escalation)).not.toContain(JULIE.password);
  });

  it('masks a NAM to its last four and keeps the conversation otherwise', async () => {
    const client = new TestClient(app);
    await client.say('bonjour');
    await client.say('où en est la demande de BOUM 5508 1212 pour Humira');
    const escalation = await escalationOf(app, textOf(await client.say('agent')));
    const dump = JSON.stringify(escalation);
    expect(dump).not.toMatch(/BOUM\s?5508/);
    expect(escalation.transcript.find((e) => e.from === 'user' && e.text.includes('1212'))?.text).toContain(
      '********1212',
    );
    expect(escalation.transcript.some((e) => e.from === 'bot' && e.text.includes('Bonjour!'))).toBe(true);
  });

  it('masks a NAM written in words in a chat, which the bot reads as one, in the transcript and while waiting', async () => {
    const client = new TestClient(app, { channelId: 'webchat' });
    await client.say('bonjour');
    await client.say('où en est la demande de bé o u emme cinq cinq zéro huit un deux un deux');
    const escalation = await escalationOf(app, textOf(await client.say('agent')));
    // Written to the agent while waiting: kept with the request until an agent takes it.
    await client.say('le NAM est B comme Bernard O U M cinquante-cinq zéro huit douze douze');
    const stored = JSON.stringify(await app.escalation.store.get(escalation.id));
    expect(stored).not.toContain('zéro huit un deux un deux');
    expect(stored).not.toContain('zéro huit douze douze');
    expect(stored).toContain('********1212');
  });

  it('masks a NAM typed with irregular spacing, which the bot still reads as one', async () => {
    const client = new TestClient(app);
    await client.say('bonjour');
    await client.say('où en est la demande de BOUM  5508  1212 pour Humira');
    const escalation = await escalationOf(app, textOf(await client.say('agent')));
    const dump = JSON.stringify(escalation);
    expect(dump).not.toMatch(/BOUM\s*5508/);
    expect(dump).not.toMatch(/5508\s*1212/);
    expect(escalation.transcript.find((e) => e.from === 'user' && e.text.includes('1212'))?.text).toContain(
      '********1212',
    );
  });

  it('masks a NAM split over two messages at a menu, letters first, so that no two lines give it whole', async () => {
    const client = new TestClient(app);
    await client.say('bonjour');
    await client.say('GAGS');
    await client.say('7262 0314');
    const escalation = await escalationOf(app, textOf(await client.say('agent')));
    const dump = JSON.stringify(escalation);
    expect(dump).not.toMatch(/7262\s*0314/);
    expect(escalation.transcript.map((e) => e.text)).toEqual(expect.arrayContaining(['GAGS', '****0314']));
  });

  it.each(['test', 'webchat'])(
    'on the %s channel, keeps the menus and tags « not understood » after two misses, cards or not',
    async (channelId) => {
      const client = new TestClient(app, { channelId });
      for (const input of ['bonjour', 'blabla', 'patate']) await client.say(input);
      const escalation = await escalationOf(app, textOf(await client.say('0')));
      expect(escalation.reason).toBe('notUnderstood');
      expect(JSON.stringify(escalation.transcript)).toContain('Que puis-je faire pour vous?');
    },
  );

  it('tags the reason when the bot said the secret questions were never chosen', async () => {
    const client = new TestClient(app);
    for (const input of ['bonjour', '1', '1', 'CE100002']) await client.say(input);
    const escalation = await escalationOf(app, textOf(await client.say('agent')));
    expect(escalation.reason).toBe('secretQuestionsNotConfigured');
  });
});

describe('TranscriptRecorder: secrets said again later, and harmless messages near secrets', () => {
  /** The user's lines of a conversation's transcript, as an agent would read them (withheld ones empty). */
  async function userLines(app: Application, channelId: string, conversationId: string) {
    await new Promise((resolve) => setImmediate(resolve));
    const lines = await app.escalation.transcripts.recent(hashId(`${channelId}/${conversationId}`));
    return { dump: JSON.stringify(lines), shown: lines.filter((e) => e.from === 'user').map((e) => e.text) };
  }

  it('in French chat, never keeps the secret answers said again turns later, keeps « annuler », a sentence and a choice', async () => {
    const { app: ownApp, client } = await ownClient({
      channelId: 'webchat',
      locale: 'fr-CA',
      conversationId: 'later-fr',
    });
    for (const input of ['bonjour', '1', '1']) await client.say(input);
    const firstAsked = textOf(await client.say(JULIE.userName));
    const { given, last } = await answerJulieRound(firstAsked, async (t) => textOf(await client.say(t)));
    // The round passed: the new password card is shown; the user leaves it.
    expect(last).toMatch(/nouveau mot de passe/i);
    await client.say('annuler');
    await client.say('je ne comprends pas ce qui se passe ici');
    await client.say('2');
    // Turns later, an answer typed a third time, then one quoted to « explain » to the agent.
    await client.say(given[0]);
    await client.say(`pour l'agent : ma réponse était ${given[1]}, je crois`);
    await client.say('agent');
    const { dump, shown } = await userLines(ownApp, 'webchat', 'later-fr');
    for (const answer of given) expect(dump).not.toContain(answer);
    expect(shown).toEqual(
      expect.arrayContaining([
        'annuler',
        'je ne comprends pas ce qui se passe ici',
        '2',
        "pour l'agent : ma réponse était ••••, je crois",
        'agent',
      ]),
    );
  });

  it('in English chat, after the password card, keeps « help », « menu », a sentence and a choice, never the password said in words', async () => {
    const { app: ownApp, client } = await ownClient({
      channelId: 'webchat',
      locale: 'en-CA',
      conversationId: 'card-en',
    });
    for (const input of ['English', '1', '2', JULIE.userName]) await client.say(input);
    expect(textOf(await client.say({ value: passwordCardValue('current', JULIE.password) }))).toMatch(
      /health insurance number/i,
    );
    await client.say('help');
    await client.say('menu');
    await client.say('I am not sure what I should do next');
    await client.say('2');
    await client.say('Pharmacie Rimouski 2026 is what I typed');
    await client.say('agent');
    const { dump, shown } = await userLines(ownApp, 'webchat', 'card-en');
    expect(dump).not.toContain(JULIE.password);
    expect(dump).not.toMatch(/Pharmacie Rimouski 2026/i);
    expect(shown).toEqual(
      expect.arrayContaining([
        'help',
        'menu',
        'I am not sure what I should do next',
        '2',
        '•••• is what I typed',
        'agent',
      ]),
    );
  });

  it.each([
    ['fr', 'aide', [], /mot de passe temporaire/, "euh la réponse c'était"],
    ['en', 'help', ['English'], /temporary password/, 'uh the answer was'],
  ] as const)(
    'on the phone in %s, never keeps an answer the caller says a third time or in a later turn, keeps « %s » and a choice',
    async (lang, help, before, issued, lead) => {
      const conversationId = `call-later-${lang}`;
      const { app: ownApp, client } = await ownClient({
        channelId: 'telephony',
        locale: 'fr-CA',
        conversationId,
      });
      for (const input of [...before, '1', '1']) await client.say(input);
      const firstAsked = heard(await client.say('2100001#'));
      const say = async (t: string) => heard(await client.say(t));
      const { given, last } = await answerJulieRound(firstAsked, say, lang);
      expect(last).toMatch(issued);
      // Speech recognition writes the same answer as it hears it: in lower case this time.
      await client.say(given[0].toLowerCase());
      await client.say(help);
      await client.say(given[1]);
      await client.say('2');
      await client.say(`${lead} ${given[2]}`);
      const { dump, shown } = await userLines(ownApp, 'telephony', conversationId);
      for (const answer of given) {
        expect(dump).not.toContain(answer);
        expect(dump).not.toContain(answer.toLowerCase());
      }
      expect(shown).toEqual(expect.arrayContaining([help, '2', `${lead} ••••`]));
    },
  );

  it('in French chat, keeps « aide » where a secret question is asked, never a request for an agent that carries an answer', async () => {
    const { app: ownApp, client } = await ownClient({
      channelId: 'webchat',
      locale: 'fr-CA',
      conversationId: 'ask-fr',
    });
    for (const input of ['bonjour', '1', '1', JULIE.userName]) await client.say(input);
    expect(textOf(await client.say('aide'))).toMatch(/Question 1 sur 3/);
    await client.say('je veux parler à un agent, la réponse est Filou');
    const { dump, shown } = await userLines(ownApp, 'webchat', 'ask-fr');
    expect(dump).not.toContain('Filou');
    expect(shown.slice(-2)).toEqual(['aide', '']);
  });

  it('in English chat, keeps « help » where it asks whether to try other questions, never a wrong answer typed again', async () => {
    const { app: ownApp, client } = await ownClient({
      channelId: 'webchat',
      locale: 'en-CA',
      conversationId: 'retry-en',
    });
    for (const input of ['English', '1', '1', JULIE.userName]) await client.say(input);
    // Wrong answers may be the answers to other questions: kept out as well.
    for (const wrong of ['Minou', 'Chicoutimi', 'Honda']) await client.say(wrong);
    expect(textOf(await client.say('help'))).toMatch(/three other questions/);
    // Still answering there, at length: an answer, not a sentence.
    await client.say('Pâté chinois like my mom made it');
    await client.say('no');
    await client.say('Honda');
    await client.say('1');
    await client.say('I typed Minou for the pet');
    await client.say('agent');
    const { dump, shown } = await userLines(ownApp, 'webchat', 'retry-en');
    for (const wrong of ['Minou', 'Chicoutimi', 'Honda', 'like my mom']) expect(dump).not.toContain(wrong);
    expect(shown).toEqual(expect.arrayContaining(['help', 'no', '1', 'I typed •••• for the pet', 'agent']));
  });

  it.each([
    ['fr-CA', 'bonjour', 'je vous explique : ma réponse était', 'merci de votre patience'],
    ['en-CA', 'English', 'to explain: my answer was', 'thank you for waiting'],
  ])(
    'in %s chat, never passes to the agent an answer repeated while waiting in the queue, passes the rest',
    async (locale, hello, lead, thanks) => {
      const { app: ownApp, client } = await ownClient({
        channelId: 'webchat',
        locale,
        conversationId: `queue-${locale}`,
      });
      for (const input of [hello, '1', '1']) await client.say(input);
      const firstAsked = textOf(await client.say(JULIE.userName));
      const say = async (t: string) => textOf(await client.say(t));
      const { given } = await answerJulieRound(firstAsked, say, locale === 'en-CA' ? 'en' : 'fr');
      const escalation = await escalationOf(ownApp, textOf(await client.say('agent')));
      // Queued: the user's messages now wait for the agent, who reads them on taking the request.
      await client.say(given[0]);
      await client.say(`${lead} ${given[1]}`);
      await client.say(thanks);
      const pending = await ownApp.escalation.store.pending(escalation.id);
      const dump = JSON.stringify(pending);
      for (const answer of given) expect(dump).not.toContain(answer);
      expect(pending.map((m) => m.text)).toEqual(['••••', `${lead} ••••`, thanks]);
    },
  );

  it('never puts an answer typed earlier in the reason of a call-back request, which agents read', async () => {
    // Saturday: the Centre is closed, « agent » leads to a call-back request.
    const { app: closed, client } = await ownClient(
      { channelId: 'webchat', locale: 'fr-CA', conversationId: 'callback-fr' },
      '2026-11-28T10:00:00-05:00',
    );
    for (const input of ['bonjour', '1', '1']) await client.say(input);
    const firstAsked = textOf(await client.say(JULIE.userName));
    const { given } = await answerJulieRound(firstAsked, async (t) => textOf(await client.say(t)));
    for (const input of ['agent', '2', 'oui', 'Julie Tremblay', '514 555 1234', '1']) await client.say(input);
    const readBack = textOf(await client.say(`ma réponse ${given[0]} est toujours refusée`));
    expect(readBack).toContain('Est-ce exact?');
    await client.say('oui');
    expect(readBack).toContain('ma réponse •••• est toujours refusée');
    const [request] = await closed.escalation.store.pendingCallbacks();
    for (const answer of given) expect(JSON.stringify(request)).not.toContain(answer);
    expect(request.reason).toEqual({ text: 'ma réponse •••• est toujours refusée' });
    // Nor in the transcript, where the bot's read-back quotes it.
    const { dump } = await userLines(closed, 'webchat', 'callback-fr');
    for (const answer of given) expect(dump).not.toContain(answer);
  });

  it('never quotes back a password typed earlier in words where a medication is asked, nor keeps it in the transcript', async () => {
    const { app: ownApp, client } = await ownClient({
      channelId: 'webchat',
      locale: 'fr-CA',
      conversationId: 'echo-fr',
    });
    for (const input of ['bonjour', '1', '2', JULIE.userName]) await client.say(input);
    await client.say({ value: passwordCardValue('current', JULIE.password) });
    await client.say('BOUM 5508 1212');
    const echoed = textOf(await client.say('Pharmacie Rimouski 2026'));
    expect(echoed).toContain('« •••• »');
    expect(echoed).not.toMatch(/Pharmacie Rimouski/i);
    const { dump } = await userLines(ownApp, 'webchat', 'echo-fr');
    expect(dump).not.toMatch(/Pharmacie Rimouski/i);
  });

  it('in French chat, after a round and « aide » at the menu, still withholds an answer typed for the first time', async () => {
    const { app: ownApp, client } = await ownClient({
      channelId: 'webchat',
      locale: 'fr-CA',
      conversationId: 'help-fr',
    });
    for (const input of ['bonjour', '1', '1', JULIE.userName]) await client.say(input);
    for (const wrong of ['pas sûr', 'aucune idée', 'je ne sais plus']) await client.say(wrong);
    await client.say('non');
    // « aide » says what the bot can do and asks the menu again: the user has not moved on.
    await client.say('aide');
    await client.say(JULIE.answers.firstPet);
    await client.say('2');
    const { dump, shown } = await userLines(ownApp, 'webchat', 'help-fr');
    expect(dump).not.toContain(JULIE.answers.firstPet);
    expect(shown.slice(-4)).toEqual(['non', 'aide', '', '2']);
  });

  it('keeps no secret in the conversation state, only keyed fingerprints', async () => {
    const storage = new MemoryStorage();
    const ownApp = await createTestApp({ CLOCK_NOW: OPEN }, { storage });
    const client = new TestClient(ownApp, {
      channelId: 'webchat',
      locale: 'fr-CA',
      conversationId: 'state-fr',
    });
    for (const input of ['bonjour', '1', '3', JULIE.userName]) await client.say(input);
    await client.say({ value: passwordCardValue('current', JULIE.password) });
    await client.say('Filou');
    await client.say('menu');
    await client.say('Filou');
    // Everything the bot keeps, conversation and user state alike.
    const dump = JSON.stringify(storage);
    expect(dump).toContain('secretFingerprints');
    expect(dump).not.toMatch(/filou|pharmacie|rimouski/i);
    const { shown } = await userLines(ownApp, 'webchat', 'state-fr');
    expect(shown).not.toContain('Filou');
  });
});
