import type { Activity, ChannelAccount, ConversationAccount } from 'botbuilder';
import type { Application } from '../../src/index';
import { FixedClock } from '../../src/services/clock';
import { IdleMemoryStorage } from '../../src/services/idleMemoryStorage';
import { postViaConnector, RecordingConnector } from '../helpers/connector';
import { createTestApp } from '../helpers/bot';
import { JULIE, julieAnswerFor } from '../helpers/accounts';

/**
 * The running bot over HTTP, as a user (Web Chat) and as agents (Teams), with a real connector recording every
 * reply and proactive message: the checks the issue describes, at fixed clocks inside and outside hours.
 */

jest.setTimeout(60_000);

const AGENT_A = '0b7c1f3e-0000-4000-8000-00000000000a';
const AGENT_B = '0b7c1f3e-0000-4000-8000-00000000000b';
const HUB = '19:hub-agents@thread.tacv2';
const MONDAY_10H = new Date('2026-11-30T10:00:00-05:00');

/** An activity as a client posts it: the connector fills in nothing, so partial accounts are fine. */
type WireActivity = Omit<Partial<Activity>, 'conversation' | 'from'> & {
  conversation?: Partial<ConversationAccount>;
  from?: Partial<ChannelAccount>;
};

interface Driver {
  app: Application;
  connector: RecordingConnector;
  baseUrl: string;
  post(activity: WireActivity): Promise<number>;
}

/**
 * Memory storage that can make the next state write of a conversation lose the race: just before it, the
 * stored state is saved again, as a turn of the user on another instance would, so the write's eTag is stale.
 */
class RaceLosingStorage extends IdleMemoryStorage {
  private readonly losers = new Map<string, number>();

  constructor() {
    super({ idleMsFor: () => undefined, sweepEveryMs: 60_000 });
  }

  /** The next `times` writes of the conversation's state are beaten to it. */
  beatNextWrites(conversationId: string, times: number): void {
    this.losers.set(conversationId, times);
  }

  override async writeText(
    key: string,
    text: string,
    expectedETag: string | null | undefined,
  ): Promise<string> {
    const conversation = [...this.losers.keys()].find((id) => key.includes(`/conversations/${id}/`));
    const left = conversation ? (this.losers.get(conversation) ?? 0) : 0;
    if (conversation && left > 0) {
      this.losers.set(conversation, left - 1);
      const [stored] = await this.readTexts([key]);
      if (stored) await super.writeText(key, stored.text, stored.eTag);
    }
    return super.writeText(key, text, expectedETag);
  }
}

async function startDriver(
  env: Record<string, string>,
  clock?: FixedClock,
  storage?: RaceLosingStorage,
): Promise<Driver> {
  const connector = new RecordingConnector();
  await connector.start();
  const app = await createTestApp(
    {
      LOCAL_CHAT: 'false',
      AGENT_IDS: `${AGENT_A},${AGENT_B}`,
      AGENT_HUB_CONVERSATION: HUB,
      HANDOFF_STATUS_SENDERS: 'omnichannel',
      ...env,
    },
    { ...(clock ? { clock } : {}), ...(storage ? { storage } : {}) },
  );
  const baseUrl = await app.start();
  const post = async (activity: WireActivity) => {
    return postViaConnector(baseUrl, connector.url, {
      recipient: { id: 'bot', name: 'Assistant RAMQ' },
      ...activity,
    });
  };
  return { app, connector, baseUrl, post };
}

async function stopDriver(driver: Driver): Promise<void> {
  await driver.app.stop();
  await driver.connector.stop();
}

/** A Web Chat user in their own conversation. */
function webUser(driver: Driver, conversationId: string) {
  return (input: string | WireActivity) =>
    driver.post({
      channelId: 'webchat',
      from: { id: `user-${conversationId}`, name: 'Utilisateur' },
      conversation: { id: conversationId },
      ...(typeof input === 'string' ? { text: input } : input),
    });
}

/** An agent in a personal Teams chat with the bot. */
function teamsAgent(driver: Driver, aad: string, name: string) {
  const conversationId = `a:personal-${aad}`;
  const send = (input: string | WireActivity) =>
    driver.post({
      channelId: 'msteams',
      from: { id: `29:${aad}`, name, aadObjectId: aad },
      conversation: { id: conversationId, conversationType: 'personal' },
      ...(typeof input === 'string' ? { text: input } : input),
    });
  return { send, conversationId };
}

