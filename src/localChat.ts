/**
 * Local Web Chat test page and a small Direct Line–compatible endpoint, for development only.
 *
 * The bot is never called in-process: user activities are POSTed to the bot's real `/api/messages` endpoint
 * with a `serviceUrl` that points back at a tiny Bot Connector–compatible API served here. That way the
 * bot's replies, and any message it sends later (proactively, through `continueConversationAsync`), take
 * exactly the same path as in Azure, and end up in the conversation's activity list that Web Chat polls.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type * as restify from 'restify';
import { hashId } from './services/logger';

/** The subset of a pino logger this module needs. */
export interface LocalChatLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Bounds on what the endpoint keeps in memory and accepts; every field has a safe default. */
export interface LocalChatLimits {
  /** Conversations kept in memory; the least recently used one is evicted beyond this. */
  maxConversations: number;
  /** Activities kept per conversation; the oldest are dropped (watermarks keep counting). */
  maxActivitiesPerConversation: number;
  /** A conversation nobody has touched (polled, posted to, replied in) for this long is forgotten. */
  idleMs: number;
  /** Longest `text` accepted from the user, in characters. */
  maxTextLength: number;
  /** Largest user activity accepted, serialized, in bytes. */
  maxUserActivityBytes: number;
  /** Largest bot activity accepted on the connector side, serialized, in bytes. */
  maxBotActivityBytes: number;
  /** How long to wait for the bot to answer a forwarded activity. */
  botTimeoutMs: number;
  /** Forwards to the bot in flight for one conversation; more get 429. */
  maxInFlightPerConversation: number;
  /** Forwards to the bot in flight overall; more get 429. */
  maxInFlightTotal: number;
  /** Activities returned by one GET …/activities; the client keeps polling for the rest. */
  maxActivitiesPerPoll: number;
  /** Lifetime of a token, renewed by POST /directline/tokens/refresh. */
  tokenTtlMs: number;
}

/** Options for {@link registerLocalChat}. */
export interface LocalChatOptions {
  /** The bot's real messaging endpoint, e.g. `http://127.0.0.1:3978/api/messages`. */
  botUrl: string;
  /** Where the bot can reach this server, e.g. `http://127.0.0.1:3978`; used to build the `serviceUrl`. */
  publicBaseUrl: string;
  /** Translation function; the page uses keys under the `webchat` namespace. */
  t: (key: string) => string;
  logger?: LocalChatLogger;
  limits?: Partial<LocalChatLimits>;
}

/** Handle returned by {@link registerLocalChat}. */
export interface LocalChatHandle {
  /** Stops the idle sweeper and in-flight forwards; routes then answer 503, as restify cannot unregister them. */
  close(): void;
}

/** Default bounds; chosen so that a hostile client can hold at most a few tens of MB. */
export const DEFAULT_LOCAL_CHAT_LIMITS: Readonly<LocalChatLimits> = Object.freeze({
  maxConversations: 1000,
  maxActivitiesPerConversation: 500,
  idleMs: 60 * 60 * 1000,
  maxTextLength: 4000,
  maxUserActivityBytes: 32 * 1024,
  maxBotActivityBytes: 256 * 1024,
  botTimeoutMs: 15_000,
  maxInFlightPerConversation: 8,
  maxInFlightTotal: 100,
  maxActivitiesPerPoll: 100,
  tokenTtlMs: 30 * 60 * 1000,
});

/** Path prefix of the Bot Connector–compatible API the bot replies to. */
export const LOCAL_CONNECTOR_PATH = '/local-connector';

const CHANNEL_ID = 'webchat';
const BOT_ACCOUNT = Object.freeze({ id: 'bot', role: 'bot' });
const DEFAULT_LOCALE = 'fr-CA';
// Ids end up in URLs built by the bot's ConnectorClient and in log lines: keep them boring.
const SAFE_ID = /^[A-Za-z0-9_\-.:]{1,64}$/;
const LOCALE_TAG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,4}$/;
const MAX_JSON_DEPTH = 32;
// Used only when no body parser consumed the request: a bound of our own.
const MAX_RAW_BODY_BYTES = 512 * 1024;

