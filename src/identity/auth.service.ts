import { Injectable } from '@nestjs/common';
import { HookBus } from '../kernel/hooks/hook-bus';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import type { Actor } from '../kernel/security/actor';
import { LoginThrottle } from '../kernel/security/login-throttle';
import { PasswordHasher } from '../kernel/security/password-hasher';
import { PASSWORD_MIN_LENGTH, passwordProblems } from '../kernel/security/password-policy';
import { tokenDigest } from '../kernel/security/tokens';
import { DomainError } from '../kernel/web/domain-error';
import { SETUP_PURPOSE } from './first-admin.service';
import { checkUserName } from './user-name';
import { UserTokenRepository } from './user-token.repository';
import { toActor, UserRepository } from './user.repository';

const MAX_USERNAME = 200;
const MAX_PASSWORD = 1024;

/** Local sign-in with a password, and the first-admin setup; directories come with identity management. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly tokens: UserTokenRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly hooks: HookBus,
    private readonly uow: UnitOfWork,
  ) {}

  async signIn(username: string, password: string, ip: string): Promise<Actor> {
    const name = username.trim();
    if (!name || !password) throw new DomainError('credentials_missing', 'auth.errors.missing', 400);
    const verdict = await this.throttle.check(ip, name);
    if (verdict.blocked) {
      this.hooks.doAction('user.sign_in_failed', { username: name.slice(0, MAX_USERNAME), ip, reason: 'throttled' });
      throw new DomainError('too_many_attempts', 'auth.errors.too_many_attempts', 429, {
        count: Math.ceil(verdict.retryAfterSeconds / 60),
      });
    }
    const user = name.length <= MAX_USERNAME && password.length <= MAX_PASSWORD ? await this.users.findByUsername(name) : null;
    const ok = await this.hasher.verify(user?.active ? user.passwordHash : null, password.slice(0, MAX_PASSWORD));
    if (!user || !ok) {
      await this.throttle.recordFailure(ip, name);
      this.hooks.doAction('user.sign_in_failed', { username: name.slice(0, MAX_USERNAME), ip, reason: 'invalid_credentials' });
      throw new DomainError('invalid_credentials', 'auth.errors.invalid_credentials', 401);
    }
    await this.throttle.recordSuccess(name);
    this.hooks.doAction('user.signed_in', { userId: user.id, ip });
    return toActor(user);
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
