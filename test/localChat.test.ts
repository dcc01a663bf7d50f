import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as restify from 'restify';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  TurnContext,
} from 'botbuilder';
import { registerLocalChat, type LocalChatLimits } from '../src/localChat';

type Json = Record<string, unknown>;

/** The real locale file, so a missing key shows up here rather than on the page. */
const FR = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'locales', 'fr', 'webchat.json'), 'utf8'),
) as Record<string, string>;
const frT = (key: string): string => FR[key.replace(/^webchat:/, '')] ?? key;

/** Echo bot speaking through the real CloudAdapter, so replies take the serviceUrl path the real bot takes. */
class EchoBot extends ActivityHandler {
  readonly timers = new Set<NodeJS.Timeout>();

  constructor(adapter: CloudAdapter) {
    super();
    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id !== context.activity.recipient.id)
          await context.sendActivity('Bonjour! Je suis le robot écho.');
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      const text = context.activity.text ?? '';
      if (text === 'later') {
        const reference = TurnContext.getConversationReference(context.activity);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          void adapter
            .continueConversationAsync('', reference, async (proactive) => {
              await proactive.sendActivity('proactive: le rappel promis');
            })
            .catch((err: unknown) => console.error('proactive send failed', err));
        }, 200);
        this.timers.add(timer);
        await context.sendActivity('echo: later');
      } else if (text === 'edit') {
        const sent = await context.sendActivity('version 1');
        await context.updateActivity({ ...MessageFactory.text('version 2'), id: sent?.id });
      } else if (text === 'delete') {
        const sent = await context.sendActivity('à supprimer');
        await context.deleteActivity(sent?.id ?? '');
        await context.sendActivity('supprimé');
      } else {
        await context.sendActivity(`echo: ${text}`);
      }
      await next();
    });
  }
}

interface TestServer {
  base: string;
  close(): Promise<void>;
}

