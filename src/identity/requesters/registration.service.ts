import { Injectable } from '@nestjs/common';
import { AuditService } from '../../kernel/audit/audit.service';
import { ConfigService } from '../../kernel/config/config.service';
import { DatabaseService } from '../../kernel/database/database.service';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { OutboxService } from '../../kernel/mail/outbox.service';
import { normalizeAddress } from '../../kernel/mail/recipients';
import { LinkRequestLimit } from '../../kernel/security/link-request-limit';
import { DomainError } from '../../kernel/web/domain-error';
import { EmailedLinks } from '../emailed-links.service';
import { checkName, fieldError } from '../organisations/named-records';
import { OrganisationRepository } from '../organisations/organisation.repository';
import type { User } from '../user.entity';
import { UserRepository } from '../user.repository';

export const REGISTRATION_PURPOSE = 'registration';

/**
 * Self-registration for the people of organisations that allow it: an address in one of the
 * organisation's mail domains gets a confirmation link; the account (a requester of that
 * organisation) exists from the start but may sign in only once the link is used. Someone who
 * already has an account gets a mail saying so instead, and the page answers the same either way.
 */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly users: UserRepository,
    private readonly organisations: OrganisationRepository,
    private readonly links: EmailedLinks,
    private readonly outbox: OutboxService,
    private readonly limit: LinkRequestLimit,
    private readonly audit: AuditService,
    private readonly config: ConfigService,
    private readonly uow: UnitOfWork,
    private readonly database: DatabaseService,
  ) {}

  /** Whether to offer registration; the sign-in page must work even while the database is away. */
  async isOpen(): Promise<boolean> {
    return this.database.state === 'ready' && this.organisations.anyOpenForRegistration();
  }

  async register(input: { email: string; displayName: string }, ip: string, lang: string): Promise<void> {
    const email = normalizeAddress(input.email);
    if (!email) throw fieldError('email_invalid', 'validation.email_invalid', 'email');
    const displayName = checkName(input.displayName, 'displayName');
    if (!(await this.limit.allow('register', ip, email))) throw new DomainError('too_many_link_requests', 'passwords.errors.too_many', 429);
    const organisation = await this.organisations.openForRegistration(email.slice(email.lastIndexOf('@') + 1));
    if (!organisation) throw fieldError('registration_closed', 'requesters.errors.registration_closed', 'email', 403);
    await this.uow.transaction(async () => {
      const existing = (await this.users.findByEmail(email))[0] ?? (await this.users.findByUsername(email));
      if (existing) {
        await this.outbox.enqueue({ kind: 'registration_exists', to: [email], template: 'registration-exists', lang: existing.locale ?? lang, vars: { name: existing.displayName, login: existing.username, signInUrl: new URL('/login', this.config.get('app_url')).href } });
        return;
      }
      const user = await this.users.create({ username: email, displayName, email, roles: ['requester'], organisationId: organisation.id, active: false });
      await this.audit.record('auth.link.sent', { actorId: user.id, subject: email, ip, details: { registration: true } });
      await this.links.send(user, {
        purpose: REGISTRATION_PURPOSE,
        lifetimeMinutes: this.config.get('security.invitation_days') * 24 * 60,
        path: '/register/confirm',
        template: 'registration-confirm',
        lang,
        vars: { organisation: organisation.name },
      });
    });
  }

  async isLive(token: string): Promise<boolean> {
    return (await this.links.holder(token, REGISTRATION_PURPOSE)) !== undefined;
  }

  /** Confirms the address: the account becomes active and the person is in. */
  async confirm(token: string, ip: string): Promise<User> {
    return this.uow.transaction(async () => {
      const userId = await this.links.spend(token, REGISTRATION_PURPOSE);
      const user = userId ? await this.users.findById(userId) : null;
      if (!user) throw new DomainError('link_invalid', 'passwords.errors.link_invalid', 410);
      await this.users.activate(user.id);
      await this.audit.record('auth.link.used', { actorId: user.id, subject: user.username, ip, details: { registration: true } });
      return { ...user, active: true };
    });
  }
}
