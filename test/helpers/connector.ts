import { textOf } from './bot';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';

/** One call the bot made on the Bot Connector API. */
export interface ConnectorCall {
  kind: 'send' | 'update';
  conversationId: string;
  /** The new activity's id (send) or the replaced one (update). */
  activityId: string;
  activity: Partial<Activity>;
}

/**
 * A real HTTP server speaking the part of the Bot Connector v3 API the bot uses (send, reply, update). The
 * bot's `serviceUrl` points at it, so replies and proactive messages (continueConversation) land here and
 * are recorded in order.
 */
export class RecordingConnector {
  readonly calls: ConnectorCall[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private counter = 0;
  private held?: {
    matches: (activity: Partial<Activity>) => boolean;
    released: Promise<void>;
    arrived: () => void;
  };
  url = '';

  /**
   * Holds back the next message whose activity matches, as a slow channel would: it is neither recorded nor
   * answered until `release` is called. `arrived` resolves once the bot has sent it.
   */
  holdNext(matches: (activity: Partial<Activity>) => boolean): {
    arrived: Promise<void>;
    release: () => void;
  } {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived = () => {};
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    this.held = { matches, released, arrived };
    return { arrived: arrival, release };
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Calls made to one conversation (a Teams thread's calls count for its channel). */
  to(conversationId: string): ConnectorCall[] {
    return this.calls.filter((c) => c.conversationId.split(';')[0] === conversationId);
  }

  /** The text of the messages sent to a conversation since call number `from`. */
  textTo(conversationId: string, from = 0): string {
    return this.calls
      .slice(from)
      .filter(
        (c) =>
          c.kind === 'send' &&
          c.conversationId.split(';')[0] === conversationId &&
          c.activity.type === 'message',
      )
      .map((c) => textOf([c.activity]))
      .join('\n');
  }

  /** Waits until `predicate` holds (proactive messages of a background sweep arrive a little later). */
  async waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('RecordingConnector: condition not met in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const match = /\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
      if (!match) {
        res.statusCode = 404;
        res.end();
        return;
      }
      const conversationId = decodeURIComponent(match[1]);
      const activity = (body ? JSON.parse(body) : {}) as Partial<Activity>;
      if (req.method === 'PUT') {
        this.calls.push({
          kind: 'update',
          conversationId,
          activityId: decodeURIComponent(match[2] ?? ''),
          activity,
        });
        this.reply(res, match[2] ?? '');
        return;
      }
      const held = this.held;
      if (held?.matches(activity)) {
        this.held = undefined;
        held.arrived();
        void held.released.then(() => this.recordSend(res, conversationId, activity));
        return;
      }
      this.recordSend(res, conversationId, activity);
    });
  }

  private recordSend(res: http.ServerResponse, conversationId: string, activity: Partial<Activity>): void {
    this.counter += 1;
    const activityId = `act-${this.counter}`;
    this.calls.push({ kind: 'send', conversationId, activityId, activity });
    this.reply(res, activityId);
  }

  private reply(res: http.ServerResponse, id: string): void {
    res.statusCode = 200;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ id }));
  }
}

/**
 * Posts one activity to a running bot as a channel does: its replies and proactive messages go to the
 * connector at `connectorUrl`, not into the HTTP body. Returns the HTTP status.
 */
export async function postViaConnector(
  baseUrl: string,
  connectorUrl: string,
  activity: Record<string, unknown>,
): Promise<number> {
  const response = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      serviceUrl: connectorUrl,
      recipient: { id: 'bot' },
      ...activity,
    }),
  });
  return response.status;
}
