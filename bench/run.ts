/**
 * `npm run bench`: plays scripted conversations against the real server (the assistant at /api/messages) and
 * the same texts against the echo floor (/api/echo, same adapter, same server), alternating bot and floor,
 * at each concurrency, then prints turns/s, p50/p99 turn latency and the bot/floor ratios, and writes
 * bench/results/latest.json. See docs/performance.md. Not a test: nothing here runs in CI.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createClient, type RedisClientType } from 'redis';
import { checkEchoReplies, ECHO_PATH } from './echoBot';
import {
  benchDemoAccounts,
  checkBotReplies,
  displayedText,
  SCENARIOS,
  type ReplyActivity,
  type Scenario,
  type TurnMessage,
  turnsPerPass,
} from './scenarios';
import {
  CHILD_OPTIONS_ENV,
  type BenchServerOptions,
  type DriverMessage,
  type ServerMessage,
  type ServerStats,
  type StartupTimes,
} from './protocol';

type Target = 'bot' | 'echo';

const BOT_PATH = '/api/messages';
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_ERROR_SAMPLES = 5;
/** A round stops early after this many failed turns: its figures are void anyway. */
const MAX_ERRORS_PER_ROUND = 200;
/** The bars from the project's issues, checked at the highest concurrency. */
const BARS = {
  turnsRatio: { memory: 0.5, redis: 0.35 },
  p99Ratio: 1.6,
  readyMs: 3000,
};

interface Options {
  durationMs: number;
  rampMs: number;
  warmupMs: number;
  turns: number | undefined;
  reps: number;
  concurrency: number[];
  storage: 'memory' | 'redis';
  redisUrl: string;
  idleMinutes: number | undefined;
  serverFlags: string[];
  inProcess: boolean;
  cpuProf: boolean;
  out: string;
  /** The scenarios played, in rotation (all by default). */
  scenarios: readonly Scenario[];
  /** Memory run: this many bot conversations in ten batches, memory sampled after each (no floor rounds). */
  memoryConversations: number | undefined;
}

const HELP = `Usage: npm run bench -- [options]      (or: node dist/bench/run.js [options] after npm run build)

  --duration <s>      seconds measured per round (BENCH_DURATION, default 8)
  --ramp <s>          seconds before each round's measured window, during which the conversations start
                      one after the other (BENCH_RAMP, default 1)
  --turns <n>         a fixed number of turns per round instead of a duration, all conversations starting
                      at once and every turn measured (BENCH_TURNS)
  --warmup <s>        seconds of the discarded warm-up round, per target (BENCH_WARMUP, default 3)
  --reps <n>          bot/echo pairs per concurrency (BENCH_REPS, default 2)
  --concurrency <l>   comma-separated concurrent conversations (BENCH_CONCURRENCY, default 1,50)
  --storage <s>       memory or redis (STORAGE, default memory); redis uses REDIS_URL
                      (default redis://127.0.0.1:6379), a unique key prefix, and deletes its keys afterwards
  --idle-minutes <m>  CONVERSATION_IDLE_MINUTES of the server (default: the application's), e.g. 1 with a
                      long --duration to watch idle conversations leave memory storage
  --server-flags=<f>  extra node flags for the server process, e.g. --server-flags=--max-semi-space-size=32
  --in-process        run the server in the driver's process instead of a child process
  --cpu-prof          write a V8 CPU profile of the server to bench/results/ (child process only)
  --scenarios <l>     comma-separated scenario names or groups (menus, accounts) to play (BENCH_SCENARIOS,
                      default all); see bench/scenarios.ts
  --memory <n>        memory run instead of the comparison: n bot conversations at the highest concurrency
                      in ten batches after one unmeasured batch of the same size, the server's RSS and heap
                      (after a full GC) after each (BENCH_MEMORY)
  --out <file>        JSON results (default bench/results/latest.json)
`;