/** The escalation id in the user's queue message. */
function escalationIdIn(text: string): string {
  const match = /E-[A-Z2-9]{6}/.exec(text);
  if (!match) throw new Error(`no escalation id in: ${text}`);
  return match[0];
}

describe('escalation over HTTP during business hours (Monday 30 November 2026, 10:00)', () => {
  let driver: Driver;
  let clock: FixedClock;

  beforeEach(async () => {
    clock = new FixedClock(MONDAY_10H);
    driver = await startDriver({}, clock);
  });

  afterEach(async () => {
    await stopDriver(driver);
  });

  it('queues the user, cards both agents, lets exactly one accept, relays both ways and ends with « terminer »', async () => {
    const { connector } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    const marc = teamsAgent(driver, AGENT_B, 'Marc Agent');
    // Agents open a chat with the bot once: that is how the bot can reach them later.
    expect(await julie.send('aide agent')).toBe(200);
    await marc.send('aide agent');
    expect(connector.textTo(julie.conversationId)).toContain('Commandes des agents');

    const user = webUser(driver, 'conv-user-1');
    await user('bonjour');
    const mark = connector.calls.length;
    await user('je veux parler à quelqu’un');
    const toUser = connector.textTo('conv-user-1', mark);
    expect(toUser).toContain('Vous êtes en position 1 dans la file d’attente'.replace('’', "'"));
    const id = escalationIdIn(toUser);
    // The external hub's event, with the context, in the user's conversation.
    const handoff = connector.to('conv-user-1').find((c) => c.activity.name === 'handoff.initiate');
    expect(handoff?.activity.value).toMatchObject({
      escalationId: id,
      reason: 'userRequest',
      language: 'fr',
      channel: 'webchat',
    });
    // One card each, with « Accepter ».
    for (const agent of [julie, marc]) {
      const card = connector.to(agent.conversationId).find((c) => c.activity.attachments?.length);
      expect(JSON.stringify(card?.activity.attachments)).toContain('Accepter');
      expect(JSON.stringify(card?.activity.attachments)).toContain(id);
    }

    // Both press « Accepter » at the same moment: one wins, the other is told.
    const accept = { value: { escalationAction: 'accept', escalationId: id } };
    const before = connector.calls.length;
    await Promise.all([julie.send(accept), marc.send(accept)]);
    const toJulie = connector.textTo(julie.conversationId, before);
    const toMarc = connector.textTo(marc.conversationId, before);
    const winners = [toJulie, toMarc].filter((t) => t.includes(`Vous avez pris la demande ${id}`));
    const losers = [toJulie, toMarc].filter((t) => t.includes(`La demande ${id} a déjà été prise par`));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const [winner, winnerName] = toJulie.includes('Vous avez pris') ? [julie, 'Julie'] : [marc, 'Marc'];
    expect(connector.textTo('conv-user-1', before)).toContain(`${winnerName}, agente ou agent du Centre`);

    // User → agent, agent → user, each in their own framing.
    let markRelay = connector.calls.length;
    await user('Mon mot de passe Pharmacie-Rimouski-2026 ne fonctionne plus');
    // A password typed to the agent is masked like a NAM: the agent never needs it.
    expect(connector.textTo(winner.conversationId, markRelay)).toContain(
      `**Utilisateur (${id})** : Mon mot de passe •••• ne fonctionne plus`,
    );
    expect(connector.textTo('conv-user-1', markRelay)).toBe('');
    markRelay = connector.calls.length;
    await winner.send('Bonjour, je regarde votre dossier.');
    expect(connector.textTo('conv-user-1', markRelay)).toContain(
      `**${winnerName}** : Bonjour, je regarde votre dossier.`,
    );

    // « terminer »: the user is told and is back at the menu, proactively.
    const markEnd = connector.calls.length;
    await winner.send('terminer');
    expect(connector.textTo(winner.conversationId, markEnd)).toContain(
      `La prise en charge de la demande ${id} est terminée`,
    );
    const ended = connector.textTo('conv-user-1', markEnd);
    expect(ended).toContain("L'agent a mis fin à la conversation.");
    expect(ended).toContain("Que puis-je faire d'autre pour vous?");
    // And the user's next message goes to the menu again, not to the agent.
    const markAfter = connector.calls.length;
    await user('2');
    expect(connector.textTo('conv-user-1', markAfter)).toContain("Heures d'ouverture");
    expect(connector.textTo(winner.conversationId, markAfter)).toBe('');

    const audit = await driver.app.escalation.audit.recent();
    expect(audit.map((e) => `${e.action}:${e.outcome}`)).toEqual(
      expect.arrayContaining([
        'escalationAccepted:success',
        'escalationTaken:refused',
        'escalationEnded:success',
      ]),
    );
  });

  it('shows agents what the user wrote as typed: never headings, bold or links on their cards and relays', async () => {
    const { connector } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-markdown-1');
    const link = '# Appelez **vite** [ici](http://ramq.example)';
    await user(link);
    await user('agent');
    const id = escalationIdIn(connector.textTo('conv-markdown-1'));
    await user(`Encore ${link}`);
    const mark = connector.calls.length;
    await julie.send({ value: { escalationAction: 'accept', escalationId: id } });
    await user(`Toujours ${link}`);
    const toJulie = JSON.stringify(connector.to(julie.conversationId).map((c) => c.activity));
    // Not on the new-request card (transcript), the session card (messages written while waiting) or the relay.
    expect(toJulie).not.toContain('**vite**');
    expect(toJulie).not.toMatch(/: (Encore |Toujours )?# Appelez/);
    expect(toJulie.split('\\\\# Appelez \\\\*\\\\*vite\\\\*\\\\*').length).toBeGreaterThan(3);
    expect(connector.textTo(julie.conversationId, mark)).toContain('Toujours \\# Appelez \\*\\*vite\\*\\*');
  });

  it('never shows an agent a secret answer the user repeats while waiting or once the agent is there', async () => {
    const { connector } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-secret-again');
    for (const input of ['bonjour', '1', '1', JULIE.userName]) await user(input);
    const given: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      const mark = connector.calls.length;
      const asked = connector.textTo('conv-secret-again').split('Question').pop() ?? '';
      given.push(julieAnswerFor(`Question${asked}`));
      await user(given[round]);
      expect(connector.calls.length).toBeGreaterThan(mark);
    }
    await user('agent');
    const id = escalationIdIn(connector.textTo('conv-secret-again'));
    await user(`je vous explique : ma réponse était ${given[0]}`);
    await julie.send({ value: { escalationAction: 'accept', escalationId: id } });
    const mark = connector.calls.length;
    await user(`et l'autre c'était ${given[1]}`);
    const toJulie = JSON.stringify(connector.to(julie.conversationId).map((c) => c.activity));
    for (const answer of given) expect(toJulie).not.toContain(answer);
    expect(toJulie).toContain('je vous explique : ma réponse était ••••');
    expect(connector.textTo(julie.conversationId, mark)).toContain("et l'autre c'était ••••");
  });

  it('writes each agent’s cards in the agent’s language, and marks them with its locale', async () => {
    const { connector } = driver;
    const english = teamsAgent(driver, AGENT_A, 'Julie Agente');
    // Chosen, and nothing written since: the next card is already in English.
    await english.send('English');
    const user = webUser(driver, 'conv-locale-1');
    await user('agent');
    const card = connector.to(english.conversationId).find((c) => c.activity.attachments?.length);
    expect(card?.activity.text).toMatch(/^New request/);
    expect(card?.activity.locale).toBe('en-CA');
  });

  it('keeps messages written while waiting for the agent, and « annuler » leaves the queue', async () => {
    const { connector } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const first = webUser(driver, 'conv-wait-1');
    const second = webUser(driver, 'conv-wait-2');
    await first('agent');
    await second('agent');
    expect(connector.textTo('conv-wait-2')).toContain('Vous êtes en position 2');
    const firstId = escalationIdIn(connector.textTo('conv-wait-1'));
    const secondId = escalationIdIn(connector.textTo('conv-wait-2'));

    let mark = connector.calls.length;
    await second('Il me faut un mot de passe temporaire, l’ancien était Bureau-Levis-2026-Nord');
    expect(connector.textTo('conv-wait-2', mark)).toContain('Votre message sera transmis');
    expect(connector.textTo('conv-wait-2', mark)).not.toContain('Que puis-je faire');
    // A click on an earlier card passes nothing on, and is not told it does.
    mark = connector.calls.length;
    await second({ text: '', value: { menuChoice: '1' } });
    expect(connector.textTo('conv-wait-2', mark)).toContain(
      "Vous êtes toujours en position 2 dans la file d'attente",
    );
    expect(connector.textTo('conv-wait-2', mark)).not.toContain('transmis');

    mark = connector.calls.length;
    await first('annuler');
    expect(connector.textTo('conv-wait-1', mark)).toContain("Vous avez quitté la file d'attente.");
    expect(connector.textTo('conv-wait-1', mark)).toContain('Que puis-je faire pour vous?');
    // The second user moves up.
    mark = connector.calls.length;
    await second('toujours là?');
    expect(connector.textTo('conv-wait-2', mark)).toContain('toujours en position 1');

    // The agent lists the queue, accepts, and gets what was written while waiting.
    await julie.send('file');
    const queue = JSON.stringify(connector.to(julie.conversationId).slice(-1)[0].activity.attachments);
    expect(queue).toContain(secondId);
    expect(queue).not.toContain(firstId);
    await julie.send(`accepter ${secondId.toLowerCase()}`);
    const session = JSON.stringify(connector.to(julie.conversationId).slice(-1)[0].activity.attachments);
    expect(session).toContain('Il me faut un mot de passe temporaire, l’ancien était ••••');
    expect(session).not.toContain('Bureau-Levis');
    expect(session).toContain('toujours là?');
  });

  it('queues a request sent five times at once once: one card per agent, one position, nothing left after « annuler »', async () => {
    const { connector, app } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-five');
    await user('bonjour');
    const mark = connector.calls.length;
    await Promise.all(Array.from({ length: 5 }, () => user('agent')));

    const active = await app.escalation.store.active();
    expect(active).toHaveLength(1);
    const cards = connector.calls
      .slice(mark)
      .filter((c) => c.conversationId === julie.conversationId && c.activity.attachments?.length);
    expect(cards).toHaveLength(1);
    // Told once that the request is passed on, and never another place in the queue; the turns that came
    // after the first was saved are messages kept for the agent.
    const toUser = connector.textTo('conv-five', mark);
    expect(toUser.match(/Je transmets votre demande/g)).toHaveLength(1);
    expect(toUser.match(/position \d+/g)?.every((p) => p === 'position 1')).toBe(true);
    expect(new Set(toUser.match(/E-[A-Z2-9]{6}/g))).toEqual(new Set([active[0].id]));

    await user('annuler');
    expect(await app.escalation.store.active()).toEqual([]);
  });

  it('closes a request nobody took, whose user never answered the call-back offer, a day after it was made', async () => {
    const { connector, app } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-stale');
    await user('agent');
    const id = escalationIdIn(connector.textTo('conv-stale'));
    clock.advance(11 * 60_000);
    await app.escalation.hub.sweep();
    expect((await app.escalation.store.get(id))?.status).toBe('timedOut');
    clock.advance(23 * 3600_000);
    await app.escalation.hub.sweep();
    expect((await app.escalation.store.get(id))?.status).toBe('timedOut');
    clock.advance(3600_000);
    await app.escalation.hub.sweep();
    expect((await app.escalation.store.get(id))?.status).toBe('closed');
    expect(await app.escalation.store.active()).toEqual([]);
    await julie.send('file');
    const queue = JSON.stringify(connector.to(julie.conversationId).slice(-1)[0].activity.attachments);
    expect(queue).not.toContain(id);
  });

  it('offers a call-back when nobody accepts within ESCALATION_WAIT_MINUTES, and shows it to agents at once', async () => {
    const { connector, app } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-timeout');
    await user('agent');
    clock.advance(9 * 60_000);
    await app.escalation.hub.sweep();
    expect(connector.textTo('conv-timeout')).not.toContain('aucun agent');
    clock.advance(61_000);
    const mark = connector.calls.length;
    await app.escalation.hub.sweep();
    expect(connector.textTo('conv-timeout', mark)).toContain(
      "aucun agent n'a pu prendre votre demande depuis 10 minutes",
    );
    for (const answer of [
      'oui',
      'Julie Tremblay',
      '418 555-0199 poste 12',
      '2',
      'Mot de passe oublié, pas de questions secrètes',
      'oui',
    ]) {
      await user(answer);
    }
    const text = connector.textTo('conv-timeout', mark);
    expect(text).toContain('Téléphone : 418 555-0199, poste 12');
    expect(text).toMatch(
      /Votre numéro de référence : R-261130-\d{3}\. Un agent vous rappellera dès que possible aujourd'hui\./,
    );
    const cardToAgent = JSON.stringify(connector.to(julie.conversationId).slice(-1)[0].activity.attachments);
    expect(cardToAgent).toContain('Julie Tremblay');
    expect(cardToAgent).toContain('418 555-0199, poste 12');
  });

  it('refuses agent commands to anyone who is not an agent, and audits the refusal', async () => {
    const { connector, app } = driver;
    const user = webUser(driver, 'conv-sneaky');
    await user('agent');
    const id = escalationIdIn(connector.textTo('conv-sneaky'));
    const outsider = (input: string | WireActivity) =>
      driver.post({
        channelId: 'msteams',
        from: { id: '29:outsider', name: 'Pas Agent', aadObjectId: '0b7c1f3e-0000-4000-8000-0000000000ff' },
        conversation: { id: 'a:outsider', conversationType: 'personal' },
        ...(typeof input === 'string' ? { text: input } : input),
      });
    const mark = connector.calls.length;
    await outsider({ value: { escalationAction: 'accept', escalationId: id } });
    await outsider(`accepter ${id}`);
    await outsider(`fermer ${id}`);
    const replies = connector.textTo('a:outsider', mark);
    expect(replies.match(/Cette commande est réservée aux agents/g)).toHaveLength(3);
    expect((await app.escalation.store.get(id))?.status).toBe('waiting');
    const refused = (await app.escalation.audit.recent()).filter((e) => e.action === 'agentCommandRefused');
    expect(refused.map((e) => e.detail)).toEqual(['accept', 'accept', 'close']);
    expect(
      refused.every((e) => e.escalationId === id && e.outcome === 'refused' && !e.actor.includes('outsider')),
    ).toBe(true);
  });

  it('lets an agent issue a temporary password for the user who has no secret questions, shown once', async () => {
    const { connector, app } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-marc');
    // Marc (CE100002) never chose his secret questions: the reset flow sends him to the Centre.
    for (const input of ['bonjour', '1', '1', 'CE100002']) await user(input);
    expect(connector.textTo('conv-marc')).toContain("Vos questions secrètes n'ont pas été choisies");
    await user('agent');
    const id = escalationIdIn(connector.textTo('conv-marc'));
    const card = JSON.stringify(connector.to(julie.conversationId).slice(-1)[0].activity.attachments);
    expect(card).toContain('Questions secrètes non choisies');
    expect(card).toContain('CE100002');
    await julie.send({ value: { escalationAction: 'accept', escalationId: id } });

    // Without a verified user name the agent must name the one they verified.
    let mark = connector.calls.length;
    await julie.send('mot de passe temporaire');
    expect(connector.textTo(julie.conversationId, mark)).toContain('mot de passe temporaire CE100002');
    mark = connector.calls.length;
    await julie.send('mot de passe temporaire CE100002');
    const shown = connector.calls
      .slice(mark)
      .find((c) => c.conversationId === julie.conversationId && c.activity.attachments?.length);
    const password = /"text":"([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{2})"/.exec(
      JSON.stringify(shown?.activity.attachments),
    )?.[1];
    expect(password).toBeDefined();
    expect(connector.textTo('conv-marc', mark)).toContain("L'agent a créé un mot de passe temporaire");
    // « C'est noté »: the card is replaced by one without the password.
    await julie.send({ value: { escalationAction: 'passwordNoted' }, replyToId: shown?.activityId });
    const update = connector.calls.find((c) => c.kind === 'update' && c.activityId === shown?.activityId);
    expect(update).toBeDefined();
    expect(JSON.stringify(update?.activity)).not.toContain(password as string);
    // Shown once: the password is in that one card and nowhere else the connector saw.
    expect(
      connector.calls.filter((c) => JSON.stringify(c.activity).includes(password as string)),
    ).toHaveLength(1);
    const audit = await app.escalation.audit.recent();
    expect(audit.find((e) => e.action === 'temporaryPasswordIssued')).toMatchObject({
      outcome: 'success',
      actor: AGENT_A,
      userName: 'CE100002',
      escalationId: id,
      detail: 'verifiedByAgent',
    });
    await julie.send('terminer');

    // Marc logs in with it: forced change, then the secret questions (the seed's first login).
    const login = webUser(driver, 'conv-marc-login');
    for (const input of ['bonjour', '1', '3', 'CE100002']) await login(input);
    mark = connector.calls.length;
    await login({ value: { password } });
    expect(connector.textTo('conv-marc-login', mark)).toMatch(/nouveau mot de passe|temporaire/i);
    mark = connector.calls.length;
    await login({ value: { password: 'Montagne-Bleue-Velo-48', confirmation: 'Montagne-Bleue-Velo-48' } });
    expect(connector.textTo('conv-marc-login', mark)).toMatch(/questions secrètes/i);
  });

  it('replaces an unacknowledged password card after its time, on the sweep', async () => {
    const { connector, app } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-sweep');
    await user('agent');
    const id = escalationIdIn(connector.textTo('conv-sweep'));
    await julie.send({ value: { escalationAction: 'accept', escalationId: id } });
    const mark = connector.calls.length;
    await julie.send('mot de passe temporaire CE100002');
    const shown = connector.calls
      .slice(mark)
      .find((c) => c.conversationId === julie.conversationId && c.activity.attachments?.length);
    clock.advance(121_000);
    await app.escalation.hub.sweep();
    expect(connector.calls.some((c) => c.kind === 'update' && c.activityId === shown?.activityId)).toBe(true);
  });

  it('treats anyone in the agents’ Teams channel as an agent and posts new escalations there', async () => {
    const { connector } = driver;
    const inChannel = (text: string) =>
      driver.post({
        channelId: 'msteams',
        from: {
          id: '29:channel-member',
          name: 'Léa Agente',
          aadObjectId: '0b7c1f3e-0000-4000-8000-0000000000cc',
        },
        conversation: { id: `${HUB};messageid=1700000000000`, conversationType: 'channel', isGroup: true },
        entities: [
          {
            type: 'mention',
            text: '<at>Assistant RAMQ</at>',
            mentioned: { id: 'bot', name: 'Assistant RAMQ' },
          },
        ],
        text: `<at>Assistant RAMQ</at> ${text}`,
      });
    await inChannel('file');
    expect(connector.textTo(HUB)).toContain('Demandes en attente : 0');
    const user = webUser(driver, 'conv-hub');
    const mark = connector.calls.length;
    await user('agent');
    const posted = connector.calls
      .slice(mark)
      .find((c) => c.conversationId === HUB && c.activity.attachments?.length);
    expect(JSON.stringify(posted?.activity.attachments)).toContain('Accepter');
  });

  it('hands over to an external hub on handoff.status and comes back on completion', async () => {
    const { connector } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-external');
    await user('agent');
    const id = escalationIdIn(connector.textTo('conv-external'));
    const status = (state: string) =>
      driver.post({
        type: 'event',
        name: 'handoff.status',
        value: { state },
        channelId: 'webchat',
        from: { id: 'omnichannel', name: 'Omnichannel' },
        conversation: { id: 'conv-external' },
      });
    let mark = connector.calls.length;
    await status('accepted');
    expect(connector.textTo('conv-external', mark)).toContain('Un agent a pris votre demande.');
    mark = connector.calls.length;
    await julie.send({ value: { escalationAction: 'accept', escalationId: id } });
    expect(connector.textTo(julie.conversationId, mark)).toContain('déjà été prise par le centre de contact');
    mark = connector.calls.length;
    await status('completed');
    const text = connector.textTo('conv-external', mark);
    expect(text).toContain("La conversation avec l'agent est terminée.");
    expect(text).toContain("Que puis-je faire d'autre pour vous?");
  });
  it.each([
    ['the waiting user themselves', { id: 'user-conv-forged', role: 'user' }],
    ['a sender not in HANDOFF_STATUS_SENDERS', { id: 'omnichannel-2', name: 'Omnichannel' }],
  ])('ignores a handoff.status posted by %s: the request stays in the queue', async (_who, from) => {
    const { connector } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-forged');
    await user('agent');
    const id = escalationIdIn(connector.textTo('conv-forged'));
    const forged = (state: string) =>
      driver.post({
        type: 'event',
        name: 'handoff.status',
        value: { state },
        channelId: 'webchat',
        from,
        conversation: { id: 'conv-forged' },
      });
    let mark = connector.calls.length;
    await forged('accepted');
    await forged('completed');
    expect(connector.textTo('conv-forged', mark)).not.toContain('Un agent a pris votre demande.');
    mark = connector.calls.length;
    await julie.send({ value: { escalationAction: 'accept', escalationId: id } });
    expect(connector.textTo(julie.conversationId, mark)).not.toContain('déjà été prise');
    expect(connector.textTo('conv-forged', mark)).toContain('Julie');
  });
});

