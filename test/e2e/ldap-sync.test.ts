import { Attribute, Change, Client } from 'ldapts';
import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { DIRECTORY_COMMANDS } from '../../src/identity/directory/directory.commands';
import { DirectorySyncService } from '../../src/identity/directory/directory-sync.service';
import { DirectoryService } from '../../src/identity/directory/directory.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { CommandError } from '../../src/kernel/cli/command-spec';
import { GROUP_DN, PEOPLE, ldapSeed, personDn } from '../harness/ldap-seed';
import { startSlapd, type SlapdServer } from '../harness/slapd';
import { slapdDirectory } from '../support/directory-fixture';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// The directory sync against a real slapd changed under it: leavers are deactivated and signed
// out (never deleted), group changes change roles and work groups, and a directory that cannot
// answer deactivates nobody.

const ADMIN_PASSWORD = 'sync admin password';

describe('directory sync', () => {
  let slapd: SlapdServer;
  let app: TestApp;
  const db = () => app.boot.database.dataSource;
  const sync = () => DIRECTORY_COMMANDS['ldap:sync']!.run(app.app, { args: [], stdin: '' });

  /** Changes the directory as its administrator. */
  async function asDirectoryAdmin(work: (client: Client) => Promise<void>): Promise<void> {
    const client = new Client({ url: slapd.url });
    await client.bind(slapd.adminDn, slapd.adminPassword);
    try {
      await work(client);
    } finally {
      await client.unbind();
    }
  }
  const member = (operation: 'add' | 'delete', uid: string) =>
    new Change({ operation, modification: new Attribute({ type: 'member', values: [personDn(uid)] }) });

  async function userState(username: string) {
    const [row] = await db().query(
      `SELECT active, roles, directory_missing_since IS NOT NULL AS missing,
              array(SELECT g.name FROM work_group_members m JOIN work_groups g ON g.id = m.group_id WHERE m.user_id = u.id) AS groups
         FROM users u WHERE username = $1`,
      [username],
    );
    return row as { active: boolean; roles: string[]; missing: boolean; groups: string[] };
  }

  async function signInStatus(username: string, password: string): Promise<number> {
    const agent = request.agent(app.url);
    const form = await agent.get('/login').expect(200);
    return (await agent.post('/login').type('form').send({ username, password, _csrf: csrfOf(form.text) })).status;
  }

  beforeAll(async () => {
    slapd = await startSlapd(ldapSeed({ generated: 3 }));
    app = await startTestApp('postgres', { LDAP__SYNC_MINUTES: '0' });
    const admin = await app.app.get(AuthService).createAdmin('sync-admin', ADMIN_PASSWORD);
    await app.app.get(WorkGroupService).create(admin, { name: 'Service desk', active: true });
    const directories = app.app.get(DirectoryService);
    const id = await directories.create(slapdDirectory(slapd.url));
    await directories.addMapping(id, { groupDn: GROUP_DN.agents, role: 'agent' });
    await directories.addMapping(id, { groupDn: GROUP_DN.tier2, role: 'specialist' });
    await directories.addMapping(id, { groupDn: GROUP_DN.agents, workGroup: 'Service desk' });
    for (const person of [PEOPLE.alice, PEOPLE.bob, PEOPLE.dave]) expect(await signInStatus(person.uid, person.password)).toBe(303);
  });
  afterAll(async () => {
    await app?.stop();
    await slapd?.stop();
  });

  it('starts from the roles and work groups the groups gave at sign-in', async () => {
    expect(await userState('alice')).toEqual({ active: true, roles: ['agent', 'requester'], missing: false, groups: ['Service desk'] });
    expect(await userState('bob')).toEqual({ active: true, roles: ['agent', 'requester', 'specialist'], missing: false, groups: ['Service desk'] });
  });

  it('deactivates a leaver and signs them out, and follows group changes', async () => {
    const daveSession = await signedInAgent(app.url, PEOPLE.dave.uid, PEOPLE.dave.password);
    await asDirectoryAdmin(async (client) => {
      await client.modify(GROUP_DN.agents, member('delete', 'dave'));
      await client.del(personDn('dave'));
      await client.modify(GROUP_DN.tier2, [member('add', 'alice'), member('delete', 'bob')]);
    });

    expect(await sync()).toBe('OK  corp: 3 checked, 2 updated, 1 deactivated, 0 reactivated');

    expect(await userState('dave')).toMatchObject({ active: false, missing: true });
    const [{ sessions }] = await db().query(`SELECT count(*)::int AS sessions FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'dave'`);
    expect(sessions).toBe(0);
    await daveSession.get('/').expect(303).expect('Location', /\/login/);
    expect(await signInStatus(PEOPLE.dave.uid, PEOPLE.dave.password)).toBe(401);

    expect(await userState('alice')).toEqual({ active: true, roles: ['agent', 'requester', 'specialist'], missing: false, groups: ['Service desk'] });
    // Bob reached agents only through tier2: out of tier2, he keeps only the requester role and leaves the mapped work group.
    expect(await userState('bob')).toEqual({ active: true, roles: ['requester'], missing: false, groups: [] });
  });

  it('writes the sync and every role change to the audit log', async () => {
    const [finished] = await db().query(`SELECT subject, details FROM audit_events WHERE event = 'ldap.sync.finished' ORDER BY occurred_at DESC LIMIT 1`);
    expect(finished).toEqual({ subject: 'corp', details: { directory: 'corp', checked: 3, updated: 2, deactivated: 1, reactivated: 0 } });
    const changes = await db().query(
      `SELECT subject, details->'before' AS before, details->'after' AS after, details->>'source' AS source FROM audit_events
        WHERE event = 'user.role.changed' AND subject IN ('alice', 'bob') ORDER BY subject, occurred_at`,
    );
    expect(changes).toEqual([
      { subject: 'alice', before: [], after: ['agent', 'requester'], source: 'directory' },
      { subject: 'alice', before: ['agent', 'requester'], after: ['agent', 'requester', 'specialist'], source: 'directory' },
      { subject: 'bob', before: [], after: ['agent', 'requester', 'specialist'], source: 'directory' },
      { subject: 'bob', before: ['agent', 'requester', 'specialist'], after: ['requester'], source: 'directory' },
    ]);
  });

  it('brings back a person who returns to the directory, but not one an admin deactivated', async () => {
    await asDirectoryAdmin((client) =>
      client.add(personDn('dave'), { objectClass: 'inetOrgPerson', uid: 'dave', cn: PEOPLE.dave.cn, sn: PEOPLE.dave.sn, mail: PEOPLE.dave.mail }),
    );
    await db().query(`UPDATE users SET active = false WHERE username = 'bob'`); // an admin's decision
    expect(await sync()).toBe('OK  corp: 3 checked, 2 updated, 0 deactivated, 1 reactivated');
    expect(await userState('dave')).toMatchObject({ active: true, missing: false, roles: ['requester'] });
    expect((await userState('bob')).active).toBe(false);
  });

  it('runs once when two nodes start it together', async () => {
    const other = await startTestApp('postgres', {
      DATABASE_URL: app.boot.config.get('database_url')!,
      SECRET_KEY: app.boot.config.secretKey.value, // nodes sharing a database share the key
      LDAP__SYNC_MINUTES: '0',
    });
    try {
      await db().query(`DELETE FROM job_runs`);
      const hour = { periodMs: 3_600_000 };
      const outcomes = await Promise.all([app.app.get(DirectorySyncService).syncAll(hour), other.app.get(DirectorySyncService).syncAll(hour)]);
      expect(outcomes.filter((outcome) => outcome !== null)).toHaveLength(1);
      expect(await app.app.get(DirectorySyncService).syncAll(hour)).toBeNull(); // not due again within the period
    } finally {
      await other.stop();
    }
  });

  it('deactivates nobody when the directory cannot answer, and says why', async () => {
    await slapd.stop();
    const error = await sync().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).toMatch(/^FAILED {2}corp: 0 checked.*stopped: /);
    const [{ active }] = await db().query(`SELECT count(*)::int AS active FROM users WHERE active AND username IN ('alice', 'dave')`);
    expect(active).toBe(2);
  });
});
