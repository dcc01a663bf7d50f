import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Activity } from 'botbuilder';

/** A small Bot Connector endpoint: where a bot posts its replies and proactive messages (the serviceUrl). */
export interface LocalConnector {
  /** The URL to give the bot as `serviceUrl`, e.g. `http://127.0.0.1:40123`. */
  serviceUrl: string;
  close(): Promise<void>;
}

/** Options of {@link startLocalConnector}. */
export interface LocalConnectorOptions {
  /** Receives every activity the bot sends, in order, with the conversation id from the URL. */
  onActivity: (activity: Partial<Activity>, conversationId: string) => void;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Largest body accepted, in bytes. */
  maxBodyBytes?: number;
}

const ROUTE = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

/**
 * Serves the subset of the Bot Connector API that a bot in anonymous mode calls on its `serviceUrl`:
 * POST /v3/conversations/{id}/activities[/{replyToId}] (send, reply), and accepts PUT/DELETE of activities.
 * Local only: no authentication, loopback by default. Used by the phone simulator and by tests.
 */
export async function startLocalConnector(options: LocalConnectorOptions): Promise<LocalConnector> {
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const server = http.createServer((req, res) => {
    const match = ROUTE.exec((req.url ?? '').split('?')[0]);
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!match) return reply(404, { error: { code: 'NotFound', message: 'Not found' } });
    const conversationId = decodeURIComponent(match[1]);
    if (req.method === 'DELETE') return reply(200, {});
    if (req.method !== 'POST' && req.method !== 'PUT') return reply(405, {});
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      let activity: Partial<Activity>;
      try {
        activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<Activity>;
      } catch {
        return reply(400, { error: { code: 'BadArgument', message: 'Body must be JSON' } });
      }
      if (match[2] && activity.replyToId === undefined) activity.replyToId = decodeURIComponent(match[2]);
      const id = activity.id ?? randomUUID();
      options.onActivity({ ...activity, id }, conversationId);
      reply(200, { id });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    serviceUrl: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
