/**
 * `npm run call`: an interactive telephony caller for a running bot (see {@link PhoneSimulator}).
 *
 *   npm run call -- [--url http://127.0.0.1:3978/api/messages] [--lang fr|en] [--speak]
 */
import readline from 'node:readline';
import { Messages, type Language } from '../i18n';
import { espeakSpeaker, PhoneSimulator } from './phoneSimulator';

/** Parsed command line. */
export interface CallArguments {
  botUrl: string;
  lang: Language;
  speak: boolean;
}

/** Reads the command line; unknown flags are ignored. */
export function parseCallArguments(argv: string[]): CallArguments {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const port = process.env.PORT || '3978';
  return {
    botUrl: value('--url') ?? process.env.BOT_URL ?? `http://127.0.0.1:${port}/api/messages`,
    lang: value('--lang') === 'en' ? 'en' : 'fr',
    speak: argv.includes('--speak') || argv.includes('--voice'),
  };
}

async function main(): Promise<void> {
  const args = parseCallArguments(process.argv.slice(2));
  const t = new Messages().forLanguage(args.lang);
  const speaker = args.speak ? espeakSpeaker() : undefined;
  const out = process.stdout;
  out.write(`${t('phone:banner', { url: args.botUrl })}\n${t('phone:help')}\n`);
  if (args.speak && !speaker) out.write(`${t('phone:speechUnavailable')}\n`);
  const simulator = new PhoneSimulator({ botUrl: args.botUrl, output: out, t, speaker });
  await simulator.start();

  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: Boolean(process.stdin.isTTY),
  });
  rl.setPrompt('> ');
  rl.prompt();
  // Lines are handled one at a time so that keys typed together reach the bot in order.
  let queue = Promise.resolve();
  const finish = () => {
    rl.close();
    void simulator.close().then(() => process.exit(0));
  };
  rl.on('line', (line) => {
    queue = queue.then(async () => {
      if ((await simulator.handle(line)) === 'quit') finish();
      else rl.prompt();
    });
  });
  rl.on('SIGINT', () => {
    queue = queue.then(async () => {
      await simulator.handle('/quit');
      finish();
    });
  });
  rl.on('close', () => {
    queue = queue.then(async () => {
      if (simulator.callActive) await simulator.handle('/quit');
      await simulator.close();
      process.exit(0);
    });
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error((error as Error)?.message ?? String(error));
    process.exit(1);
  });
}
