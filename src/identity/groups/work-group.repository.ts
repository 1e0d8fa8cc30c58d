import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import type { NamePosition } from '../organisations/named-records';
import { WorkGroupMember } from './work-group-member.entity';
import { WorkGroup } from './work-group.entity';

/** What a new group is made of (the service has checked it). */
export interface NewWorkGroup {
  name: string;
  description: string;
  email: string | null;
  leadId: string | null;
  active: boolean;
  assignmentMode?: string;
  lastAssignedId?: string | null;
  escalationGroupId?: string | null;
}

/** One row of the groups list, with its lead's names joined in. */
export interface WorkGroupListRow {
  id: string;
  name: string;
  email: string | null;
  active: boolean;
  leadId: string | null;
  leadUsername: string | null;
  leadDisplayName: string | null;
  position: NamePosition;
}

/** A member as the group's page shows them. */
export interface WorkGroupMemberRow {
  userId: string;
  username: string;
  displayName: string;
  active: boolean;
  position: NamePosition;
}

export interface NamePageQuery {
  /** Rows whose lower(name) starts with lower(prefix); LIKE's characters already escaped. */
  prefix?: string;
  /** Rows strictly after this position. */
  after?: NamePosition;
  /** How many rows to read: the caller asks for one more than it shows. */
  limit: number;
}

type ListRaw = {
  id: string;
  name: string;
  email: string | null;
  active: boolean;
  lead_id: string | null;
  lead_username: string | null;
  lead_display_name: string | null;
  sort_key: string;
};

type MemberRaw = { user_id: string; username: string; display_name: string; active: boolean; sort_key: string };

/**
 * The only place that queries work groups and their members. Lists are keyset pages in
 * (lower(name), id) order, read with LIMIT and never counted; every value travels as a parameter.
 */
