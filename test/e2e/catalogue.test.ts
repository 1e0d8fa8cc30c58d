import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { ApiTokenService } from '../../src/identity/tokens/api-token.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// The service catalogue against real PostgreSQL: administrators keep it in pages and the API, a
// person is offered only the services of their organisation, department or work groups (a cashier
// does not see the kitchen's), a ticket for a component goes to that component's group with the
// decision in its history, and a service one may not choose is refused, not quietly taken.

const PASSWORD = 'catalogue test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;

describe('service catalogue', () => {
  let app: TestApp;
  const agents: Record<string, Agent> = {};
  const db = () => app.boot.database.dataSource;
  let kitchenDept: string;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('catalogue-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    for (const [username, roles] of [['agent-1', ['agent']], ['cook', ['requester']], ['cashier', ['requester']]] as const) {
      await people.create({ username, roles: [...roles], email: `${username}@example.com`, password: PASSWORD });
    }
    const groups = app.app.get(WorkGroupService);
    await groups.addMember(admin, (await groups.create(admin, { name: 'Сервисная служба', active: true })).id, 'agent-1');
    await groups.create(admin, { name: 'Kitchen tech', active: true });
    const [{ id: org }] = await db().query(`INSERT INTO organisations (name) VALUES ('Ресторан') RETURNING id`);
    [{ id: kitchenDept }] = await db().query(`INSERT INTO departments (organisation_id, name) VALUES ($1, 'Кухня') RETURNING id`, [org]);
    const [{ id: tills }] = await db().query(`INSERT INTO departments (organisation_id, name) VALUES ($1, 'Кассы') RETURNING id`, [org]);
    await db().query(`UPDATE users SET organisation_id = $1, department_id = $2 WHERE username = 'cook'`, [org, kitchenDept]);
    await db().query(`UPDATE users SET organisation_id = $1, department_id = $2 WHERE username = 'cashier'`, [org, tills]);
    for (const name of ['catalogue-admin', 'agent-1', 'cook', 'cashier']) agents[name] = await signedInAgent(app.url, name, PASSWORD);
  });
  afterAll(() => app.stop());

  async function post(agent: Agent, path: string, from: string, fields: Record<string, string | string[]>) {
    const page = await agent.get(from).expect(200);
    return agent.post(path).type('form').send({ _csrf: csrfOf(page.text), ...fields });
  }

  const serviceChoices = async (agent: Agent) => [...(await agent.get('/tickets/new').expect(200)).text.matchAll(/<optgroup label="([^"]+)">/g)].map((match) => match[1]);

  it('lets an administrator build the catalogue in its pages, refusing a taken name with the form kept', async () => {
    const created = await post(agents['catalogue-admin']!, '/admin/services', '/admin/services/new', {
      name: 'Кухонное оборудование',
      description: 'Плиты, холодильники',
      owner: 'agent-1',
      defaultGroup: 'Сервисная служба',
      departments: kitchenDept,
      active: 'on',
    });
    expect(created.status).toBe(303);
    const servicePage = created.headers.location!;
    const component = await post(agents['catalogue-admin']!, `${servicePage}/components`, servicePage, { name: 'Холодильники', defaultGroup: 'Kitchen tech' });
    expect(component.status).toBe(303);
    expect(await post(agents['catalogue-admin']!, '/admin/services', '/admin/services/new', { name: 'E-mail', active: 'on' }).then((res) => res.status)).toBe(303);

    const taken = await post(agents['catalogue-admin']!, '/admin/services', '/admin/services/new', { name: 'кухонное ОБОРУДОВАНИЕ', description: 'дубль', active: 'on' });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('That name is already used.');
    expect(taken.text).toContain('дубль</textarea>');
    const unknownGroup = await post(agents['catalogue-admin']!, '/admin/services', '/admin/services/new', { name: 'Уборка', defaultGroup: 'Нет такой' });
    expect(unknownGroup.status).toBe(400);
    expect(unknownGroup.text).toContain('value="Уборка"');

    const list = await agents['catalogue-admin']!.get('/admin/services').expect(200);
    expect(list.text).toContain('Кухонное оборудование');
    expect(list.text).toContain('Холодильники');
    await agents['agent-1']!.get('/admin/services').expect(403);
    await agents['cook']!.get(servicePage).expect(403);
  });

  it('offers each person only the services meant for them; staff see all', async () => {
    expect(await serviceChoices(agents['cook']!)).toEqual(['E-mail', 'Кухонное оборудование']);
    expect(await serviceChoices(agents['cashier']!)).toEqual(['E-mail']);
    expect(await serviceChoices(agents['agent-1']!)).toEqual(['E-mail', 'Кухонное оборудование']);
  });

  it('sends a ticket for a component to its group, with the decision in the history', async () => {
    const [{ id: serviceId }] = await db().query(`SELECT id FROM services WHERE name = 'Кухонное оборудование'`);
    const [{ id: componentId }] = await db().query(`SELECT id FROM service_components WHERE name = 'Холодильники'`);
    const res = await post(agents['cook']!, '/tickets', '/tickets/new', { type: 'incident', subject: 'Не холодит камера', service: `${serviceId}:${componentId}`, impact: '2', urgency: '2' });
    expect(res.status).toBe(303);
    const ref = res.headers.location!.replace('/tickets/', '');
    const page = await agents['cook']!.get(`/tickets/${ref}`).expect(200);
    expect(page.text).toContain('Service: Кухонное оборудование — Холодильники');
    expect(page.text).toContain('Assigned to: Kitchen tech');
    const events = await db().query(`SELECT e.kind, e.source, e.changes->>'rule' AS rule FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.subject = 'Не холодит камера' ORDER BY e.id`);
    expect(events).toEqual([
      { kind: 'created', source: 'web', rule: null },
      { kind: 'routed', source: 'rule', rule: 'component_default_group' },
    ]);

    const serviceOnly = await post(agents['cook']!, '/tickets', '/tickets/new', { type: 'incident', subject: 'Плита', service: serviceId });
    expect(serviceOnly.status).toBe(303);
    const [{ group }] = await db().query(`SELECT g.name AS group FROM tickets t JOIN work_groups g ON g.id = t.group_id WHERE t.subject = 'Плита'`);
    expect(group).toBe('Сервисная служба');
  });

  it('refuses a service the person may not choose, and a component of another service, keeping the form', async () => {
    const [{ id: serviceId }] = await db().query(`SELECT id FROM services WHERE name = 'Кухонное оборудование'`);
    const [{ id: mailId }] = await db().query(`SELECT id FROM services WHERE name = 'E-mail'`);
    const [{ id: componentId }] = await db().query(`SELECT id FROM service_components WHERE name = 'Холодильники'`);
    const hidden = await post(agents['cashier']!, '/tickets', '/tickets/new', { type: 'incident', subject: 'Касса просит кухню', service: serviceId });
    expect(hidden.status).toBe(400);
    expect(hidden.text).toContain(`There is no service ${serviceId} you can choose.`);
    expect(hidden.text).toContain('value="Касса просит кухню"');
    const mixed = await post(agents['cook']!, '/tickets', '/tickets/new', { type: 'incident', subject: 'Смесь', service: `${mailId}:${componentId}` });
    expect(mixed.status).toBe(400);
    const garbage = await post(agents['cook']!, '/tickets', '/tickets/new', { type: 'incident', subject: 'Мусор', service: "x' OR 1=1 --" });
    expect(garbage.status).toBe(400);
    expect(await db().query(`SELECT 1 FROM tickets WHERE subject IN ('Касса просит кухню', 'Смесь', 'Мусор')`)).toEqual([]);
  });

  it('serves the catalogue in the API as each caller may see it, and lets administrators keep it', async () => {
    const tokenOf = async (username: string, scopes: string[]) => {
      const [{ id }] = await db().query(`SELECT id FROM users WHERE username = $1`, [username]);
      return (await app.app.get(ApiTokenService).create(id, { name: 'catalogue', scopes: scopes as never })).token;
    };
    const cashier = await tokenOf('cashier', ['services:read', 'services:write', 'tickets:write']);
    const seen = await request(app.url).get('/api/v1/services').set('Authorization', `Bearer ${cashier}`).expect(200);
    expect(seen.body.map((service: { name: string }) => service.name)).toEqual(['E-mail']);
    await request(app.url).post('/api/v1/services').set('Authorization', `Bearer ${cashier}`).send({ name: 'Hack' }).expect(403);
    const refused = await request(app.url).post('/api/v1/tickets').set('Authorization', `Bearer ${cashier}`).send({ type: 'incident', subject: 'API', service: 'Кухонное оборудование' }).expect(400);
    expect(refused.body.code).toBe('service_unknown');

    const admin = await tokenOf('catalogue-admin', ['services:read', 'services:write', 'tickets:write']);
    const added = await request(app.url).post('/api/v1/services').set('Authorization', `Bearer ${admin}`).send({ name: 'Бухгалтерия', defaultGroup: 'Сервисная служба' }).expect(201);
    expect(added.body).toMatchObject({ name: 'Бухгалтерия', defaultGroup: 'Сервисная служба', active: true, components: [] });
    const withPart = await request(app.url).post(`/api/v1/services/${added.body.id}/components`).set('Authorization', `Bearer ${admin}`).send({ name: '1С' }).expect(201);
    expect(withPart.body.components.map((c: { name: string }) => c.name)).toEqual(['1С']);
    const ticket = await request(app.url).post('/api/v1/tickets').set('Authorization', `Bearer ${cashier}`).send({ type: 'service_request', subject: 'Доступ к 1С', service: 'бухгалтерия', component: '1с' }).expect(201);
    expect(ticket.body).toMatchObject({ service: 'Бухгалтерия', component: '1С', group: 'Сервисная служба' });
  });
});