async function startServer(
  opts: {
    limits?: Partial<LocalChatLimits>;
    t?: (key: string) => string;
    botUrl?: string;
    parsers?: boolean;
  } = {},
): Promise<TestServer> {
  const server = restify.createServer();
  if (opts.parsers !== false) {
    // The same options as the main server (src/server.ts), so the module is tested as it runs.
    server.use(restify.plugins.queryParser({ mapParams: false }));
    server.use(
      restify.plugins.bodyParser({
        maxBodySize: 64 * 1024,
        mapParams: false,
        mapFiles: false,
        rejectUnknown: true,
      }),
    );
  }
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (_context, error) => {
    console.error('bot turn failed', error);
  };
  const bot = new EchoBot(adapter);
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const chat = registerLocalChat(server, {
    botUrl: opts.botUrl ?? `${base}/api/messages`,
    publicBaseUrl: base,
    t: opts.t ?? frT,
    limits: opts.limits,
  });
  return {
    base,
    async close() {
      chat.close();
      bot.timers.forEach(clearTimeout);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(
  base: string,
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; raw?: string; contentType?: string } = {},
): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
  const response = await fetch(`${base}${url}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Json) : {} };
}

/** A Web Chat–like client: keeps a watermark and checks that no activity is ever delivered twice. */
class Client {
  readonly seen: Json[] = [];
  watermark = '';
  readonly watermarks: number[] = [];

  constructor(
    readonly base: string,
    readonly conversationId: string,
    readonly token: string,
  ) {}

  static async start(base: string, userId = 'dl_testuser'): Promise<Client> {
    const generated = await call(base, 'POST', '/directline/tokens/generate', {
      body: { user: { id: userId } },
    });
    expect(generated.status).toBe(200);
    const token = String(generated.json.token);
    const started = await call(base, 'POST', '/directline/conversations', { token });
    expect(started.status).toBe(201);
    expect(started.json.conversationId).toBe(generated.json.conversationId);
    return new Client(base, String(started.json.conversationId), token);
  }

  async poll(): Promise<Json[]> {
    const { status, json } = await call(
      this.base,
      'GET',
      `/directline/conversations/${this.conversationId}/activities?watermark=${this.watermark}`,
      { token: this.token },
    );
    expect(status).toBe(200);
    const activities = json.activities as Json[];
    for (const activity of activities) {
      expect(this.seen.map((a) => a.id)).not.toContain(activity.id);
      this.seen.push(activity);
    }
    this.watermark = String(json.watermark);
    this.watermarks.push(Number(this.watermark));
    return activities;
  }

  async waitFor(predicate: (activity: Json) => boolean, timeoutMs = 5000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.seen.find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`timed out; saw ${JSON.stringify(this.seen.map((a) => a.text))}`);
      await this.poll();
      await sleep(50);
    }
  }

  send(activity: Json): Promise<{ status: number; json: Json }> {
    return call(this.base, 'POST', `/directline/conversations/${this.conversationId}/activities`, {
      token: this.token,
      body: activity,
    });
  }
}

const fromBot = (text: string) => (a: Json) => a.type === 'message' && a.text === text;

describe('registerLocalChat', () => {
  let srv: TestServer;

  beforeAll(async () => {
    srv = await startServer();
  });

  afterAll(async () => {
    await srv.close();
  });

  describe('page', () => {
    it('serves a French page whose text comes from the webchat locale keys', async () => {
      const response = await fetch(`${srv.base}/`);
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(html).toContain('<html lang="fr-CA">');
      expect(html).toContain(
        '<title>Assistant – Médicaments d&#39;exception et Patient d&#39;exception</title>',
      );
      expect(html).toContain('Page de test locale – n&#39;entrez aucun renseignement réel.');
      expect(html).toContain('<script src="webchat.js"></script>');
    });

    it('has the same webchat keys in French and English', () => {
      const en = JSON.parse(
        fs.readFileSync(path.join(__dirname, '..', 'locales', 'en', 'webchat.json'), 'utf8'),
      );
      expect(Object.keys(en).sort()).toEqual(Object.keys(FR).sort());
    });

    it('escapes translated text injected into the HTML', async () => {
      const hostile = await startServer({ t: () => '"><script>alert(1)</script>' });
      try {
        const html = await (await fetch(`${hostile.base}/`)).text();
        expect(html).not.toContain('<script>alert(1)');
        expect(html).toContain('&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;');
      } finally {
        await hostile.close();
      }
    });

    it('streams the Web Chat bundle from node_modules and supports revalidation', async () => {
      const response = await fetch(`${srv.base}/webchat.js`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/javascript/);
      const body = await response.text();
      expect(body.length).toBeGreaterThan(1_000_000);
      expect(body).toContain('renderWebChat');
      const etag = response.headers.get('etag') ?? '';
      const again = await fetch(`${srv.base}/webchat.js`, { headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
    });

    it('serves the start-up script and stylesheet', async () => {
      const script = await fetch(`${srv.base}/local-chat.js`);
      expect(await script.text()).toContain('createDirectLine');
      const css = await fetch(`${srv.base}/local-chat.css`);
      expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    });
  });

  describe('Direct Line round trip through the real CloudAdapter', () => {
    it('delivers the greeting, the echo and a later proactive message, in order, each once', async () => {
      const client = await Client.start(srv.base);
      const greeting = await client.waitFor(fromBot('Bonjour! Je suis le robot écho.'));
      expect(greeting.from).toMatchObject({ id: 'bot', role: 'bot' });
      expect(greeting.conversation).toEqual({ id: client.conversationId });

      const posted = await client.send({
        type: 'message',
        text: 'allô',
        locale: 'fr-CA',
        from: { id: 'someone-else', role: 'bot' },
        channelData: { clientActivityID: 'client-1' },
      });
      expect(posted.status).toBe(200);
      const echo = await client.waitFor(fromBot('echo: allô'));
      expect(echo.replyToId).toBe(posted.json.id);

      const mine = client.seen.find((a) => a.id === posted.json.id);
      // The server decides who speaks: a client cannot pose as the bot.
      expect(mine).toMatchObject({
        type: 'message',
        text: 'allô',
        channelId: 'webchat',
        from: { id: 'dl_testuser', role: 'user' },
        recipient: { id: 'bot' },
        channelData: { clientActivityID: 'client-1' },
      });
      expect(typeof mine?.timestamp).toBe('string');
      expect(mine?.serviceUrl).toBeUndefined();
      expect(echo.serviceUrl).toBeUndefined();

      await client.send({ type: 'message', text: 'later' });
      await client.waitFor(fromBot('echo: later'));
      const proactive = await client.waitFor(fromBot('proactive: le rappel promis'));
      // continueConversationAsync replies to its synthetic continuation event: the replyToId names no real activity.
      expect(client.seen.map((a) => a.id)).not.toContain(proactive.replyToId);

      await client.poll();
      const texts = client.seen.map((a) => a.text);
      expect(texts).toEqual([
        'Bonjour! Je suis le robot écho.',
        'allô',
        'echo: allô',
        'later',
        'echo: later',
        'proactive: le rappel promis',
      ]);
      const sorted = [...client.watermarks].sort((a, b) => a - b);
      expect(client.watermarks).toEqual(sorted);
      expect(client.watermarks[client.watermarks.length - 1]).toBe(client.seen.length);
    });

    it('keeps no card value in the conversation its clients read back, only what was typed', async () => {
      // A password card is submitted as `value` without text; the bot gets it, but the copy every poll returns
      // kept it for the conversation's life while the bot said the field was removed from the conversation.
      const client = await Client.start(srv.base);
      const posted = await client.send({
        type: 'message',
        value: { accountsCard: 'current', password: 'Pharmacie-Rimouski-2026' },
        channelData: { clientActivityID: 'card-1' },
      });
      expect(posted.status).toBe(200);
      await client.waitFor((a) => a.type === 'message' && a.replyToId === posted.json.id);
      await client.send({ type: 'message', text: 'allô' });
      await client.waitFor(fromBot('echo: allô'));
      const { json } = await call(
        srv.base,
        'GET',
        `/directline/conversations/${client.conversationId}/activities`,
        {
          token: client.token,
        },
      );
      expect(JSON.stringify(json)).not.toContain('Pharmacie-Rimouski-2026');
      const mine = (json.activities as Json[]).find((a) => a.id === posted.json.id);
      expect(mine).toMatchObject({ type: 'message', channelData: { clientActivityID: 'card-1' } });
      expect(mine?.value).toBeUndefined();
    });

    it('returns nothing new when polled again with the last watermark', async () => {
      const client = await Client.start(srv.base);
      await client.waitFor(fromBot('Bonjour! Je suis le robot écho.'));
      expect(await client.poll()).toEqual([]);
    });

    it('re-delivers an updated activity under the same id and forgets a deleted one', async () => {
      const client = await Client.start(srv.base);
      await client.send({ type: 'message', text: 'edit' });
      await client.send({ type: 'message', text: 'delete' });
      await client.waitFor(fromBot('supprimé'));
      const { json } = await call(
        srv.base,
        'GET',
        `/directline/conversations/${client.conversationId}/activities`,
        {
          token: client.token,
        },
      );
      const texts = (json.activities as Json[]).map((a) => a.text);
      expect(texts).toContain('version 2');
      expect(texts).not.toContain('version 1');
      expect(texts).not.toContain('à supprimer');
    });

    it('creates a conversation without a token (secret-style) and returns it again when started twice', async () => {
      const created = await call(srv.base, 'POST', '/directline/conversations', {
        body: { user: { id: 'dl_abc' }, locale: 'en-CA' },
      });
      expect(created.status).toBe(201);
      const token = String(created.json.token);
      expect(token.length).toBeGreaterThanOrEqual(32);
      expect(created.json.expires_in).toBeGreaterThan(0);
      const again = await call(srv.base, 'POST', '/directline/conversations', { token });
      expect(again.status).toBe(200);
      expect(again.json.conversationId).toBe(created.json.conversationId);
      const got = await call(
        srv.base,
        'GET',
        `/directline/conversations/${created.json.conversationId}?watermark=`,
        {
          token,
        },
      );
      expect(got.json.conversationId).toBe(created.json.conversationId);
    });

    it('refreshes a token, and refuses to refresh an unknown one', async () => {
      const client = await Client.start(srv.base);
      const refreshed = await call(srv.base, 'POST', '/directline/tokens/refresh', { token: client.token });
      expect(refreshed.status).toBe(200);
      expect(refreshed.json.conversationId).toBe(client.conversationId);
      const refused = await call(srv.base, 'POST', '/directline/tokens/refresh', { token: 'nope' });
      expect(refused.status).toBe(403);
    });
  });

  describe('hostile or broken input', () => {
    let client: Client;

    beforeAll(async () => {
      client = await Client.start(srv.base);
    });

    it('answers 403 to a missing or wrong token, including another conversation’s', async () => {
      const other = await Client.start(srv.base);
      const url = `/directline/conversations/${client.conversationId}/activities`;
      expect((await call(srv.base, 'GET', url)).status).toBe(403);
      expect((await call(srv.base, 'GET', url, { token: 'x'.repeat(43) })).status).toBe(403);
      expect((await call(srv.base, 'GET', url, { token: other.token })).status).toBe(403);
      const post = await call(srv.base, 'POST', url, {
        token: other.token,
        body: { type: 'message', text: 'hi' },
      });
      expect(post.status).toBe(403);
      expect(post.json).toEqual({ error: { code: 'TokenExpired', message: expect.any(String) } });
      expect((await call(srv.base, 'POST', '/directline/conversations', { token: 'bogus' })).status).toBe(
        403,
      );
    });

    it('answers 404 to an unknown conversation', async () => {
      const res = await call(srv.base, 'GET', '/directline/conversations/nope/activities', {
        token: client.token,
      });
      expect(res.status).toBe(404);
      const post = await call(srv.base, 'POST', '/directline/conversations/nope/activities', {
        token: client.token,
        body: { type: 'message', text: 'x' },
      });
      expect(post.status).toBe(404);
      const connector = await call(srv.base, 'POST', '/local-connector/v3/conversations/nope/activities', {
        body: { type: 'message', text: 'x' },
      });
      expect(connector.status).toBe(404);
    });

    it.each([
      ['malformed JSON', { raw: '{"type": "message", ' }],
      ['no body', {}],
      ['a JSON array', { body: [{ type: 'message', text: 'x' }] }],
      ['a JSON string', { body: 'message' }],
      ['no type', { body: { text: 'x' } }],
      ['an unsupported type', { body: { type: 'conversationUpdate', membersAdded: [] } }],
      ['a message with nothing in it', { body: { type: 'message' } }],
      ['a non-string text', { body: { type: 'message', text: { $gt: '' } } }],
      ['a text over the limit', { body: { type: 'message', text: 'a'.repeat(4001) } }],
      ['too many attachments', { body: { type: 'message', text: 'x', attachments: new Array(11).fill({}) } }],
      ['a non-object channelData', { body: { type: 'message', text: 'x', channelData: 'x' } }],
      [
        'very deep nesting',
        { body: { type: 'message', text: 'x', value: JSON.parse('['.repeat(200) + ']'.repeat(200)) } },
      ],
      ['a non-JSON content type', { raw: 'type=message', contentType: 'text/plain' }],
    ])('answers 4xx to %s', async (_name, opts) => {
      const res = await call(
        srv.base,
        'POST',
        `/directline/conversations/${client.conversationId}/activities`,
        {
          token: client.token,
          ...opts,
        },
      );
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });

    it('answers 400 to a bad watermark and to a bad user id', async () => {
      const bad = await call(
        srv.base,
        'GET',
        `/directline/conversations/${client.conversationId}/activities?watermark=-1`,
        { token: client.token },
      );
      expect(bad.status).toBe(400);
      const user = await call(srv.base, 'POST', '/directline/tokens/generate', {
        body: { user: { id: '<script>' } },
      });
      expect(user.status).toBe(400);
      const notJson = await call(srv.base, 'POST', '/directline/tokens/generate', { raw: '{' });
      expect(notJson.status).toBe(400);
    });

    it('rejects a malformed activity from the bot side too', async () => {
      const url = `/local-connector/v3/conversations/${client.conversationId}/activities`;
      expect((await call(srv.base, 'POST', url, { raw: 'nope' })).status).toBe(400);
      expect((await call(srv.base, 'POST', url, { body: { text: 'no type' } })).status).toBe(400);
      const update = await call(srv.base, 'PUT', `${url}/unknown`, { body: { type: 'message', text: 'x' } });
      expect(update.status).toBe(404);
    });

    it('still works after all that', async () => {
      const posted = await client.send({ type: 'message', text: 'toujours là?' });
      expect(posted.status).toBe(200);
      await client.waitFor(fromBot('echo: toujours là?'));
    });
  });

  describe('bounds', () => {
    it('evicts the least recently used conversation beyond maxConversations', async () => {
      const small = await startServer({ limits: { maxConversations: 2 } });
      try {
        const first = await Client.start(small.base);
        const second = await Client.start(small.base);
        await first.poll(); // first is now more recent than second
        await Client.start(small.base);
        const url = (c: Client) => `/directline/conversations/${c.conversationId}/activities`;
        expect((await call(small.base, 'GET', url(second), { token: second.token })).status).toBe(404);
        expect((await call(small.base, 'GET', url(first), { token: first.token })).status).toBe(200);
      } finally {
        await small.close();
      }
    });

    it('keeps at most maxActivitiesPerConversation activities, with watermarks still counting', async () => {
      const small = await startServer({ limits: { maxActivitiesPerConversation: 3 } });
      try {
        const client = await Client.start(small.base);
        for (const text of ['un', 'deux', 'trois']) await client.send({ type: 'message', text });
        const { json } = await call(
          small.base,
          'GET',
          `/directline/conversations/${client.conversationId}/activities`,
          {
            token: client.token,
          },
        );
        expect((json.activities as Json[]).map((a) => a.text)).toEqual([
          'echo: deux',
          'trois',
          'echo: trois',
        ]);
        expect(json.watermark).toBe('7');
      } finally {
        await small.close();
      }
    });

    it('forgets idle conversations', async () => {
      const small = await startServer({ limits: { idleMs: 100 } });
      try {
        const idle = await Client.start(small.base);
        await sleep(250);
        await Client.start(small.base); // creating a conversation sweeps idle ones
        const res = await call(
          small.base,
          'GET',
          `/directline/conversations/${idle.conversationId}/activities`,
          {
            token: idle.token,
          },
        );
        expect(res.status).toBe(404);
      } finally {
        await small.close();
      }
    });

    it('rejects an expired token with 403', async () => {
      const small = await startServer({ limits: { tokenTtlMs: 50 } });
      try {
        const client = await Client.start(small.base);
        await sleep(100);
        const res = await call(
          small.base,
          'GET',
          `/directline/conversations/${client.conversationId}/activities`,
          {
            token: client.token,
          },
        );
        expect(res.status).toBe(403);
      } finally {
        await small.close();
      }
    });
  });

  describe('when the bot is unreachable or the server has no body parser', () => {
    it('still opens the conversation but reports 502 on send', async () => {
      const dead = await startServer({ botUrl: 'http://127.0.0.1:1/api/messages', parsers: false });
      try {
        const client = await Client.start(dead.base);
        const res = await client.send({ type: 'message', text: 'allô?' });
        expect(res.status).toBe(502);
        expect(res.json).toEqual({ error: { code: 'BotUnreachable', message: expect.any(String) } });
        const bad = await call(
          dead.base,
          'POST',
          `/directline/conversations/${client.conversationId}/activities`,
          {
            token: client.token,
            raw: '{oops',
          },
        );
        expect(bad.status).toBe(400);
      } finally {
        await dead.close();
      }
    });
  });

  describe('safety', () => {
    it('refuses to register in production', () => {
      const previous = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        expect(() =>
          registerLocalChat(restify.createServer(), {
            botUrl: 'http://x/api/messages',
            publicBaseUrl: 'http://x',
            t: frT,
          }),
        ).toThrow(/production/);
      } finally {
        process.env.NODE_ENV = previous;
      }
    });

    it('answers 503 once closed', async () => {
      const server = restify.createServer();
      server.use(restify.plugins.bodyParser());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const chat = registerLocalChat(server, { botUrl: `${base}/api/messages`, publicBaseUrl: base, t: frT });
      chat.close();
      try {
        expect((await call(base, 'POST', '/directline/tokens/generate')).status).toBe(503);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});