@Injectable()
export class WorkGroupRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get groups() {
    return this.uow.manager().getRepository(WorkGroup);
  }

  private get members() {
    return this.uow.manager().getRepository(WorkGroupMember);
  }

  /** A page of the groups list, with each lead's names; see NamePageQuery. */
  async page(query: NamePageQuery): Promise<WorkGroupListRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (query.prefix !== undefined) where.push(`lower(g.name) LIKE lower(${param(query.prefix)}) || '%'`);
    if (query.after) where.push(`(lower(g.name), g.id) > (${param(query.after.key)}, ${param(query.after.id)}::uuid)`);
    const rows: ListRaw[] = await this.uow.manager().query(
      `SELECT g.id, g.name, g.email, g.active, g.lead_id, lower(g.name) AS sort_key,
              u.username AS lead_username, u.display_name AS lead_display_name
         FROM work_groups g
         LEFT JOIN users u ON u.id = g.lead_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY lower(g.name), g.id
        LIMIT ${param(query.limit)}`,
      params,
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      email: row.email,
      active: row.active,
      leadId: row.lead_id,
      leadUsername: row.lead_username,
      leadDisplayName: row.lead_display_name,
      position: { key: row.sort_key, id: row.id },
    }));
  }

  /** How many members each of these groups has, in one grouped read over the primary key. */
  async memberCounts(groupIds: readonly string[]): Promise<Map<string, number>> {
    if (groupIds.length === 0) return new Map();
    const rows: Array<{ group_id: string; members: number }> = await this.uow.manager().query(
      `SELECT group_id, count(*)::int AS members FROM work_group_members WHERE group_id = ANY ($1::uuid[]) GROUP BY group_id`,
      [groupIds],
    );
    return new Map(rows.map((row) => [row.group_id, row.members]));
  }

  findById(id: string): Promise<WorkGroup | null> {
    return this.groups.findOne({ where: { id } });
  }

  /** Reads the group and holds its row until the transaction ends, so lead and members change one at a time. */
  lockById(id: string): Promise<WorkGroup | null> {
    return this.groups.createQueryBuilder('g').where('g.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  /** The group with this name in any case. */
  findByName(name: string): Promise<WorkGroup | null> {
    return this.groups.createQueryBuilder('g').where('lower(g.name) = lower(:name)', { name }).getOne();
  }

  insert(data: NewWorkGroup): Promise<WorkGroup> {
    return this.groups.save(this.groups.create(data));
  }

  async update(id: string, changes: Partial<NewWorkGroup>): Promise<void> {
    await this.groups.update({ id }, changes);
  }

  /** Who the group's last automatic pick was (sent without waiting: see UnitOfWork.write). */
  async recordPick(id: string, userId: string): Promise<void> {
    await this.uow.write(`UPDATE work_groups SET last_assigned_id = $2, updated_at = now() WHERE id = $1`, [id, userId]);
  }

  async delete(id: string): Promise<void> {
    await this.groups.delete({ id });
  }

  /** Whether the group has any member; a probe of the primary key, not a count. */
  async hasMembers(groupId: string): Promise<boolean> {
    const row = await this.members.createQueryBuilder('m').select('1').where('m.group_id = :groupId', { groupId }).limit(1).getRawOne();
    return row !== undefined;
  }

  async isMember(groupId: string, userId: string): Promise<boolean> {
    return (await this.members.exists({ where: { groupId, userId } })) === true;
  }

  /** Adds a member; false when they already were one. */
  async addMember(groupId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await this.uow.manager().query(
      `INSERT INTO work_group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [groupId, userId],
    );
    return rows.length === 1;
  }

  /** Removes a member; false when they were not one. */
  async removeMember(groupId: string, userId: string): Promise<boolean> {
    const result = await this.members.delete({ groupId, userId });
    return (result.affected ?? 0) > 0;
  }

  /** The active members' ids in login order (the order round-robin goes round in). */
  async activeMemberIds(groupId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.uow.manager().query(
      `SELECT u.id FROM work_group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = $1 AND u.active ORDER BY lower(u.username)`,
      [groupId],
    );
    return rows.map((row) => row.id);
  }

  /** Leaves the group without a lead if this person was it (after they stopped being a member). */
  async clearLead(groupId: string, userId: string): Promise<void> {
    await this.groups.update({ id: groupId, leadId: userId }, { leadId: null });
  }

  /** A page of the group's members in (lower(user name), id) order. */
  async membersPage(groupId: string, query: { after?: NamePosition; limit: number }): Promise<WorkGroupMemberRow[]> {
    const params: unknown[] = [groupId];
    const after = query.after ? `AND (lower(u.username), u.id) > ($${params.push(query.after.key)}, $${params.push(query.after.id)}::uuid)` : '';
    const rows: MemberRaw[] = await this.uow.manager().query(
      `SELECT u.id AS user_id, u.username, u.display_name, u.active, lower(u.username) AS sort_key
         FROM work_group_members m
         JOIN users u ON u.id = m.user_id
        WHERE m.group_id = $1 ${after}
        ORDER BY lower(u.username), u.id
        LIMIT $${params.push(query.limit)}`,
      params,
    );
    return rows.map((row) => ({
      userId: row.user_id,
      username: row.username,
      displayName: row.display_name,
      active: row.active,
      position: { key: row.sort_key, id: row.user_id },
    }));
  }

  /** The groups a person belongs to, by name (read through the index on user_id). */
  async groupsOf(userId: string): Promise<Array<{ id: string; name: string; leads: boolean }>> {
    const rows: Array<{ id: string; name: string; leads: boolean }> = await this.uow.manager().query(
      `SELECT g.id, g.name, g.lead_id IS NOT DISTINCT FROM m.user_id AS leads
         FROM work_group_members m
         JOIN work_groups g ON g.id = m.group_id
        WHERE m.user_id = $1
        ORDER BY lower(g.name), g.id`,
      [userId],
    );
    return rows;
  }
}
