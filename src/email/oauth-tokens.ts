import { Injectable } from '@nestjs/common';
import { SecretBox } from '../kernel/security/secret-box';
import { MailboxRepository, type MailboxRow } from './mailbox.repository';

/** A token is renewed this long before it expires, so a poll never starts with one about to lapse. */
const EARLY_MS = 60_000;

/**
 * Access tokens for OAuth2 mailboxes (XOAUTH2, as Microsoft 365 and Google require): the sealed
 * refresh token is exchanged at the mailbox's token endpoint (refresh_token grant, RFC 6749 §6)
 * and the access token kept in memory until shortly before it expires. A refresh token the
 * endpoint rotates is sealed and stored again. The endpoint's own error is passed on.
 */
@Injectable()
export class OAuthTokens {
  private readonly cache = new Map<string, { token: string; expiresAt: number; from: string }>();

  constructor(
    private readonly mailboxes: MailboxRepository,
    private readonly box: SecretBox,
  ) {}

  async accessToken(mailbox: MailboxRow): Promise<string> {
    const refresh = this.box.open(mailbox.secretSealed ?? '');
    if (!mailbox.oauthTokenUrl) return refresh; // an access token given as it is
    const cached = this.cache.get(mailbox.id);
    if (cached && cached.from === mailbox.secretSealed && cached.expiresAt - EARLY_MS > Date.now()) return cached.token;
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh, client_id: mailbox.oauthClientId ?? '' });
    if (mailbox.oauthClientSecretSealed) form.set('client_secret', this.box.open(mailbox.oauthClientSecretSealed));
    if (mailbox.oauthScope) form.set('scope', mailbox.oauthScope);
    const response = await fetch(mailbox.oauthTokenUrl, { method: 'POST', body: form, headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
    const answer = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; refresh_token?: string; error?: string; error_description?: string };
    if (!response.ok || !answer.access_token) {
      throw new Error(`the token endpoint refused: ${answer.error_description ?? answer.error ?? `HTTP ${response.status}`}`.slice(0, 500));
    }
    let from = mailbox.secretSealed!;
    if (answer.refresh_token && answer.refresh_token !== refresh) {
      from = this.box.seal(answer.refresh_token);
      await this.mailboxes.replaceSecret(mailbox.id, from);
    }
    const lifetime = Number.isFinite(answer.expires_in) ? Number(answer.expires_in) * 1000 : 3_600_000;
    this.cache.set(mailbox.id, { token: answer.access_token, expiresAt: Date.now() + lifetime, from });
    return answer.access_token;
  }
}
