import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { toActor, UserRepository } from '../../src/identity/user.repository';
import { AbsenceService } from '../../src/identity/users/absence.service';
import type { Actor } from '../../src/kernel/security/actor';
import { NotFoundError } from '../../src/kernel/web/domain-error';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Absences with substitutes against real PostgreSQL: one's own on the profile page, anyone's on
// the people page, a group lead's for their members, the refusals, and the question assignment
// will ask ("who of these is away now, and who stands in?").

const PASSWORD = 'absences test password';

describe('absences', () => {
  let app: TestApp;
  let admin: Actor;
  const service = () => app.app.get(AbsenceService);
  const actorNamed = async (username: string) => toActor((await app.app.get(UserRepository).findByUsername(username))!);

  beforeAll(async () => {
    app = await startTestApp('postgres');
    admin = await app.app.get(AuthService).createAdmin('absence-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    for (const username of ['нина', 'oleg', 'lead', 'outsider']) await people.create({ username, roles: ['agent'], password: PASSWORD });
    await app.boot.database.dataSource.query(`UPDATE users SET time_zone = 'Asia/Tashkent' WHERE username = 'нина'`);
    const groups = app.app.get(WorkGroupService);
    const group = await groups.create(admin, { name: 'Сеть', lead: 'lead', active: true });
    await groups.addMember(admin, group.id, 'нина');
  });
  afterAll(() => app.stop());

  it('lets a person record their own absence on the profile page, in their time zone', async () => {
    const nina = await signedInAgent(app.url, 'нина', PASSWORD);
    const profile = await nina.get('/profile').expect(200);
    const saved = await nina
      .post('/profile/absences')
      .type('form')
      .send({ _csrf: csrfOf(profile.text), kind: 'vacation', from: '2027-07-01', to: '2027-07-14', substitute: 'oleg', note: 'Море' })
      .expect(303);
    expect(saved.headers.location).toBe('/profile#absences');
    const [row] = await app.boot.database.dataSource.query(
      `SELECT a.kind, a.starts_at, a.ends_at, a.note, s.username AS substitute FROM user_absences a JOIN users s ON s.id = a.substitute_id`,
    );
    expect(row).toEqual({ kind: 'vacation', starts_at: new Date('2027-06-30T19:00:00Z'), ends_at: new Date('2027-07-14T19:00:00Z'), note: 'Море', substitute: 'oleg' });
    const shown = await nina.get('/profile').expect(200);
    expect(shown.text).toContain('data-absence="vacation"');
    expect(shown.text).toContain('Море');
  });

  it('refuses overlapping days and a bad substitute, keeping what was typed', async () => {
    const nina = await signedInAgent(app.url, 'нина', PASSWORD);
    const send = async (fields: Record<string, string>) => {
      const profile = await nina.get('/profile').expect(200);
      return nina.post('/profile/absences').type('form').send({ _csrf: csrfOf(profile.text), kind: 'sick_leave', ...fields });
    };
    const overlap = await send({ from: '2027-07-14', to: '2027-07-20' });
    expect(overlap.status).toBe(409);
    expect(overlap.text).toContain('These days overlap an absence already recorded.');
    expect(overlap.text).toContain('value="2027-07-20"');
    expect((await send({ from: '2027-07-15', to: '2027-07-20' })).status).toBe(303); // the day after is free
    const self = await send({ from: '2027-08-01', to: '2027-08-01', substitute: 'НИНА' });
    expect(self.status).toBe(400);
    expect(self.text).toContain('A person cannot stand in for themselves.');
    const nobody = await send({ from: '2027-08-01', to: '2027-08-01', substitute: 'ghost' });
    expect(nobody.text).toContain('Nobody has the login ghost.');
    const backwards = await send({ from: '2027-08-05', to: '2027-08-01' });
    expect(backwards.text).toContain('The last day cannot be before the first.');
  });

  it('tells assignment who is away at a moment and who stands in', async () => {
    const [nina, oleg] = await Promise.all([actorNamed('нина'), actorNamed('oleg')]);
    const during = await service().absentAt([nina.id, oleg.id], new Date('2027-07-05T12:00:00Z'));
    expect([...during]).toEqual([[nina.id, oleg.id]]);
    const sick = await service().absentAt([nina.id], new Date('2027-07-16T12:00:00Z'));
    expect([...sick]).toEqual([[nina.id, null]]);
    expect((await service().absentAt([nina.id], new Date('2027-06-30T18:59:59Z'))).size).toBe(0); // still 23:59 in Tashkent
    expect((await service().absentAt([], new Date())).size).toBe(0);
  });

  it('lets the lead of the person\'s group and an admin manage the absence, and nobody else', async () => {
    const [nina, lead, outsider] = await Promise.all([actorNamed('нина'), actorNamed('lead'), actorNamed('outsider')]);
    const id = await service().add(lead, nina.id, { kind: 'other', from: '2027-09-01', to: '2027-09-02' });
    await expect(service().list(outsider, nina.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service().remove(outsider, nina.id, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service().add(outsider, nina.id, { kind: 'other', from: '2027-10-01', to: '2027-10-01' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(service().list(nina, lead.id)).rejects.toBeInstanceOf(NotFoundError); // members do not manage their lead
    await service().remove(admin, nina.id, id);
    expect((await service().list(nina, nina.id)).map((absence) => absence.kind)).toEqual(['vacation', 'sick_leave']);
  });

  it('records an absence from the people page', async () => {
    const agent = await signedInAgent(app.url, 'absence-admin', PASSWORD);
    const oleg = await actorNamed('oleg');
    const page = await agent.get(`/admin/users/${oleg.id}`).expect(200);
    await agent
      .post(`/admin/users/${oleg.id}/absences`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), kind: 'sick_leave', from: '2027-03-02', to: '2027-03-03', substitute: 'нина' })
      .expect(303);
    const shown = await agent.get(`/admin/users/${oleg.id}`).expect(200);
    expect(shown.text).toContain('data-absence="sick_leave"');
    const absenceId = /\/absences\/([0-9a-f-]{36})\/remove/.exec(shown.text)![1]!;
    await agent.post(`/admin/users/${oleg.id}/absences/${absenceId}/remove`).type('form').send({ _csrf: csrfOf(shown.text) }).expect(303);
    await agent.post(`/admin/users/${oleg.id}/absences/${absenceId}/remove`).type('form').send({ _csrf: csrfOf(shown.text) }).expect(404);
  });
});
