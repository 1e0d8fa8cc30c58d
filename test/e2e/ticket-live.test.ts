import { request as httpRequest, type IncomingMessage } from 'node:http';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Live updates and collision detection against real PostgreSQL: a ticket page's event stream tells
// an agent who else is viewing or writing a reply and when someone else changed the ticket; the
// page itself names who else has it open; the stream is only for staff who may see the ticket.

const PASSWORD = 'live test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;

/** Signs in with plain HTTP and returns the session cookie, for a raw streaming request. */
async function sessionCookie(url: string, username: string): Promise<string> {
  const form = await fetch(`${url}/login`);
  const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!;
  const token = csrfOf(await form.text());
  const res = await fetch(`${url}/login`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password: PASSWORD, _csrf: token }) });
  return (res.headers.get('set-cookie') ?? cookie).split(';')[0]!;
}

/** An open event stream: the events received so far, and a wait for one that matches. */
function openStream(url: string, path: string, cookie: string): Promise<{ status: number; events: Array<{ event: string; data: unknown }>; until(test: (e: { event: string; data: unknown }) => boolean, ms?: number): Promise<{ event: string; data: unknown }>; close(): void; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { headers: { cookie, accept: 'text/event-stream' } }, (response) => {
      const events: Array<{ event: string; data: unknown }> = [];
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      });
      resolve({
        status: response.statusCode ?? 0,
        events,
        response,
        close: () => req.destroy(),
        until: async (test, ms = 8000) => {
          const deadline = Date.now() + ms;
          for (;;) {
            const found = events.find(test);
            if (found) return found;
            if (Date.now() > deadline) throw new Error(`no matching event in ${ms} ms; got ${JSON.stringify(events)}`);
            await new Promise((r) => setTimeout(r, 100));
          }
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('live ticket page', () => {
  let app: TestApp;
  const agents: Record<string, Agent> = {};
  let ref: string;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('live-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    await people.create({ username: 'anna', displayName: 'Анна', roles: ['agent'], password: PASSWORD });
    await people.create({ username: 'boris', displayName: 'Борис', roles: ['agent'], password: PASSWORD });
    await people.create({ username: 'outsider', roles: ['agent'], password: PASSWORD });
    await people.create({ username: 'client', roles: ['requester'], password: PASSWORD });
    const groups = app.app.get(WorkGroupService);
    const group = await groups.create(admin, { name: 'Live', active: true });
    for (const login of ['anna', 'boris']) await groups.addMember(admin, group.id, login);
    await groups.addMember(admin, (await groups.create(admin, { name: 'Elsewhere', active: true })).id, 'outsider');
    for (const name of ['anna', 'boris', 'client']) agents[name] = await signedInAgent(app.url, name, PASSWORD);
    const page = await agents.anna!.get('/tickets/new').expect(200);
    ref = (await agents.anna!.post('/tickets').type('form').send({ _csrf: csrfOf(page.text), type: 'incident', subject: 'Живая заявка', requester: 'client', group: 'Live' }).expect(303)).headers.location!.replace('/tickets/', '');
  });
  afterAll(() => app.stop());

  it('names who else has the ticket open, on the page and live, and who is writing a reply', async () => {
    const stream = await openStream(app.url, `/tickets/${ref}/events`, await sessionCookie(app.url, 'anna'));
    try {
      expect(stream.status).toBe(200);
      expect(stream.response.headers['content-type']).toContain('text/event-stream');
      const first = await stream.until((e) => e.event === 'ticket');
      expect(first.data).toMatchObject({ version: 1, status: 'new' });

      const borisPage = await agents.boris!.get(`/tickets/${ref}`).expect(200);
      expect(borisPage.text).toContain('Анна is viewing this ticket');
      await stream.until((e) => e.event === 'presence' && JSON.stringify(e.data) === JSON.stringify([{ name: 'Борис', activity: 'viewing' }]));

      await agents.boris!.post(`/tickets/${ref}/presence`).set('X-CSRF-Token', csrfOf(borisPage.text)).send({ activity: 'replying' }).expect(204);
      await stream.until((e) => e.event === 'presence' && JSON.stringify(e.data) === JSON.stringify([{ name: 'Борис', activity: 'replying' }]));

      // Boris changes the ticket: Anna's page learns the new version.
      await agents.boris!.post(`/tickets/${ref}/status`).type('form').send({ _csrf: csrfOf(borisPage.text), status: 'in_progress', version: '1' }).expect(303);
      const changed = await stream.until((e) => e.event === 'ticket' && (e.data as { version: number }).version === 2);
      expect(changed.data).toMatchObject({ status: 'in_progress' });
    } finally {
      stream.close();
    }
  }, 30_000);

  it('keeps the stream to staff who may see the ticket', async () => {
    const client = await openStream(app.url, `/tickets/${ref}/events`, await sessionCookie(app.url, 'client'));
    client.close();
    expect(client.status).toBe(403);
    const outsider = await openStream(app.url, `/tickets/${ref}/events`, await sessionCookie(app.url, 'outsider'));
    outsider.close();
    expect(outsider.status).toBe(404);
    const visitor = await openStream(app.url, `/tickets/${ref}/events`, '');
    visitor.close();
    expect([302, 303, 401]).toContain(visitor.status);
    // Saying "replying" needs the form's token like any other post.
    await agents.boris!.post(`/tickets/${ref}/presence`).send({ activity: 'replying' }).expect(403);
  });
});
