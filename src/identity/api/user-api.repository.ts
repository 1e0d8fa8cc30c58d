import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { User } from '../user.entity';

/** A user with the key the list is sorted by. */
export interface UserPageRow {
  user: User;
  sortKey: string;
}

/**
 * The API's user list: a keyset page over the unique index on lower(username), with LIMIT and no
 * count. (UserRepository holds the other user queries; this one can join it.)
 */
@Injectable()
export class UserApiRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** `limit` users after the sort key `after` (from the start without it), in user-name order. */
  async page(after: string | undefined, limit: number): Promise<UserPageRow[]> {
    const query = this.uow.manager().getRepository(User).createQueryBuilder('u').addSelect('lower(u.username)', 'sort_key');
    if (after !== undefined) query.where('lower(u.username) > :after', { after });
    const { entities, raw } = await query.orderBy('lower(u.username)', 'ASC').limit(limit).getRawAndEntities<{ sort_key: string }>();
    return entities.map((user, i) => ({ user, sortKey: raw[i]!.sort_key }));
  }
}
