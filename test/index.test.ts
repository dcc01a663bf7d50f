import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

const entry = path.join(__dirname, '..', 'dist', 'src', 'index.js');

/** Starts the built bot on a free port and resolves with its URL once it logs that it listens. */
function startBot(): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], {
      env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', LOCAL_CHAT: 'false' },
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`bot did not start: ${out}`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => out });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the bot process', () => {
  it('logs the anonymous-mode warning once, then on SIGTERM finishes the turn in flight and exits 0', async () => {
    const { child, url, output } = await startBot();
    const exited = exitOf(child);
    const inFlight = fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        channelId: 'webchat',
        serviceUrl: 'http://127.0.0.1:9',
        deliveryMode: 'expectReplies',
        from: { id: 'u-sig' },
        recipient: { id: 'bot' },
        conversation: { id: 'c-sig' },
        text: 'bonjour',
      }),
    });
    // Let the request reach the server before the signal.
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    const body = (await response.json()) as { activities: Array<{ text?: string }> };
    expect(body.activities.map((a) => a.text).join(' ')).toContain('Bonjour!');
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
