import { Injectable } from '@nestjs/common';
import { ConfigService } from '../kernel/config/config.service';
import { HookBus } from '../kernel/hooks/hook-bus';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import type { Actor } from '../kernel/security/actor';
import { LoginThrottle } from '../kernel/security/login-throttle';
import { PasswordHasher } from '../kernel/security/password-hasher';
import { PASSWORD_MIN_LENGTH, passwordProblems } from '../kernel/security/password-policy';
import { tokenDigest } from '../kernel/security/tokens';
import { DomainError } from '../kernel/web/domain-error';
import { SETUP_PURPOSE } from './first-admin.service';
import { DirectorySignInService } from './directory/directory-sign-in.service';
import { checkUserName } from './user-name';
import type { User } from './user.entity';
import { UserTokenRepository } from './user-token.repository';
import { toActor, UserRepository } from './user.repository';

const MAX_USERNAME = 200;
const MAX_PASSWORD = 1024;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/** Sign-in (local password or directory) and the first-admin setup. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly tokens: UserTokenRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly hooks: HookBus,
    private readonly uow: UnitOfWork,
    private readonly directorySignIn: DirectorySignInService,
    private readonly config: ConfigService,
  ) {}

  /**
   * Signs a person in. An account with a local password signs in with it (when local sign-in is
   * allowed for them); everyone else is checked against the directories, which provision the
   * account on first success. Unknown names, wrong passwords and refusals answer alike.
   */
  async signIn(username: string, password: string, ip: string): Promise<Actor> {
    const typed = username.trim();
    if (!typed || !password) throw new DomainError('credentials_missing', 'auth.errors.missing', 400);
    // The name as counted and audited: control characters (which no login has) made visible.
    const name = typed.replace(CONTROL_CHARACTERS, '\uFFFD');
    const verdict = await this.throttle.check(ip, name);
    if (verdict.blocked) {
      this.hooks.doAction('user.sign_in_failed', { username: name.slice(0, MAX_USERNAME), ip, reason: 'throttled' });
      throw new DomainError('too_many_attempts', 'auth.errors.too_many_attempts', 429, {
        count: Math.ceil(verdict.retryAfterSeconds / 60),
      });
    }
    let user: User | null;
    try {
      user = await this.check(typed, password);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'directory_unavailable') {
        this.hooks.doAction('user.sign_in_failed', { username: name.slice(0, MAX_USERNAME), ip, reason: 'directory_unavailable' });
      }
      throw error;
    }
    if (!user) {
      await this.throttle.recordFailure(ip, name);
      this.hooks.doAction('user.sign_in_failed', { username: name.slice(0, MAX_USERNAME), ip, reason: 'invalid_credentials' });
      throw new DomainError('invalid_credentials', 'auth.errors.invalid_credentials', 401);
    }
    if (user.passwordHash !== null && user.directoryId === null && !this.localSignInAllowed(user)) {
      this.hooks.doAction('user.sign_in_failed', { username: name.slice(0, MAX_USERNAME), ip, reason: 'local_sign_in_disabled' });
      throw new DomainError('local_sign_in_disabled', 'auth.errors.local_sign_in_disabled', 403);
    }
    await this.throttle.recordSuccess(name);
    this.hooks.doAction('user.signed_in', { userId: user.id, ip });
    return toActor(user);
  }

  /** The account these credentials prove, or null. */
  private async check(name: string, password: string): Promise<User | null> {
    // Control characters (NUL above all) are never part of a login; PostgreSQL text refuses NUL.
    if (name.length > MAX_USERNAME || password.length > MAX_PASSWORD || name.search(CONTROL_CHARACTERS) >= 0) {
      await this.hasher.verify(null, password.slice(0, MAX_PASSWORD)); // same work as a real check
      return null;
    }
    const local = await this.users.findByUsername(name);
    if (local && local.directoryId === null && local.passwordHash !== null) {
      return (await this.hasher.verify(local.active ? local.passwordHash : null, password)) ? local : null;
    }
    const fromDirectory = await this.directorySignIn.authenticate(name, password);
    if (!fromDirectory) await this.hasher.verify(null, password);
    return fromDirectory;
  }

  /**
   * With local sign-in off for staff, local passwords still work for requesters (they have no
   * directory account) and for administrators: the break-glass way in when the directory is down.
   */
  private localSignInAllowed(user: User): boolean {
    if (this.config.get('auth.local_staff_sign_in')) return true;
    return user.roles.includes('administrator') || user.roles.every((role) => role === 'requester');
  }

  /**
   * Sets the first administrator's password through the setup link. The password is checked
   * before the link is spent, so a rejected password does not cost the link; spending it is one
   * conditional UPDATE, so two submissions racing cannot both succeed.
   */
  async completeSetup(token: string, password: string): Promise<Actor> {
    return this.uow.transaction(async () => {
      const digest = tokenDigest(token);
      const userId = await this.tokens.findLive(digest, SETUP_PURPOSE);
      const user = userId ? await this.users.findById(userId) : null;
      if (!user) throw new DomainError('setup_link_invalid', 'setup.errors.link_invalid', 410);
      const problems = passwordProblems(password, user.username);
      if (problems.length) throw new DomainError('password_rejected', problems[0], 400, { count: PASSWORD_MIN_LENGTH });
      if (!(await this.tokens.consume(digest, SETUP_PURPOSE))) throw new DomainError('setup_link_invalid', 'setup.errors.link_invalid', 410);
      await this.users.setPassword(user.id, await this.hasher.hash(password));
      return toActor(user);
    });
  }

  /** Creates or resets an administrator from the CLI. */
  async createAdmin(username: string, password: string): Promise<Actor> {
    const problems = passwordProblems(password, username);
    if (problems.length) throw new DomainError('password_rejected', problems[0], 400, { count: PASSWORD_MIN_LENGTH });
    checkUserName(username);
    const passwordHash = await this.hasher.hash(password);
    return this.uow.transaction(async () => {
      const existing = await this.users.findByUsername(username);
      if (existing) {
        await this.users.setPassword(existing.id, passwordHash);
        await this.users.grantRole(existing.id, 'administrator');
        return toActor((await this.users.findById(existing.id))!);
      }
      return toActor(await this.users.create({ username, passwordHash, roles: ['administrator'] }));
    });
  }
}
