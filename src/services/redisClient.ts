import { createClient, type RedisClientType } from 'redis';

/** The subset of a pino logger the Redis client needs; `info` is optional so a bare `{ warn, error }` works. */
export interface RedisLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

/** Tuning knobs for {@link createRedisClient}; the defaults suit the bot in production. */
export interface RedisClientTuning {
  /** How long one TCP (and TLS) connection attempt may take before it is abandoned. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** Ceiling of the exponential reconnect backoff. Default 5000 ms. */
  maxReconnectDelayMs?: number;
  /** Minimum interval between two "still unreachable" warnings during one outage. Default 30000 ms. */
  outageLogIntervalMs?: number;
}

/** The client type returned by {@link createRedisClient} (node-redis v6 defaults: RESP3, no extra scripts). */
export type AppRedisClient = RedisClientType;

const FIRST_RETRY_DELAY_MS = 100;

/**
 * Creates (but does not connect) a node-redis client configured so that a Redis outage degrades the bot
 * instead of crashing or freezing it:
 *
 * - an `'error'` listener is always attached, because node-redis emits `'error'` on every failed
 *   (re)connection and an unhandled `'error'` event would kill the process;
 * - the reconnect strategy never gives up (capped exponential backoff with jitter), so the same client
 *   recovers by itself when Redis comes back;
 * - `disableOfflineQueue` makes commands issued while disconnected reject at once ("The client is
 *   offline") rather than pile up in memory and hang the turn until Redis returns.
 *
 * Call `client.connect()` yourself. Note that its promise only settles once Redis has answered (it keeps
 * retrying meanwhile), so do not block start-up on it if the bot should start while Redis is down.
 *
 * @param url - `redis://` or `rediss://` URL; it may carry credentials, which are never logged.
 * @param logger - receives connection problems; messages never contain the URL or stored values.
 * @param tuning - optional overrides of the timeouts, mainly for tests.
 */
export function createRedisClient(
  url: string,
  logger?: RedisLogger,
  tuning: RedisClientTuning = {},
): AppRedisClient {
  const connectTimeout = tuning.connectTimeoutMs ?? 2000;
  const maxDelay = tuning.maxReconnectDelayMs ?? 5000;
  const outageLogInterval = tuning.outageLogIntervalMs ?? 30_000;

  const client = createClient({
    url,
    disableOfflineQueue: true,
    // node-redis's own command timeout (5 s by default) only bounds the wait *before* a command is written:
    // once on the socket, a command to a frozen server waits forever anyway. It cost an AbortSignal and a
    // 5-second timer per command (about 10 % of a turn's CPU with Redis); watchForStalls bounds the real case.
    commandOptions: { timeout: 0 },
    socket: {
      connectTimeout,
      // Returning a number (never false/Error) keeps the client alive forever: a client whose strategy
      // gave up is closed for good and would need to be recreated, which the composition root does not do.
      // Jitter spreads the reconnect storm when several bot instances lose Redis at the same moment.
      reconnectStrategy: (retries: number) =>
        Math.min(FIRST_RETRY_DELAY_MS * 2 ** Math.min(retries, 16), maxDelay) +
        Math.floor(Math.random() * 100),
    },
  });

  // One log line per outage at error level, then throttled warnings: during a long outage the client
  // retries every few seconds and would otherwise flood the logs.
  let outageStartedAt: number | undefined;
  let lastWarnAt = 0;
  let failures = 0;
  client.on('error', (err: unknown) => {
    const now = Date.now();
    failures += 1;
    if (outageStartedAt === undefined) {
      outageStartedAt = now;
      lastWarnAt = now;
      logger?.error({ err: describeRedisError(err) }, 'Redis connection error');
    } else if (now - lastWarnAt >= outageLogInterval) {
      lastWarnAt = now;
      logger?.warn(
        { err: describeRedisError(err), failures, outageMs: now - outageStartedAt },
        'Redis still unreachable',
      );
    }
  });
  client.on('ready', () => {
    if (outageStartedAt !== undefined) {
      const details = { failures, outageMs: Date.now() - outageStartedAt };
      if (logger?.info) logger.info(details, 'Redis connection restored');
      else logger?.warn(details, 'Redis connection restored');
    }
    outageStartedAt = undefined;
    failures = 0;
  });

  return client;
}