type JsonObject = Record<string, unknown>;

interface Account {
  id: string;
  name?: string;
  role: string;
}

interface StoredEntry {
  seq: number;
  activity: JsonObject & { id: string };
}

interface Conversation {
  id: string;
  token: string;
  tokenExpiresAt: number;
  user: Account;
  /** Whether the user came from token generation; DirectLineJS's start body may only fill it in otherwise. */
  userBound: boolean;
  locale: string;
  started: boolean;
  lastSeen: number;
  lastSeq: number;
  entries: StoredEntry[];
  inFlight: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Bounded recursion, so a deeply nested body cannot blow the stack later in JSON.stringify. */
function depthWithin(value: unknown, max: number): boolean {
  if (max < 0) return false;
  if (Array.isArray(value)) return value.every((v) => depthWithin(v, max - 1));
  if (isRecord(value)) return Object.values(value).every((v) => depthWithin(v, max - 1));
  return true;
}

function newId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Escapes text for both element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendJson(res: restify.Response, status: number, body: unknown): void {
  // Written raw rather than with res.send so restify's Accept-driven formatters cannot change the shape.
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(payload);
}

function sendError(res: restify.Response, err: HttpError): void {
  sendJson(res, err.status, { error: { code: err.code, message: err.message } });
}

const badRequest = (message: string): HttpError => new HttpError(400, 'BadArgument', message);

function readRawBody(req: restify.Request): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RAW_BODY_BYTES) {
        reject(new HttpError(413, 'BadArgument', 'Request body too large.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The parsed JSON body, or `undefined` when there is none.
 *
 * restify's bodyParser leaves `req.body` undefined for an empty body, a parsed value for JSON content types,
 * and the raw string for other content types; without any body parser the stream is still unread.
 */
async function readJsonBody(req: restify.Request): Promise<unknown> {
  let body: unknown = req.body;
  if (body === undefined && !req.readableEnded && req.method !== 'GET') {
    body = await readRawBody(req);
  }
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body === 'string') {
    if (body.trim() === '') return undefined;
    try {
      return JSON.parse(body) as unknown;
    } catch {
      throw badRequest('Body is not valid JSON.');
    }
  }
  return body ?? undefined;
}

function bearerToken(req: restify.Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

function parseWatermark(url: string | undefined): number {
  // Parsed from the URL ourselves so that it works with or without restify's queryParser.
  const raw = new URL(url ?? '/', 'http://localhost').searchParams.get('watermark');
  if (raw === null || raw === '') return 0;
  if (!/^\d{1,15}$/.test(raw)) throw badRequest('watermark must be a non-negative integer.');
  return Number(raw);
}

function optionalString(body: JsonObject, key: string, max: number): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) {
    throw badRequest(`${key} must be a string of at most ${max} characters.`);
  }
  return value;
}

/** Reads `{ user: { id, name } }` as sent by token generation and by DirectLineJS when starting. */
function readUser(body: unknown): { id?: string; name?: string } {
  if (body === undefined) return {};
  if (!isRecord(body)) throw badRequest('Body must be a JSON object.');
  const user = body.user;
  if (user === undefined || user === null) return {};
  if (!isRecord(user)) throw badRequest('user must be an object.');
  const id = optionalString(user, 'id', 64);
  if (id !== undefined && !SAFE_ID.test(id)) throw badRequest('user.id has unsupported characters.');
  return { id, name: optionalString(user, 'name', 64) };
}

function readLocale(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const locale = optionalString(body, 'locale', 35);
  return locale !== undefined && LOCALE_TAG.test(locale) ? locale : undefined;
}

function serializedSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

const USER_ACTIVITY_TYPES = new Set(['message', 'event', 'typing']);

/**
 * Copies the fields a Web Chat client may legitimately set; everything that identifies the conversation, the
 * sender or the channel is set by the server, so a client cannot impersonate the bot or another conversation.
 */
function sanitizeUserActivity(body: unknown, limits: LocalChatLimits): JsonObject {
  if (!isRecord(body)) throw badRequest('Body must be a JSON activity object.');
  if (!depthWithin(body, MAX_JSON_DEPTH)) throw badRequest('Activity is nested too deeply.');
  if (serializedSize(body) > limits.maxUserActivityBytes) {
    throw new HttpError(413, 'BadArgument', 'Activity is too large.');
  }
  const type = body.type;
  if (typeof type !== 'string' || !USER_ACTIVITY_TYPES.has(type)) {
    throw badRequest('type must be one of message, event, typing.');
  }
  const out: JsonObject = { type };
  const text = optionalString(body, 'text', limits.maxTextLength);
  if (text !== undefined) out.text = text;
  const textFormat = optionalString(body, 'textFormat', 16);
  if (textFormat !== undefined) {
    if (!['plain', 'markdown', 'xml'].includes(textFormat)) throw badRequest('Unsupported textFormat.');
    out.textFormat = textFormat;
  }
  const locale = optionalString(body, 'locale', 35);
  if (locale !== undefined && LOCALE_TAG.test(locale)) out.locale = locale;
  for (const key of ['name', 'valueType', 'replyToId', 'localTimestamp', 'localTimezone', 'inputHint']) {
    const value = optionalString(body, key, 256);
    if (value !== undefined) out[key] = value;
  }
  if (body.value !== undefined) out.value = body.value;
  if (body.channelData !== undefined && body.channelData !== null) {
    if (!isRecord(body.channelData)) throw badRequest('channelData must be an object.');
    out.channelData = body.channelData;
  }
  for (const [key, max] of [
    ['entities', 16],
    ['attachments', 10],
  ] as const) {
    const list = body[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list) || list.length > max || !list.every(isRecord)) {
      throw badRequest(`${key} must be an array of at most ${max} objects.`);
    }
    out[key] = list;
  }
  if (
    type === 'message' &&
    out.text === undefined &&
    out.value === undefined &&
    out.attachments === undefined
  ) {
    throw badRequest('A message needs text, value or attachments.');
  }
  return out;
}

