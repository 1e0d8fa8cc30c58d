import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Writing tools against real PostgreSQL: @mentions reach only staff who may see the ticket and fill
// their mentions inbox until they open it; reply templates (personal or shared) start a reply with
// the ticket's values filled in; a signature ends public replies when asked for.

const PASSWORD = 'conversation test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;
const refsOf = (html: string) => [...html.matchAll(/<tr data-ticket="([^"]+)">/g)].map((match) => match[1]!);

describe('mentions, reply templates and signatures', () => {
  let app: TestApp;
  const agents: Record<string, Agent> = {};
  const db = () => app.boot.database.dataSource;
  let ref: string;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('conv-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    for (const [username, roles] of [['agent-a', ['agent']], ['agent-a2', ['agent']], ['agent-b', ['agent']], ['client', ['requester']]] as const) {
      await people.create({ username, roles: [...roles], display_name: undefined, email: `${username}@example.com`, password: PASSWORD } as never);
    }
    const groups = app.app.get(WorkGroupService);
    const a = await groups.create(admin, { name: 'Conv A', active: true });
    for (const login of ['agent-a', 'agent-a2']) await groups.addMember(admin, a.id, login);
    await groups.addMember(admin, (await groups.create(admin, { name: 'Conv B', active: true })).id, 'agent-b');
    for (const name of ['agent-a', 'agent-a2', 'agent-b', 'client']) agents[name] = await signedInAgent(app.url, name, PASSWORD);
    const page = await agents['agent-a']!.get('/tickets/new').expect(200);
    const created = await agents['agent-a']!.post('/tickets').type('form').send({ _csrf: csrfOf(page.text), type: 'incident', subject: 'Упоминания', requester: 'client', group: 'Conv A' }).expect(303);
    ref = created.headers.location!.replace('/tickets/', '');
  });
  afterAll(() => app.stop());

  async function post(agent: Agent, path: string, fields: Record<string, string>, from = `/tickets/${ref}`) {
    const page = await agent.get(from).expect(200);
    return agent.post(path).type('form').send({ _csrf: csrfOf(page.text), ...fields });
  }

  it('mentions only staff who may see the ticket, marks them, and fills their inbox until they open it', async () => {
    expect((await post(agents['agent-a']!, `/tickets/${ref}/messages`, { kind: 'note', body: '@agent-a2, глянь. И @agent-b, @client, @nobody, @agent-a.' })).status).toBe(303);
    const mentioned = await db().query(`SELECT u.username FROM ticket_mentions m JOIN users u ON u.id = m.user_id`);
    expect(mentioned).toEqual([{ username: 'agent-a2' }]);
    const page = (await agents['agent-a']!.get(`/tickets/${ref}`).expect(200)).text;
    expect(page).toContain('<span class="mention">@agent-a2</span>, глянь. И @agent-b, @client, @nobody, @agent-a.');

    const inbox = (await agents['agent-a2']!.get('/tickets?queue=mentions').expect(200)).text;
    expect(refsOf(inbox)).toEqual([ref]);
    expect(/data-queue="mentions"[^>]*>[^<]*<span class="badge" data-count>(\d+)</.exec(inbox)?.[1]).toBe('1');
    await agents['agent-a2']!.get(`/tickets/${ref}`).expect(200);
    expect(refsOf((await agents['agent-a2']!.get('/tickets?queue=mentions').expect(200)).text)).toEqual([]);
    await agents['client']!.get('/tickets?queue=mentions').expect(404);
  });

  it('keeps personal templates personal, shares shared ones, and fills a template for the ticket', async () => {
    expect((await post(agents['agent-a']!, '/reply-templates', { name: 'Принято', body: 'Здравствуйте, {{requester.name}}! Заявка {{ticket.ref}} «{{ticket.subject}}» принята. {{ticket.unknown}}\n{{agent.name}}', shared: 'on' }, '/reply-templates')).status).toBe(303);
    expect((await post(agents['agent-a']!, '/reply-templates', { name: 'Личный', body: 'Только мой' }, '/reply-templates')).status).toBe(303);
    const empty = await post(agents['agent-a']!, '/reply-templates', { name: '', body: 'текст остаётся' }, '/reply-templates');
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('текст остаётся</textarea>');

    const seenByOther = (await agents['agent-b']!.get('/reply-templates').expect(200)).text;
    expect(seenByOther).toContain('Принято');
    expect(seenByOther).not.toContain('Только мой');
    const [{ id: shared }] = await db().query(`SELECT id FROM reply_templates WHERE name = 'Принято'`);
    const [{ id: personal }] = await db().query(`SELECT id FROM reply_templates WHERE name = 'Личный'`);
    expect((await post(agents['agent-b']!, `/reply-templates/${shared}/delete`, {}, '/reply-templates')).status).toBe(404);

    const started = (await agents['agent-a2']!.get(`/tickets/${ref}?template=${shared}`).expect(200)).text;
    expect(started).toContain(`Здравствуйте, client! Заявка ${ref} «Упоминания» принята. {{ticket.unknown}}\nagent-a2</textarea>`);
    // Someone else's personal template is not offered, and asking for it starts an empty reply.
    const foreign = (await agents['agent-a2']!.get(`/tickets/${ref}?template=${personal}`).expect(200)).text;
    expect(foreign).not.toContain('Только мой');
    await agents['client']!.get(`/tickets/${ref}?template=${shared}`).expect(200).then((res) => expect(res.text).not.toContain('принята'));
  });

  it('ends a public reply with the signature when asked, never a note', async () => {
    expect((await post(agents['agent-a']!, '/reply-templates/signature', { signature: 'Иван Петров\nСлужба поддержки' }, '/reply-templates')).status).toBe(303);
    expect((await post(agents['agent-a']!, `/tickets/${ref}/messages`, { kind: 'reply', body: 'Проверьте, пожалуйста', signature: 'on' })).status).toBe(303);
    expect((await post(agents['agent-a']!, `/tickets/${ref}/messages`, { kind: 'note', body: 'Заметка', signature: 'on' })).status).toBe(303);
    expect((await post(agents['agent-a']!, `/tickets/${ref}/messages`, { kind: 'reply', body: 'Без подписи' })).status).toBe(303);
    const bodies = await db().query(`SELECT body_html FROM ticket_messages ORDER BY created_at DESC LIMIT 3`);
    expect(bodies.map((row: { body_html: string }) => row.body_html)).toEqual(['<p>Без подписи</p>', '<p>Заметка</p>', '<p>Проверьте, пожалуйста</p><p>-- <br>Иван Петров<br>Служба поддержки</p>']);
  });
});
