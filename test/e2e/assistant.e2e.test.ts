import type { Browser, Page } from 'playwright-core';
import type { Application } from '../../src/index';
import { createTestApp } from '../helpers/bot';
import { describeWithChromium, launchChromium } from '../helpers/chromium';

/** The visible bubble; Web Chat also keeps screen-reader copies of each message in the DOM. */
const bubble = (page: Page, text: string | RegExp) => page.getByText(text).first();

describeWithChromium('the assistant in the local Web Chat page (headless Chromium)', () => {
  let app: Application;
  let base: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    app = await createTestApp({ LOCAL_CHAT: 'true' });
    base = await app.start();
    browser = await launchChromium();
    // The browser says en-US on purpose: the assistant must still answer in French.
    page = await browser.newPage({ viewport: { width: 1000, height: 900 }, locale: 'en-US' });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('greets in French with the main menu as an Adaptive Card', async () => {
    await page.goto(`${base}/`);
    await bubble(page, /Bonjour! Je suis l.assistant virtuel/).waitFor({ timeout: 20_000 });
    await page
      .getByRole('button', { name: /^2 – Heures d.ouverture/ })
      .last()
      .waitFor();
  });

  it('answers a card button with the hours and phone numbers', async () => {
    await page
      .getByRole('button', { name: /^2 – Heures d.ouverture/ })
      .last()
      .click();
    await bubble(page, /418 643-8210/).waitFor({ timeout: 10_000 });
    await bubble(page, /514 873-3480/).waitFor();
  });

  it('answers a typed choice with the online-services menu', async () => {
    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.fill('1');
    await input.press('Enter');
    await page
      .getByRole('button', { name: /^9 – Menu précédent/ })
      .last()
      .waitFor({ timeout: 10_000 });
    await page.screenshot({ path: '/tmp/assistant-webchat.png' });
    expect(pageErrors).toEqual([]);
  });
});
