import { Worker } from 'node:worker_threads';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/** What the policy needs from zxcvbn's verdict on a password. */
export interface StrengthEstimate {
  /** 0 (trivial) to 4 (very hard to guess). */
  score: number;
  /** zxcvbn's warning and suggestion keys, untranslated. */
  hints: string[];
}

/** Estimates how hard a password is to guess. */
export interface StrengthEstimator {
  estimate(password: string, userInputs: string[]): Promise<StrengthEstimate>;
  /** Stops any background thread. */
  close(): Promise<void>;
}

/**
 * zxcvbn's own guards against inputs that make it slow (its defaults, 100 and 256, suit a browser checking one
 * password). Measured here: a 28-character password with digits took 115 ms with the defaults and 12 ms with
 * these; a crafted 128-character one, 736 ms and 75 ms. The scores of a corpus of weak, l33t and strong
 * passwords did not change (test/services/accounts/passwordPolicy.test.ts). Beyond 64 characters only the
 * first 64 are judged: a password whose start is weak is refused, as it should be.
 */
export const ZXCVBN_LIMITS = { l33tMaxSubstitutions: 12, maxLength: 64 } as const;

// No translations on purpose: zxcvbn then returns its message keys, which the bot words itself in French or
// English instead of showing the library's sentences. The modules load on first use: at start-up their
// dictionaries cost 90 ms before /readyz, for an estimator that normally runs on the worker thread.
async function createZxcvbn(): Promise<ZxcvbnFactory> {
  const [{ ZxcvbnFactory }, zxcvbnCommon, zxcvbnFr] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-fr'),
  ]);
  return new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnFr.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    ...ZXCVBN_LIMITS,
  });
}

function toEstimate(result: ReturnType<ZxcvbnFactory['check']>): StrengthEstimate {
  const { warning, suggestions } = result.feedback;
  return {
    score: result.score,
    hints: [warning, ...suggestions].filter((k): k is string => typeof k === 'string'),
  };
}

/** zxcvbn on the calling thread: for tests and as the fallback of {@link WorkerStrengthEstimator}. */
export class InlineStrengthEstimator implements StrengthEstimator {
  private zxcvbn: Promise<ZxcvbnFactory> | undefined;