/** bench/ in the repository, whether this runs from dist/bench or (type-checked only) from bench/. */
const BENCH_DIR = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../bench' : '.',
);

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      ramp: { type: 'string' },
      turns: { type: 'string' },
      warmup: { type: 'string' },
      reps: { type: 'string' },
      concurrency: { type: 'string' },
      storage: { type: 'string' },
      'idle-minutes': { type: 'string' },
      'server-flags': { type: 'string' },
      'in-process': { type: 'boolean' },
      'cpu-prof': { type: 'boolean' },
      out: { type: 'string' },
      scenarios: { type: 'string' },
      memory: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const number = (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name}: expected a number >= ${min}`);
    return value;
  };
  const storage = values.storage ?? env.STORAGE ?? 'memory';
  if (storage !== 'memory' && storage !== 'redis') throw new Error('--storage: expected memory or redis');
  const concurrency = (values.concurrency ?? env.BENCH_CONCURRENCY ?? '1,50')
    .split(',')
    .map((c) => number('concurrency', c, 1, 1))
    .map(Math.floor);
  const turnsRaw = values.turns ?? env.BENCH_TURNS;
  const inProcess = values['in-process'] ?? env.BENCH_IN_PROCESS === 'true';
  const cpuProf = values['cpu-prof'] ?? false;
  const serverFlags = (values['server-flags'] ?? '').split(/\s+/).filter((f) => f.length > 0);
  if ((cpuProf || serverFlags.length > 0) && inProcess) {
    throw new Error('--cpu-prof and --server-flags apply to the child server: drop --in-process');
  }
  const idleRaw = values['idle-minutes'];
  const scenarios = selectScenarios(values.scenarios ?? env.BENCH_SCENARIOS);
  const memoryRaw = values.memory ?? env.BENCH_MEMORY;
  return {
    scenarios,
    memoryConversations: memoryRaw ? Math.floor(number('memory', memoryRaw, 0, 10)) : undefined,
    durationMs: number('duration', values.duration ?? env.BENCH_DURATION, 8, 0.1) * 1000,
    rampMs: number('ramp', values.ramp ?? env.BENCH_RAMP, 1, 0) * 1000,
    warmupMs: number('warmup', values.warmup ?? env.BENCH_WARMUP, 3, 0) * 1000,
    turns: turnsRaw ? Math.floor(number('turns', turnsRaw, 0, 1)) : undefined,
    reps: Math.floor(number('reps', values.reps ?? env.BENCH_REPS, 2, 1)),
    concurrency,
    storage,
    redisUrl: env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379',
    idleMinutes: idleRaw ? Math.floor(number('idle-minutes', idleRaw, 60, 1)) : undefined,
    serverFlags,
    inProcess,
    cpuProf,
    out: path.resolve(values.out ?? path.join(BENCH_DIR, 'results', 'latest.json')),
  };
}

/**
 * The scenarios named in a comma-separated list of names or groups ("menus", "accounts"); all when empty.
 */
function selectScenarios(list: string | undefined): readonly Scenario[] {
  const names = (list ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
  if (names.length === 0) return SCENARIOS;
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n || s.group === n));
  if (unknown.length > 0) {
    const known = [...new Set(SCENARIOS.flatMap((s) => [s.group, s.name]))].join(', ');
    throw new Error(`--scenarios: unknown ${unknown.join(', ')} (known: ${known})`);
  }
  return SCENARIOS.filter((s) => names.includes(s.name) || names.includes(s.group));
}

// ---------------------------------------------------------------------------------------------------------
// The server under test, in a child process or in this one.

interface ServerHandle {
  url: string;
  mode: 'child process' | 'in-process';
  times: StartupTimes;
  /** This process's performance.now() when the server's process started (0 in-process). */
  processStartMs: number;
  /** This process's performance.now() when the driver asked for the server. */
  requestedMs: number;
  stats(collectGarbage: boolean): Promise<ServerStats>;
  stop(): Promise<void>;
}

async function startInProcess(options: BenchServerOptions): Promise<ServerHandle> {
  // Heap figures after a full collection need gc(); the npm script starts node without --expose-gc.
  v8.setFlagsFromString('--expose-gc');
  (globalThis as { gc?: unknown }).gc = vm.runInNewContext('gc');
  const requestedMs = performance.now();
  // Loaded here only: in the default mode the driver never loads the application.
  const { startBenchServer } = await import('./server');
  const server = await startBenchServer(options);
  return {
    url: server.url,
    mode: 'in-process',
    times: server.times,
    processStartMs: 0,
    requestedMs,
    stats: (gc) => server.stats(gc),
    stop: () => server.stop(),
  };
}

async function startChild(
  options: BenchServerOptions,
  cpuProf: boolean,
  serverFlags: string[],
): Promise<ServerHandle> {
  // DEP0111: restify reads process.binding('http_parser'); the warning says nothing about this run.
  // --no-regexp-tier-up as in `npm start`: the bench measures the process users get.
  const execArgv = ['--expose-gc', '--disable-warning=DEP0111', '--no-regexp-tier-up', ...serverFlags];
  if (cpuProf) execArgv.push('--cpu-prof', `--cpu-prof-dir=${path.join(BENCH_DIR, 'results')}`);
  const requestedMs = performance.now();
  const child: ChildProcess = fork(path.join(__dirname, 'server.js'), [], {
    execArgv,
    env: { ...process.env, [CHILD_OPTIONS_ENV]: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (stats: ServerStats) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  // A server that dies mid-run must fail the bench, not leave it waiting for an answer.
  child.once('exit', (code) => {
    for (const { reject } of pending.values()) reject(new Error(`the server process exited (code ${code})`));
    pending.clear();
  });
  const listening = new Promise<{ url: string; times: StartupTimes }>((resolve, reject) => {
    child.on('message', (message: ServerMessage) => {
      if (message.type === 'listening') resolve(message);
      else if (message.type === 'failed') reject(new Error(`the server could not start: ${message.message}`));
      else if (message.type === 'stats') {
        pending.get(message.id)?.resolve(message.stats);
        pending.delete(message.id);
      }
    });
    child.once('exit', (code) => reject(new Error(`the server process exited early (code ${code})`)));
  });
  const { url, times } = await listening;
  // The child's clock starts at its own process start; place that start on this process's clock.
  const processStartMs = times.timeOrigin - performance.timeOrigin;
  return {
    url,
    mode: 'child process',
    times,
    processStartMs: Math.max(requestedMs, processStartMs),
    requestedMs,
    stats: (collectGarbage) =>
      new Promise<ServerStats>((resolve, reject) => {
        if (child.exitCode !== null) return reject(new Error('the server process has exited'));
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const message: DriverMessage = { type: 'stats', id, collectGarbage };
        child.send(message);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        const message: DriverMessage = { type: 'stop' };
        child.send(message);
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// HTTP with keep-alive.

interface HttpReply {
  status: number;
  body: string;
}

function post(agent: http.Agent, url: URL, payload: string): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    request.on('error', reject);
    request.end(payload);
  });
}

async function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    http
      .get(url, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .on('error', () => resolve(0));
  });
}

/** Polls /readyz until it answers 200; returns this process's performance.now() at that moment. */
async function waitUntilReady(baseUrl: string, timeoutMs = 60_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if ((await getStatus(`${baseUrl}/readyz`)) === 200) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`/readyz did not answer 200 within ${timeoutMs} ms`);
}

// ---------------------------------------------------------------------------------------------------------
// Rounds.

interface RoundSpec {
  target: Target;
  concurrency: number;
  durationMs: number;
  rampMs: number;
  turns: number | undefined;
  rep: number;
  warmup: boolean;
  scenarios: readonly Scenario[];
}

interface RoundResult {
  target: Target;
  concurrency: number;
  rep: number;
  warmup: boolean;
  turns: number;
  conversationsStarted: number;
  conversationsCompleted: number;
  elapsedMs: number;
  /** The measured window on the server's clock (ms since its process started), to cut a CPU profile. */
  serverWindowMs: [number, number];
  turnsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  httpErrors: number;
  assertionErrors: number;
  errorSamples: string[];
  serverCpuMsPerTurn: number;
  /** The server's event loop busy time per turn: its main thread's work, without libuv's threads. */
  serverLoopMsPerTurn: number;
  driverCpuMsPerTurn: number;
}

/** Numbers every conversation of the run, so that each can choose a new password of its own. */
let conversationCounter = 0;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function activity(scenario: Scenario, conversationId: string, index: number, message: TurnMessage): string {
  return JSON.stringify({
    type: 'message',
    ...(message.type ? { type: message.type } : {}),
    id: `${conversationId}-${index}`,
    timestamp: new Date().toISOString(),
    channelId: scenario.channelId,
    serviceUrl: 'http://127.0.0.1:1',
    deliveryMode: 'expectReplies',
    conversation: { id: conversationId },
    from: { id: `user-${conversationId}`, role: 'user' },
    recipient: { id: 'ramq-bot', role: 'bot' },
    locale: scenario.locale,
    textFormat: 'plain',
    ...message,
  });
}

async function playRound(
  server: ServerHandle,
  spec: RoundSpec,
  runId: string,
  roundNo: number,
): Promise<{ result: RoundResult; latencies: number[]; byTurn: Map<string, number[]> }> {
  const url = new URL(spec.target === 'bot' ? BOT_PATH : ECHO_PATH, server.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const latencies: number[] = [];
  const byTurn = new Map<string, number[]>();
  const errorSamples: string[] = [];
  let httpErrors = 0;
  let assertionErrors = 0;
  let started = 0;
  let completed = 0;
  let claimed = 0;
  let nextScenario = roundNo; // rotate the mix's starting point between rounds

  let aborted = false;
  const fail = (kind: 'http' | 'assertion', message: string) => {
    if (kind === 'http') httpErrors += 1;
    else assertionErrors += 1;
    if (httpErrors + assertionErrors >= MAX_ERRORS_PER_ROUND) aborted = true;
    if (errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(message);
  };

  // Duration mode: workers start one by one during the ramp, so that conversations do not all begin (and
  // then stay) in step; only turns that start in the window [ramp end, deadline] are measured.
  // Turn-count mode: every worker starts at once and every turn counts.
  const fixedTurns = spec.turns !== undefined;
  const rampMs = fixedTurns ? 0 : spec.rampMs;
  const startMs = performance.now();
  const windowStart = startMs + rampMs;
  const deadline = windowStart + spec.durationMs;
  const snapshot = async () => ({
    at: performance.now(),
    server: await server.stats(false),
    driver: process.cpuUsage(),
  });
  const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const first = rampMs > 0 ? delay(rampMs).then(snapshot) : snapshot();
  const last = fixedTurns ? undefined : delay(deadline - performance.now()).then(snapshot);
  if (rampMs === 0) await first;

  const claimTurn = () => {
    if (aborted) return false;
    if (fixedTurns ? claimed >= (spec.turns as number) : performance.now() >= deadline) return false;
    claimed += 1;
    return true;
  };

  const worker = async (slot: number) => {
    if (rampMs > 0) await delay((slot * rampMs) / spec.concurrency);
    for (;;) {
      if (!claimTurn()) return;
      const scenario = spec.scenarios[nextScenario++ % spec.scenarios.length];
      const conversationId = `bench-${runId}-${spec.target}-${roundNo}-${started}`;
      const conversationNo = conversationCounter++;
      started += 1;
      let index = 0;
      let previousReplies = '';
      for (const turn of scenario.turns) {
        if (index > 0 && !claimTurn()) return;
        // The floor is sent the turn's text; the assistant what the conversation calls for (an answer to the
        // question it asked, a card's value).
        const message: TurnMessage = turn.hangUp
          ? { type: 'endOfConversation' }
          : spec.target === 'bot' && turn.send
            ? turn.send(previousReplies, conversationNo)
            : { text: turn.text };
        const payload = activity(scenario, conversationId, index, message);
        index += 1;
        const t0 = performance.now();
        let reply: HttpReply;
        try {
          reply = await post(agent, url, payload);
        } catch (error) {
          fail('http', `${scenario.name}: ${(error as Error).message}`);
          break;
        }
        const latency = performance.now() - t0;
        if (reply.status !== 200) {
          fail('http', `${scenario.name}: HTTP ${reply.status} to "${turn.text}"`);
          break;
        }
        if (t0 >= windowStart) {
          latencies.push(latency);
          const turnKey = `${scenario.name} #${index} "${turn.text}"`;
          const samples = byTurn.get(turnKey) ?? [];
          samples.push(latency);
          byTurn.set(turnKey, samples);
        }
        let replies: ReplyActivity[] = [];
        try {
          replies = (JSON.parse(reply.body) as { activities?: ReplyActivity[] }).activities ?? [];
        } catch {
          // An unparseable body fails the assertion below.
        }
        const problem =
          spec.target === 'bot'
            ? checkBotReplies(scenario, turn, replies)
            : turn.hangUp
              ? undefined
              : checkEchoReplies(turn.text, replies);
        previousReplies = replies.map(displayedText).join('\n');
        if (problem) {
          // The script no longer matches the conversation's state: start a new conversation.
          fail('assertion', `${scenario.name}: ${problem}`);
          break;
        }
        if (index === scenario.turns.length) completed += 1;
      }
    }
  };

  await Promise.all(Array.from({ length: spec.concurrency }, (_, slot) => worker(slot)));
  const from = await first;
  const to = last ? await last : await snapshot();
  agent.destroy();

  const elapsedMs = to.at - from.at;
  const turns = latencies.length;
  const list = Array.from(Float64Array.from(latencies).sort());
  const driverMicros = to.driver.user + to.driver.system - from.driver.user - from.driver.system;
  const perTurn = (micros: number) => (turns > 0 ? micros / 1000 / turns : NaN);
  return {
    latencies,
    byTurn,
    result: {
      target: spec.target,
      concurrency: spec.concurrency,
      rep: spec.rep,
      warmup: spec.warmup,
      turns,
      conversationsStarted: started,
      conversationsCompleted: completed,
      elapsedMs,
      serverWindowMs: [from.at - server.processStartMs, to.at - server.processStartMs],
      turnsPerSecond: turns / (elapsedMs / 1000),
      p50Ms: percentile(list, 0.5),
      p99Ms: percentile(list, 0.99),
      meanMs: turns > 0 ? latencies.reduce((a, b) => a + b, 0) / turns : NaN,
      maxMs: list.length ? list[list.length - 1] : NaN,
      httpErrors,
      assertionErrors,
      errorSamples,
      serverCpuMsPerTurn: perTurn(to.server.cpuMicros - from.server.cpuMicros),
      serverLoopMsPerTurn: perTurn((to.server.loopActiveMs - from.server.loopActiveMs) * 1000),
      driverCpuMsPerTurn: perTurn(driverMicros),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Redis: a unique prefix, a check that the application really writes there, and clean-up.

type Redis = RedisClientType;

async function connectRedis(url: string): Promise<Redis> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(
      `--storage redis: Redis is not reachable at ${url.replace(/\/\/[^@/]*@/, '//***@')} ` +
        `(${(error as Error).message}). Start it (e.g. redis-server) or set REDIS_URL.`,
      { cause: error },
    );
  }
  return client;
}

