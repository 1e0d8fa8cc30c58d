import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import type { Actor } from '../kernel/security/actor';
import { PasswordHasher } from '../kernel/security/password-hasher';
import { PASSWORD_MIN_LENGTH, passwordProblems } from '../kernel/security/password-policy';
import { isRole, type Role } from '../kernel/security/roles';
import { DomainError } from '../kernel/web/domain-error';
import { checkEmail, checkUserName } from './user-name';
import { toActor, UserRepository } from './user.repository';

export interface NewUserInput {
  username: string;
  displayName?: string;
  email?: string;
  roles?: readonly string[];
  /** Absent for people who sign in through a directory or a link. */
  password?: string;
}

/** Creating and changing people by an administrator (pages, CLI, API share these rules). */
@Injectable()
export class UserAdminService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly uow: UnitOfWork,
  ) {}

  async create(input: NewUserInput): Promise<Actor> {
    const username = checkUserName(input.username);
    const roles = checkRoles(input.roles ?? []);
    const email = checkEmail(input.email);
    if (input.password !== undefined) {
      const problems = passwordProblems(input.password, username);
      if (problems.length) throw new DomainError('password_rejected', problems[0]!, 400, { count: PASSWORD_MIN_LENGTH });
    }
    const passwordHash = input.password === undefined ? null : await this.hasher.hash(input.password);
    return this.uow.transaction(async () => {
      if (await this.users.findByUsername(username)) throw new DomainError('username_taken', 'validation.username_taken', 409);
      const user = await this.users.create({ username, displayName: input.displayName?.trim() || username, email, passwordHash, roles });
      return toActor(user);
    });
  }
}

/** Known roles, each once; anything else is refused with the offending name. */
export function checkRoles(names: readonly string[]): Role[] {
  const unknown = names.filter((name) => !isRole(name));
  if (unknown.length) throw new DomainError('role_unknown', 'validation.role_unknown', 400, { role: unknown.join(', ') });
  return [...new Set(names as Role[])];
}
