import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; Playwright's own browser download does not work on these machines. */
export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Starts headless Chromium with the flags this machine's closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/**
 * `describe` when Chromium is installed. Without it the suite fails in CI (a skipped browser test is a test
 * nobody runs) and is skipped loudly elsewhere.
 */
export function describeWithChromium(name: string, fn: () => void): void {
  if (fs.existsSync(CHROMIUM)) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(
          `${CHROMIUM} is missing: .ci/run installs it with apt-get (chromium, chromium-driver).`,
        );
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPING "${name}": ${CHROMIUM} is missing (apt-get install -y chromium) ***\n`);
  describe.skip(name, fn);
}
