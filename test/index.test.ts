import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { startBuiltBot as startBot } from './helpers/process';

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
