import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../harness/browser';
import { eventually, isReady, processEnv, spawnApp, type AppProcess } from '../support/app-process';

/**
 * The first minutes of a new installation, as a person lives them: start the server on an empty
 * embedded database, open the setup link from the log in a real browser, choose the password,
 * land on the dashboard; sign out and in again, in Russian.
 */
describe('first administrator in a real browser', () => {
  let app: AppProcess;
  let browser: Browser;

  beforeAll(async () => {
    app = await spawnApp(processEnv());
    await eventually(isReady(app.url), 60_000);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('sets the password through the setup link and lands on the dashboard', async () => {
    const link = /open (http:\/\/\S+\/setup\/[\w-]+) within/.exec(app.log())?.[1];
    expect(link).toBeDefined();
    const page = await browser.newPage();
    await page.goto(link!);
    await page.fill('#password', 'Service desk 2026 key');
    await page.fill('#confirm', 'Service desk 2026 key');
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Dashboard');
    await expect(page.locator('body').textContent()).resolves.toContain('Administrator');
    await screenshot(page, 'first-admin-dashboard');
    await page.close();
  });

  it('signs out, and signs in again through the Russian form', async () => {
    const context = await browser.newContext({ locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`${app.url}/login`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('ru');
    await page.fill('#username', 'admin');
    await page.fill('#password', 'wrong password here');
    await page.click('button[type=submit]');
    await expect(page.locator('[role=alert]').textContent()).resolves.toMatch(/\S/);
    await expect(page.inputValue('#username')).resolves.toBe('admin');
    await screenshot(page, 'sign-in-error-ru');
    await page.fill('#password', 'Service desk 2026 key');
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);
    await screenshot(page, 'dashboard-ru');
    await expect(page.locator('h1').textContent()).resolves.not.toBe('Dashboard');
    await Promise.all([page.waitForURL(/\/login$/), page.click('form[action="/logout"] button')]);
    await context.close();
  });
});
