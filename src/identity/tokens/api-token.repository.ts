import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import type { User } from '../user.entity';
import type { ApiScope } from './api-scopes';
import { ApiToken } from './api-token.entity';

export interface NewApiToken {
  userId: string;
  name: string;
  tokenHash: string;
  prefix: string;
  scopes: ApiScope[];
  expiresAt: Date | null;
}

/** The only place that queries API tokens; takes its handle from the unit of work. */
@Injectable()
export class ApiTokenRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get repo() {
    return this.uow.manager().getRepository(ApiToken);
  }

  async insert(data: NewApiToken): Promise<ApiToken> {
    return this.repo.save(this.repo.create({ ...data, lastUsedAt: null, revokedAt: null }));
  }

  /** A token by the hash of its secret, with its owner: one index read and one primary-key join. */
  async findByHash(tokenHash: string): Promise<(ApiToken & { user: User }) | null> {
    const token = await this.repo.findOne({ where: { tokenHash }, relations: { user: true } });
    return token?.user ? (token as ApiToken & { user: User }) : null;
  }

  findById(id: string): Promise<ApiToken | null> {
    return this.repo.findOne({ where: { id } });
  }

  /** The owner's tokens that are not revoked (expired ones included), newest first. */
  listOf(userId: string): Promise<ApiToken[]> {
    return this.repo.find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  async revoke(id: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
  }

  /**
   * Stamps the token as used now, unless that was done less than a minute ago: the condition sits
   * in the statement, so requests racing on several nodes write the row at most once a minute.
   */
  async touch(id: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where(`id = :id AND (last_used_at IS NULL OR last_used_at <= now() - interval '1 minute')`, { id })
      .execute();
  }
}
