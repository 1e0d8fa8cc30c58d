import { Injectable } from '@nestjs/common';
import { AuditService } from '../../kernel/audit/audit.service';
import { ConfigService } from '../../kernel/config/config.service';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { LinkRequestLimit } from '../../kernel/security/link-request-limit';
import { PasswordHasher } from '../../kernel/security/password-hasher';
import { PASSWORD_MIN_LENGTH, passwordProblems } from '../../kernel/security/password-policy';
import { PostgresSessionStore } from '../../kernel/security/session-store';
import { DomainError } from '../../kernel/web/domain-error';
import type { User } from '../user.entity';
import { EmailedLinks } from '../emailed-links.service';
import { UserRepository } from '../user.repository';

export const RESET_PURPOSE = 'password_reset';
const MAX_LOGIN = 320;

/**
 * "Forgot my password": a single-use link by e-mail, valid for `security.reset_link_minutes`.
 * The answer to a request is the same whether or not the account exists; people who sign in
 * through a directory get no link (their password lives there). A reset ends every session.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly users: UserRepository,
    private readonly links: EmailedLinks,
    private readonly limit: LinkRequestLimit,
    private readonly hasher: PasswordHasher,
    private readonly sessions: PostgresSessionStore,
    private readonly audit: AuditService,
    private readonly config: ConfigService,
    private readonly uow: UnitOfWork,
  ) {}

  /** Sends a link if `login` (a user name or an address) names an account that can have one. */
  async request(login: string, ip: string, lang: string): Promise<void> {
    const typed = login.trim().slice(0, MAX_LOGIN).replace(/\p{Cc}/gu, '');
    if (!typed) throw new DomainError('login_missing', 'passwords.errors.login_missing', 400);
    if (!(await this.limit.allow('reset', ip, typed))) throw new DomainError('too_many_link_requests', 'passwords.errors.too_many', 429);
    const user = (await this.users.findByUsername(typed)) ?? (await this.users.findByEmail(typed)).find((candidate) => candidate.active) ?? null;
    const sendable = user && user.active && user.email && user.directoryId === null ? user : null;
    await this.uow.transaction(async () => {
      await this.audit.record('auth.password.reset_requested', { actorId: sendable?.id ?? null, subject: typed, ip, details: { sent: sendable !== null } });
      if (sendable) await this.sendLink(sendable, lang);
    });
  }

  /** Whether a link is live, for showing the form (nothing is spent). */
  async linkIsLive(token: string): Promise<boolean> {
    return (await this.links.holder(token, RESET_PURPOSE)) !== undefined;
  }

  /** Sets the new password through a live link; the link is checked before the password, spent after. */
  async reset(token: string, password: string, confirm: string, ip: string): Promise<User> {
    const user = await this.uow.transaction(async () => {
      const userId = await this.links.holder(token, RESET_PURPOSE);
      const found = userId ? await this.users.findById(userId) : null;
      if (!found || !found.active) throw new DomainError('reset_link_invalid', 'passwords.errors.link_invalid', 410);
      if (password !== confirm) throw new DomainError('password_mismatch', 'setup.errors.mismatch', 400);
      const problems = passwordProblems(password, found.username);
      if (problems.length) throw new DomainError('password_rejected', problems[0]!, 400, { count: PASSWORD_MIN_LENGTH });
      if (!(await this.links.spend(token, RESET_PURPOSE))) throw new DomainError('reset_link_invalid', 'passwords.errors.link_invalid', 410);
      await this.users.setPassword(found.id, await this.hasher.hash(password));
      await this.audit.record('auth.password.reset', { actorId: found.id, subject: found.username, ip });
      return found;
    });
    await this.sessions.destroyAllOf(user.id);
    return user;
  }

  private sendLink(user: User, lang: string): Promise<void> {
    return this.links.send(user, {
      purpose: RESET_PURPOSE,
      lifetimeMinutes: this.config.get('security.reset_link_minutes'),
      path: '/password/reset',
      template: 'password-reset',
      lang,
    });
  }
}
