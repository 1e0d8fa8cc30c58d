import { AuthService } from '../../src/identity/auth.service';
import { AutoCloseJob } from '../../src/tickets/auto-close.job';
import { TicketService } from '../../src/tickets/ticket.service';
import { startTestApp, type TestApp } from '../support/test-app';

// Resolved tickets nobody reacted to are closed after the configured days, by the workflow's own
// transition, once across nodes, with the rule named in the history.

describe('auto-closing resolved tickets', () => {
  let app: TestApp;
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres', { TICKETS__AUTO_CLOSE_DAYS: '7' });
  });
  afterAll(() => app.stop());

  it('closes tickets resolved longer ago than the setting, and only those', async () => {
    const admin = await app.app.get(AuthService).createAdmin('close-admin', 'close admin password');
    const tickets = app.app.get(TicketService);
    const refs: string[] = [];
    for (const subject of ['Old fix', 'Fresh fix', 'Still open']) refs.push(await tickets.create(admin, { type: 'incident', subject }, 'web'));
    for (const ref of refs.slice(0, 2)) await tickets.changeStatus(admin, ref, { status: 'resolved', version: 1, resolutionCode: 'fixed', resolutionText: 'ok' }, 'web');
    await db().query(`UPDATE tickets SET resolved_at = now() - interval '8 days' WHERE subject = 'Old fix'`);
    await db().query(`UPDATE tickets SET resolved_at = now() - interval '2 days' WHERE subject = 'Fresh fix'`);

    expect(await app.app.get(AutoCloseJob).closeDue()).toBe(1);
    const states = await db().query(`SELECT subject, status FROM tickets ORDER BY number`);
    expect(states).toEqual([
      { subject: 'Old fix', status: 'closed' },
      { subject: 'Fresh fix', status: 'resolved' },
      { subject: 'Still open', status: 'new' },
    ]);
    const [event] = await db().query(
      `SELECT e.source, e.actor_id, e.changes->>'rule' AS rule, e.changes->>'to' AS "to" FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
        WHERE t.subject = 'Old fix' AND e.kind = 'status_changed' ORDER BY e.id DESC LIMIT 1`,
    );
    expect(event).toEqual({ source: 'rule', actor_id: null, rule: 'auto_close', to: 'closed' });
    expect(await app.app.get(AutoCloseJob).closeDue()).toBe(0); // not due again within the hour
  });
});
