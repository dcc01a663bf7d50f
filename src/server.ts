import { STATUS_CODES } from 'node:http';
import { isIP } from 'node:net';
import restify, { type Request, type Response, type Server } from 'restify';
import type { Activity, CloudAdapter, TurnContext } from 'botbuilder';
import { checkInboundActivity } from './services/inboundActivity';
import type { Language } from './i18n';
import type { Logger } from './services/logger';
import type { RequestRateLimiters } from './services/rateLimiter';

/** A bot the server can run: the assistant, or the benchmark's echo floor. */
export interface TurnHandler {
  run(context: TurnContext): Promise<void>;
}

/** Longest wait for a request's headers (Node's default is 60 s). */
export const REQUEST_HEADERS_TIMEOUT_MS = 15_000;
/** Longest wait for a whole request, body included (Node's default is 300 s); not the bot's turn. */
export const REQUEST_TIMEOUT_MS = 30_000;
/**
 * How often Node looks for requests past those limits (its default, 30 s, let a slow sender hold a socket for
 * up to 45 s instead of 15, and 60 s instead of 30).
 */
export const REQUEST_TIMEOUT_CHECK_MS = 1_000;

/** What the HTTP server needs. */
export interface ServerOptions {
  adapter: CloudAdapter;
  bot: TurnHandler;
  logger: Logger;
  maxBodyBytes: number;
  /** True once storage answers and the language recognizers are warm. */
  isReady: () => Promise<boolean>;
  rateLimiters: RequestRateLimiters;
  /**
   * Checks the request's token (with a Microsoft app id), rejecting or answering false when it is not valid.
   * Done before the per-conversation limit, so that requests nobody signed cannot use up a real
   * conversation's allowance; the adapter's own check of the same request reuses the answer. Unset: anonymous
   * local mode.
   */
  authenticate?: (activity: Activity, authHeader: string) => Promise<boolean>;
  /** Proxies trusted to append to X-Forwarded-For (see `Config.trustProxyHops`); 0 or unset: the TCP peer. */
  trustProxyHops?: number;
  /** The polite sentence returned in an expectReplies body when a client is throttled, in the given language. */
  throttledText: (retryAfterSeconds: number, language?: Language) => string;
  /**
   * The language the sender of an activity asked for, if any (from their stored profile), so that a throttled
   * user who chose English is told in English. Unset or failing: the default language.
   */
  languageOf?: (activity: Activity) => Promise<Language | undefined>;
}

/** The restify server plus what graceful shutdown needs to know. */
export interface BotServer {
  server: Server;
  /** Requests currently being handled. */
  inFlight(): number;
  /** Serves another bot on the same adapter and server (the benchmark's echo floor). */
  addBotEndpoint(path: string, bot: TurnHandler): void;
}

/**
 * The adapter answers its own failures with the error's message as the body; outside callers must not
 * learn internals (URLs, library messages), so 5xx bodies are replaced and the detail goes to the log.
 */
