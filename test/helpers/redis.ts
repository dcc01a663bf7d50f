import path from 'node:path';
import fs from 'node:fs';
/**
 * Shared helpers for tests that need a real Redis.
 *
 * Policy: when Redis cannot be reached, suites are skipped loudly on a developer machine but FAIL in CI
 * (`CI=true`), so a broken CI service can never turn into a silently green build.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** URL of the shared test Redis: `REDIS_URL`, else the local default. */
export function redisTestUrl(): string {
  return process.env.REDIS_URL || DEFAULT_REDIS_URL;
}

/** The URL with any password masked, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/(rediss?:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

interface Availability {
  ok: boolean;
  reason: string;
}

// Runs in a child process so the check can be synchronous: jest collects `describe` blocks synchronously,
// so whether to skip must be known at module load. Going through node-redis itself (rather than a raw
// socket) keeps AUTH, TLS and database selection from the URL working.
const PROBE_SCRIPT = `
const { createClient } = require(process.env.PROBE_REDIS_MODULE);
const client = createClient({ url: process.env.PROBE_REDIS_URL, socket: { connectTimeout: 1500, reconnectStrategy: false } });
client.on('error', () => {});
client.connect()
  .then(() => client.ping())
  .then(() => { client.destroy(); process.exit(0); })
  .catch((err) => { process.stderr.write(String(err && err.message)); process.exit(1); });
`;

const availabilityCache = new Map<string, Availability>();

/** Synchronously checks (once per URL and test file) whether Redis answers PING at `url`. */
export function checkRedisAvailable(url: string = redisTestUrl()): Availability {
  const cached = availabilityCache.get(url);
  if (cached) return cached;
  const probe = spawnSync(process.execPath, ['-e', PROBE_SCRIPT], {
    env: { ...process.env, PROBE_REDIS_MODULE: require.resolve('redis'), PROBE_REDIS_URL: url },
    encoding: 'utf8',
    timeout: 10_000,
  });
  const result: Availability =
    probe.status === 0
      ? { ok: true, reason: '' }
      : {
          ok: false,
          reason: probe.error
            ? probe.error.message
            : (probe.stderr || `probe exited with ${probe.status ?? probe.signal}`).trim(),
        };
  availabilityCache.set(url, result);
  return result;
}

/** Synchronously checks whether a `redis-server` binary can be run, for suites that spawn their own. */
export function checkRedisServerBinary(): Availability {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8', timeout: 5000 });
  return probe.status === 0
    ? { ok: true, reason: '' }
    : {
        ok: false,
        reason: probe.error ? probe.error.message : `redis-server --version exited with ${probe.status}`,
      };
}

/**
 * @param what - what is missing, e.g. "Redis" or "the redis-server binary".
 * @param where - optional location appended to messages, e.g. "at redis://127.0.0.1:6379".
 */
function describeRequiring(
  what: string,
  where: string,
  availability: Availability,
  name: string,
  fn: () => void,
): void {
  const suffix = where ? ` ${where}` : '';
  if (availability.ok) {
    describe(name, fn);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs ${what}${suffix}`, () => {
        throw new Error(`${what} is required in CI${suffix} (${availability.reason})`);
      });
    });
  } else {
    console.warn(
      `SKIPPING "${name}": ${what} is not reachable${suffix} (${availability.reason}). With CI=true this suite fails.`,
    );
    describe.skip(name, fn);
  }
}

/**
 * `describe` for suites needing the shared test Redis ({@link redisTestUrl}): runs them when it answers,
 * fails in CI ("Redis is required in CI at <url>") when it does not, otherwise skips them with a warning.
 */
export function describeWithRedis(name: string, fn: () => void): void {
  const url = redisTestUrl();
  describeRequiring('Redis', `at ${redactUrl(url)}`, checkRedisAvailable(url), name, fn);
}

/** Same policy as {@link describeWithRedis}, for suites that start their own server with {@link startThrowawayRedis}. */
export function describeWithRedisServer(name: string, fn: () => void): void {
  describeRequiring('the redis-server binary', '', checkRedisServerBinary(), name, fn);
}

/** A fresh key prefix, unique to this test run, such as `test:3f9a1c0b7e2d:`. */
export function uniqueTestPrefix(label = 'test'): string {
  return `${label}:${randomBytes(6).toString('hex')}:`;
}

/** Minimal client surface needed by {@link deleteKeysWithPrefix}. */
export interface ScanningClient {
  scanIterator(options: { MATCH: string; COUNT?: number }): AsyncIterable<string[]>;
  del(keys: string[]): Promise<unknown>;
}

/**
 * Deletes the keys starting with `prefix`, and only those: SCAN with MATCH (never KEYS or FLUSHDB, so a
 * shared or developer Redis is left intact). Glob characters in the prefix are escaped.
 *
 * @returns how many keys were deleted.
 */
export async function deleteKeysWithPrefix(client: ScanningClient, prefix: string): Promise<number> {
  if (!prefix) throw new Error('deleteKeysWithPrefix: refusing an empty prefix');
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let deleted = 0;
  for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 500 })) {
    if (keys.length > 0) {
      await client.del(keys);
      deleted += keys.length;
    }
  }
  return deleted;
}

/** A redis-server owned by one test file, for fault injection. */
export interface ThrowawayRedis {
  readonly port: number;
  /** `redis://[:password@]127.0.0.1:<port>` */
  readonly url: string;
  /** Whether the process is currently running. */
  readonly running: boolean;
  /** Stops the server (SIGTERM, then SIGKILL after 3 s); resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: it persists nothing); resolves once it answers PING. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing is answered. */
  pause(): void;
  /** Resumes a paused process (SIGCONT). */
  resume(): void;
  /** Sends one command on its own connection (as redis-cli would) and resolves with the reply's first line. */
  command(...args: string[]): Promise<string>;
}

/** Options of {@link startThrowawayRedis}. */
export interface ThrowawayRedisOptions {
  /** Started with `--requirepass`, to check that secrets stay out of logs. */
  password?: string;
  /**
   * Keep the data across stop()/start() (append-only file in a private temporary folder), as a production
   * Redis would: fault tests check that the conversation resumes from its last saved state.
   */
  persist?: boolean;
}

/** Asks the OS for a free TCP port on the loopback interface. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

/** Resolves true once something on `port` answers a raw PING (`+PONG`, or `-NOAUTH` with a password). */
function answersPing(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
  });
}

