import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Application } from '../../src/index';
import { createTestApp } from '../helpers/bot';
import { describeWithChromium, launchChromium } from '../helpers/chromium';
import { findFreePort } from '../helpers/redis';

const PLAYGROUND = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'agentsplayground');

/** Starts Microsoft 365 Agents Playground against the bot, offline, without opening a browser itself. */
async function startPlayground(botUrl: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    PLAYGROUND,
    ['-e', `${botUrl}/api/messages`, '-c', 'msteams', '--dt', '-p', String(port)],
    {
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Agents Playground did not start: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`Listening on ${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Agents Playground exited (${code}): ${output}`)));
  });
  return child;
}

describeWithChromium('the assistant in Microsoft 365 Agents Playground (Teams, headless Chromium)', () => {
  let app: Application;
  let playground: ChildProcess;
  let browser: Browser;
  let page: Page;
  let port: number;

  beforeAll(async () => {
    app = await createTestApp({ LOCAL_CHAT: 'false' });
    const botUrl = await app.start();
    port = await findFreePort();
    playground = await startPlayground(botUrl, port);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    playground?.kill('SIGTERM');
    await app?.stop();
  });

  it('shows the French welcome and the main menu, although the Playground sends locale en-US', async () => {
    await page.goto(`http://127.0.0.1:${port}/`);
    await page
      .getByText(/Bonjour! Je suis l.assistant virtuel/)
      .first()
      .waitFor({ timeout: 30_000 });
    await page
      .getByRole('button', { name: /^1 – Services en ligne/ })
      .first()
      .waitFor({ timeout: 10_000 });
  });

  it('answers a button press on option 1 with the online-services menu', async () => {
    await page
      .getByRole('button', { name: /^1 – Services en ligne/ })
      .last()
      .click();
    await page
      .getByRole('button', { name: /^9 – Menu précédent/ })
      .last()
      .waitFor({ timeout: 10_000 });
    await page.screenshot({ path: '/tmp/playground.png' });
  });

  it('renders the markdown of a text reply as Teams does: bold, italics and a bulleted list, no asterisks', async () => {
    await page
      .getByRole('button', { name: /^4 – Demande d'accès/ })
      .last()
      .click();
    // The introduction to form 4313: a title in bold, the service's name in italics, the form's sections listed.
    const section = page.locator('li strong', { hasText: 'Section 2 – Utilisateur' }).last();
    await section.waitFor({ timeout: 10_000 });
    const message = section.locator('xpath=ancestor::*[.//p][1]');
    await expect(message.locator('strong', { hasText: /formulaire 4313/ }).count()).resolves.toBeGreaterThan(
      0,
    );
    await expect(
      message.locator('em', { hasText: /Médicaments d.exception/ }).count(),
    ).resolves.toBeGreaterThan(0);
    await expect(message.locator('li').count()).resolves.toBe(2);
    expect(await message.innerText()).not.toContain('**');
  });
});