/** Where the Web Chat bundle is, or undefined when devDependencies are not installed (e.g. production). */
function resolveWebChatBundle(): string | undefined {
  // botframework-webchat 4.18's "exports" map hides dist/, so require.resolve('…/dist/webchat.js') throws
  // ERR_PACKAGE_PATH_NOT_EXPORTED; resolve the package entry point and walk up to its root instead.
  try {
    let dir = dirname(require.resolve('botframework-webchat'));
    for (let i = 0; i < 6; i += 1) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest)) {
        const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
        if (isRecord(parsed) && parsed.name === 'botframework-webchat') {
          const bundle = join(dir, 'dist', 'webchat.js');
          return existsSync(bundle) ? bundle : undefined;
        }
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  } catch {
    // Not installed: the caller answers 404 and the page explains it.
  }
  return undefined;
}

/**
 * Starts Web Chat once the bundle has loaded. It holds no user-visible text: messages come from `data-*`
 * attributes of the page, which are translated and escaped on the server.
 */
const PAGE_SCRIPT = `(function () {
  'use strict';
  var root = document.getElementById('webchat');
  function fail(attribute) {
    root.textContent = root.getAttribute(attribute) || '';
    root.setAttribute('data-state', 'error');
  }
  if (!window.WebChat || typeof window.WebChat.renderWebChat !== 'function') {
    fail('data-unavailable');
    return;
  }
  var bytes = new Uint8Array(12);
  window.crypto.getRandomValues(bytes);
  var userID = 'dl_' + Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  var locale = document.documentElement.lang || '${DEFAULT_LOCALE}';
  var domain = new URL('directline', document.baseURI).href;
  fetch(domain + '/tokens/generate', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: { id: userID } })
  })
    .then(function (response) {
      if (!response.ok) throw new Error('tokens/generate ' + response.status);
      return response.json();
    })
    .then(function (data) {
      var directLine = window.WebChat.createDirectLine({ token: data.token, domain: domain, webSocket: false });
      window.WebChat.renderWebChat(
        { directLine: directLine, userID: userID, locale: locale, styleOptions: { hideUploadButton: true } },
        root
      );
      root.setAttribute('data-state', 'ready');
    })
    .catch(function () {
      fail('data-connection-error');
    });
})();
`;

