import type { Browser, Page } from 'playwright-core';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { launchBrowser, screenshot } from '../harness/browser';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * An agent's basic loop in a real browser: find the caller by the number they ring from, see their
 * earlier requests, register the problem by phone, take it, reply, transfer it to the second line
 * and resolve it with a resolution — with the status and assignee visible at the top all along.
 */
describe('a ticket worked in a real browser', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('flow-admin', 'flow admin password');
    await app.app.get(UserAdminService).create({ username: 'operator', displayName: 'Оператор', roles: ['agent'], password: 'phone desk secret 7' });
    await app.app.get(UserAdminService).create({ username: 'caller', displayName: 'Звонящий', email: 'caller@example.com', roles: ['requester'], password: 'vpn requester key 77' });
    const group = await app.app.get(WorkGroupService).create(admin, { name: 'Первая линия', active: true });
    await app.app.get(WorkGroupService).addMember(admin, group.id, 'operator');
    const second = await app.app.get(WorkGroupService).create(admin, { name: 'Вторая линия', active: true });
    await app.app.get(WorkGroupService).addMember(admin, second.id, 'operator');
    await app.boot.database.dataSource.query(`UPDATE users SET phone = '+7 (912) 345-67-89' WHERE username = 'caller'`);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const state = async (page: Page) => ({
    status: await page.locator('.ticket-state [data-status]').getAttribute('data-status'),
    assignment: (await page.locator('[data-assignment]').textContent())?.replace(/\s+/g, ' ').trim(),
  });

  it('finds the caller by phone, registers, takes, replies, transfers and resolves', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/login`);
    await page.fill('#username', 'operator');
    await page.fill('#password', 'phone desk secret 7');
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);

    await page.goto(`${app.url}/tickets/new`);
    await page.fill('#field-caller', '8 912 345 67 89');
    await Promise.all([page.waitForLoadState('load'), page.click('form[role=search] button')]);
    await expect(page.locator('[data-caller="caller"]').textContent()).resolves.toContain('Звонящий');
    await Promise.all([page.waitForLoadState('load'), page.click('[data-caller="caller"] a.button')]);
    expect(await page.inputValue('#field-requester')).toBe('caller');
    expect(await page.inputValue('#field-channel')).toBe('phone');
    await page.fill('#field-subject', 'Не работает VPN');
    await page.fill('#field-description', 'Звонок в 9:05, ошибка 809');
    await page.fill('#field-group', 'Первая линия');
    await Promise.all([page.waitForURL(/\/tickets\/INC-\d+$/), page.click('form[action="/tickets"] button[type=submit]')]);
    expect(await state(page)).toEqual({ status: 'new', assignment: 'Assigned to: Первая линия' });

    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/take"] button')]);
    expect(await state(page)).toEqual({ status: 'new', assignment: 'Assigned to: Первая линия / Оператор' });

    await page.fill('#field-body', 'Перезагрузите, пожалуйста, клиент VPN.');
    await Promise.all([page.waitForLoadState('load'), page.click('button[value="reply"]')]);
    await expect(page.locator('[data-message="reply"]').last().textContent()).resolves.toContain('Перезагрузите');

    await page.fill('#field-transferGroup', 'Вторая линия');
    await page.fill('#field-transferReason', 'Нужна настройка сервера');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/transfer"] button[type=submit]')]);
    expect(await state(page)).toEqual({ status: 'new', assignment: 'Assigned to: Вторая линия' });
    await expect(page.locator('[data-transfer="transfer"]').textContent()).resolves.toContain('Первая линия → Вторая линия');

    await page.selectOption('#field-status', 'resolved');
    await page.fill('#field-resolutionCode', 'advice');
    await page.fill('#field-resolutionText', 'Клиент VPN перезапущен');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/status"] button[type=submit]')]);
    expect(await state(page)).toEqual({ status: 'resolved', assignment: 'Assigned to: Вторая линия' });
    const [{ channel }] = await app.boot.database.dataSource.query(`SELECT channel FROM tickets WHERE subject = 'Не работает VPN'`);
    expect(channel).toBe('phone');
    await screenshot(page, 'ticket-resolved');
    await page.close();
  });

  it('lets the requester reject the resolution, then accept and rate it', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/login`);
    await page.fill('#username', 'caller');
    await page.fill('#password', 'vpn requester key 77');
    await Promise.all([page.waitForURL(`${app.url}/portal`), page.click('button[type=submit]')]);
    const [{ number }] = await app.boot.database.dataSource.query(`SELECT number::text FROM tickets WHERE subject = 'Не работает VPN'`);
    await page.goto(`${app.url}/tickets/INC-${number}`);
    await page.fill('#field-reason', 'После перезагрузки снова ошибка 809');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/reject"] button[type=submit]')]);
    expect(await state(page)).toMatchObject({ status: 'in_progress' });
    await expect(page.locator('[data-message="reply"]').last().textContent()).resolves.toContain('ошибка 809');

    // The operator resolves it again; the requester accepts with four faces out of five.
    await app.boot.database.dataSource.query(`UPDATE tickets SET status = 'resolved', resolved_at = now(), version = version + 1 WHERE number = $1 AND type = 'incident'`, [number]);
    await page.goto(`${app.url}/tickets/INC-${number}`);
    await page.check('input[name="score"][value="4"]');
    await page.fill('#field-comment', 'Теперь работает');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/accept"] button[type=submit]')]);
    expect(await state(page)).toMatchObject({ status: 'closed' });
    expect(await app.boot.database.dataSource.query(`SELECT score, comment FROM ticket_ratings`)).toEqual([{ score: 4, comment: 'Теперь работает' }]);
    await screenshot(page, 'ticket-accepted');
    await page.close();
  });
});
