import { randomBytes } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { Clock } from '../clock';
import type { Logger } from '../logger';

/** A link to a pre-filled form works this long, then the form is gone. */
export const FORM_LINK_TTL_MS = 15 * 60 * 1000;

/** What a download link gives back. */
export type FormTake =
  | { status: 'ok'; pdf: Uint8Array; filename: string }
  /** Used or expired: the link existed, the form no longer does. */
  | { status: 'gone' }
  | { status: 'unknown' };

/**
 * Holds pre-filled forms behind random, single-use tokens until they are downloaded or expire. A form is
 * personal data: once taken or expired it is deleted, and only the fact that its token was used may remain,
 * until the token's own expiry, so that a second click can be told « already used » rather than « unknown ».
 */
export interface FormDownloadStore {
  /** Keeps the PDF and returns its token. */
  put(pdf: Uint8Array, filename: string): Promise<string>;
  /** Hands the PDF over once and forgets it. */
  take(token: string): Promise<FormTake>;
  /** Stops background work. */
  close(): Promise<void>;
}

/** A token is 32 random bytes in base64url: unguessable, and safe in a URL path. */
export function newFormToken(): string {
  return randomBytes(32).toString('base64url');
}

/** True when the text has the shape of a token, so anything else is refused before any lookup. */
export function isFormToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

interface MemoryEntry {
  expiresAt: number;
  pdf?: Uint8Array;
  filename?: string;
}

/** Options of {@link MemoryFormDownloadStore}. */
export interface MemoryFormDownloadOptions {
  clock: Clock;
  ttlMs?: number;
  /** How often expired entries are swept; default one minute. */
  sweepIntervalMs?: number;
  /** Most forms held at once; the one closest to expiry is dropped beyond it, so memory stays bounded. */
  maxEntries?: number;
}

/**
 * The in-process store, for one bot instance (STORAGE=memory). Expiry follows the injected clock, checked on
 * every access, and a timer sweeps what nobody asked for.
 */
export class MemoryFormDownloadStore implements FormDownloadStore {
  private readonly entries = new Map<string, MemoryEntry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: MemoryFormDownloadOptions) {
    this.ttlMs = options.ttlMs ?? FORM_LINK_TTL_MS;
    this.maxEntries = options.maxEntries ?? 1000;
    this.timer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    // The sweep must never keep the process (or a test run) alive on its own.
    this.timer.unref();
  }

  async put(pdf: Uint8Array, filename: string): Promise<string> {
    this.sweep();
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    const token = newFormToken();
    this.entries.set(token, { expiresAt: this.now() + this.ttlMs, pdf, filename });
    return token;
  }

  async take(token: string): Promise<FormTake> {
    const entry = this.entries.get(token);
    if (!entry) return { status: 'unknown' };
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(token);
      return { status: 'gone' };
    }
    if (!entry.pdf || !entry.filename) return { status: 'gone' };
    const { pdf, filename } = entry;
    // Keep only the tombstone: the form itself is dropped as it is handed over.
    delete entry.pdf;
    delete entry.filename;
    return { status: 'ok', pdf, filename };
  }

  /** Drops every expired entry, form or tombstone. */
  sweep(): void {
    const now = this.now();
    for (const [token, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(token);
  }

  /** How many forms or tombstones are held; for tests and metrics. */
  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.entries.clear();
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }
}

/** The node-redis commands {@link RedisFormDownloadStore} uses. */
export interface FormRedisClient {
  set(key: string, value: string, options: { expiration: { type: 'PX'; value: number } }): Promise<unknown>;
  getDel(key: string): Promise<unknown>;
  exists(key: string): Promise<number>;
}

/**
 * The store for several bot instances sharing Redis (STORAGE=redis): the link may reach any instance. The
 * form is one key with a time-to-live, so Redis deletes it by itself after 15 minutes, and GETDEL hands it
 * over exactly once even when two requests race. The expiry is also checked against the injected clock. A
 * second key, without any of the form, only remembers that the token was issued, until the same expiry.
 */
export class RedisFormDownloadStore implements FormDownloadStore {
  private readonly ttlMs: number;

  constructor(
    private readonly client: FormRedisClient,
    private readonly keyPrefix: string,
    private readonly clock: Clock,
    ttlMs: number = FORM_LINK_TTL_MS,
  ) {
    this.ttlMs = ttlMs;
  }

  async put(pdf: Uint8Array, filename: string): Promise<string> {
    const token = newFormToken();
    const value = JSON.stringify({
      expiresAt: this.clock.now().getTime() + this.ttlMs,
      filename,
      pdf: Buffer.from(pdf).toString('base64'),
    });
    const expiration = { expiration: { type: 'PX' as const, value: this.ttlMs } };
    // The « issued » marker outlives the download, so a second click is told 410 rather than 404, and it is
    // written now rather than at download time so that two racing downloads cannot both read « unknown ».
    await Promise.all([
      this.client.set(this.key(token), value, expiration),
      this.client.set(this.issuedKey(token), '1', expiration),
    ]);
    return token;
  }

  async take(token: string): Promise<FormTake> {
    const raw = await this.client.getDel(this.key(token));
    if (typeof raw !== 'string') {
      return (await this.client.exists(this.issuedKey(token))) > 0
        ? { status: 'gone' }
        : { status: 'unknown' };
    }
    const stored = JSON.parse(raw) as { expiresAt: number; filename: string; pdf: string };
    if (stored.expiresAt <= this.clock.now().getTime()) return { status: 'gone' };
    return { status: 'ok', pdf: Buffer.from(stored.pdf, 'base64'), filename: stored.filename };
  }

  async close(): Promise<void> {
    // The client belongs to the composition root, which closes it.
  }

  private key(token: string): string {
    return `${this.keyPrefix}forms:${token}`;
  }

  private issuedKey(token: string): string {
    return `${this.keyPrefix}forms-issued:${token}`;
  }
}

/** What {@link registerFormDownloads} needs. */
export interface FormDownloadRouteOptions {
  store: FormDownloadStore;
  logger: Logger;
}

/**
 * Serves GET /forms/:token: the PDF once (200), then 410 Gone; 404 for a token never issued. The token is a
 * secret, so it is never logged, and the response must not be cached anywhere. HEAD answers without using
 * the link, because some chat clients probe links before the user clicks them.
 */
export function registerFormDownloads(server: Server, options: FormDownloadRouteOptions): void {
  const { store, logger } = options;
  const noStore = (res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Content-Type-Options', 'nosniff');
  };
  server.head('/forms/:token', async (_req: Request, res: Response) => {
    noStore(res);
    res.send(204);
  });
  server.get('/forms/:token', async (req: Request, res: Response) => {
    noStore(res);
    const token = String((req.params as { token?: string }).token ?? '');
    if (!isFormToken(token)) {
      res.send(404);
      return;
    }
    let taken: FormTake;
    try {
      taken = await store.take(token);
    } catch (error) {
      logger.error({ err: { name: (error as Error)?.name }, event: 'formDownload' }, 'form store failed');
      res.send(503);
      return;
    }
    logger.info({ event: 'formDownload', outcome: taken.status }, 'form download');
    if (taken.status === 'unknown') {
      res.send(404);
      return;
    }
    if (taken.status === 'gone') {
      res.send(410);
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'application/pdf',
      'Content-Length': taken.pdf.byteLength,
      'Content-Disposition': `attachment; filename="${taken.filename}"`,
    });
    res.end(Buffer.from(taken.pdf));
  });
}
