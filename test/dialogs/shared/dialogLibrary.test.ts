import { spawnSync } from 'node:child_process';
import * as dialogs from 'botbuilder-dialogs';
import * as library from '../../../src/dialogs/shared/dialogLibrary';
import { BUILT_ENTRY } from '../../helpers/process';

describe('dialogLibrary', () => {
  it.each([
    'Dialog',
    'DialogReason',
    'DialogTurnStatus',
    'DialogContext',
    'DialogSet',
    'ComponentDialog',
    'WaterfallDialog',
    'WaterfallStepContext',
  ] as const)('gives the very %s the botbuilder-dialogs package exports', (name) => {
    expect(library[name]).toBe(dialogs[name]);
  });

  it('keeps the built-in prompts and the Recognizers-Text suite out of the built application', () => {
    // A fresh Node process: Jest's own module registry says nothing of what the bot loads when it starts.
    const script = `require(${JSON.stringify(BUILT_ENTRY)});
      const loaded = Object.keys(require.cache).map((file) => file.replace(/\\\\/g, '/'));
      process.stdout.write(JSON.stringify(loaded.filter((file) => /recognizers-text-(suite|date-time|choice)|botbuilder-dialogs\\/lib\\/prompts\\//.test(file))));`;
    const result = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      // Loading the entry module only: main() starts the server only when the file is run directly.
      env: { PATH: process.env.PATH, LOG_LEVEL: 'silent' },
      timeout: 30_000,
    });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});
