import type { Browser } from 'playwright-core';
import { AuthService } from '../../src/identity/auth.service';
import { DirectoryService } from '../../src/identity/directory/directory.service';
import { launchBrowser, screenshot } from '../harness/browser';
import { GROUP_DN, PEOPLE, ldapSeed } from '../harness/ldap-seed';
import { startSlapd, type SlapdServer } from '../harness/slapd';
import { slapdDirectory } from '../support/directory-fixture';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A staff member's first day, in a real browser against a real slapd: the admin checks the
 * directory with the LDAP test button, then the agent signs in with the directory password
 * through the ordinary sign-in form and lands on the dashboard under their directory name.
 */
describe('directory sign-in in a real browser', () => {
  let slapd: SlapdServer;
  let app: TestApp;
  let browser: Browser;
  let directoryId: string;

  beforeAll(async () => {
    slapd = await startSlapd(ldapSeed({ generated: 3 }));
    app = await startTestApp('postgres', { LDAP__SYNC_MINUTES: '0' });
    await app.app.get(AuthService).createAdmin('browser-admin', 'browser admin password');
    const directories = app.app.get(DirectoryService);
    directoryId = await directories.create(slapdDirectory(slapd.url));
    await directories.addMapping(directoryId, { groupDn: GROUP_DN.agents, role: 'agent' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await slapd?.stop();
  });

  it('lets the admin run the LDAP test from the directory page', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/login`);
    await page.fill('#username', 'browser-admin');
    await page.fill('#password', 'browser admin password');
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);
    await page.goto(`${app.url}/admin/directories/${directoryId}`);
    await page.fill('#field-test-username', 'alice');
    await Promise.all([page.waitForLoadState('load'), page.click('#test button[type=submit]')]);
    await expect(page.locator('.test-report').getAttribute('data-test-ok')).resolves.toBe('true');
    await expect(page.locator('.test-groups').textContent()).resolves.toContain(GROUP_DN.agents);
    await screenshot(page, 'ldap-test-report');
    await page.close();
  });

  it('signs a directory user in through the sign-in form', async () => {
    const context = await browser.newContext({ locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`${app.url}/login`);
    await page.fill('#username', 'ivan');
    await page.fill('#password', PEOPLE.ivan.password);
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);
    await expect(page.locator('body').textContent()).resolves.toContain('Иван Петров');
    await screenshot(page, 'ldap-signed-in-ru');
    await context.close();
  });
});