/** What {@link whenReady} needs from a node-redis client. */
interface ReadinessSource {
  readonly isReady: boolean;
  once(event: 'ready', listener: () => void): unknown;
}

/**
 * Callers waiting for each client's next 'ready', behind one listener: during a reconnection every turn in
 * flight waits, and a listener each would pass Node's limit of ten per event (a leak warning) under load.
 */
const readyWaiters = new WeakMap<ReadinessSource, Set<() => void>>();

/**
 * Resolves true as soon as the client is ready (at once if it is), false if it is not within `maxMs`: lets a
 * read that met a dropped connection wait for the reconnection instead of failing the user's turn.
 */
export function whenReady(client: ReadinessSource, maxMs: number): Promise<boolean> {
  if (client.isReady) return Promise.resolve(true);
  let waiters = readyWaiters.get(client);
  if (!waiters) {
    const created = new Set<() => void>();
    waiters = created;
    readyWaiters.set(client, created);
    client.once('ready', () => {
      readyWaiters.delete(client);
      for (const wake of created) wake();
    });
  }
  const registered = waiters;
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      registered.delete(wake);
      resolve(false);
    }, maxMs);
    registered.add(wake);
  });
}

/** What {@link watchForStalls} needs from a node-redis client. */
export interface StallWatchedClient {
  readonly isReady: boolean;
  ping(): Promise<unknown>;
  destroy(): void;
  connect(): Promise<unknown>;
}

/** Timings of {@link watchForStalls}. */
export interface StallWatchOptions {
  /** How often the connection is probed while it is ready. Default 250 ms. */
  probeEveryMs?: number;
  /** How long a probe may go unanswered before the connection is declared stalled. Default 750 ms. */
  stallAfterMs?: number;
  /**
   * Asked, every `probeEveryMs`, after a stalled connection was dropped and before a new one is opened: the
   * client reconnects only once it resolves true. Without it the client reconnects at once, which is right
   * for a frozen server (the new connection is not ready, so commands fail at once) but not for one that
   * accepts connections and PINGs while holding every write (`CLIENT PAUSE … WRITE`, a long script): each
   * new connection would stall the next write for another `stallAfterMs`, two or three times in one turn.
   */
  verifyBeforeReconnect?: () => Promise<boolean>;
  logger?: RedisLogger;
}

/**
 * Guards against a Redis that keeps its connections open but answers nothing (a frozen process, a half-open
 * network path). A closed connection makes node-redis reject what waits at once, but a stalled one leaves every
 * command already written waiting forever, so a turn would hang on its rate limit, its state or its
 * transcript. This probes the connection with a PING; one unanswered for `stallAfterMs` drops the connection
 * (what waits is rejected, so turns end with the polite "temporarily unavailable") and opens a new one, which
 * is not ready, so new commands fail at once (`disableOfflineQueue`), until Redis answers again.
 *
 * One probe at a time, a few a second: far cheaper than a timer per command. Returns a function that stops
 * the watch.
 */
