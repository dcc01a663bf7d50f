import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as restify from 'restify';
import {
  ActionTypes,
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
} from 'botbuilder';
import type { Browser, Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../helpers/chromium';
import { registerLocalChat, type LocalChatHandle } from '../../src/localChat';

const SCREENSHOT = '/tmp/webchat.png';

const FR = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'locales', 'fr', 'webchat.json'), 'utf8'),
) as Record<string, string>;
const t = (key: string): string => FR[key.replace(/^webchat:/, '')] ?? key;

const GREETING = 'Bonjour! Posez-moi une question.';

/** Echo bot behind the real CloudAdapter; « choix » answers with imBack suggested actions. */
class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id !== context.activity.recipient.id) await context.sendActivity(GREETING);
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      const text = context.activity.text ?? '';
      if (text === 'choix') {
        await context.sendActivity(
          MessageFactory.suggestedActions(
            [
              { type: ActionTypes.ImBack, title: 'Oui', value: 'oui' },
              { type: ActionTypes.ImBack, title: 'Non', value: 'non' },
            ],
            'Voulez-vous continuer?',
          ),
        );
      } else {
        await context.sendActivity(`echo: ${text}`);
      }
      await next();
    });
  }
}

/** The visible bubble; Web Chat also keeps screen-reader copies of each message in the DOM. */
const message = (page: Page, text: string) => page.getByText(text, { exact: true }).first();

describeWithChromium('Web Chat page (headless Chromium)', () => {
  let server: restify.Server;
  let chat: LocalChatHandle;
  let base: string;
  let browser: Browser;
  let page: Page;
  const offOrigin: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = restify.createServer();
    // The same parser options as the main server (src/server.ts).
    server.use(restify.plugins.queryParser({ mapParams: false }));
    server.use(
      restify.plugins.bodyParser({
        maxBodySize: 64 * 1024,
        mapParams: false,
        mapFiles: false,
        rejectUnknown: true,
      }),
    );
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    const bot = new EchoBot();
    server.post('/api/messages', async (req, res) => {
      await adapter.process(req, res, (context) => bot.run(context));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    chat = registerLocalChat(server, { botUrl: `${base}/api/messages`, publicBaseUrl: base, t });

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 900, height: 800 }, locale: 'fr-CA' });
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${base}/`) && !url.startsWith('data:') && !url.startsWith('blob:'))
        offOrigin.push(url);
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`HTTP ${response.status()} ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    chat?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('shows the French page and the bot’s greeting', async () => {
    await page.goto(`${base}/`);
    expect(await page.title()).toBe(FR.title);
    await expect(page.locator('header h1').textContent()).resolves.toBe(FR.header);
    await message(page, GREETING).waitFor({ timeout: 15_000 });
  });

  it('sends what the user types and shows the bot’s reply', async () => {
    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.waitFor();
    expect(await input.getAttribute('placeholder')).toBe('Tapez votre message');
    await input.fill('Bonjour le robot');
    await input.press('Enter');
    await message(page, 'echo: Bonjour le robot').waitFor({ timeout: 10_000 });
  });

  it('round-trips a suggested action button', async () => {
    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.fill('choix');
    await input.press('Enter');
    await message(page, 'Voulez-vous continuer?').waitFor({ timeout: 10_000 });
    // The toolbar holds the real buttons; the transcript keeps inert copies for screen readers.
    const suggested = page.getByRole('toolbar');
    const yes = suggested.getByRole('button', { name: 'Oui' });
    await yes.waitFor({ timeout: 10_000 });
    await yes.click();
    await message(page, 'echo: oui').waitFor({ timeout: 10_000 });
    // Suggested actions disappear once one is used.
    await expect(suggested.getByRole('button', { name: 'Non' }).count()).resolves.toBe(0);
  });

  it('loaded nothing from outside the bot and logged no errors', async () => {
    await page.screenshot({ path: SCREENSHOT });
    expect(offOrigin).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