async function countKeys(client: Redis, prefix: string, remove: boolean): Promise<number> {
  let count = 0;
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    count += keys.length;
    if (remove && keys.length > 0) await client.unlink(keys);
  }
  return count;
}

// ---------------------------------------------------------------------------------------------------------
// Summary and output.

interface Summary {
  target: Target;
  concurrency: number;
  turns: number;
  turnsPerSecond: number;
  minRoundTurnsPerSecond: number;
  maxRoundTurnsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  serverCpuMsPerTurn: number;
  /** The server's event loop busy time per turn: its main thread's work, without libuv's threads. */
  serverLoopMsPerTurn: number;
}

function summarize(target: Target, concurrency: number, rounds: RoundResult[], latencies: number[]): Summary {
  const turns = rounds.reduce((a, r) => a + r.turns, 0);
  const seconds = rounds.reduce((a, r) => a + r.elapsedMs, 0) / 1000;
  const sorted = Array.from(Float64Array.from(latencies).sort());
  const rates = rounds.map((r) => r.turnsPerSecond);
  const cpu = rounds.reduce((a, r) => a + r.serverCpuMsPerTurn * r.turns, 0);
  const loop = rounds.reduce((a, r) => a + r.serverLoopMsPerTurn * r.turns, 0);
  return {
    target,
    concurrency,
    turns,
    turnsPerSecond: turns / seconds,
    minRoundTurnsPerSecond: Math.min(...rates),
    maxRoundTurnsPerSecond: Math.max(...rates),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    errors: rounds.reduce((a, r) => a + r.httpErrors + r.assertionErrors, 0),
    serverCpuMsPerTurn: turns > 0 ? cpu / turns : NaN,
    serverLoopMsPerTurn: turns > 0 ? loop / turns : NaN,
  };
}

