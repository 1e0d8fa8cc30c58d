import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { RecurringTicketsJob } from '../../src/tickets/templates/recurring-tickets.job';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Ticket templates and recurring tickets against real PostgreSQL: an administrator keeps
// templates, the new-ticket form starts from one (its tags come along), and a schedule registers
// a ticket from it at its cron times in its time zone — once across nodes, recorded as the person
// who set it up, with a failure kept on the schedule instead of lost.

const PASSWORD = 'templates test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;

describe('ticket templates and recurring tickets', () => {
  let app: TestApp;
  let second: TestApp;
  let admin: Agent;
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const adminActor = await app.app.get(AuthService).createAdmin('tpl-admin', PASSWORD);
    await app.app.get(UserAdminService).create({ username: 'office', roles: ['requester'], password: PASSWORD });
    await app.app.get(WorkGroupService).create(adminActor, { name: 'Хозяйственная служба', active: true });
    admin = await signedInAgent(app.url, 'tpl-admin', PASSWORD);
    // A second node on the same database: a schedule must still run once.
    second = await startTestApp('postgres', { DATABASE_URL: app.boot.config.get('database_url')!, SECRET_KEY: app.boot.config.secretKey.value });
  });
  afterAll(async () => {
    await second?.stop();
    await app.stop();
  });

  async function post(path: string, fields: Record<string, string>) {
    const page = await admin.get('/admin/templates').expect(200);
    return admin.post(path).type('form').send({ _csrf: csrfOf(page.text), ...fields });
  }

  it('keeps templates, refusing a duplicate name and a bad cron with the form kept', async () => {
    expect((await post('/admin/templates', { name: 'Замена картриджа', type: 'service_request', subject: 'Заменить картридж', description: 'Кабинет:', group: 'Хозяйственная служба', tags: 'картридж', active: 'on' })).status).toBe(303);
    expect((await post('/admin/templates', { name: 'Замена картриджа', type: 'incident', subject: 'x' })).status).toBe(409);
    const [{ id }] = await db().query(`SELECT id FROM ticket_templates`);
    const bad = await post(`/admin/templates/${id}/schedules`, { requester: 'office', cron: 'every monday', timeZone: 'Europe/Moscow' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Write five fields');
    expect(bad.text).toContain('value="every monday"');
    expect((await post(`/admin/templates/${id}/schedules`, { requester: 'nobody', cron: '0 9 * * 1', timeZone: 'UTC' })).status).toBe(400);
  });

  it('starts the new-ticket form from a template, its tags coming along', async () => {
    const [{ id }] = await db().query(`SELECT id FROM ticket_templates`);
    const form = (await admin.get(`/tickets/new?template=${id}`).expect(200)).text;
    expect(form).toContain('value="Заменить картридж"');
    expect(form).toContain('Кабинет:</textarea>');
    const res = await admin.post('/tickets').field('_csrf', csrfOf(form)).field('template', id).field('type', 'service_request').field('subject', 'Заменить картридж').field('requester', 'office').field('group', 'Хозяйственная служба');
    expect(res.status).toBe(303);
    expect(await db().query(`SELECT tags FROM tickets`)).toEqual([{ tags: ['картридж'] }]);
  });

  it('registers a scheduled ticket once per due time, across two nodes, as the person who set it up', async () => {
    const [{ id }] = await db().query(`SELECT id FROM ticket_templates`);
    expect((await post(`/admin/templates/${id}/schedules`, { requester: 'office', cron: '0 9 * * 1', timeZone: 'Europe/Moscow' })).status).toBe(303);
    const [{ next }] = await db().query(`SELECT next_run_at AS next FROM recurring_tickets`);
    expect(new Date(next).getUTCHours()).toBe(6); // nine in Moscow

    // Time passes: the schedule is due. Both nodes try at once; one registers the ticket.
    await db().query(`UPDATE recurring_tickets SET next_run_at = now() - interval '1 minute'`);
    const [one, two] = await Promise.all([app.app.get(RecurringTicketsJob).runDue(), second.app.get(RecurringTicketsJob).runDue()]);
    expect([...one, ...two]).toHaveLength(1);
    const [ticket] = await db().query(`SELECT t.subject, t.tags, u.username AS requester, c.username AS creator, g.name AS "group" FROM tickets t JOIN users u ON u.id = t.requester_id JOIN users c ON c.id = t.created_by LEFT JOIN work_groups g ON g.id = t.group_id ORDER BY t.created_at DESC LIMIT 1`);
    expect(ticket).toEqual({ subject: 'Заменить картридж', tags: ['картридж'], requester: 'office', creator: 'tpl-admin', group: 'Хозяйственная служба' });
    const [schedule] = await db().query(`SELECT last_ref, last_error, next_run_at > now() AS ahead FROM recurring_tickets`);
    expect(schedule).toMatchObject({ last_error: null, ahead: true });
    expect(schedule.last_ref).toMatch(/^REQ-\d+$/);
    // Not due again until its next time.
    await db().query(`DELETE FROM job_runs WHERE name = 'tickets.recurring'`);
    expect(await app.app.get(RecurringTicketsJob).runDue(new Date(Date.now() + 61_000))).toEqual([]);
  });

  it('keeps a failed run on the schedule instead of losing it', async () => {
    await db().query(`UPDATE users SET active = false WHERE username = 'office'`);
    await db().query(`UPDATE recurring_tickets SET next_run_at = now() - interval '1 minute'`);
    // The job runs once a minute across nodes; forget the last run instead of waiting a minute.
    await db().query(`DELETE FROM job_runs WHERE name = 'tickets.recurring'`);
    expect(await app.app.get(RecurringTicketsJob).runDue(new Date(Date.now() + 3 * 60_000))).toEqual([]);
    const [schedule] = await db().query(`SELECT last_error, active FROM recurring_tickets`);
    expect(schedule.active).toBe(true);
    expect(schedule.last_error).toContain('office');
    expect((await admin.get('/admin/templates').expect(200)).text).toContain(schedule.last_error.slice(0, 20));
  });
});
