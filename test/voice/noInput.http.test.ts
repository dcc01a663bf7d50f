/**
 * The no-input timers over HTTP, as the telephony channel sees them: the bot runs its real server, replies and
 * proactive reprompts go to a local Bot Connector endpoint (the serviceUrl), and the timeout is short.
 */
import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { keypressActivity, type KeypadKey } from '../../src/dialogs/shared/dtmf';
import { ssmlToText } from '../../src/dialogs/shared/ssml';
import { estimatePlaybackMs } from '../../src/voice/playback';
import type { Application } from '../../src/index';
import { startLocalConnector, type LocalConnector } from '../../src/phone/localConnector';
import { createTestApp, ssmlProblems } from '../helpers/bot';
import { deleteKeysWithPrefix, describeWithRedis, redisTestUrl, uniqueTestPrefix } from '../helpers/redis';
import { createRedisClient } from '../../src/services/redisClient';

/** A Tuesday at 11:00 in Québec: the Centre is open, so asking for an agent transfers the call. */
const OPEN_HOURS = '2026-11-24T11:00:00-05:00';

const NO_INPUT_SECONDS = 0.5;

interface Received {
  activity: Partial<Activity>;
  at: number;
}

/** A caller: posts to one or more bot instances and collects what reaches the connector for its call. */
class Caller {
  readonly conversationId = `call-${randomUUID()}`;
  readonly received: Received[] = [];

  constructor(private readonly connector: LocalConnector & { calls: Map<string, Caller> }) {
    connector.calls.set(this.conversationId, this);
  }

