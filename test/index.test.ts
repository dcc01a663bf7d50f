import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { postTurn, textOf } from './helpers/bot';
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
