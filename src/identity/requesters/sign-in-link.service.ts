import { Injectable } from '@nestjs/common';
import { AuditService } from '../../kernel/audit/audit.service';
import { ConfigService } from '../../kernel/config/config.service';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { HookBus } from '../../kernel/hooks/hook-bus';
import { LinkRequestLimit } from '../../kernel/security/link-request-limit';
import { DomainError } from '../../kernel/web/domain-error';
import { EmailedLinks } from '../emailed-links.service';
import type { User } from '../user.entity';
import { UserRepository } from '../user.repository';

export const SIGN_IN_LINK_PURPOSE = 'sign_in_link';

/** Someone who may sign in by a link: an active requester with no other role and no directory account. */
export function mayUseSignInLink(user: User): boolean {
  return user.active && user.directoryId === null && user.roles.every((role) => role === 'requester');
}

/**
 * "E-mail me a sign-in link" for requesters (clients with no directory account, often no password):
 * a single-use link valid for `security.sign_in_link_minutes`. Staff do not get one — their way in
 * is the directory or their password. The answer never says whether the address is known.
 */
@Injectable()
export class SignInLinkService {
  constructor(
    private readonly users: UserRepository,
    private readonly links: EmailedLinks,
    private readonly limit: LinkRequestLimit,
    private readonly audit: AuditService,
    private readonly hooks: HookBus,
    private readonly config: ConfigService,
    private readonly uow: UnitOfWork,
  ) {}

  async request(address: string, ip: string, lang: string): Promise<void> {
    const typed = address.trim().slice(0, 320).replace(/\p{Cc}/gu, '');
    if (!typed.includes('@')) throw new DomainError('address_invalid', 'validation.email_invalid', 400);
    if (!(await this.limit.allow('signin', ip, typed))) throw new DomainError('too_many_link_requests', 'passwords.errors.too_many', 429);
    const candidates = (await this.users.findByEmail(typed)).filter(mayUseSignInLink);
    // An address shared by several requesters names nobody in particular: no link.
    const person = candidates.length === 1 ? candidates[0]! : null;
    await this.uow.transaction(async () => {
      await this.audit.record('auth.link.sent', { actorId: person?.id ?? null, subject: typed, ip, details: { sent: person !== null } });
      if (!person) return;
      await this.links.send(person, {
        purpose: SIGN_IN_LINK_PURPOSE,
        lifetimeMinutes: this.config.get('security.sign_in_link_minutes'),
        path: '/login/link',
        template: 'sign-in-link',
        lang,
      });
    });
  }

  async isLive(token: string): Promise<boolean> {
    return (await this.links.holder(token, SIGN_IN_LINK_PURPOSE)) !== undefined;
  }

  /** Spends the link and returns the person to sign in. */
  async use(token: string, ip: string): Promise<User> {
    const user = await this.uow.transaction(async () => {
      const userId = await this.links.spend(token, SIGN_IN_LINK_PURPOSE);
      const found = userId ? await this.users.findById(userId) : null;
      if (!found || !mayUseSignInLink(found)) throw new DomainError('link_invalid', 'passwords.errors.link_invalid', 410);
      await this.audit.record('auth.link.used', { actorId: found.id, subject: found.username, ip });
      return found;
    });
    this.hooks.doAction('user.signed_in', { userId: user.id, ip });
    return user;
  }
}