  async estimate(password: string, userInputs: string[]): Promise<StrengthEstimate> {
    this.zxcvbn ??= createZxcvbn();
    return toEstimate((await this.zxcvbn).check(password, userInputs));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

// The worker is given as source so that it runs the same whether this file is compiled or run by ts-jest; it
// requires the packages by the paths resolved here.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { ZxcvbnFactory } = require(workerData.core);
const common = require(workerData.common);
const fr = require(workerData.fr);
const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...fr.dictionary },
  graphs: common.adjacencyGraphs,
  ...workerData.limits,
});
parentPort.postMessage({ ready: true });
parentPort.on('message', ({ id, password, userInputs }) => {
  try {
    const { score, feedback } = zxcvbn.check(password, userInputs);
    const hints = [feedback.warning, ...feedback.suggestions].filter((k) => typeof k === 'string');
    parentPort.postMessage({ id, score, hints });
  } catch {
    parentPort.postMessage({ id, failed: true });
  }
});
`;

/** The worker's answer to an estimate, or its word that zxcvbn is loaded (`ready`, no id). */
interface WorkerReply {
  id?: number;
  ready?: boolean;
  score?: number;
  hints?: string[];
  failed?: boolean;
}

/**
 * How long the worker may go without answering, while estimates wait for it, before it is taken as stuck:
 * it is stopped, and the waiting estimates are made on the calling thread. Measured from its last answer,
 * not from each request: a worker working through a queue (many new passwords at once) is not stuck, and
 * making its queued estimates on the event loop as well would hold every conversation when load is highest.
 */
const WORKER_STALL_MS = 5000;

/**
 * How long a new worker may take to load zxcvbn's dictionaries (about 0.4 s here, more on a busy machine)
 * before it counts as stuck: its first estimates wait for that, not for a stuck worker.
 */
const WORKER_START_MS = 10_000;

/** An estimate waiting for the worker, and which worker it was sent to. */
interface PendingEstimate {
  worker: Worker | undefined;
  resolve: (reply: WorkerReply) => void;
}

/**
 * zxcvbn on a worker thread. Its dictionary matching takes up to about 100 ms for a long password with digits
 * (measured here), which on the event loop would hold every other conversation's turn for as long. The worker
 * starts on first use and does not keep the process alive; if it fails or stops answering, the estimate is
 * made on the calling thread rather than refused. Passwords cross to the worker in memory only.
 */
export class WorkerStrengthEstimator implements StrengthEstimator {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, PendingEstimate>();
  private readonly inline = new InlineStrengthEstimator();
  /** When the worker last answered, or when it was last given work while idle. */
  private lastProgressAt = 0;
  /** Whether the current worker has loaded zxcvbn. */
  private workerReady = false;
  private watchdog: NodeJS.Timeout | undefined;

  /**
   * @param stallMs how long the worker may go without answering while estimates wait (tests shorten it).
   * @param workerSource the worker's code (tests give one that is slow to start, or never answers).
   */
  constructor(
    private readonly stallMs = WORKER_STALL_MS,
    private readonly workerSource = WORKER_SOURCE,
  ) {}

  async estimate(password: string, userInputs: string[]): Promise<StrengthEstimate> {
    const reply = await this.ask(password, userInputs);
    if (reply.failed || reply.score === undefined) return this.inline.estimate(password, userInputs);
    return { score: reply.score, hints: reply.hints ?? [] };
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private ask(password: string, userInputs: string[]): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      try {
        const worker = this.started();
        if (![...this.pending.values()].some((p) => p.worker === worker)) this.lastProgressAt = Date.now();
        this.pending.set(id, { worker, resolve });
        worker.postMessage({ id, password, userInputs });
        this.watch();
      } catch {
        this.pending.set(id, { worker: undefined, resolve });
        this.settle(id, { failed: true });
      }
    });
  }

  private settle(id: number, reply: WorkerReply): void {
    const waiting = this.pending.get(id);
    this.pending.delete(id);
    waiting?.resolve(reply);
  }

  /** Fails, so that they are made on the calling thread, the estimates sent to `worker`. */
  private failAll(worker: Worker): void {
    for (const [id, waiting] of [...this.pending])
      if (waiting.worker === worker) this.settle(id, { failed: true });
  }

  /** Checks, while estimates wait, that the worker keeps answering; stops it when it does not. */
  private watch(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(
      () => {
        const worker = this.worker;
        if (!worker || this.pending.size === 0) {
          clearInterval(this.watchdog);
          this.watchdog = undefined;
          return;
        }
        const limit = this.workerReady ? this.stallMs : Math.max(this.stallMs, WORKER_START_MS);
        if (Date.now() - this.lastProgressAt < limit) return;
        this.worker = undefined;
        this.failAll(worker);
        void worker.terminate();
      },
      Math.max(5, Math.round(this.stallMs / 5)),
    );
    this.watchdog.unref();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerSource, {
      eval: true,
      workerData: {
        core: require.resolve('@zxcvbn-ts/core'),
        common: require.resolve('@zxcvbn-ts/language-common'),
        fr: require.resolve('@zxcvbn-ts/language-fr'),
        limits: ZXCVBN_LIMITS,
      },
    });
    worker.unref();
    this.workerReady = false;
    worker.on('message', (reply: WorkerReply) => {
      if (this.worker !== worker) return;
      this.lastProgressAt = Date.now();
      if (reply.ready) this.workerReady = true;
      else if (reply.id !== undefined) this.settle(reply.id, reply);
    });
    const fail = () => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(worker);
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    this.worker = worker;
    return worker;
  }
}