describe('an agent’s accept racing the user’s « annuler »', () => {
  let driver: Driver;

  beforeEach(async () => {
    driver = await startDriver({}, new FixedClock(MONDAY_10H));
  });

  afterEach(async () => {
    await stopDriver(driver);
  });

  it('frees the agent and tells them the user left; the user who left is not told an agent took the request', async () => {
    const { connector, app } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-race-cancel');
    await user('agent');
    const id = escalationIdIn(connector.textTo('conv-race-cancel'));

    // The user's « annuler » is handled right after the agent's accept won, before the hub noted the session.
    const { store } = app.escalation;
    const accept = store.accept.bind(store);
    store.accept = async (...args) => {
      const outcome = await accept(...args);
      await user('annuler');
      return outcome;
    };
    const mark = connector.calls.length;
    await julie.send({ value: { escalationAction: 'accept', escalationId: id } });
    store.accept = accept;

    const toJulie = connector.textTo(julie.conversationId, mark);
    expect(toJulie.split(`L'utilisateur a quitté la conversation de la demande ${id}.`)).toHaveLength(2);
    expect(toJulie).not.toContain('Vous avez pris la demande');
    const toUser = connector.textTo('conv-race-cancel', mark);
    expect(toUser).toContain("Vous avez quitté la file d'attente.");
    expect(toUser).not.toContain('a pris votre demande');
    expect(await store.agentSession(AGENT_A)).toBeUndefined();

    // The agent is free: their next message is answered, and they can take the next request.
    let markNext = connector.calls.length;
    await julie.send('Bonjour, êtes-vous là?');
    expect(connector.textTo(julie.conversationId, markNext)).toContain('Commandes des agents');
    expect(connector.textTo('conv-race-cancel', markNext)).toBe('');
    const next = webUser(driver, 'conv-race-next');
    await next('agent');
    const nextId = escalationIdIn(connector.textTo('conv-race-next'));
    markNext = connector.calls.length;
    await julie.send({ value: { escalationAction: 'accept', escalationId: nextId } });
    expect(connector.textTo(julie.conversationId, markNext)).toContain(`Vous avez pris la demande ${nextId}`);
  });

  it('does not tell the user an agent took the request when « annuler » comes after the agent was told', async () => {
    const { connector, app } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-race-late-cancel');
    await user('agent');
    const id = escalationIdIn(connector.textTo('conv-race-late-cancel'));

    // The accept reads the escalation one last time (still accepted) and tells the agent; the user's
    // « annuler » is handled right then, before the user is told.
    const { store } = app.escalation;
    const { get, pending } = { get: store.get.bind(store), pending: store.pending.bind(store) };
    let armed = false;
    store.pending = async (...args) => {
      armed = true;
      return pending(...args);
    };
    store.get = async (...args) => {
      const found = await get(...args);
      if (armed) {
        armed = false;
        await user('annuler');
      }
      return found;
    };
    const mark = connector.calls.length;
    await julie.send({ value: { escalationAction: 'accept', escalationId: id } });
    Object.assign(store, { get, pending });

    const toUser = connector.textTo('conv-race-late-cancel', mark);
    expect(toUser).toContain("Vous avez quitté la file d'attente.");
    expect(toUser).not.toContain('a pris votre demande');
    const toJulie = connector.textTo(julie.conversationId, mark);
    expect(toJulie.split(`L'utilisateur a quitté la conversation de la demande ${id}.`)).toHaveLength(2);
    expect(await store.agentSession(AGENT_A)).toBeUndefined();
  });

  it('tells a user who leaves after hearing an agent took the request that they ended the conversation', async () => {
    const { connector } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-race-told');
    await user('agent');
    const id = escalationIdIn(connector.textTo('conv-race-told'));
    await julie.send({ value: { escalationAction: 'accept', escalationId: id } });
    expect(connector.textTo('conv-race-told')).toContain('a pris votre demande');

    const mark = connector.calls.length;
    await user('annuler');
    const toUser = connector.textTo('conv-race-told', mark);
    expect(toUser).toContain("Vous avez mis fin à la conversation avec l'agent.");
    expect(toUser).not.toContain("Vous avez quitté la file d'attente.");
    expect(connector.textTo(julie.conversationId, mark)).toContain(
      `L'utilisateur a quitté la conversation de la demande ${id}.`,
    );
  });

  it('answers an agent who writes to a request that ended without them, and frees them', async () => {
    const { connector, app } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-closed-relay');
    await user('agent');
    const id = escalationIdIn(connector.textTo('conv-closed-relay'));
    await julie.send({ value: { escalationAction: 'accept', escalationId: id } });
    // Closed behind the agent's back (an instance that stopped before it could tell them).
    await app.escalation.store.close(id, 'userCancelled', MONDAY_10H.toISOString());

    const mark = connector.calls.length;
    await julie.send('Bonjour, êtes-vous là?');
    expect(connector.textTo(julie.conversationId, mark)).toContain(
      `La demande ${id} est terminée : votre message n'a pas été transmis à l'utilisateur.`,
    );
    expect(connector.textTo('conv-closed-relay', mark)).toBe('');
    expect(await app.escalation.store.agentSession(AGENT_A)).toBeUndefined();
  });
});