  async post(baseUrl: string, activity: Partial<Activity>): Promise<number> {
    const response = await fetch(`${baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: randomUUID(),
        channelId: 'telephony',
        serviceUrl: this.connector.serviceUrl,
        conversation: { id: this.conversationId },
        from: { id: '+15145550100' },
        recipient: { id: 'bot' },
        locale: 'fr-CA',
        ...activity,
      }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  dial(baseUrl: string): Promise<number> {
    return this.post(baseUrl, {
      type: 'conversationUpdate',
      membersAdded: [{ id: '+15145550100', name: 'caller' }],
    });
  }

  /** Spoken text of each message received so far, with the time it came. */
  get said(): Array<{ text: string; at: number; hint?: string }> {
    return this.received
      .filter((r) => r.activity.type === 'message')
      .map((r) => ({ text: ssmlToText(r.activity.speak ?? ''), at: r.at, hint: r.activity.inputHint }));
  }

  async waitFor(predicate: (r: Received) => boolean, timeoutMs = 5000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.received.find(predicate);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(
      `nothing matched within ${timeoutMs} ms; got ${JSON.stringify(this.said.map((s) => s.text))}`,
    );
  }
}

/** Waits for /readyz: warming the recognizers would otherwise slow the first turns down by seconds. */
async function waitForReady(baseUrl: string): Promise<void> {
  for (let i = 0; i < 300 && (await fetch(`${baseUrl}/readyz`)).status !== 200; i += 1) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function connectorFor(): Promise<LocalConnector & { calls: Map<string, Caller> }> {
  const calls = new Map<string, Caller>();
  const connector = await startLocalConnector({
    onActivity: (activity, conversationId) =>
      calls.get(conversationId)?.received.push({ activity, at: Date.now() }),
  });
  return Object.assign(connector, { calls });
}

const isMessage = (text: RegExp) => (r: Received) =>
  r.activity.type === 'message' && text.test(ssmlToText(r.activity.speak ?? ''));

/** A bot started for one describe block, with a local connector for its calls' proactive messages. */
function usePhoneLine(env: Record<string, string>): {
  app: Application;
  baseUrl: string;
  connector: LocalConnector & { calls: Map<string, Caller> };
} {
  const line = {} as ReturnType<typeof usePhoneLine>;
  beforeAll(async () => {
    line.app = await createTestApp(env);
    line.baseUrl = await line.app.start();
    await waitForReady(line.baseUrl);
    line.connector = await connectorFor();
  }, 60_000);
  afterAll(async () => {
    await line.app.stop();
    await line.connector.close();
  });
  return line;
}

describe('no input on the phone line (HTTP, local line.connector)', () => {
  const line = usePhoneLine({
    VOICE_NO_INPUT_SECONDS: String(NO_INPUT_SECONDS),
    // Counted from the send: the prompts' playback time has tests of its own.
    VOICE_SPEECH_CHARS_PER_SECOND: '0',
    CLOCK_NOW: OPEN_HOURS,
  });

  it('reprompts twice with the pending question, then gives the numbers and hangs up', async () => {
    const caller = new Caller(line.connector);
    expect(await caller.dial(line.baseUrl)).toBe(200);
    const menu = await caller.waitFor((r) => r.activity.inputHint === 'expectingInput');
    const first = await caller.waitFor(isMessage(/^Je n'ai rien entendu\. Je répète\.$/));
    expect(first.at - menu.at).toBeGreaterThanOrEqual(NO_INPUT_SECONDS * 1000 - 50);
    await caller.waitFor(isMessage(/^Je n'ai toujours rien entendu\. Je répète une dernière fois\.$/));
    const hangUp = await caller.waitFor((r) => r.activity.type === 'endOfConversation');
    const said = caller.said.map((s) => s.text);
    expect(said).toEqual([
      expect.stringMatching(/^Bonjour!/),
      expect.stringMatching(/^Que puis-je faire pour vous\?/),
      "Je n'ai rien entendu. Je répète.",
      expect.stringMatching(/^Choisissez parmi les options suivantes\..*faites l'étoile\.$/),
      "Je n'ai toujours rien entendu. Je répète une dernière fois.",
      expect.stringMatching(/^Choisissez parmi les options suivantes\./),
      expect.stringMatching(
        /^Je n'ai toujours rien entendu, alors je mets fin à l'appel\. .*418 643 8210.*514 873 3480.*1 800 463 4776.*Au revoir!$/,
      ),
    ]);
    for (const r of caller.received)
      expect(
        ssmlProblems(
          r.activity.speak ?? '<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis"/>',
        ),
      ).toEqual([]);
    // Nothing more once the bot has hung up.
    await new Promise((r) => setTimeout(r, NO_INPUT_SECONDS * 2500));
    expect(caller.received.at(-1)).toBe(hangUp);
  });

  it('is cancelled by any input, and counts again from the last question', async () => {
    const caller = new Caller(line.connector);
    await caller.dial(line.baseUrl);
    await caller.waitFor((r) => r.activity.inputHint === 'expectingInput');
    await new Promise((r) => setTimeout(r, NO_INPUT_SECONDS * 600));
    await caller.post(line.baseUrl, keypressActivity('2'));
    const question = caller.received
      .filter((r) => r.activity.inputHint === 'expectingInput')
      .at(-1) as Received;
    const reprompt = await caller.waitFor(isMessage(/^Je n'ai rien entendu/));
    expect(reprompt.at - question.at).toBeGreaterThanOrEqual(NO_INPUT_SECONDS * 1000 - 50);
    // The silence count started over: the caller's key reset it.
    expect(caller.said.filter((s) => /^Je n'ai (toujours )?rien entendu/.test(s.text))).toHaveLength(1);
    await caller.post(line.baseUrl, { type: 'endOfConversation' });
  });

  it('answers a « # » pressed after a reprompt, even when the entry before the silence ended without one', async () => {
    const caller = new Caller(line.connector);
    await caller.dial(line.baseUrl);
    await caller.waitFor((r) => r.activity.inputHint === 'expectingInput');
    for (const key of '1121000011') await caller.post(line.baseUrl, keypressActivity(key as KeypadKey));
    // One digit too many: read at once, without waiting for « # »; then the caller says nothing.
    await caller.waitFor(isMessage(/j'en ai compté 7/));
    const reprompt = await caller.waitFor(isMessage(/^Je n'ai rien entendu\. Je répète\.$/));
    // The question said again comes as its own message: wait for it, so it is not taken for the answer.
    await caller.waitFor(
      (r) =>
        caller.received.indexOf(r) > caller.received.indexOf(reprompt) && isMessage(/nom d'utilisateur/)(r),
    );
    const before = caller.received.length;
    await caller.post(line.baseUrl, keypressActivity('#'));
    const answered = await caller.waitFor(
      (r) => caller.received.indexOf(r) >= before && isMessage(/nom d'utilisateur/)(r),
    );
    expect(ssmlToText(answered.activity.speak ?? '')).toMatch(/Je n'ai pas reconnu de nom d'utilisateur/);
    await caller.post(line.baseUrl, { type: 'endOfConversation' });
  });

  it('stops when the caller hangs up', async () => {
    const caller = new Caller(line.connector);
    await caller.dial(line.baseUrl);
    await caller.waitFor((r) => r.activity.inputHint === 'expectingInput');
    await caller.post(line.baseUrl, { type: 'endOfConversation' });
    await new Promise((r) => setTimeout(r, NO_INPUT_SECONDS * 2000));
    expect(caller.said.some((s) => /rien entendu/.test(s.text))).toBe(false);
  });

  it('does not arm anything after a transfer', async () => {
    const caller = new Caller(line.connector);
    await caller.dial(line.baseUrl);
    await caller.waitFor((r) => r.activity.inputHint === 'expectingInput');
    await caller.post(line.baseUrl, keypressActivity('0'));
    const transfer = await caller.waitFor((r) => r.activity.name === 'handoff.initiate');
    expect(transfer.activity.value).toEqual({ TargetPhoneNumber: '+18004634776' });
    await new Promise((r) => setTimeout(r, NO_INPUT_SECONDS * 2000));
    expect(caller.received.at(-1)).toBe(transfer);
  });
});

describe('no input counted from the end of the prompt (HTTP, local line.connector)', () => {
  // Fast enough for a test, slow enough that the greeting's playback outlasts the silence allowed.
  const CHARS_PER_SECOND = 400;
  const line = usePhoneLine({
    VOICE_NO_INPUT_SECONDS: String(NO_INPUT_SECONDS),
    VOICE_SPEECH_CHARS_PER_SECOND: String(CHARS_PER_SECOND),
    CLOCK_NOW: OPEN_HOURS,
  });

  it('waits for the greeting and the menu to be heard before the silence counts', async () => {
    const caller = new Caller(line.connector);
    const dialledAt = Date.now();
    await caller.dial(line.baseUrl);
    const menu = await caller.waitFor((r) => r.activity.inputHint === 'expectingInput');
    const playbackMs = caller.received
      .filter((r) => r.activity.type === 'message')
      .reduce((sum, r) => sum + estimatePlaybackMs(r.activity.speak ?? '', CHARS_PER_SECOND), 0);
    expect(playbackMs).toBeGreaterThan(NO_INPUT_SECONDS * 1000);
    const reprompt = await caller.waitFor(isMessage(/^Je n'ai rien entendu\. Je répète\.$/), 10_000);
    expect(reprompt.at - dialledAt).toBeGreaterThanOrEqual(playbackMs + NO_INPUT_SECONDS * 1000 - 50);
    // The reprompt and the repeated menu play before the second silence counts, the same way.
    const second = await caller.waitFor(isMessage(/^Je n'ai toujours rien entendu/), 10_000);
    const repeated = caller.received
      .filter((r) => r.at >= reprompt.at && r.at < second.at && r.activity.type === 'message')
      .reduce((sum, r) => sum + estimatePlaybackMs(r.activity.speak ?? '', CHARS_PER_SECOND), 0);
    expect(second.at - reprompt.at).toBeGreaterThanOrEqual(repeated + NO_INPUT_SECONDS * 1000 - 50);
    expect(menu.at).toBeLessThan(reprompt.at);
    await caller.post(line.baseUrl, { type: 'endOfConversation' });
  }, 20_000);
});

describeWithRedis('no input with two bot instances sharing Redis', () => {
  const prefix = uniqueTestPrefix('test:noInputHttp');
  const apps: Application[] = [];
  const urls: string[] = [];
  let connector: LocalConnector & { calls: Map<string, Caller> };

  beforeAll(async () => {
    for (let i = 0; i < 2; i += 1) {
      const app = await createTestApp({
        STORAGE: 'redis',
        REDIS_URL: redisTestUrl(),
        REDIS_KEY_PREFIX: prefix,
        VOICE_NO_INPUT_SECONDS: String(NO_INPUT_SECONDS),
        VOICE_SPEECH_CHARS_PER_SECOND: '0',
      });
      apps.push(app);
      urls.push(await app.start());
    }
    await Promise.all(urls.map(waitForReady));
    connector = await connectorFor();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await connector.close();
    const client = createRedisClient(redisTestUrl());
    await client.connect();
    await deleteKeysWithPrefix(client, prefix);
    await client.close();
  });

  it('reprompts each silence once, whichever instance took the call', async () => {
    const caller = new Caller(connector);
    await caller.dial(urls[0]);
    await caller.waitFor((r) => r.activity.inputHint === 'expectingInput');
    await caller.post(urls[1], keypressActivity('1'));
    await caller.waitFor((r) => r.activity.type === 'endOfConversation', 10_000);
    await new Promise((r) => setTimeout(r, NO_INPUT_SECONDS * 2000));
    const silences = caller.said
      .filter((s) => /rien entendu/.test(s.text))
      .map((s) => s.text.split(' ').slice(0, 6).join(' '));
    expect(silences).toEqual([
      "Je n'ai rien entendu. Je répète.",
      "Je n'ai toujours rien entendu. Je",
      "Je n'ai toujours rien entendu, alors",
    ]);
    expect(caller.received.filter((r) => r.activity.type === 'endOfConversation')).toHaveLength(1);
  });
});
