import { Injectable } from '@nestjs/common';
import { IsNull, MoreThan } from 'typeorm';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { UserToken } from './user-token.entity';

@Injectable()
export class UserTokenRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get repo() {
    return this.uow.manager().getRepository(UserToken);
  }

  async issue(userId: string, purpose: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.repo.insert({ userId, purpose, tokenHash, expiresAt, usedAt: null });
  }

  /** Whether the user holds an unused, unexpired token for that purpose. */
  async hasLive(userId: string, purpose: string): Promise<boolean> {
    return this.repo.exists({ where: { userId, purpose, usedAt: IsNull(), expiresAt: MoreThan(new Date()) } });
  }

  /** The user of a live (unused, unexpired) token, without spending it. */
  async findLive(tokenHash: string, purpose: string): Promise<string | undefined> {
    const token = await this.repo.findOne({ where: { tokenHash, purpose, usedAt: IsNull(), expiresAt: MoreThan(new Date()) } });
    return token?.userId;
  }

  /**
   * Marks a live token used and returns its user id, in one conditional UPDATE so that two
   * requests racing with the same link cannot both succeed.
   */
  async consume(tokenHash: string, purpose: string): Promise<string | undefined> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ usedAt: () => 'now()' })
      .where('token_hash = :tokenHash AND purpose = :purpose AND used_at IS NULL AND expires_at > now()', { tokenHash, purpose })
      .returning(['userId'])
      .execute();
    return (result.raw as Array<{ user_id: string }>)[0]?.user_id;
  }
}