describe('the end of a session racing the user’s own turns', () => {
  let driver: Driver;
  let storage: RaceLosingStorage;

  beforeEach(async () => {
    storage = new RaceLosingStorage();
    driver = await startDriver({}, new FixedClock(MONDAY_10H), storage);
  });

  afterEach(async () => {
    await stopDriver(driver);
  });

  it.each([1, 2])(
    'still reaches the user, once, when %i of their turns saved the conversation first',
    async (beaten) => {
      const { connector } = driver;
      const agent = teamsAgent(driver, AGENT_A, 'Julie Agente');
      await agent.send('aide agent');
      const conversation = `conv-race-end-${beaten}`;
      const user = webUser(driver, conversation);
      await user('bonjour');
      const mark = connector.calls.length;
      await user('agent');
      const id = escalationIdIn(connector.textTo(conversation, mark));
      await agent.send({ value: { escalationAction: 'accept', escalationId: id } });

      storage.beatNextWrites(conversation, beaten);
      const markEnd = connector.calls.length;
      await agent.send('terminer');
      const ended = connector.textTo(conversation, markEnd);
      expect(ended.split("L'agent a mis fin à la conversation.")).toHaveLength(2);
      expect(ended).toContain("Que puis-je faire d'autre pour vous?");
      // The resume that was saved took the user out of the session: the next message goes to the menu.
      const markAfter = connector.calls.length;
      await user('2');
      expect(connector.textTo(conversation, markAfter)).toContain("Heures d'ouverture");
      expect(connector.textTo(agent.conversationId, markAfter)).toBe('');
    },
  );
});

