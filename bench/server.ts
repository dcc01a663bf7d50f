/**
 * The server under test: the real application from buildApplication, plus the echo floor on the same adapter
 * and server. bench/run.ts runs it in a child process (default) or in its own process (--in-process).
 */
import { performance } from 'node:perf_hooks';
import { buildApplication, type Application } from '../src/index';
import { loadConfig } from '../src/config';
import { ECHO_PATH, EchoBot } from './echoBot';
import {
  CHILD_OPTIONS_ENV,
  type BenchServerOptions,
  type DriverMessage,
  type ServerMessage,
  type ServerStats,
  type StartupTimes,
} from './protocol';

/** Milliseconds since this process started, once the application's modules are loaded. */
const modulesLoadedMs = performance.now();

/** A running bench server. */
export interface BenchServer {
  url: string;
  times: StartupTimes;
  stats(collectGarbage: boolean): Promise<ServerStats>;
  stop(): Promise<void>;
}

/** The environment the application is configured from: fixed, so a developer's .env cannot skew the run. */
export function benchEnvironment(options: BenchServerOptions): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    STORAGE: options.storage,
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: options.redisKeyPrefix,
    CONVERSATION_IDLE_MINUTES: options.idleMinutes === undefined ? undefined : String(options.idleMinutes),
    // The demo accounts and requests that the password-reset and request-status scenarios use.
    DEMO_DATA: 'true',
    MicrosoftAppId: '',
    MicrosoftAppPassword: '',
    // Every bench request comes from 127.0.0.1: keep the per-client limiter in the path but out of the way.
    // The per-conversation limit keeps its production value (a scripted conversation is a few turns).
    RATE_LIMIT_CLIENT_PER_MINUTE: '1000000000',
  };
}

function currentStats(collectGarbage: boolean): ServerStats {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (collectGarbage && gc) {
    gc();
    gc();
  }
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    cpuMicros: cpu.user + cpu.system,
    loopActiveMs: performance.eventLoopUtilization().active,
  };
}

/** Builds and starts the application and mounts the echo floor at {@link ECHO_PATH}. */
export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const buildStartMs = performance.now();
  const app: Application = await buildApplication(loadConfig(benchEnvironment(options)), {
    demoAccountsFile: options.demoAccountsFile,
  });
  app.http.addBotEndpoint(ECHO_PATH, new EchoBot());
  const builtMs = performance.now();
  const url = await app.start();
  const startResolvedMs = performance.now();
  return {
    url,
    times: { timeOrigin: performance.timeOrigin, modulesLoadedMs, buildStartMs, builtMs, startResolvedMs },
    stats: async (collectGarbage) => currentStats(collectGarbage),
    stop: () => app.stop(),
  };
}

function runChild(): void {
  const send = (message: ServerMessage) => process.send?.(message);
  const options = JSON.parse(process.env[CHILD_OPTIONS_ENV] ?? '{}') as BenchServerOptions;
  startBenchServer(options)
    .then((server) => {
      process.on('message', (message: DriverMessage) => {
        if (message.type === 'stats') {
          void server
            .stats(message.collectGarbage)
            .then((stats) => send({ type: 'stats', id: message.id, stats }));
        } else if (message.type === 'stop') {
          void server.stop().then(() => {
            send({ type: 'stopped' });
            // Exiting (rather than being killed) lets --cpu-prof write its profile.
            process.disconnect();
            process.exit(0);
          });
        }
      });
      // The driver going away must not leave a server behind.
      process.on('disconnect', () => process.exit(0));
      send({ type: 'listening', url: server.url, times: server.times });
    })
    .catch((error: unknown) => {
      send({ type: 'failed', message: (error as Error)?.message ?? String(error) });
      process.exit(1);
    });
}

if (require.main === module) {
  if (!process.send) {
    console.error('bench/server.js is started by bench/run.js (npm run bench), not on its own.');
    process.exit(2);
  }
  runChild();
}
