import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, LaunchOptions, Page } from 'playwright-core';

/*
 * Headless Chromium for browser tests: Debian's chromium driven by playwright-core (which ships
 * no browser). Each browser test file launches its own and closes it in afterAll; playwright
 * talks to Chromium over a pipe, so a Chromium whose test worker died exits on its own.
 */

const CHROMIUM = process.env.OPORA_CHROMIUM_PATH ?? '/usr/bin/chromium';

// Flags from the verified recipe: no sandbox (we run as root), and nothing that phones home or
// waits on the network, so a launch takes well under a second and never touches the internet.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage', // /dev/shm is tiny in containers
];

const SCREENSHOT_DIR = resolve(__dirname, '..', 'browser', 'screenshots');

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install Debian's chromium (apt-get install -y chromium; ` +
        'test/run-all.sh does it) or set OPORA_CHROMIUM_PATH.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

/** Saves a full-page PNG as test/browser/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
