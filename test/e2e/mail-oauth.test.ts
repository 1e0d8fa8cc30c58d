import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthService } from '../../src/identity/auth.service';
import { MailboxPoller } from '../../src/email/mailbox-poller';
import { MailboxService } from '../../src/email/mailbox.service';
import { SecretBox } from '../../src/kernel/security/secret-box';
import { startDovecot, type DovecotServer } from '../harness/dovecot';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * OAuth2 mailboxes (XOAUTH2) against a real Dovecot that checks every access token with a token
 * service started here: the refresh token is exchanged for access tokens, a rotated refresh token
 * is sealed and stored, a token is reused while it is valid, and the token endpoint's own error
 * reaches the administrator.
 */

const BOX = 'oauth@desk.example';

describe('OAuth2 mailboxes', () => {
  let dovecot: DovecotServer;
  let tokens: Server;
  let app: TestApp;
  let base: string;
  const issued = new Set<string>();
  let refresh = 'refresh-1';
  let exchanges = 0;

  beforeAll(async () => {
    tokens = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        res.setHeader('Content-Type', 'application/json');
        if (req.url === '/introspect') {
          res.end(JSON.stringify(issued.has(form.get('token') ?? '') ? { active: true, username: BOX } : { active: false }));
          return;
        }
        if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== refresh || form.get('client_id') !== 'desk-app' || form.get('client_secret') !== 'client secret 9') {
          res.statusCode = 400;
          res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'AADSTS70008: the refresh token has expired' }));
          return;
        }
        exchanges += 1;
        const access = `access-${exchanges}`;
        issued.add(access);
        refresh = `refresh-${exchanges + 1}`; // rotated, as Microsoft does
        res.end(JSON.stringify({ access_token: access, expires_in: 3600, refresh_token: refresh, token_type: 'Bearer' }));
      });
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => tokens.once('listening', resolve));
    base = `http://127.0.0.1:${(tokens.address() as AddressInfo).port}`;
    dovecot = await startDovecot([{ user: 'plain@desk.example', password: 'unused plain password' }], { oauthIntrospectionUrl: `${base}/introspect` });
    app = await startTestApp('postgres', { MAIL__INTAKE_POLL_SECONDS: '0', MAIL__POLL_SECONDS: '3600' });
    await app.app.get(AuthService).createAdmin('oauth-admin', 'oauth admin password');
  });
  afterAll(async () => {
    await app?.stop();
    await dovecot?.stop();
    await new Promise((resolve) => tokens.close(resolve));
  });

  it('signs in with access tokens from the refresh token, storing the rotated one sealed and reusing a valid token', async () => {
    const mailboxes = app.app.get(MailboxService);
    const id = await mailboxes.create({
      name: 'Microsoft 365', address: BOX, host: '127.0.0.1', port: dovecot.port, security: 'none', username: BOX,
      auth: 'xoauth2', secret: 'refresh-1', oauthTokenUrl: `${base}/token`, oauthClientId: 'desk-app', oauthClientSecret: 'client secret 9', oauthScope: 'https://outlook.office.com/IMAP.AccessAsUser.All offline_access',
    });
    expect(await mailboxes.test(id)).toEqual({ ok: true, messages: 0 });
    const [row] = await app.boot.database.dataSource.query(`SELECT secret_sealed, oauth_client_secret_sealed FROM mailboxes WHERE id = $1`, [id]);
    expect(app.app.get(SecretBox).open(row.secret_sealed)).toBe('refresh-2'); // the rotated one, sealed
    expect(row.oauth_client_secret_sealed).not.toContain('client secret 9');
    expect(await app.app.get(MailboxPoller).poll(id)).toMatchObject({ error: null });
    expect(exchanges).toBe(1); // the access token was still good
  });

  it('shows the token endpoint\'s own error when the refresh token is refused', async () => {
    const mailboxes = app.app.get(MailboxService);
    const id = await mailboxes.create({ name: 'Expired', address: 'expired@desk.example', host: '127.0.0.1', port: dovecot.port, security: 'none', username: BOX, auth: 'xoauth2', secret: 'stale-refresh', oauthTokenUrl: `${base}/token`, oauthClientId: 'desk-app', oauthClientSecret: 'client secret 9' });
    expect(await mailboxes.test(id)).toEqual({ ok: false, error: 'the token endpoint refused: AADSTS70008: the refresh token has expired' });
    expect((await app.app.get(MailboxPoller).poll(id))!.error).toContain('AADSTS70008');
  });
});