describe('escalation over HTTP outside business hours (CLOCK_NOW Saturday 28 November 2026, 10:00)', () => {
  let driver: Driver;

  beforeAll(async () => {
    driver = await startDriver({ CLOCK_NOW: '2026-11-28T10:00:00-05:00' });
  });

  afterAll(async () => {
    await stopDriver(driver);
  });

  it('gives hours, next opening, the region’s number and e-mail, takes a call-back, and queues nobody', async () => {
    const { connector, app } = driver;
    const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
    await julie.send('aide agent');
    const user = webUser(driver, 'conv-saturday');
    const mark = connector.calls.length;
    await user('talk to a human');
    let text = connector.textTo('conv-saturday', mark);
    expect(text).toContain('présentement fermé');
    expect(text).toContain('Nous rouvrons lundi à 8 h 30.');
    await user('581 555-0123');
    text = connector.textTo('conv-saturday', mark);
    expect(text).toContain('(Région de Québec) : 418 643-8210');
    expect(text).toContain('sel.professionnels@ramq.gouv.qc.ca');
    for (const answer of ['oui', 'Marc Gagnon', 'oui', '1', 'questions secrètes', 'oui']) await user(answer);
    text = connector.textTo('conv-saturday', mark);
    expect(text).toContain('Voulez-vous être rappelé au 581 555-0123?');
    expect(text).toMatch(
      /Votre numéro de référence : R-261128-001\. Un agent vous rappellera dès lundi à 8 h 30\./,
    );
    expect(await app.escalation.store.waiting()).toEqual([]);
    expect(connector.to(julie.conversationId).filter((c) => c.activity.attachments?.length)).toEqual([]);
    expect(connector.to('conv-saturday').some((c) => c.activity.name === 'handoff.initiate')).toBe(false);
  });
});

