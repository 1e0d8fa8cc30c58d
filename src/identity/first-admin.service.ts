import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '../kernel/config/config.service';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { newToken, tokenDigest } from '../kernel/security/tokens';
import { UserTokenRepository } from './user-token.repository';
import { UserRepository } from './user.repository';

export const SETUP_PURPOSE = 'setup';
export const FIRST_ADMIN_USERNAME = 'admin';

/**
 * The first administrator. On an empty database an `admin` account without a password is created
 * and a single-use, expiring setup link is printed to the log; whoever opens it sets the password.
 * While that account still has no password and no live link, every start prints a fresh link.
 */
@Injectable()
export class FirstAdminService {
  private readonly log = new Logger('Setup');

  constructor(
    private readonly users: UserRepository,
    private readonly tokens: UserTokenRepository,
    private readonly uow: UnitOfWork,
    private readonly config: ConfigService,
  ) {}

  /** Returns the setup link when one was issued (for the log and for tests). */
  async ensure(): Promise<string | undefined> {
    const link = await this.uow.transaction(async () => {
      // Several nodes starting together on an empty database must create one admin, not race.
      await this.uow.lockForTransaction('opora.first-admin');
      let admin = await this.users.findByUsername(FIRST_ADMIN_USERNAME);
      if (!admin) {
        if (await this.users.anyExists()) return undefined;
        admin = await this.users.create({ username: FIRST_ADMIN_USERNAME, displayName: 'Administrator', roles: ['administrator'] });
      }
      if (admin.passwordHash || (await this.tokens.hasLive(admin.id, SETUP_PURPOSE))) return undefined;
      const token = newToken();
      const minutes = this.config.get('security.setup_link_minutes');
      await this.tokens.issue(admin.id, SETUP_PURPOSE, tokenDigest(token), new Date(Date.now() + minutes * 60_000));
      return `${this.config.get('app_url')}/setup/${token}`;
    });
    if (link) {
      this.log.log(
        `First start: open ${link} within ${this.config.get('security.setup_link_minutes')} minutes to set the administrator's password (user name "${FIRST_ADMIN_USERNAME}"). The link works once.`,
      );
    }
    return link;
  }
}