function append(map: Map<string, number[]>, key: string, samples: number[]): void {
  const all = map.get(key) ?? [];
  for (const sample of samples) all.push(sample);
  map.set(key, all);
}

interface TurnStats {
  turn: string;
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Latency of each scripted turn, slowest p99 first: where the bot's time goes, seen from outside. */
function turnBreakdown(turns: Map<string, number[]> | undefined): TurnStats[] {
  return [...(turns ?? new Map<string, number[]>())]
    .map(([turn, samples]) => {
      const sorted = Array.from(Float64Array.from(samples).sort());
      return {
        turn,
        count: sorted.length,
        p50Ms: percentile(sorted, 0.5),
        p99Ms: percentile(sorted, 0.99),
        maxMs: sorted[sorted.length - 1],
      };
    })
    .sort((a, b) => b.p99Ms - a.p99Ms);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '))
    .join('\n');
}

/** The commit measured, with "+changes" when the working tree differs from it. */
function revision(): string {
  try {
    const git = (args: string[]) => execFileSync('git', args, { cwd: BENCH_DIR, encoding: 'utf8' }).trim();
    const head = git(['rev-parse', '--short', 'HEAD']);
    return git(['status', '--porcelain', '--untracked-files=no']) ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

function machine() {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    cpuModel: model.trim(),
    nproc: os.availableParallelism(),
    memory: mb(os.totalmem()),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Plays `conversations` bot conversations in ten equal batches and samples the server's memory after each,
 * after a full GC: resident memory should stay flat once the first batch has warmed everything up.
 */
async function memoryRun(
  options: Options,
  conversations: number,
  concurrency: number,
  run: (spec: RoundSpec) => Promise<void>,
  server: ServerHandle,
  rounds: RoundResult[],
): Promise<void> {
  const turnsPerConversation = turnsPerPass(options.scenarios) / options.scenarios.length;
  const batchTurns = Math.round((conversations / 10) * turnsPerConversation);
  const samples: Array<{
    conversations: number;
    rssMb: number;
    heapMb: number;
    heapTotalMb: number;
    externalMb: number;
  }> = [];
  // One batch first, the same shape as the measured ones (all conversations at once, new connections) and not
  // sampled: a process's first few thousand conversations grow its native memory once (allocator arenas, code
  // compiled late), after which RSS stays flat; measured from inside that rise, the figure says where batch 1
  // happened to land rather than whether memory grows with conversations.
  const batch = (rep: number, warmup: boolean): RoundSpec => ({
    target: 'bot',
    concurrency,
    durationMs: 0,
    rampMs: 0,
    turns: batchTurns,
    rep,
    warmup,
    scenarios: options.scenarios,
  });
  const settled = await server.stats(true);
  await run(batch(0, true));
  const warmed = await server.stats(true);
  console.log(
    `warm-up batch: RSS ${fixed(settled.rssBytes / 1e6, 1)} MB before, ${fixed(warmed.rssBytes / 1e6, 1)} MB after (not measured)`,
  );
  let started = 0;
  for (let rep = 1; rep <= 10; rep += 1) {
    const before = rounds.length;
    await run(batch(rep, false));
    started += rounds.slice(before).reduce((a, r) => a + r.conversationsStarted, 0);
    const stats = await server.stats(true);
    samples.push({
      conversations: started,
      rssMb: stats.rssBytes / 1e6,
      heapMb: stats.heapUsedBytes / 1e6,
      heapTotalMb: stats.heapTotalBytes / 1e6,
      externalMb: stats.externalBytes / 1e6,
    });
  }
  console.log('');
  console.log('conversations  RSS MB  heap after GC MB  heap committed MB  external MB');
  for (const s of samples) {
    console.log(
      `${String(s.conversations).padStart(13)}  ${fixed(s.rssMb, 1).padStart(6)}  ${fixed(s.heapMb, 1).padStart(16)}` +
        `  ${fixed(s.heapTotalMb, 1).padStart(17)}  ${fixed(s.externalMb, 1).padStart(11)}`,
    );
  }
  const base = samples[0];
  const peak = samples.reduce((a, s) => (s.rssMb > a.rssMb ? s : a), base);
  const last = samples[samples.length - 1];
  const growth = last.rssMb / base.rssMb - 1;
  console.log(
    `RSS after batch 1 ${fixed(base.rssMb, 1)} MB, peak ${fixed(peak.rssMb, 1)} MB, last ${fixed(last.rssMb, 1)} MB: ` +
      `${(growth * 100).toFixed(1)} % from batch 1 to the end (bar: within 15 %: ${Math.abs(growth) <= 0.15 ? 'met' : 'NOT met'})`,
  );
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(
    options.out,
    JSON.stringify(
      { kind: 'memory', storage: options.storage, concurrency, samples, growth, revision: revision() },
      null,
      2,
    ),
  );
  console.log(`JSON: ${path.relative(process.cwd(), options.out)}`);
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const demoAccountsFile = path.join(os.tmpdir(), `ramq-bench-accounts-${runId}.json`);
  fs.writeFileSync(demoAccountsFile, JSON.stringify(benchDemoAccounts()));
  const serverOptions: BenchServerOptions = {
    storage: options.storage,
    redisUrl: options.redisUrl,
    redisKeyPrefix: `ramq-bench:${runId}:`,
    idleMinutes: options.idleMinutes,
    demoAccountsFile,
  };
  const redis = options.storage === 'redis' ? await connectRedis(options.redisUrl) : undefined;
  const loadBefore = os.loadavg()[0];

  let server: ServerHandle | undefined;
  const cleanUp = async () => {
    await server?.stop().catch(() => undefined);
    server = undefined;
    fs.rmSync(demoAccountsFile, { force: true });
    if (redis) {
      const removed = await countKeys(redis, serverOptions.redisKeyPrefix, true).catch(() => -1);
      console.log(`Redis: deleted ${removed} keys under ${serverOptions.redisKeyPrefix}*`);
      await redis.close().catch(() => undefined);
    }
  };
  process.once('SIGINT', () => {
    void cleanUp().finally(() => process.exit(130));
  });

  try {
    const roundCount = options.concurrency.length * options.reps * 2;
    const perRound =
      options.turns !== undefined
        ? `${options.turns} turns`
        : `${options.rampMs / 1000} s ramp + ${options.durationMs / 1000} s`;
    console.log(
      `RAMQ bot bench: storage=${options.storage}, server ${options.inProcess ? 'in-process' : 'in a child process'}, ` +
        `concurrency ${options.concurrency.join(', ')}, ${roundCount} rounds of ${perRound} ` +
        `(+ warm-up ${options.warmupMs / 1000} s per target), ${options.scenarios.length} scenarios`,
    );

    server = options.inProcess
      ? await startInProcess(serverOptions)
      : await startChild(serverOptions, options.cpuProf, options.serverFlags);
    const readyAt = await waitUntilReady(server.url);
    const startup = {
      mode: server.mode,
      processStartToReadyMs: readyAt - server.processStartMs,
      requestToReadyMs: readyAt - server.requestedMs,
      buildApplicationToReadyMs: readyAt - (server.processStartMs + server.times.buildStartMs),
      modulesLoadedMs: server.times.modulesLoadedMs,
      buildApplicationMs: server.times.builtMs - server.times.buildStartMs,
      startResolvedMs: server.times.startResolvedMs,
    };
    const memoryBefore = await server.stats(true);

    const rounds: RoundResult[] = [];
    const latencies = new Map<string, number[]>();
    const turnLatencies = new Map<string, Map<string, number[]>>();
    let roundNo = 0;
    const run = async (spec: RoundSpec) => {
      const {
        result,
        latencies: samples,
        byTurn,
      } = await playRound(server as ServerHandle, spec, runId, roundNo++);
      rounds.push(result);
      if (!spec.warmup) {
        const key = `${spec.target}@${spec.concurrency}`;
        append(latencies, key, samples);
        const turns = turnLatencies.get(key) ?? new Map<string, number[]>();
        for (const [turn, turnSamples] of byTurn) append(turns, turn, turnSamples);
        turnLatencies.set(key, turns);
      }
      const tag = spec.warmup ? 'warm-up' : `c=${spec.concurrency} rep ${spec.rep}`;
      const errors = result.httpErrors + result.assertionErrors;
      console.log(
        `  ${tag.padEnd(12)} ${spec.target.padEnd(4)} ${fixed(result.turnsPerSecond, 0).padStart(6)} turns/s  ` +
          `p50 ${fixed(result.p50Ms, 2)} ms  p99 ${fixed(result.p99Ms, 2)} ms` +
          (options.cpuProf
            ? `  [server ${result.serverWindowMs.map((ms) => fixed(ms, 0)).join('-')} ms]`
            : '') +
          (errors ? `  ERRORS ${errors}: ${result.errorSamples[0]}` : ''),
      );
    };

    const warmConcurrency = Math.max(...options.concurrency);
    for (const target of ['bot', 'echo'] as const) {
      await run({
        target,
        concurrency: warmConcurrency,
        durationMs: options.warmupMs,
        rampMs: options.rampMs,
        turns: undefined,
        rep: 0,
        warmup: true,
        scenarios: options.scenarios,
      });
    }
    if (redis) {
      const keys = await countKeys(redis, serverOptions.redisKeyPrefix, false);
      if (keys === 0) {
        throw new Error(
          `--storage redis: the application wrote no key under ${serverOptions.redisKeyPrefix}* during the ` +
            'warm-up, so it is not using Redis (src/index.ts does not wire STORAGE=redis yet?). ' +
            'Redis figures would be memory figures: stopping.',
        );
      }
    }
    if (options.memoryConversations !== undefined) {
      await memoryRun(options, options.memoryConversations, warmConcurrency, run, server, rounds);
      return 0;
    }
    for (const concurrency of options.concurrency) {
      for (let rep = 1; rep <= options.reps; rep += 1) {
        for (const target of ['bot', 'echo'] as const) {
          await run({
            target,
            concurrency,
            durationMs: options.durationMs,
            rampMs: options.rampMs,
            turns: options.turns,
            rep,
            warmup: false,
            scenarios: options.scenarios,
          });
        }
      }
    }
    const memoryAfter = await server.stats(true);

    const measured = rounds.filter((r) => !r.warmup);
    const summaries: Summary[] = [];
    const ratios: Array<{
      concurrency: number;
      turnsPerSecond: number;
      p99: number;
      p50: number;
      /** Floor CPU per turn over bot CPU per turn: the turns/s ratio if the server's CPU were the only limit. */
      cpuPerTurn: number;
      /** The same with the event loop's busy time: the main thread's work alone. */
      loopPerTurn: number;
    }> = [];
    for (const concurrency of options.concurrency) {
      const [bot, echo] = (['bot', 'echo'] as const).map((target) =>
        summarize(
          target,
          concurrency,
          measured.filter((r) => r.target === target && r.concurrency === concurrency),
          latencies.get(`${target}@${concurrency}`) ?? [],
        ),
      );
      summaries.push(bot, echo);
      ratios.push({
        concurrency,
        turnsPerSecond: bot.turnsPerSecond / echo.turnsPerSecond,
        p50: bot.p50Ms / echo.p50Ms,
        p99: bot.p99Ms / echo.p99Ms,
        cpuPerTurn: echo.serverCpuMsPerTurn / bot.serverCpuMsPerTurn,
        loopPerTurn: echo.serverLoopMsPerTurn / bot.serverLoopMsPerTurn,
      });
    }

    const botConversations = rounds
      .filter((r) => r.target === 'bot')
      .reduce((a, r) => a + r.conversationsStarted, 0);
    const memory = {
      rssBeforeBytes: memoryBefore.rssBytes,
      rssAfterBytes: memoryAfter.rssBytes,
      heapAfterGcBeforeBytes: memoryBefore.heapUsedBytes,
      heapAfterGcAfterBytes: memoryAfter.heapUsedBytes,
      botConversations,
      retainedHeapBytesPerBotConversation:
        (memoryAfter.heapUsedBytes - memoryBefore.heapUsedBytes) / Math.max(1, botConversations),
    };

    const top = ratios[ratios.length - 1];
    const slowestTurns = Object.fromEntries(
      options.concurrency.map((c) => [`bot@${c}`, turnBreakdown(turnLatencies.get(`bot@${c}`))]),
    );
    const turnsBar = BARS.turnsRatio[options.storage];
    const bars = {
      concurrency: top.concurrency,
      turnsRatio: { value: top.turnsPerSecond, atLeast: turnsBar, met: top.turnsPerSecond >= turnsBar },
      p99Ratio: { value: top.p99, atMost: BARS.p99Ratio, met: top.p99 <= BARS.p99Ratio },
      readyMs: {
        value: startup.processStartToReadyMs,
        atMost: BARS.readyMs,
        met: startup.processStartToReadyMs <= BARS.readyMs,
      },
    };

    // ---- print
    const rows: string[][] = [
      [
        'conc',
        'target',
        'turns',
        'turns/s',
        'round min-max',
        'p50 ms',
        'p99 ms',
        'errors',
        'srv CPU ms/turn',
        'loop ms/turn',
      ],
    ];
    for (const concurrency of options.concurrency) {
      for (const s of summaries.filter((x) => x.concurrency === concurrency)) {
        rows.push([
          String(concurrency),
          s.target === 'echo' ? 'floor' : 'bot',
          String(s.turns),
          fixed(s.turnsPerSecond, 0),
          `${fixed(s.minRoundTurnsPerSecond, 0)}-${fixed(s.maxRoundTurnsPerSecond, 0)}`,
          fixed(s.p50Ms, 2),
          fixed(s.p99Ms, 2),
          String(s.errors),
          fixed(s.serverCpuMsPerTurn, 3),
          fixed(s.serverLoopMsPerTurn, 3),
        ]);
      }
      const r = ratios.find((x) => x.concurrency === concurrency);
      if (r) {
        rows.push([
          String(concurrency),
          'bot/floor',
          '',
          `${(r.turnsPerSecond * 100).toFixed(0)}%`,
          '',
          `${fixed(r.p50, 2)}x`,
          `${fixed(r.p99, 2)}x`,
          '',
          `${(r.cpuPerTurn * 100).toFixed(0)}%`,
          `${(r.loopPerTurn * 100).toFixed(0)}%`,
        ]);
      }
    }
    const m = machine();
    const load = { before: loadBefore, after: os.loadavg()[0] };
    const measuredRevision = revision();
    const yes = (met: boolean) => (met ? 'met' : 'NOT met');
    console.log('');
    console.log(`Revision: ${measuredRevision}`);
    console.log(
      `Machine: ${m.cpuModel}, ${m.nproc} CPUs, ${m.memory}, Node ${m.node}; storage=${options.storage}; ` +
        `load average (1 min) ${load.before.toFixed(2)} before, ${load.after.toFixed(2)} after`,
    );
    // The bench itself keeps about 1.2 CPUs busy; more than that is someone else sharing the machine.
    if (Math.max(load.before, load.after - 1.5) > 0.5) {
      console.log(
        'WARNING: the machine was busy with other work: turns/s and latencies are not comparable with a ' +
          'quiet run (the CPU ms/turn columns are the least affected).',
      );
    }
    console.log(
      `Ready: ${startup.processStartToReadyMs.toFixed(0)} ms from the server process's start to /readyz 200 ` +
        `(buildApplication to ready ${startup.buildApplicationToReadyMs.toFixed(0)} ms, modules loaded at ` +
        `${startup.modulesLoadedMs.toFixed(0)} ms)`,
    );
    console.log('');
    console.log(table(rows));
    console.log('');
    console.log(`Slowest bot turns at ${top.concurrency} conversations (p50 / p99 / max ms):`);
    for (const t of slowestTurns[`bot@${top.concurrency}`].slice(0, 5)) {
      console.log(
        `  ${t.turn.padEnd(34)} ${fixed(t.p50Ms, 1).padStart(7)} ${fixed(t.p99Ms, 1).padStart(7)} ` +
          `${fixed(t.maxMs, 1).padStart(7)}  (${t.count} turns)`,
      );
    }
    console.log(
      `Server memory: RSS ${mb(memory.rssBeforeBytes)} -> ${mb(memory.rssAfterBytes)}; heap after GC ` +
        `${mb(memory.heapAfterGcBeforeBytes)} -> ${mb(memory.heapAfterGcAfterBytes)} after ${botConversations} bot ` +
        `conversations (${(memory.retainedHeapBytesPerBotConversation / 1024).toFixed(2)} KiB retained each)`,
    );
    console.log(
      `Bars at ${top.concurrency} conversations: turns/s >= ${turnsBar * 100}% of floor: ` +
        `${(top.turnsPerSecond * 100).toFixed(0)}% ${yes(bars.turnsRatio.met)}; p99 <= ${BARS.p99Ratio}x floor: ` +
        `${top.p99.toFixed(2)}x ${yes(bars.p99Ratio.met)}; ready <= ${BARS.readyMs} ms: ` +
        `${startup.processStartToReadyMs.toFixed(0)} ms ${yes(bars.readyMs.met)}`,
    );

    const totalErrors = measured.reduce((a, r) => a + r.httpErrors + r.assertionErrors, 0);
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(
      options.out,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          command:
            `node ${path.relative(process.cwd(), process.argv[1])} ${process.argv.slice(2).join(' ')}`.trim(),
          revision: measuredRevision,
          machine: m,
          loadAverage1m: load,
          options: { ...options, out: undefined, redisUrl: undefined },
          scenarios: options.scenarios.map((s) => ({
            name: s.name,
            channelId: s.channelId,
            turns: s.turns.length,
          })),
          startup,
          memory,
          summaries,
          slowestTurns,
          ratios,
          bars,
          rounds,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`JSON: ${path.relative(process.cwd(), options.out)}`);
    if (totalErrors > 0) {
      console.error(
        `${totalErrors} turns failed: the figures above are not valid (see "errorSamples" in the JSON).`,
      );
      return 1;
    }
    return 0;
  } finally {
    await cleanUp();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(`bench failed: ${(error as Error)?.message ?? String(error)}`);
    process.exit(1);
  });