const PAGE_CSS = `
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; background: #f4f6f9; color: #1b1b1b; }
header { background: #095797; color: #fff; padding: 0.75rem 1rem; }
header h1 { font-size: 1.15rem; margin: 0; font-weight: 600; }
header p { font-size: 0.85rem; margin: 0.25rem 0 0; }
main { flex: 1 1 auto; min-height: 0; display: flex; justify-content: center; }
#webchat { flex: 1 1 auto; max-width: 960px; min-height: 0; background: #fff; }
#webchat[data-state='error'] { padding: 1rem; }
`;

// Web Chat injects <style> elements at run time, hence 'unsafe-inline' for styles only; scripts are same-origin.
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "font-src 'self' data:",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function renderPage(t: (key: string) => string): string {
  const text = (key: string): string => escapeHtml(t(key));
  return `<!doctype html>
<html lang="${DEFAULT_LOCALE}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${text('webchat:title')}</title>
<link rel="stylesheet" href="local-chat.css">
</head>
<body>
<header>
<h1>${text('webchat:header')}</h1>
<p role="note">${text('webchat:notice')}</p>
</header>
<main>
<div id="webchat" role="region" aria-label="${text('webchat:header')}" data-unavailable="${text('webchat:unavailable')}" data-connection-error="${text('webchat:connectionError')}"></div>
</main>
<noscript>${text('webchat:noscript')}</noscript>
<script src="webchat.js"></script>
<script src="local-chat.js"></script>
</body>
</html>
`;
}

/**
 * Registers the local Web Chat page (`GET /`, `/webchat.js`, `/local-chat.js`, `/local-chat.css`), the Direct
 * Line v3 subset under `/directline` and the Bot Connector subset under `/local-connector` on `server`.
 *
 * Meant for development only: it refuses to run when `NODE_ENV=production`. The server must already have
 * `restify.plugins.bodyParser()` and `queryParser()` registered (it also copes without them), and the bot
 * at `botUrl` must accept unauthenticated requests (empty MicrosoftAppId), as for the Bot Framework Emulator.
 *
 * @returns a handle whose `close()` stops timers and in-flight forwards.
 */
