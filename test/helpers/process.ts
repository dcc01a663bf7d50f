import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

/** The built bot (`npm run build`), as `npm start` runs it. */
export const BUILT_ENTRY = path.join(__dirname, '..', '..', 'dist', 'src', 'index.js');

/** A bot running in its own process. */
export interface BotProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** Everything the process printed so far. */
  output(): string;
}

/**
 * Starts the built bot in a child process on a free port, with only the given environment (plus PATH), and
 * resolves once it logs the URL it listens on. Rejects if it exits or is silent for 20 s.
 */
export function startBuiltBot(env: Record<string, string> = {}): Promise<BotProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_ENTRY], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        LOCAL_CHAT: 'false',
        ...env,
      },
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`bot did not start: ${out}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => out });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited (${code}): ${out}`));
    });
  });
}
