import restify, { type Request, type Response, type Server } from 'restify';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from './services/logger';

/** A bot the server can run: the assistant, or the benchmark's echo floor. */
export interface TurnHandler {
  run(context: TurnContext): Promise<void>;
}

/** What the HTTP server needs. */
export interface ServerOptions {
  adapter: CloudAdapter;
  bot: TurnHandler;
  logger: Logger;
  maxBodyBytes: number;
  /** True once storage answers and the language recognizers are warm. */
  isReady: () => Promise<boolean>;
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
 * Builds the HTTP server: POST /api/messages through the CloudAdapter (authentication, expectReplies),
 * GET /healthz (alive) and GET /readyz (ready to answer users), with a request body limit.
 */
export function createBotServer(options: ServerOptions): BotServer {
  const { adapter, logger } = options;
  const server = restify.createServer({ name: 'ramq-bot', handleUncaughtExceptions: false });
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
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(
    restify.plugins.bodyParser({
      maxBodySize: options.maxBodyBytes,
      mapParams: false,
      mapFiles: false,
      rejectUnknown: true,
    }),
  );

  const addBotEndpoint = (path: string, bot: TurnHandler) => {
    server.post(path, async (req: Request, res: Response) => {
      try {
        await adapter.process(req, res, (context) => bot.run(context));
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
    (req: Request, res: Response, err: Error & { statusCode?: number }, cb: () => void) => {
      if ((err.statusCode ?? 500) >= 500)
        logger.error({ err: { name: err.name }, path: req.path() }, 'server error');
      return cb();
    },
  );

  return { server, inFlight: () => inFlight, addBotEndpoint };
}
