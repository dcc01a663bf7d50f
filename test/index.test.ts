import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import net from 'node:net';
import { createTestApp, postTurn, textOf } from './helpers/bot';
import { startBuiltBot as startBot } from './helpers/process';

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the bot process', () => {
  it('logs the anonymous-mode warning once, then on SIGTERM finishes the turn in flight and exits 0', async () => {
    const { child, url, output } = await startBot();
    const exited = exitOf(child);
    const inFlight = postTurn(url, { from: { id: 'u-sig' }, conversation: { id: 'c-sig' }, text: 'bonjour' });
    // The signal goes once the turn has started (its first flow log line): a fixed pause was sometimes too
    // short on a loaded machine, and the signal then came before the request.
    for (let i = 0; i < 200 && !output().includes('"event":"flow"'); i += 1) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(output()).toContain('"event":"flow"');
    child.kill('SIGTERM');
    const { status, activities } = await inFlight;
    expect(status).toBe(200);
    expect(textOf(activities)).toContain('Bonjour!');
    expect(await exited).toBe(0);
    expect(output().match(/local anonymous mode/g)).toHaveLength(1);
    expect(output()).toContain('shutting down');
  });

  it('refuses new connections after SIGINT and exits 0', async () => {
    const { child, url } = await startBot();
    const exited = exitOf(child);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe('stop()', () => {
  it('drops a request whose body never finishes once the drain period is over, instead of waiting forever', async () => {
    const app = await createTestApp();
    const baseUrl = await app.start();
    const socket = net.connect(Number(new URL(baseUrl).port), '127.0.0.1');
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // Headers, then a first byte of the body and nothing more: Node's request timeout, which would end it,
    // is no longer enforced once the server is closed.
    socket.write(
      'POST /api/messages HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    for (let i = 0; i < 100 && app.http.inFlight() === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(app.http.inFlight()).toBe(1);

    const stopped = app.stop({ drainMs: 300 }).then(() => true);
    const timely = await Promise.race([
      stopped,
      new Promise<false>((r) => setTimeout(() => r(false), 5_000)),
    ]);
    // Ended by the test otherwise, so that a failure does not leave the server open.
    socket.destroy();
    await stopped;
    await closed;
    expect(timely).toBe(true);
  }, 15_000);
});

describe('a channel that cannot be reached with a reply', () => {
  it('gives up after the connector’s retries of the reply, without trying an apology the same way', async () => {
    // A serviceUrl whose every connection is dropped at once: each try of each send is one connection.
    let connections = 0;
    const channel = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => channel.listen(0, '127.0.0.1', resolve));
    const serviceUrl = `http://127.0.0.1:${(channel.address() as net.AddressInfo).port}/`;
    const app = await createTestApp();
    const url = await app.start();
    try {
      const started = Date.now();
      const response = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          channelId: 'webchat',
          serviceUrl,
          from: { id: 'u-unreachable' },
          recipient: { id: 'bot' },
          conversation: { id: 'c-unreachable' },
          text: 'bonjour',
        }),
      });
      expect(response.status).toBe(200);
      // The welcome's send, tried four times (the connector's three retries), and nothing after it.
      expect(connections).toBe(4);
      expect(Date.now() - started).toBeLessThan(9_000);
    } finally {
      await app.stop();
      channel.close();
    }
  }, 30_000);
});
