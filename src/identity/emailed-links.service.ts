import { Injectable } from '@nestjs/common';
import { ConfigService } from '../kernel/config/config.service';
import { OutboxService } from '../kernel/mail/outbox.service';
import { newToken, tokenDigest } from '../kernel/security/tokens';
import type { User } from './user.entity';
import { UserTokenRepository } from './user-token.repository';

export interface EmailedLink {
  /** What the link is for; the token only works for this. */
  purpose: string;
  lifetimeMinutes: number;
  /** The page the link opens, before the token: `/password/reset`. */
  path: string;
  template: string;
  /** The language when the person has not chosen one. */
  lang: string;
  vars?: Record<string, unknown>;
}

/**
 * A single-use, expiring link sent by e-mail (password reset, sign-in link, invitation,
 * registration): the token is random, only its SHA-256 is stored, and the mail goes through the
 * outbox in the caller's transaction, so a link exists exactly when its mail will be sent.
 */
@Injectable()
export class EmailedLinks {
  constructor(
    private readonly tokens: UserTokenRepository,
    private readonly outbox: OutboxService,
    private readonly config: ConfigService,
  ) {}

  async send(user: User, link: EmailedLink): Promise<void> {
    const token = newToken();
    await this.tokens.issue(user.id, link.purpose, tokenDigest(token), new Date(Date.now() + link.lifetimeMinutes * 60_000));
    await this.outbox.enqueue({
      kind: link.purpose,
      to: [user.email!],
      template: link.template,
      lang: user.locale ?? link.lang,
      vars: {
        name: user.displayName,
        login: user.username,
        link: new URL(`${link.path}/${token}`, this.config.get('app_url')).href,
        minutes: link.lifetimeMinutes,
        ...link.vars,
      },
    });
  }

  /**
   * A single-use token for the person and purpose, for callers that build their own mail around
   * it (several links sharing one token); only its digest is stored.
   */
  async issue(userId: string, purpose: string, lifetimeMinutes: number): Promise<string> {
    const token = newToken();
    await this.tokens.issue(userId, purpose, tokenDigest(token), new Date(Date.now() + lifetimeMinutes * 60_000));
    return token;
  }

  /** The person a live link of this purpose belongs to, without spending it. */
  async holder(token: string, purpose: string): Promise<string | undefined> {
    return this.tokens.findLive(tokenDigest(token), purpose);
  }

  /** Spends a live link; its holder's id, or undefined when it was not live (two racing uses: one wins). */
  async spend(token: string, purpose: string): Promise<string | undefined> {
    return this.tokens.consume(tokenDigest(token), purpose);
  }
}