export function watchForStalls(client: StallWatchedClient, options: StallWatchOptions = {}): () => void {
  const probeEveryMs = options.probeEveryMs ?? 250;
  const stallAfterMs = options.stallAfterMs ?? 750;
  const verify = options.verifyBeforeReconnect;
  let probing = false;
  let stopped = false;
  /** Set while a dropped connection waits for `verifyBeforeReconnect` before reopening. */
  let reconnecting = false;

  const reconnectOnceVerified = async () => {
    while (!stopped) {
      const ok = await verify!().catch(() => false);
      if (stopped) break;
      if (ok) {
        client.connect().catch(() => undefined);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, probeEveryMs).unref());
    }
    reconnecting = false;
  };
  /** When the watch last dropped a stalled connection, until a probe is answered again. */
  let droppedAt: number | undefined;

  const probe = async () => {
    probing = true;
    let answered = false;
    // A rejected PING means the connection closed, which node-redis already handles by reconnecting.
    const ping = client.ping().then(
      () => (answered = true),
      () => {
        answered = true;
        return false;
      },
    );
    // An answered probe ends at once, so the next one starts on time and a stall is seen within about
    // probeEveryMs + stallAfterMs of its start.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, stallAfterMs);
    });
    await Promise.race([ping, deadline]);
    clearTimeout(timer);
    if (!answered) {
      // Timers run before I/O in the event loop: after a long pause of this process the answer may be read
      // but not yet handled, so look again once pending I/O has been processed.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (!answered && !stopped && client.isReady) {
      options.logger?.error({ stallAfterMs }, 'Redis stopped answering: reconnecting');
      droppedAt = Date.now();
      client.destroy();
      if (verify) {
        // Closed meanwhile: commands fail at once (the client is closed) rather than stall a turn again.
        reconnecting = true;
        void reconnectOnceVerified();
      } else {
        client.connect().catch(() => undefined);
      }
    }
    const ok = await ping;
    if (reconnecting) {
      probing = false;
      return;
    }
    if (ok && droppedAt !== undefined) {
      // node-redis reports the reconnection of a closed connection; this one the watch closed itself.
      const details = { outageMs: Date.now() - droppedAt };
      if (options.logger?.info) options.logger.info(details, 'Redis answering again');
      else options.logger?.warn(details, 'Redis answering again');
      droppedAt = undefined;
    }
    probing = false;
  };

  const interval = setInterval(() => {
    if (!probing && !stopped && client.isReady) void probe();
  }, probeEveryMs);
  interval.unref();
  return () => {
    stopped = true;
    clearInterval(interval);
  };
}

/**
 * Tells whether Redis answers within `timeoutMs`: a PING, or, given `probeKey`, a write of that key (kept
 * ten seconds), since a Redis out of memory or made read-only still answers PING but refuses to save any
 * conversation. Never throws, so a readiness probe can call it directly.
 *
 * The timer is ours rather than node-redis's command `timeout` option, because that option only bounds the
 * time a command waits to be *sent*; a command already written to a stalled server would wait forever.
 */
export async function pingRedis(
  client: {
    readonly isReady: boolean;
    ping(): Promise<unknown>;
    sendCommand(args: string[]): Promise<unknown>;
  },
  timeoutMs: number,
  probeKey?: string,
): Promise<boolean> {
  if (!client.isReady) return false;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const probe = probeKey ? client.sendCommand(['SET', probeKey, '1', 'PX', '10000']) : client.ping();
  try {
    return await Promise.race([probe.then(() => true), timedOut]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

const CREDENTIALS_IN_URL = /(rediss?:\/\/)[^@\s/]*@/gi;

/**
 * Reduces an error to fields that are safe to log. Spreading the raw error into a log line could leak
 * whatever a library attached to it (options objects, URLs with passwords), so only name, code and a
 * message with any URL credentials masked are kept.
 */
export function describeRedisError(err: unknown): { name: string; code?: string; message: string } {
  if (!(err instanceof Error)) return { name: typeof err, message: 'non-Error value thrown' };
  const code = (err as { code?: unknown }).code;
  return {
    name: err.constructor?.name ?? err.name,
    ...(typeof code === 'string' ? { code } : {}),
    message: err.message.replace(CREDENTIALS_IN_URL, '$1***@'),
  };
}

/**
 * A `verifyBeforeReconnect` for {@link watchForStalls}: opens a short-lived second connection and tells whether
 * Redis takes a write of `probeKey` on it within `timeoutMs`. Never throws. The connection is dropped either
 * way; a probe write that Redis runs later only refreshes a throw-away key.
 */
export async function writeProbeOnFreshConnection(
  client: AppRedisClient,
  probeKey: string,
  timeoutMs: number,
): Promise<boolean> {
  const fresh = client.duplicate({ socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  fresh.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const attempt = fresh.connect().then(() => pingRedis(fresh, timeoutMs, probeKey));
  try {
    return await Promise.race([attempt.catch(() => false), timedOut]);
  } finally {
    clearTimeout(timer);
    attempt.catch(() => undefined);
    try {
      fresh.destroy();
    } catch {
      // Not connected yet: nothing to close.
    }
  }
}
