import { Injectable } from '@nestjs/common';
import { AuditService } from '../../kernel/audit/audit.service';
import { ConfigService } from '../../kernel/config/config.service';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { normalizeAddress } from '../../kernel/mail/recipients';
import type { Actor } from '../../kernel/security/actor';
import { PasswordHasher } from '../../kernel/security/password-hasher';
import { PASSWORD_MIN_LENGTH, passwordProblems } from '../../kernel/security/password-policy';
import { actorCan } from '../../kernel/security/permissions';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import { EmailedLinks } from '../emailed-links.service';
import { checkName, fieldError } from '../organisations/named-records';
import { OrganisationRepository } from '../organisations/organisation.repository';
import type { User } from '../user.entity';
import { UserRepository } from '../user.repository';

export const INVITATION_PURPOSE = 'invitation';

export interface InvitationInput {
  email: string;
  displayName: string;
  /** An organisation's name or code; blank for none. */
  organisation?: string;
}

/**
 * Inviting an external requester (a client with no directory account): their account is created
 * at once as a requester with no password, and the invitation link lets them in — to choose a
 * password, or to go on signing in by e-mailed links.
 */
@Injectable()
export class InvitationService {
  constructor(
    private readonly users: UserRepository,
    private readonly organisations: OrganisationRepository,
    private readonly links: EmailedLinks,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly config: ConfigService,
    private readonly uow: UnitOfWork,
  ) {}

  async invite(actor: Actor, input: InvitationInput, lang: string): Promise<User> {
    if (!actorCan(actor, 'requesters.invite')) throw new NotFoundError();
    const email = normalizeAddress(input.email);
    if (!email) throw fieldError('email_invalid', 'validation.email_invalid', 'email');
    const displayName = checkName(input.displayName, 'displayName');
    return this.uow.transaction(async () => {
      if ((await this.users.findByEmail(email)).length || (await this.users.findByUsername(email))) {
        throw fieldError('invitation_address_taken', 'requesters.errors.address_taken', 'email', 409, { email });
      }
      const orgText = input.organisation?.trim() ?? '';
      const organisation = orgText ? ((await this.organisations.findByName(orgText)) ?? (await this.organisations.findByCode(orgText))) : null;
      if (orgText && !organisation) throw fieldError('organisation_unknown', 'people.errors.organisation_unknown', 'organisation', 400, { name: orgText });
      const user = await this.users.create({ username: email, displayName, email, roles: ['requester'], organisationId: organisation?.id ?? null });
      await this.audit.record('auth.link.sent', { actorId: actor.id, subject: email, details: { invitation: true } });
      await this.links.send(user, {
        purpose: INVITATION_PURPOSE,
        lifetimeMinutes: this.config.get('security.invitation_days') * 24 * 60,
        path: '/invite',
        template: 'invitation',
        lang,
        vars: { inviter: actor.displayName, organisation: organisation?.name ?? '' },
      });
      return user;
    });
  }

  async holder(token: string): Promise<User | null> {
    const userId = await this.links.holder(token, INVITATION_PURPOSE);
    const user = userId ? await this.users.findById(userId) : null;
    return user?.active ? user : null;
  }

  /** Accepts the invitation: an optional password (checked before the link is spent), then the person is in. */
  async accept(token: string, password: string, confirm: string, ip: string): Promise<User> {
    return this.uow.transaction(async () => {
      const user = await this.holder(token);
      if (!user) throw new DomainError('link_invalid', 'passwords.errors.link_invalid', 410);
      let hash: string | null = null;
      if (password || confirm) {
        if (password !== confirm) throw new DomainError('password_mismatch', 'setup.errors.mismatch', 400);
        const problems = passwordProblems(password, user.username);
        if (problems.length) throw new DomainError('password_rejected', problems[0]!, 400, { count: PASSWORD_MIN_LENGTH });
        hash = await this.hasher.hash(password);
      }
      if (!(await this.links.spend(token, INVITATION_PURPOSE))) throw new DomainError('link_invalid', 'passwords.errors.link_invalid', 410);
      if (hash) await this.users.setPassword(user.id, hash);
      await this.audit.record('auth.link.used', { actorId: user.id, subject: user.username, ip, details: { invitation: true } });
      return user;
    });
  }
}
