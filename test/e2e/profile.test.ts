import { AuthService } from '../../src/identity/auth.service';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'profile test password';

describe('my profile', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('postgres');
    await app.app.get(AuthService).createAdmin('profiler', PASSWORD);
  });
  afterAll(() => app.stop());

  it('saves language and time zone, and every page follows them', async () => {
    const agent = await signedInAgent(app.url, 'profiler', PASSWORD);
    const page = await agent.get('/profile').expect(200);
    expect(page.text).toContain('<option value="Asia/Tashkent">');
    await agent.post('/profile').type('form').send({ locale: 'uz', timeZone: 'Asia/Tashkent', _csrf: csrfOf(page.text) }).expect(303);
    const after = await agent.get('/profile').expect(200);
    expect(after.text).toContain('lang="uz"');
    expect(after.text).toContain('<option value="Asia/Tashkent" selected>');
    expect(after.text).toContain('Profil saqlandi.');
  });

  it('refuses an unknown time zone and keeps what was chosen', async () => {
    const agent = await signedInAgent(app.url, 'profiler', PASSWORD);
    const page = await agent.get('/profile').expect(200);
    const refused = await agent.post('/profile').type('form').send({ locale: 'ru', timeZone: 'Mars/Olympus_Mons', _csrf: csrfOf(page.text) }).expect(400);
    expect(refused.text).toContain('aria-invalid="true"');
    expect(refused.text).toContain('<option value="ru" selected>');
  });

  it('refuses a language Opora does not offer', async () => {
    const agent = await signedInAgent(app.url, 'profiler', PASSWORD);
    const page = await agent.get('/profile').expect(200);
    await agent.post('/profile').type('form').send({ locale: 'xx', timeZone: 'UTC', _csrf: csrfOf(page.text) }).expect(400);
  });

  it('signs the person out on every device', async () => {
    const laptop = await signedInAgent(app.url, 'profiler', PASSWORD);
    const phone = await signedInAgent(app.url, 'profiler', PASSWORD);
    await phone.get('/').expect(200);
    const page = await laptop.get('/profile').expect(200);
    await laptop.post('/profile/sign-out-everywhere').type('form').send({ _csrf: csrfOf(page.text) }).expect(303).expect('location', '/login');
    await phone.get('/').expect(303);
    await laptop.get('/').expect(303);
  });

  it('is only for people who are signed in', async () => {
    const res = await fetch(`${app.url}/profile`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fprofile');
  });
});
