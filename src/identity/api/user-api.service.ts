import { Injectable } from '@nestjs/common';
import type { Actor } from '../../kernel/security/actor';
import { actorCan } from '../../kernel/security/permissions';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import type { User } from '../user.entity';
import { UserRepository } from '../user.repository';
import { decodeUserCursor, encodeUserCursor } from './user-cursor';
import { UserApiRepository } from './user-api.repository';

export const USER_PAGE_MAX = 100;

export interface UserPage {
  users: User[];
  nextCursor: string | null;
}

/** People as the API shows them: the caller, one person, or the list for those who may see everyone. */
@Injectable()
export class UserApiService {
  constructor(
    private readonly users: UserRepository,
    private readonly pages: UserApiRepository,
  ) {}

  async me(actor: Actor): Promise<User> {
    const user = await this.users.findById(actor.id);
    if (!user) throw new NotFoundError();
    return user;
  }

  /** One person: oneself, or anyone for those who may see every person; others look missing. */
  async view(actor: Actor, id: string): Promise<User> {
    if (id !== actor.id && !actorCan(actor, 'admin.users.view')) throw new NotFoundError();
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError();
    return user;
  }

  /** A page of people in user-name order; `cursor` is the previous page's nextCursor. */
  async page(actor: Actor, cursor: string | undefined, limit: number): Promise<UserPage> {
    if (!actorCan(actor, 'admin.users.view')) throw new DomainError('forbidden', 'errors.forbidden', 403);
    if (!Number.isInteger(limit) || limit < 1 || limit > USER_PAGE_MAX) throw new RangeError(`page size must be 1..${USER_PAGE_MAX}`);
    const after = cursor === undefined ? undefined : decodeUserCursor(cursor);
    if (cursor !== undefined && after === undefined) throw new DomainError('cursor_invalid', 'tokens.errors.cursor', 400);
    const rows = await this.pages.page(after, limit + 1);
    const shown = rows.slice(0, limit);
    return { users: shown.map((row) => row.user), nextCursor: rows.length > limit ? encodeUserCursor(shown.at(-1)!.sortKey) : null };
  }
}