/** Sends one RESP command to 127.0.0.1:`port` and resolves with the first line of the reply. */
function sendRaw(port: number, args: string[], password?: string): Promise<string> {
  const encode = (parts: string[]) =>
    `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    let skip = password ? 1 : 0;
    socket.setTimeout(2_000, () => {
      socket.destroy();
      reject(new Error(`redis-server on port ${port} did not answer ${args[0]}`));
    });
    socket.on('error', reject);
    socket.on('connect', () => socket.write((password ? encode(['AUTH', password]) : '') + encode(args)));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      for (let end = reply.indexOf('\r\n'); end >= 0; end = reply.indexOf('\r\n')) {
        const line = reply.slice(0, end);
        reply = reply.slice(end + 2);
        if (skip > 0) {
          skip -= 1;
          continue;
        }
        socket.destroy();
        resolve(line);
        return;
      }
    });
  });
}

/**
 * Starts a private `redis-server` on a free port, with persistence disabled, and waits until it answers
 * PING. Always call `stop()` in `afterAll`.
 */
export async function startThrowawayRedis(options: ThrowawayRedisOptions = {}): Promise<ThrowawayRedis> {
  const port = await findFreePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    os.tmpdir(),
    '--logfile',
    '',
  ];
  if (options.password) args.push('--requirepass', options.password);
  if (options.persist) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'throwaway-redis-'));
    args.splice(args.indexOf('--appendonly'), 2, '--appendonly', 'yes', '--appendfsync', 'always');
    args.splice(args.indexOf('--dir'), 2, '--dir', dir);
  }
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    if (child) throw new Error('throw-away redis-server is already running');
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    proc.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    proc.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    let exitCode: number | null | undefined;
    exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        exitCode = code ?? (signal ? -1 : null);
        if (child === proc) child = undefined;
        resolve();
      });
      proc.once('error', (err) => {
        output += err.message;
        exitCode = -1;
        if (child === proc) child = undefined;
        resolve();
      });
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (exitCode !== undefined) {
        throw new Error(`redis-server on port ${port} exited early: ${output.slice(-2000)}`);
      }
      if (await answersPing(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} did not answer PING within 10 s: ${output.slice(-2000)}`);
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc) return;
    proc.kill('SIGCONT'); // a paused server cannot handle SIGTERM
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(killer);
  };

  await start();
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    get running() {
      return child !== undefined;
    },
    stop,
    start,
    pause: () => {
      child?.kill('SIGSTOP');
    },
    resume: () => {
      child?.kill('SIGCONT');
    },
    command: (...command) => sendRaw(port, command, options.password),
  };
}

/** A TCP proxy in front of a Redis server that can lose a command's answer with its connection. */
export interface CuttingProxy {
  /** `redis://[:password@]127.0.0.1:<proxy port>` */
  readonly url: string;
  /**
   * The next client packet containing `marker` reaches Redis, then the client's connection is closed before
   * Redis's answer can come back: the command is applied, its answer lost.
   */
  cutAfter(marker: string): void;
  close(): Promise<void>;
}

/** Starts a {@link CuttingProxy} in front of `target`. */
export async function startCuttingProxy(target: ThrowawayRedis, password?: string): Promise<CuttingProxy> {
  let marker: string | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(target.port, '127.0.0.1');
    sockets.add(downstream).add(upstream);
    downstream.on('data', (chunk) => {
      upstream.write(chunk);
      if (marker && chunk.toString('latin1').includes(marker)) {
        marker = undefined;
        // The answer must not get through: the client side goes at once, Redis's side once it has read.
        downstream.destroy();
        setTimeout(() => upstream.destroy(), 50);
      }
    });
    upstream.on('data', (chunk) => {
      if (!downstream.destroyed) downstream.write(chunk);
    });
    const close = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `redis://${password ? `:${password}@` : ''}127.0.0.1:${port}`,
    cutAfter: (m) => {
      marker = m;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