function withoutInternalDetails(res: Response, logger: Logger): Response {
  let status = 200;
  return new Proxy(res, {
    get(target, property, receiver) {
      if (property === 'status') {
        return (code: number) => {
          status = code;
          return target.status(code);
        };
      }
      if (property === 'send') {
        return (...args: unknown[]) => {
          if (status < 500) return (target.send as (...a: unknown[]) => unknown)(...args);
          logger.error(
            { err: { message: String(args[0]).slice(0, 300) }, status },
            'adapter failed the request',
          );
          return target.send({ error: 'internal error' });
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The address a request came from: the TCP peer, or, behind `trustedHops` proxies that each append the
 * address they saw to X-Forwarded-For, the one the outermost proxy saw. Entries further left were written by
 * the client itself and could be anything, so they are never used; a missing or malformed entry falls back to
 * the TCP peer.
 */
export function clientAddress(
  req: { headers: Record<string, string | string[] | undefined>; socket: { remoteAddress?: string } },
  trustedHops: number,
): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustedHops <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((e) => e.trim());
  const entry = entries.length >= trustedHops ? entries[entries.length - trustedHops] : undefined;
  const candidate = entry === undefined ? undefined : withoutPort(entry);
  return candidate && isIP(candidate) ? candidate : peer;
}

/**
 * The key a client address is counted under: an IPv4 address as it is (an IPv4-mapped IPv6 form included), an
 * IPv6 address by its /64 network. One subscriber or host is given a whole /64 and can use any address in it:
 * counted one address at a time, it could send each request from a fresh address and never be throttled.
 */
export function clientRateKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (zone and embedded IPv4 forms included). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.split('%')[0].toLowerCase();
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  const all = text.includes('::') ? [...left, ...Array<string>(missing).fill('0'), ...right] : left;
  if (all.length !== 8) return undefined;
  return all.map((g) => parseInt(g, 16));
}

/**
 * An X-Forwarded-For entry without the port some proxies append (Azure App Service and Application Gateway
 * write `203.0.113.7:54321` and `[2001:db8::1]:54321`): read as is, no such entry is an address, and every
 * client behind the proxy would share the proxy's own allowance.
 */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(entry);
  if (bracketed) return bracketed[1];
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(entry);
  return v4WithPort ? v4WithPort[1] : entry;
}

/**
 * Builds the HTTP server: POST /api/messages through the CloudAdapter (authentication, expectReplies),
 * GET /healthz (alive) and GET /readyz (ready to answer users), with a request body limit.
 */
export function createBotServer(options: ServerOptions): BotServer {
  const { adapter, logger } = options;
  const server = restify.createServer({ name: 'ramq-bot', handleUncaughtExceptions: false });
  // Node waits 60 s for headers and 300 s for a whole request: a client trickling its bytes would hold a
  // socket that long. The Bot Connector sends an activity at once; these bound what a slow sender can hold.
  server.server.headersTimeout = REQUEST_HEADERS_TIMEOUT_MS;
  server.server.requestTimeout = REQUEST_TIMEOUT_MS;
  // Read when the server starts listening.
  (server.server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval =
    REQUEST_TIMEOUT_CHECK_MS;
  let inFlight = 0;

  server.pre((req: Request, res: Response, next: restify.Next) => {
    inFlight += 1;
    let counted = true;
    const done = () => {
      if (counted) inFlight -= 1;
      counted = false;
    };
    res.once('finish', done);
    res.once('close', done);
    return next();
  });
  // restify's body reader inflates gzip with no error handler (a body that is not gzip crashed the process)
  // and checks the size limit on the compressed bytes only (a small bomb inflated to any size). The Bot
  // Framework and Direct Line send plain bodies, so any other encoding is refused before the body is read.
  server.pre((req: Request, res: Response, next: restify.Next) => {
    const encoding = req.headers['content-encoding'];
    if (encoding === undefined) return next();
    if (encoding.trim().toLowerCase() === 'identity') {
      // The same as no encoding, which is the only form restify's body reader takes as plain.
      delete req.headers['content-encoding'];
      return next();
    }
    res.header('Accept-Encoding', 'identity');
    res.send(415, { error: 'content encoding not supported' });
    return next(false);
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(
    restify.plugins.bodyParser({
      maxBodySize: options.maxBodyBytes,
      mapParams: false,
      mapFiles: false,
      rejectUnknown: true,
    }),
  );

  /** Refuses a throttled request with 429, saying so in the reply body when the client reads one. */
  const throttle = async (
    req: Request,
    res: Response,
    retryAfterSeconds: number,
    trusted: boolean,
    validActivity = true,
  ) => {
    res.header('Retry-After', String(retryAfterSeconds));
    const wantsReplies =
      validActivity && (req.body as { deliveryMode?: unknown }).deliveryMode === 'expectReplies';
    if (!wantsReplies) {
      res.send(429, { error: 'too many requests' });
      return;
    }
    // Only for a request whose sender is established (or with no authentication at all): a stranger must not
    // learn a user's language, nor make the bot read storage for each refused request.
    const language =
      trusted && options.languageOf
        ? await options.languageOf(req.body as Activity).catch(() => undefined)
        : undefined;
    res.send(429, {
      activities: [{ type: 'message', text: options.throttledText(retryAfterSeconds, language) }],
    });
  };

  const addBotEndpoint = (path: string, bot: TurnHandler) => {
    server.post(path, async (req: Request, res: Response) => {
      const check = checkInboundActivity(req.body);
      // Counted before the shape is judged: a client sending garbage is throttled like any other.
      const byClient = await options.rateLimiters.client.consume(
        clientRateKey(clientAddress(req, options.trustProxyHops ?? 0)),
      );
      if (!byClient.allowed)
        return throttle(req, res, byClient.retryAfterSeconds, check.ok && !options.authenticate, check.ok);
      // Hostile or broken bodies stop here with a 400 naming fields, never values.
      if (!check.ok) {
        res.send(400, { error: 'invalid activity', problems: check.problems });
        return;
      }
      if (options.authenticate) {
        const authentic = await options
          .authenticate(req.body as Activity, req.headers.authorization ?? '')
          .catch(() => false);
        if (!authentic) {
          res.send(401, { error: 'unauthorized' });
          return;
        }
      }
      const byConversation = await options.rateLimiters.conversation.consume(check.conversationId);
      if (!byConversation.allowed) return throttle(req, res, byConversation.retryAfterSeconds, true);
      try {
        await adapter.process(req, withoutInternalDetails(res, logger), (context) => bot.run(context));
      } catch (error) {
        // The adapter already answered 401/400 where it could; anything else must not become a crash.
        logger.error({ err: { name: (error as Error)?.name }, path }, 'request failed');
        if (!res.headersSent) res.send(500);
      }
    });
  };
  addBotEndpoint('/api/messages', options.bot);

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req: Request, res: Response) => {
    const ready = await options.isReady().catch(() => false);
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
  });

  server.on(
    'restifyError',
    (
      req: Request,
      res: Response,
      err: Error & { statusCode?: number; code?: string; toJSON?: () => unknown },
      cb: () => void,
    ) => {
      const status = err.statusCode ?? 500;
      if (status >= 500) logger.error({ err: { name: err.name }, path: req.path() }, 'server error');
      // restify answers with the error's message, which quotes the request: JSON.parse's message holds the
      // text around the fault (a NAM or a password pasted in the wrong place), a 404 names the path. Only the
      // error's code and the status's standard reason are sent back.
      const body = { code: err.code ?? err.name, message: STATUS_CODES[status] ?? 'Error' };
      err.toJSON = () => body;
      err.toString = () => body.message;
      return cb();
    },
  );

  return { server, inFlight: () => inFlight, addBotEndpoint };
}
