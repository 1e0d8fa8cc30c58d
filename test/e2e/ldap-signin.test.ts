import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { DirectoryService } from '../../src/identity/directory/directory.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { HookBus } from '../../src/kernel/hooks/hook-bus';
import { GROUP_DN, GROUPS_DN, PEOPLE, PEOPLE_DN, SERVICE_DN, ldapSeed } from '../harness/ldap-seed';
import { startSlapd, type SlapdServer } from '../harness/slapd';
import { slapdDirectory } from '../support/directory-fixture';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Staff sign-in through a real slapd: the directory set up on the admin pages, just-in-time
// accounts with mapped roles and work groups, refusals that leak nothing, and a directory outage
// that leaves the local break-glass administrator able to sign in.

const ADMIN_PASSWORD = 'ldap admin password';

/** A value as Handlebars escapes it in a page (it escapes "=" too). */
const asAttribute = (value: string) => value.replace(/=/g, '&#x3D;');

describe('directory sign-in', () => {
  let slapd: SlapdServer;
  let app: TestApp;
  let admin: Awaited<ReturnType<typeof signedInAgent>>;
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    slapd = await startSlapd(ldapSeed({ generated: 3 }));
    app = await startTestApp('postgres', { LDAP__SYNC_MINUTES: '0' });
    const adminActor = await app.app.get(AuthService).createAdmin('ldap-admin', ADMIN_PASSWORD);
    await app.app.get(UserAdminService).create({ username: 'local-agent', roles: ['agent'], password: ADMIN_PASSWORD });
    await app.app.get(WorkGroupService).create(adminActor, { name: 'Service desk', active: true });
    admin = await signedInAgent(app.url, 'ldap-admin', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await app?.stop();
    await slapd?.stop();
  });

  /** Posts the sign-in form as a fresh visitor. */
  async function signIn(username: string, password: string) {
    const agent = request.agent(app.url);
    const form = await agent.get('/login').expect(200);
    const res = await agent.post('/login').type('form').send({ username, password, _csrf: csrfOf(form.text) });
    return { agent, res };
  }

  /** Posts a form of the directory pages, taking the CSRF token from `from`. */
  async function post(path: string, fields: Record<string, string>, from: string) {
    const page = await admin.get(from).expect(200);
    return admin.post(path).type('form').send({ _csrf: csrfOf(page.text), ...fields });
  }

  it('lets an admin set up the directory and its group mappings on the admin pages', async () => {
    const form = await admin.get('/admin/directories/new').expect(200);
    expect(form.text).toContain('{{username}} is replaced by the escaped user name'); // placeholders survive i18n
    const settings = slapdDirectory(slapd.url);
    const created = await post(
      '/admin/directories',
      {
        name: settings.name,
        url: settings.url!,
        bindDn: SERVICE_DN,
        bindPassword: settings.bindPassword!,
        userSearchBase: PEOPLE_DN,
        userFilter: settings.userFilter!,
        usernameAttribute: 'uid',
        displayNameAttribute: 'cn',
        emailAttribute: 'mail',
        groupSearchBase: GROUPS_DN,
        groupFilter: settings.groupFilter!,
        memberAttribute: 'member',
        nestedGroups: 'walk',
        timeoutMs: '3000',
        enabled: 'on',
      },
      '/admin/directories/new',
    );
    expect(created.status).toBe(303);
    const page = created.headers.location as string;
    const shown = await admin.get(page).expect(200);
    expect(shown.text).toContain('Directory created.');
    expect(shown.text).not.toContain(settings.bindPassword!);
    const [stored] = await db().query(`SELECT settings, bind_password_sealed FROM directories`);
    expect(stored.bind_password_sealed).toMatch(/^v1:/);
    expect(JSON.stringify(stored)).not.toContain(settings.bindPassword!);

    const mappings: Array<Record<string, string>> = [
      { groupDn: GROUP_DN.agents, role: 'agent' },
      { groupDn: GROUP_DN.tier2, role: 'specialist' },
      { groupDn: GROUP_DN.agents, workGroup: 'Service desk' },
    ];
    for (const mapping of mappings) {
      expect((await post(`${page}/mappings`, mapping, page)).status).toBe(303);
    }
    const refused = await post(`${page}/mappings`, { groupDn: GROUP_DN.leads, role: 'agent', workGroup: 'Service desk' }, page);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Choose either a role or a work group.');
    expect(refused.text).toContain(`value="${asAttribute(GROUP_DN.leads)}"`);
    const list = await admin.get('/admin/directories').expect(200);
    expect(list.text).toContain('<code>' + slapd.url + '</code>');
  });

  it('keeps what was typed and names the field when the settings are wrong', async () => {
    const res = await post('/admin/directories', { name: 'broken', url: 'http://dc1', userSearchBase: PEOPLE_DN, groupSearchBase: GROUPS_DN }, '/admin/directories/new');
    expect(res.status).toBe(400);
    expect(res.text).toContain('url: must start with ldap:// or ldaps://');
    expect(res.text).toContain('value="http://dc1"');
  });

  it('runs the LDAP test from the page with the server\'s own results', async () => {
    const [directory] = await app.app.get(DirectoryService).list();
    const res = await post(`/admin/directories/${directory!.id}/test`, { username: 'carol' }, `/admin/directories/${directory!.id}`);
    expect(res.status).toBe(201);
    expect(res.text).toContain('data-test-ok="true"');
    expect(res.text).toContain('data-step="groups" data-status="ok"');
    expect(res.text).toContain(`<code>${asAttribute(GROUP_DN.leads)}</code>`);
  });

  it('refuses the directory pages to anyone without the permission, and forms without CSRF', async () => {
    const agent = await signedInAgent(app.url, 'local-agent', ADMIN_PASSWORD);
    await agent.get('/admin/directories').expect(403);
    await admin.post('/admin/directories').type('form').send({ name: 'x' }).expect(403);
  });

  it('signs a directory user in, creating their account with mapped roles and work group', async () => {
    const { agent, res } = await signIn('alice', PEOPLE.alice.password);
    expect(res.status).toBe(303);
    await agent.get('/').expect(200);
    const [user] = await db().query(
      `SELECT u.display_name, u.email, u.roles, u.password_hash, u.directory_dn, d.name AS directory
         FROM users u JOIN directories d ON d.id = u.directory_id WHERE u.username = 'alice'`,
    );
    expect(user).toEqual({
      display_name: PEOPLE.alice.cn,
      email: PEOPLE.alice.mail,
      roles: ['agent', 'requester'],
      password_hash: null,
      directory_dn: `uid=alice,${PEOPLE_DN}`,
      directory: 'corp',
    });
    const groups = await db().query(`SELECT g.name FROM work_group_members m JOIN work_groups g ON g.id = m.group_id JOIN users u ON u.id = m.user_id WHERE u.username = 'alice'`);
    expect(groups).toEqual([{ name: 'Service desk' }]);
  });

  it('gives roles through nested groups (carol is in agents through leads and tier2)', async () => {
    expect((await signIn('carol', PEOPLE.carol.password)).res.status).toBe(303);
    const [carol] = await db().query(`SELECT roles FROM users WHERE username = 'carol'`);
    expect(carol.roles).toEqual(['agent', 'requester', 'specialist']);
  });

  it('signs in a person with a Cyrillic name and password', async () => {
    expect((await signIn('ivan', PEOPLE.ivan.password)).res.status).toBe(303);
    const [ivan] = await db().query(`SELECT display_name, roles FROM users WHERE username = 'ivan'`);
    expect(ivan).toEqual({ display_name: 'Иван Петров', roles: ['agent', 'requester'] });
  });

  it.each([
    ['a wrong password', 'alice', 'not-her-password'],
    ['an unknown user', 'nobody-here', 'whatever'],
    ['a filter injection', '*)(uid=*', PEOPLE.alice.password],
    ['a wildcard', 'ali*', PEOPLE.alice.password],
    ['a NUL byte', 'alice\u0000', PEOPLE.alice.password],
    ['parentheses', '(alice)', PEOPLE.alice.password],
    ['an over-long name', 'a'.repeat(900), PEOPLE.alice.password],
    ['an over-long password', 'alice', 'x'.repeat(5000)],
  ])('refuses %s with the same answer as a wrong password', async (_what, username, password) => {
    const { res } = await signIn(username, password);
    expect(res.status).toBe(401);
    expect(res.text).toContain('The username or password is incorrect.');
  });

  it('never binds anonymously for an empty password', async () => {
    const { res } = await signIn('dave', '');
    expect(res.status).toBe(400);
    expect((await signIn('a'.repeat(5000), 'x')).res.status).toBe(400); // beyond the form's limit
    const [{ count }] = await db().query(`SELECT count(*)::int AS count FROM users WHERE username = 'dave'`);
    expect(count).toBe(0);
  });

  it('does not let a directory account take over a local account with a password', async () => {
    await app.app.get(UserAdminService).create({ username: 'bob', password: ADMIN_PASSWORD });
    const { res } = await signIn('bob', PEOPLE.bob.password);
    expect(res.status).toBe(401);
    const [bob] = await db().query(`SELECT directory_id FROM users WHERE username = 'bob'`);
    expect(bob.directory_id).toBeNull();
  });

  it('throttles 100 wrong directory passwords from one address, the right one included', async () => {
    const agent = request.agent(app.url);
    const form = await agent.get('/login').expect(200);
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await agent.post('/login').set('X-Forwarded-For', '203.0.113.77').type('form').send({ username: 'dave', password: `guess-${i}`, _csrf: csrfOf(form.text) });
      statuses.push(res.status);
    }
    expect(statuses.filter((status) => status === 401)).toHaveLength(10); // SECURITY__LOGIN_MAX_ATTEMPTS
    expect(statuses.slice(10).every((status) => status === 429)).toBe(true);
    const right = await agent.post('/login').set('X-Forwarded-For', '203.0.113.77').type('form').send({ username: 'dave', password: PEOPLE.dave.password, _csrf: csrfOf(form.text) });
    expect(right.status).toBe(429);
  });

  it('tells people when the directory is down, while the local administrator still signs in', async () => {
    await slapd.stop();
    const { res } = await signIn('alice', PEOPLE.alice.password);
    expect(res.status).toBe(503);
    expect(res.text).toContain('The directory service cannot be reached right now');
    expect(res.text).toContain('value="alice"');
    expect((await signIn('ldap-admin', ADMIN_PASSWORD)).res.status).toBe(303);
    await app.app.get(HookBus).settled();
    const [failure] = await db().query(`SELECT details FROM audit_events WHERE event = 'auth.sign_in.failed' AND subject = 'alice' AND details->>'reason' = 'directory_unavailable'`);
    expect(failure).toBeDefined();
  });
});

describe('local sign-in turned off for staff', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp('postgres', { AUTH__LOCAL_STAFF_SIGN_IN: 'false', LDAP__SYNC_MINUTES: '0' });
    await app.app.get(AuthService).createAdmin('break-glass', ADMIN_PASSWORD);
    await app.app.get(UserAdminService).create({ username: 'staff-local', roles: ['agent'], password: ADMIN_PASSWORD });
    await app.app.get(UserAdminService).create({ username: 'client-local', roles: ['requester'], password: ADMIN_PASSWORD });
  });
  afterAll(() => app?.stop());

  async function signInStatus(username: string, password: string): Promise<number> {
    const agent = request.agent(app.url);
    const form = await agent.get('/login').expect(200);
    return (await agent.post('/login').type('form').send({ username, password, _csrf: csrfOf(form.text) })).status;
  }

  it('refuses staff with a local password', async () => {
    expect(await signInStatus('staff-local', ADMIN_PASSWORD)).toBe(403);
  });

  it('keeps the break-glass administrator and requesters able to sign in', async () => {
    expect(await signInStatus('break-glass', ADMIN_PASSWORD)).toBe(303);
    expect(await signInStatus('client-local', ADMIN_PASSWORD)).toBe(303);
  });
});
