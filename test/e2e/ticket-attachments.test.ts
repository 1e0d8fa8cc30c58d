import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { ApiTokenService } from '../../src/identity/tokens/api-token.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { UnitOfWork } from '../../src/kernel/database/unit-of-work';
import { TicketRepository } from '../../src/tickets/ticket.repository';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Attachments against real PostgreSQL and a real DATA_DIR: bytes stream in and out unchanged,
// names from outside never become paths or markup, limits refuse beside the field and keep what
// was typed, the CSRF token is checked before a byte is stored, and a file is as invisible as its
// ticket (or its internal note) in pages and the API.

const PASSWORD = 'attachments test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('ticket attachments', () => {
  let app: TestApp;
  const agents: Record<string, Agent> = {};
  const db = () => app.boot.database.dataSource;
  const incoming = () => join(app.dataDir, 'attachments', 'incoming');

  beforeAll(async () => {
    app = await startTestApp('postgres', { ATTACHMENTS__MAX_FILE_MB: '1', ATTACHMENTS__MAX_FILES: '3' });
    const admin = await app.app.get(AuthService).createAdmin('files-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    for (const [username, roles] of [['agent-a', ['agent']], ['agent-b', ['agent']], ['client-1', ['requester']]] as const) {
      await people.create({ username, roles: [...roles], email: `${username}@example.com`, password: PASSWORD });
    }
    const groups = app.app.get(WorkGroupService);
    await groups.addMember(admin, (await groups.create(admin, { name: 'Files A', active: true })).id, 'agent-a');
    await groups.addMember(admin, (await groups.create(admin, { name: 'Files B', active: true })).id, 'agent-b');
    for (const name of ['agent-a', 'agent-b', 'client-1']) agents[name] = await signedInAgent(app.url, name, PASSWORD);
  });
  afterAll(() => app.stop());

  /** A multipart form post the way a browser sends it: the token first, then fields, then files. */
  async function postFiles(agent: Agent, path: string, from: string, fields: Record<string, string>, files: Array<{ data: Buffer; name: string; type?: string }>, token?: string) {
    const page = await agent.get(from).expect(200);
    let req = agent.post(path).field('_csrf', token ?? csrfOf(page.text));
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    for (const file of files) req = req.attach('files', file.data, { filename: file.name, contentType: file.type ?? 'application/octet-stream' });
    return req;
  }

  async function newTicket(agent: Agent, fields: Record<string, string>, files: Array<{ data: Buffer; name: string; type?: string }> = []): Promise<string> {
    const res = await postFiles(agent, '/tickets', '/tickets/new', { type: 'incident', impact: '2', urgency: '2', ...fields }, files);
    expect(res.status).toBe(303);
    return res.headers.location!.replace('/tickets/', '');
  }

  const attachmentIds = async (ref: string) =>
    (await db().query(`SELECT a.id, a.file_name AS "fileName" FROM ticket_attachments a JOIN tickets t ON t.id = a.ticket_id WHERE t.type || t.number = $1 ORDER BY a.created_at`, [ref.replace(/^INC-/, 'incident')])) as Array<{ id: string; fileName: string }>;

  it('streams a file in with the ticket and out again byte for byte, with a safe disposition', async () => {
    const data = randomBytes(700_000);
    const ref = await newTicket(agents['client-1']!, { subject: 'Лог с ошибкой' }, [{ data, name: 'журнал ошибок.bin' }]);
    const [file] = await attachmentIds(ref);
    expect(file!.fileName).toBe('журнал ошибок.bin');
    const stored = join(app.dataDir, 'attachments', file!.id.slice(0, 2), file!.id);
    expect(sha(readFileSync(stored))).toBe(sha(data));
    const [row] = await db().query(`SELECT sha256, size_bytes::int AS size FROM ticket_attachments WHERE id = $1`, [file!.id]);
    expect(row).toEqual({ sha256: sha(data), size: 700_000 });

    const download = await agents['client-1']!.get(`/tickets/${ref}/attachments/${file!.id}`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(sha(download.body as Buffer)).toBe(sha(data));
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="______ ______.bin"; filename*=UTF-8''${encodeURIComponent('журнал ошибок.bin')}`);
    expect(download.headers['content-security-policy']).toContain('sandbox');
    const page = await agents['client-1']!.get(`/tickets/${ref}`).expect(200);
    expect(page.text).toContain(`href="/tickets/${ref}/attachments/${file!.id}" download>журнал ошибок.bin</a>`);
    expect(readdirSync(incoming())).toEqual([]);
  });

  it('indexes a new ticket with its files as a later rebuild of its search vectors would', async () => {
    const ref = await newTicket(agents['client-1']!, { subject: 'Принтер XR-200 не печатает', description: 'Бумага застревает в лотке' }, [
      { data: Buffer.from('log'), name: 'журнал-печати.txt', type: 'text/plain' },
      { data: Buffer.from('cfg'), name: 'settings.ini', type: 'text/plain' },
    ]);
    const vectors = () => db().query(`SELECT id, search_public::text AS public, search_staff::text AS staff FROM tickets WHERE 'INC-' || number = $1`, [ref]) as Promise<Array<{ id: string; public: string; staff: string }>>;
    const [registered] = await vectors();
    for (const word of ['принтер', 'xr', '200', 'лотке', 'client', 'журнал', 'печати', 'txt', 'settings', 'ini', 'inc']) expect(registered!.public).toContain(`'${word}'`);
    expect(registered!.staff).toBe(registered!.public);
    await app.app.get(UnitOfWork).transaction(() => app.app.get(TicketRepository).refreshSearch(registered!.id, ref));
    const [rebuilt] = await vectors();
    expect(rebuilt).toEqual(registered);
  });

  it('keeps names from outside inert: no path, no markup, no active content served', async () => {
    const ref = await newTicket(agents['client-1']!, { subject: 'Имена файлов' }, [
      { data: Buffer.from('root:x:0:0'), name: '../../../etc/passwd' },
      { data: Buffer.from('<script>alert(1)</script>'), name: '<img src=x onerror=alert(1)>.html', type: 'text/html' },
      { data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), name: 'logo.svg', type: 'image/svg+xml' },
    ]);
    const files = await attachmentIds(ref);
    expect(files.map((file) => file.fileName)).toEqual(['passwd', '<img src=x onerror=alert(1)>.html', 'logo.svg']);
    expect(existsSync(join(app.dataDir, 'etc'))).toBe(false);
    const page = await agents['client-1']!.get(`/tickets/${ref}`).expect(200);
    expect(page.text).not.toContain('<img src=x onerror');
    expect(page.text).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;.html');
    for (const file of files.slice(1)) {
      const res = await agents['client-1']!.get(`/tickets/${ref}/attachments/${file.id}`).expect(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    }
  });

  it('shows a real image inline, but not a file that only claims to be one', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const ref = await newTicket(agents['client-1']!, { subject: 'Скриншот' }, [
      { data: png, name: 'screen.png', type: 'image/png' },
      { data: Buffer.from('<html><script>alert(1)</script>'), name: 'fake.png', type: 'image/png' },
    ]);
    const [real, fake] = await attachmentIds(ref);
    const shown = await agents['client-1']!.get(`/tickets/${ref}/attachments/${real!.id}`).expect(200);
    expect(shown.headers['content-type']).toBe('image/png');
    expect(shown.headers['content-disposition']).toMatch(/^inline;/);
    const faked = await agents['client-1']!.get(`/tickets/${ref}/attachments/${fake!.id}`).expect(200);
    expect(faked.headers['content-type']).toBe('image/png');
    expect(faked.headers['content-disposition']).toMatch(/^attachment;/);
    expect(faked.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses empty, oversized and too many files beside the field, keeping the text and storing nothing', async () => {
    const ref = await newTicket(agents['client-1']!, { subject: 'Лимиты' });
    const empty = await postFiles(agents['client-1']!, `/tickets/${ref}/messages`, `/tickets/${ref}`, { kind: 'reply', body: 'Пустой файл прилагаю' }, [{ data: Buffer.alloc(0), name: 'пусто.txt' }]);
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('The file пусто.txt is empty.');
    expect(empty.text).toContain('Пустой файл прилагаю</textarea>');

    const big = await postFiles(agents['client-1']!, `/tickets/${ref}/messages`, `/tickets/${ref}`, { kind: 'reply', body: 'Большой файл' }, [{ data: randomBytes(1024 * 1024 + 10), name: 'big.iso' }]);
    expect(big.status).toBe(413);
    expect(big.text).toContain('The file big.iso is larger than 1 MB.');
    expect(big.text).toContain('Большой файл</textarea>');

    const many = await postFiles(agents['client-1']!, `/tickets/${ref}/messages`, `/tickets/${ref}`, { kind: 'reply', body: 'Много' }, [1, 2, 3, 4].map((n) => ({ data: Buffer.from(`file ${n}`), name: `${n}.txt` })));
    expect(many.status).toBe(413);
    expect(many.text).toContain('Attach at most 3 files at once.');

    expect(await attachmentIds(ref)).toEqual([]);
    expect(await db().query(`SELECT 1 FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.subject = 'Лимиты'`)).toEqual([]);
    expect(readdirSync(incoming())).toEqual([]);
  });

  it('checks the CSRF token before storing any file, and reads no body for a visitor', async () => {
    const ref = await newTicket(agents['client-1']!, { subject: 'CSRF' });
    const forged = await postFiles(agents['client-1']!, `/tickets/${ref}/messages`, `/tickets/${ref}`, { kind: 'reply', body: 'x' }, [{ data: Buffer.from('payload'), name: 'a.txt' }], 'forged-token');
    expect(forged.status).toBe(403);
    const visitor = await request(app.url).post(`/tickets/${ref}/messages`).field('_csrf', 'x').attach('files', Buffer.from('payload'), 'a.txt');
    expect([302, 303, 401, 403]).toContain(visitor.status);
    expect(await attachmentIds(ref)).toEqual([]);
    expect(readdirSync(incoming())).toEqual([]);
  });

  it('keeps files as private as their ticket and their note, in pages, search and the API', async () => {
    const ref = await newTicket(agents['agent-a']!, { subject: 'Для группы A', requester: 'client-1', group: 'Files A' });
    const note = await postFiles(agents['agent-a']!, `/tickets/${ref}/messages`, `/tickets/${ref}`, { kind: 'note', body: 'Внутреннее' }, [{ data: Buffer.from('secret'), name: 'пароли-сервера.txt', type: 'text/plain' }]);
    expect(note.status).toBe(303);
    const reply = await postFiles(agents['agent-a']!, `/tickets/${ref}/messages`, `/tickets/${ref}`, { kind: 'reply', body: '' }, [{ data: Buffer.from('manual'), name: 'инструкция.txt', type: 'text/plain' }]);
    expect(reply.status).toBe(303);
    const [secret, manual] = await attachmentIds(ref);

    expect((await agents['agent-a']!.get(`/tickets/${ref}/attachments/${secret!.id}`).expect(200)).headers['content-type']).toBe('text/plain; charset=utf-8');
    await agents['client-1']!.get(`/tickets/${ref}/attachments/${secret!.id}`).expect(404);
    await agents['client-1']!.get(`/tickets/${ref}/attachments/${manual!.id}`).expect(200);
    await agents['agent-b']!.get(`/tickets/${ref}/attachments/${manual!.id}`).expect(404);
    await agents['agent-a']!.get(`/tickets/${ref}/attachments/not-a-uuid`).expect(404);
    const clientPage = await agents['client-1']!.get(`/tickets/${ref}`).expect(200);
    expect(clientPage.text).toContain('инструкция.txt');
    expect(clientPage.text).not.toContain('пароли-сервера');

    const found = (path: string, agent: Agent) => agent.get(path).expect(200).then((res) => res.text.includes(`data-ticket="${ref}"`));
    expect(await found(`/tickets?q=${encodeURIComponent('инструкция')}`, agents['client-1']!)).toBe(true);
    expect(await found(`/tickets?q=${encodeURIComponent('пароли')}`, agents['client-1']!)).toBe(false);
    expect(await found(`/tickets?q=${encodeURIComponent('пароли')}`, agents['agent-a']!)).toBe(true);

    const tokenOf = async (username: string) => {
      const [{ id }] = await db().query(`SELECT id FROM users WHERE username = $1`, [username]);
      return (await app.app.get(ApiTokenService).create(id, { name: 'files', scopes: ['tickets:read', 'tickets:write'] })).token;
    };
    const agentToken = await tokenOf('agent-a');
    const viaApi = await request(app.url).post(`/api/v1/tickets/${ref}/messages`).set('Authorization', `Bearer ${agentToken}`).field('kind', 'reply').field('bodyHtml', '<p>Схема</p>').attach('files', Buffer.from('diagram'), 'схема.txt');
    expect(viaApi.body).toMatchObject({ ref });
    const sent = viaApi.body.messages.at(-1).attachments[0];
    expect(sent).toMatchObject({ fileName: 'схема.txt', sizeBytes: 7 });
    const fetched = await request(app.url).get(sent.url).set('Authorization', `Bearer ${agentToken}`).expect(200);
    expect(fetched.text).toBe('diagram');
    const otherToken = await tokenOf('agent-b');
    await request(app.url).get(sent.url).set('Authorization', `Bearer ${otherToken}`).expect(404);
    const clientView = await request(app.url).get(`/api/v1/tickets/${ref}`).set('Authorization', `Bearer ${await tokenOf('client-1')}`).expect(200);
    expect(JSON.stringify(clientView.body)).not.toContain('пароли-сервера');
  });
});
