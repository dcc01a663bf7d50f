import { PassThrough } from 'node:stream';
import { Messages } from '../../src/i18n';
import type { Application } from '../../src/index';
import { parseCallArguments } from '../../src/phone/call';
import { PhoneSimulator } from '../../src/phone/phoneSimulator';
import { createTestApp } from '../helpers/bot';

/** A Tuesday at 11:00 in Québec: the Centre is open, so asking for an agent transfers the call. */
const OPEN_HOURS = '2026-11-24T11:00:00-05:00';

const t = new Messages().forLanguage('fr');

describe('phone simulator', () => {
  let app: Application;
  let botUrl: string;

  beforeAll(async () => {
    app = await createTestApp({
      VOICE_NO_INPUT_SECONDS: '0.4',
      VOICE_SPEECH_CHARS_PER_SECOND: '0',
      CLOCK_NOW: OPEN_HOURS,
    });
    const base = await app.start();
    for (let i = 0; i < 300 && (await fetch(`${base}/readyz`)).status !== 200; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
    }
    botUrl = `${base}/api/messages`;
  }, 60_000);

  const open: PhoneSimulator[] = [];

  afterEach(async () => {
    await Promise.all(open.splice(0).map((sim) => sim.close()));
  });

  afterAll(async () => {
    await app.stop();
  });

  async function simulator() {
    const output = new PassThrough();
    let written = '';
    output.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
    // Each call from its own number: the bot remembers a caller's language by number.
    const callerId = `+1514555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
    const sim = new PhoneSimulator({ botUrl, output, t, callerId });
    open.push(sim);
    await sim.start();
    const waitFor = async (pattern: RegExp, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(written)) {
        if (Date.now() > deadline) throw new Error(`not shown: ${pattern}\n${written}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    return { sim, waitFor, written: () => written };
  }

  it('shows what the bot says, sends digits as keys and words as speech, and shows the transfer', async () => {
    const { sim, waitFor } = await simulator();
    await waitFor(/ROBOT ▸ Que puis-je faire pour vous\?.*faites l'étoile\. \(attend votre réponse\)/);
    await sim.handle('2');
    // Phone numbers are read in groups, with the pause after each marked.
    await waitFor(/VOUS ▸ \[touches 2\]\nROBOT ▸ .*418 643 8210 ‖\./);
    await sim.handle('English please');
    await waitFor(/VOUS ▸ « English please »\nROBOT ▸ All right, I will continue in English\./);
    await sim.handle('0');
    await waitFor(/\(ne peut pas être interrompu\)\n\*\*\* TRANSFERT de l'appel vers \+18004634776/);
    expect(sim.callActive).toBe(false);
    expect(await sim.handle('1')).toBe('continue');
    await waitFor(/L'appel est terminé\./);
    await sim.close();
  });

  it('sends one DTMF message per key typed together', async () => {
    const { sim, waitFor } = await simulator();
    await waitFor(/attend votre réponse/);
    await sim.handle('1 *');
    await waitFor(/VOUS ▸ \[touches 1 \*\]/);
    // "1" opened the online-services menu and "*" repeated it: the same prompt twice.
    await waitFor(/(ROBOT ▸ Services en ligne[^\n]*\n)(?:[^\n]*\n)*?ROBOT ▸ Services en ligne/);
    await sim.handle('/quit');
    await sim.close();
  });

  it('shows the no-input reprompts as they arrive, then the hang-up', async () => {
    const { sim, waitFor, written } = await simulator();
    await waitFor(/attend votre réponse/);
    await waitFor(/\(relance, sans réponse de votre part\)\nROBOT ▸ Je n'ai rien entendu\. Je répète\./);
    await waitFor(/\*\*\* Le robot a raccroché\./, 8000);
    expect(written()).toMatch(/Je n'ai toujours rien entendu\. Je répète une dernière fois\./);
    expect(written()).toMatch(/ROBOT ▸ Je n'ai toujours rien entendu, alors je mets fin à l'appel\./);
    expect(sim.callActive).toBe(false);
    expect(await sim.handle('/quit')).toBe('quit');
    await sim.close();
  });

  it('reads its command line', () => {
    expect(parseCallArguments(['--url', 'http://h:1/api/messages', '--lang', 'en', '--speak'])).toEqual({
      botUrl: 'http://h:1/api/messages',
      lang: 'en',
      speak: true,
    });
    expect(parseCallArguments([]).botUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/messages$/);
  });
});