describe('the morning call-backs', () => {
  it('are posted to agents once when the Centre opens', async () => {
    const clock = new FixedClock(new Date('2026-11-28T10:00:00-05:00'));
    const driver = await startDriver({}, clock);
    try {
      const { connector, app } = driver;
      const julie = teamsAgent(driver, AGENT_A, 'Julie Agente');
      await julie.send('aide agent');
      const user = webUser(driver, 'conv-weekend');
      for (const answer of ['agent', '3', 'oui', 'Sophie Roy', '819 555-0100', '3', 'Accès refusé', 'oui'])
        await user(answer);
      await app.escalation.hub.sweep();
      expect(connector.to(julie.conversationId).filter((c) => c.activity.attachments?.length)).toHaveLength(
        0,
      );
      clock.set(new Date('2026-11-30T08:31:00-05:00'));
      await app.escalation.hub.sweep();
      await app.escalation.hub.sweep();
      const cards = connector.to(julie.conversationId).filter((c) => c.activity.attachments?.length);
      expect(cards).toHaveLength(1);
      expect(JSON.stringify(cards[0].activity.attachments)).toContain('Sophie Roy');
      expect(cards[0].activity.text).toContain('Demandes de rappel à faire aujourd');
    } finally {
      await stopDriver(driver);
    }
  });
});