export function registerLocalChat(server: restify.Server, options: LocalChatOptions): LocalChatHandle {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('The local Web Chat endpoint must not be enabled in production.');
  }
  const limits: LocalChatLimits = { ...DEFAULT_LOCAL_CHAT_LIMITS, ...options.limits };
  const { botUrl, t, logger } = options;
  const serviceUrl = `${options.publicBaseUrl.replace(/\/+$/, '')}${LOCAL_CONNECTOR_PATH}`;
  new URL(botUrl); // fail fast on a typo rather than on the first message
  new URL(serviceUrl);

  // Map order doubles as recency order: touching a conversation re-inserts it at the end.
  const conversations = new Map<string, Conversation>();
  const conversationByToken = new Map<string, string>();
  const shutdown = new AbortController();
  let inFlightTotal = 0;
  let closed = false;
  let bundlePath: string | undefined;
  let warnedNoBundle = false;
  let warnedUnauthorized = false;

  function forget(conversation: Conversation): void {
    conversations.delete(conversation.id);
    conversationByToken.delete(conversation.token);
  }

  function touch(conversation: Conversation): void {
    conversation.lastSeen = Date.now();
    conversations.delete(conversation.id);
    conversations.set(conversation.id, conversation);
  }

  function sweep(): void {
    const cutoff = Date.now() - limits.idleMs;
    for (const conversation of conversations.values()) {
      if (conversation.lastSeen >= cutoff) break;
      forget(conversation);
    }
  }

  const sweeper = setInterval(sweep, Math.max(1000, Math.min(limits.idleMs, 60_000)));
  sweeper.unref();

  function createConversation(
    user: { id?: string; name?: string },
    locale: string | undefined,
  ): Conversation {
    sweep();
    while (conversations.size >= limits.maxConversations) {
      const oldest = conversations.values().next().value;
      if (!oldest) break;
      forget(oldest);
    }
    const conversation: Conversation = {
      id: newId(16),
      token: newId(32),
      tokenExpiresAt: Date.now() + limits.tokenTtlMs,
      user: { id: user.id ?? `dl_${newId(12)}`, name: user.name, role: 'user' },
      userBound: user.id !== undefined,
      locale: locale ?? DEFAULT_LOCALE,
      started: false,
      lastSeen: Date.now(),
      lastSeq: 0,
      entries: [],
      inFlight: 0,
    };
    conversations.set(conversation.id, conversation);
    conversationByToken.set(conversation.token, conversation.id);
    return conversation;
  }

  function tokenResponse(conversation: Conversation): JsonObject {
    return {
      conversationId: conversation.id,
      token: conversation.token,
      expires_in: Math.max(0, Math.round((conversation.tokenExpiresAt - Date.now()) / 1000)),
    };
  }

  function tokenIsValid(conversation: Conversation, token: string | undefined): boolean {
    return (
      token !== undefined && sameSecret(token, conversation.token) && conversation.tokenExpiresAt > Date.now()
    );
  }

  /** Conversation named by a token alone (routes without an id in the path). */
  function conversationForToken(token: string | undefined): Conversation {
    const id = token === undefined ? undefined : conversationByToken.get(token);
    const conversation = id === undefined ? undefined : conversations.get(id);
    if (!conversation || !tokenIsValid(conversation, token)) {
      throw new HttpError(403, 'TokenExpired', 'Token is invalid or expired.');
    }
    return conversation;
  }

  /** Conversation named in the path, which the bearer token must belong to: 404 first, then 403. */
  function authorizedConversation(req: restify.Request): Conversation {
    const conversation = conversations.get(String(req.params?.conversationId ?? ''));
    if (!conversation) throw new HttpError(404, 'NotFound', 'Conversation not found.');
    if (!tokenIsValid(conversation, bearerToken(req))) {
      throw new HttpError(403, 'TokenExpired', 'Token is invalid or expired.');
    }
    touch(conversation);
    return conversation;
  }

  function append(conversation: Conversation, activity: JsonObject, keepId?: string): StoredEntry {
    conversation.lastSeq += 1;
    const seq = conversation.lastSeq;
    const id = keepId ?? `${conversation.id}|${String(seq).padStart(7, '0')}`;
    const entry: StoredEntry = { seq, activity: { ...activity, id } };
    conversation.entries.push(entry);
    if (conversation.entries.length > limits.maxActivitiesPerConversation) {
      conversation.entries.splice(0, conversation.entries.length - limits.maxActivitiesPerConversation);
    }
    return entry;
  }

  function baseActivity(conversation: Conversation): JsonObject {
    return {
      timestamp: new Date().toISOString(),
      channelId: CHANNEL_ID,
      serviceUrl,
      conversation: { id: conversation.id },
    };
  }

  /** POSTs an activity to the bot and waits for its turn to finish, as Direct Line does. */
  async function forward(conversation: Conversation, activity: JsonObject): Promise<void> {
    if (
      conversation.inFlight >= limits.maxInFlightPerConversation ||
      inFlightTotal >= limits.maxInFlightTotal
    ) {
      throw new HttpError(429, 'TooManyRequests', 'Too many messages in flight; retry shortly.');
    }
    conversation.inFlight += 1;
    inFlightTotal += 1;
    try {
      const response = await fetch(botUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(activity),
        signal: AbortSignal.any([shutdown.signal, AbortSignal.timeout(limits.botTimeoutMs)]),
      });
      await response.body?.cancel();
      if (response.status === 401 || response.status === 403) {
        if (!warnedUnauthorized) {
          warnedUnauthorized = true;
          logger?.warn(
            { status: response.status, botUrl },
            'local chat: the bot rejected an unauthenticated request; leave MicrosoftAppId empty to use the local Web Chat',
          );
        }
      }
      if (!response.ok) {
        throw new HttpError(502, 'BotError', `The bot answered HTTP ${response.status}.`);
      }
    } catch (err) {
      if (err instanceof HttpError) throw err;
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      logger?.warn(
        { err, botUrl, conversation: hashId(conversation.id) },
        'local chat: forwarding to the bot failed',
      );
      throw timedOut
        ? new HttpError(504, 'BotTimeout', 'The bot did not answer in time.')
        : new HttpError(502, 'BotUnreachable', 'The bot could not be reached.');
    } finally {
      conversation.inFlight -= 1;
      inFlightTotal -= 1;
    }
  }

  /** Sends the conversationUpdate that lets the bot greet; a failing bot must not stop the page from opening. */
  async function start(conversation: Conversation): Promise<void> {
    conversation.started = true;
    const activity: JsonObject = {
      ...baseActivity(conversation),
      type: 'conversationUpdate',
      id: `${conversation.id}|start`,
      from: conversation.user,
      recipient: BOT_ACCOUNT,
      locale: conversation.locale,
      membersAdded: [BOT_ACCOUNT, conversation.user],
    };
    try {
      await forward(conversation, activity);
    } catch (err) {
      logger?.warn(
        { err, conversation: hashId(conversation.id) },
        'local chat: conversationUpdate not delivered',
      );
    }
  }

  // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 §6.3), but restify then
  // assumes application/octet-stream and a `rejectUnknown` bodyParser answers 415 before any route runs. The
  // bot's ConnectorClient sends exactly that for deleteActivity, so say explicitly that there is no body.
  server.pre((req: restify.Request, _res: restify.Response, next: restify.Next) => {
    const url = req.url ?? '';
    if (
      (url.startsWith(`${LOCAL_CONNECTOR_PATH}/`) || url.startsWith('/directline/')) &&
      req.headers['content-length'] === undefined &&
      req.headers['transfer-encoding'] === undefined
    ) {
      req.headers['content-length'] = '0';
    }
    return next();
  });

  type Handler = (req: restify.Request, res: restify.Response) => Promise<void>;

  /** Turns every failure into a JSON error so hostile input gets a 4xx and never crashes the process. */
  function route(name: string, handler: Handler): Handler {
    return async (req, res) => {
      try {
        if (closed) throw new HttpError(503, 'ServiceUnavailable', 'Local chat is shut down.');
        await handler(req, res);
      } catch (err) {
        if (err instanceof HttpError) {
          if (!res.headersSent) sendError(res, err);
          return;
        }
        logger?.error({ err, route: name }, 'local chat: unexpected error');
        if (!res.headersSent) sendError(res, new HttpError(500, 'InternalError', 'Unexpected error.'));
        else res.destroy();
      }
    };
  }

  // ---- Page ----

  server.get(
    '/',
    route('page', async (_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': PAGE_CSP,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      });
      res.end(renderPage(t));
    }),
  );

  server.get(
    '/local-chat.js',
    route('script', async (_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'application/javascript; charset=utf-8',
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(PAGE_SCRIPT);
    }),
  );

  server.get(
    '/local-chat.css',
    route('style', async (_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'text/css; charset=utf-8',
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(PAGE_CSS);
    }),
  );

  server.get(
    '/webchat.js',
    route('bundle', async (req, res) => {
      bundlePath ??= resolveWebChatBundle();
      if (!bundlePath) {
        if (!warnedNoBundle) {
          warnedNoBundle = true;
          logger?.warn(
            {},
            'local chat: botframework-webchat is not installed (npm install with devDependencies)',
          );
        }
        throw new HttpError(404, 'NotFound', 'botframework-webchat is not installed.');
      }
      const stat = statSync(bundlePath);
      // 4 MB bundle: let the browser revalidate cheaply instead of downloading it on every reload.
      const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
      const headers = {
        'Content-Type': 'application/javascript; charset=utf-8',
        'Cache-Control': 'no-cache',
        ETag: etag,
        'X-Content-Type-Options': 'nosniff',
      };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Length': String(stat.size) });
      try {
        await pipeline(createReadStream(bundlePath), res);
      } catch {
        // The browser went away mid-download; nothing to report.
      }
    }),
  );

  // ---- Direct Line v3 subset ----

  server.post(
    '/directline/tokens/generate',
    route('tokens/generate', async (req, res) => {
      const body = await readJsonBody(req);
      const conversation = createConversation(readUser(body), readLocale(body));
      sendJson(res, 200, tokenResponse(conversation));
    }),
  );

  server.post(
    '/directline/tokens/refresh',
    route('tokens/refresh', async (req, res) => {
      const conversation = conversationForToken(bearerToken(req));
      // The same opaque token is kept and its lifetime extended: requests in flight stay valid.
      conversation.tokenExpiresAt = Date.now() + limits.tokenTtlMs;
      touch(conversation);
      sendJson(res, 200, tokenResponse(conversation));
    }),
  );

  server.post(
    '/directline/conversations',
    route('conversations', async (req, res) => {
      const body = await readJsonBody(req);
      const requestedUser = readUser(body);
      const locale = readLocale(body);
      const token = bearerToken(req);
      // With a token from tokens/generate the conversation already exists; without one we act like a secret.
      const conversation =
        token === undefined ? createConversation(requestedUser, locale) : conversationForToken(token);
      touch(conversation);
      if (conversation.started) {
        sendJson(res, 200, tokenResponse(conversation));
        return;
      }
      if (token !== undefined) {
        if (!conversation.userBound && requestedUser.id) {
          conversation.user = { id: requestedUser.id, name: requestedUser.name, role: 'user' };
          conversation.userBound = true;
        }
        if (locale) conversation.locale = locale;
      }
      await start(conversation);
      sendJson(res, 201, tokenResponse(conversation));
    }),
  );

  server.get(
    '/directline/conversations/:conversationId',
    route('conversation', async (req, res) => {
      parseWatermark(req.url);
      sendJson(res, 200, tokenResponse(authorizedConversation(req)));
    }),
  );

  server.get(
    '/directline/conversations/:conversationId/activities',
    route('activities/get', async (req, res) => {
      const watermark = parseWatermark(req.url);
      const conversation = authorizedConversation(req);
      const page = conversation.entries
        .filter((e) => e.seq > watermark)
        .slice(0, limits.maxActivitiesPerPoll);
      const truncated =
        page.length === limits.maxActivitiesPerPoll && page[page.length - 1].seq < conversation.lastSeq;
      sendJson(res, 200, {
        activities: page.map((e) => e.activity),
        watermark: String(truncated ? page[page.length - 1].seq : conversation.lastSeq),
      });
    }),
  );

  server.post(
    '/directline/conversations/:conversationId/activities',
    route('activities/post', async (req, res) => {
      const conversation = authorizedConversation(req);
      const fields = sanitizeUserActivity(await readJsonBody(req), limits);
      const activity: JsonObject = {
        locale: conversation.locale,
        ...fields,
        ...baseActivity(conversation),
        from: conversation.user,
        recipient: BOT_ACCOUNT,
      };
      let id: string;
      if (activity.type === 'typing') {
        // Not kept: Web Chat ignores its own typing, and storing them would let a client churn the list.
        id = `${conversation.id}|typing`;
        activity.id = id;
      } else {
        // Clients have no use for the connector URL: it is stored without it and sent to the bot with it. Nor
        // for the value of a card they submitted, which may be a password: every poll would return it, for as
        // long as the conversation lasts, after the bot said the field was removed from the conversation.
        const { serviceUrl: _forBotOnly, value: _cardInputsForBotOnly, ...forClients } = activity;
        id = append(conversation, forClients).activity.id;
        activity.id = id;
      }
      await forward(conversation, activity);
      sendJson(res, 200, { id });
    }),
  );

  // ---- Bot Connector v3 subset (what CloudAdapter calls on serviceUrl) ----

  const connector = `${LOCAL_CONNECTOR_PATH}/v3/conversations/:conversationId`;

  function connectorConversation(req: restify.Request): Conversation {
    // No auth: in anonymous mode the bot sends none. The endpoint only exists outside production.
    const conversation = conversations.get(String(req.params?.conversationId ?? ''));
    if (!conversation) throw new HttpError(404, 'ConversationNotFound', 'Conversation not found.');
    touch(conversation);
    return conversation;
  }

  async function botActivity(req: restify.Request, conversation: Conversation): Promise<JsonObject> {
    const body = await readJsonBody(req);
    if (!isRecord(body)) throw badRequest('Body must be a JSON activity object.');
    if (typeof body.type !== 'string' || body.type.length === 0 || body.type.length > 64) {
      throw badRequest('type is required.');
    }
    if (!depthWithin(body, 64)) throw badRequest('Activity is nested too deeply.');
    if (serializedSize(body) > limits.maxBotActivityBytes) {
      throw new HttpError(413, 'MessageSizeTooBig', 'Activity is too large.');
    }
    const from = isRecord(body.from) && typeof body.from.id === 'string' ? body.from : BOT_ACCOUNT;
    const activity: JsonObject = {
      ...body,
      ...baseActivity(conversation),
      from: { ...from, role: 'bot' },
      recipient: conversation.user,
    };
    // The bot's serviceUrl is ours; clients have no use for it.
    delete activity.serviceUrl;
    return activity;
  }

  const postFromBot: Handler = async (req, res) => {
    const conversation = connectorConversation(req);
    const activity = await botActivity(req, conversation);
    const replyTo = req.params?.activityId;
    if (typeof replyTo === 'string' && activity.replyToId === undefined) activity.replyToId = replyTo;
    const entry = append(conversation, activity);
    sendJson(res, 200, { id: entry.activity.id });
  };

  server.post(`${connector}/activities`, route('connector/send', postFromBot));
  server.post(`${connector}/activities/:activityId`, route('connector/reply', postFromBot));

  server.put(
    `${connector}/activities/:activityId`,
    route('connector/update', async (req, res) => {
      const conversation = connectorConversation(req);
      const activityId = String(req.params?.activityId ?? '');
      const index = conversation.entries.findIndex((e) => e.activity.id === activityId);
      if (index < 0) throw new HttpError(404, 'ActivityNotFound', 'Activity not found.');
      const activity = await botActivity(req, conversation);
      // Re-appended under the same id so pollers past the old watermark see it; Web Chat replaces by id.
      conversation.entries.splice(index, 1);
      append(conversation, activity, activityId);
      sendJson(res, 200, { id: activityId });
    }),
  );

  server.del(
    `${connector}/activities/:activityId`,
    route('connector/delete', async (req, res) => {
      const conversation = connectorConversation(req);
      const activityId = String(req.params?.activityId ?? '');
      const index = conversation.entries.findIndex((e) => e.activity.id === activityId);
      if (index < 0) throw new HttpError(404, 'ActivityNotFound', 'Activity not found.');
      // Direct Line has no way to tell a client to remove a message: clients that already have it keep it.
      conversation.entries.splice(index, 1);
      sendJson(res, 200, {});
    }),
  );

  server.get(
    `${connector}/members`,
    route('connector/members', async (req, res) => {
      const conversation = connectorConversation(req);
      sendJson(res, 200, [conversation.user, BOT_ACCOUNT]);
    }),
  );

  logger?.info({ serviceUrl, botUrl }, 'local chat: Web Chat test page enabled at /');

  return {
    close(): void {
      closed = true;
      clearInterval(sweeper);
      shutdown.abort();
      conversations.clear();
      conversationByToken.clear();
    },
  };
}
