/**
 * What the driver (bench/run.ts) and the server under test (bench/server.ts) share. Kept apart so that the
 * driver does not load the application when the server runs in a child process.
 */

/** What the server needs from the driver. */
export interface BenchServerOptions {
  storage: 'memory' | 'redis';
  redisUrl: string;
  redisKeyPrefix: string;
  /** CONVERSATION_IDLE_MINUTES; the application's default when undefined. */
  idleMinutes?: number;
  /** The demo accounts the scenarios sign in with (see benchDemoAccounts in bench/scenarios.ts). */
  demoAccountsFile?: string;
}

/** Start-up milestones, in milliseconds since the server's process started. */
export interface StartupTimes {
  /** Epoch milliseconds of the process start (performance.timeOrigin). */
  timeOrigin: number;
  modulesLoadedMs: number;
  buildStartMs: number;
  builtMs: number;
  startResolvedMs: number;
}

/** Resource use of the server's process at one moment. */
export interface ServerStats {
  rssBytes: number;
  heapUsedBytes: number;
  /** V8's committed heap (what the heap holds from the system, used or not). */
  heapTotalBytes: number;
  /** Memory outside V8's heap held by JavaScript objects (Buffers, ArrayBuffers). */
  externalBytes: number;
  /** User plus system CPU time since the process started (all threads: GC helpers included). */
  cpuMicros: number;
  /**
   * Time the event loop has spent busy since the process started (performance.eventLoopUtilization): the
   * main thread's share, without the work done on libuv's threads (scrypt derivations, for one).
   */
  loopActiveMs: number;
}

/** Messages from the driver to a child server. */
export type DriverMessage = { type: 'stats'; id: number; collectGarbage: boolean } | { type: 'stop' };

/** Messages from a child server to the driver. */
export type ServerMessage =
  | { type: 'listening'; url: string; times: StartupTimes }
  | { type: 'stats'; id: number; stats: ServerStats }
  | { type: 'failed'; message: string }
  | { type: 'stopped' };

/** Environment variable carrying the child's {@link BenchServerOptions} as JSON. */
export const CHILD_OPTIONS_ENV = 'BENCH_SERVER_OPTIONS';
