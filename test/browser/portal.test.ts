import type { Browser } from 'playwright-core';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { toActor, UserRepository } from '../../src/identity/user.repository';
import { CatalogueService } from '../../src/catalogue/catalogue.service';
import { TicketService } from '../../src/tickets/ticket.service';
import { launchBrowser, screenshot } from '../harness/browser';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The portal on a phone-sized screen in a real browser: a requester asks through a service's
 * form, sees the agent's reply (and the bell telling of it), rejects the first resolution — the
 * request reopens — and accepts the second with a rating. The page never scrolls sideways.
 */
describe('the self-service portal in a real browser', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('portal-browser-admin', 'portal browser admin password');
    await app.app.get(UserAdminService).create({ username: 'helper', displayName: 'Helper', roles: ['agent'], password: 'helpdesk agent secret 5' });
    await app.app.get(UserAdminService).create({ username: 'nodira', displayName: 'Нодира', email: 'nodira@example.com', roles: ['requester'], password: 'portal requester key 9' });
    const group = await app.app.get(WorkGroupService).create(admin, { name: 'Desk', active: true });
    await app.app.get(WorkGroupService).addMember(admin, group.id, 'helper');
    await app.app.get(CatalogueService).create({ name: 'Ноутбуки', description: 'Ремонт и замена', defaultGroup: 'Desk', active: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('submits, follows the reply, rejects, then accepts and rates — on a phone screen', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    // Evaluated in the page: the document is no wider than the screen (nothing scrolls sideways).
    const fitsScreen = () => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
    await page.goto(`${app.url}/login?lang=ru`);
    await page.fill('#username', 'nodira');
    await page.fill('#password', 'portal requester key 9');
    await Promise.all([page.waitForURL(`${app.url}/portal`), page.click('button[type=submit]')]);
    expect(await fitsScreen()).toBe(true);

    await Promise.all([page.waitForLoadState('load'), page.click('.service-card a')]);
    await page.check('input[name="type"][value="incident"]');
    await page.fill('#field-subject', 'Не включается ноутбук');
    await page.fill('#field-description', 'После обновления чёрный экран');
    await Promise.all([page.waitForURL(/\/portal\/requests\/INC-\d+$/), page.click('form[action="/portal/requests"] button[type=submit]')]);
    expect(await fitsScreen()).toBe(true);
    const ref = page.url().split('/').pop()!;
    await expect(page.locator('[data-assignment]').textContent()).resolves.toContain('Desk');

    const helper = toActor((await app.app.get(UserRepository).findByUsername('helper'))!);
    const tickets = app.app.get(TicketService);
    await tickets.reply(helper, ref, { kind: 'reply', body: 'Подержите кнопку питания 30 секунд' }, 'web');
    const version = async () => (await app.boot.database.dataSource.query(`SELECT version FROM tickets WHERE number = $1`, [ref.split('-')[1]]))[0].version as number;
    await tickets.changeStatus(helper, ref, { status: 'resolved', version: await version(), resolutionCode: 'advice', resolutionText: 'Сброс питания' }, 'web');

    await page.goto(`${app.url}/portal`);
    await expect(page.locator('[data-bell-count]').textContent()).resolves.toBe('2');
    await page.goto(`${app.url}/portal/requests/${ref}`);
    await expect(page.locator('[data-message="reply"]').last().textContent()).resolves.toContain('30 секунд');
    await page.fill('#field-reason', 'Экран всё ещё чёрный');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/reject"] button[type=submit]')]);
    await expect(page.locator('.ticket-state [data-status]').getAttribute('data-status')).resolves.toBe('in_progress');
    await expect(page.locator('[data-message="reply"]').last().textContent()).resolves.toContain('всё ещё чёрный');

    await tickets.changeStatus(helper, ref, { status: 'resolved', version: await version(), resolutionCode: 'fixed', resolutionText: 'Заменён блок питания' }, 'web');
    await page.goto(`${app.url}/portal/requests/${ref}`);
    await page.check('input[name="score"][value="5"]');
    await page.fill('#field-comment', 'Спасибо!');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/accept"] button[type=submit]')]);
    await expect(page.locator('.ticket-state [data-status]').getAttribute('data-status')).resolves.toBe('closed');
    await expect(page.locator('[data-status-change="closed"]').textContent()).resolves.toContain('5');
    expect(await fitsScreen()).toBe(true);
    expect(await app.boot.database.dataSource.query(`SELECT score, comment FROM ticket_ratings`)).toEqual([{ score: 5, comment: 'Спасибо!' }]);
    await screenshot(page, 'portal-accepted-phone');
    await page.close();
  });
});
