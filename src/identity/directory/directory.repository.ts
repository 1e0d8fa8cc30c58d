import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import type { Role } from '../../kernel/security/roles';
import type { DirectoryConfigInput } from '../ldap';
import type { GroupMapping } from './group-mapping';

/** A directory as stored: its settings without the bind password, which is kept sealed. */
export interface DirectoryRow {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  settings: DirectoryConfigInput;
  bindPasswordSealed: string | null;
}

export interface MappingRow extends GroupMapping {
  id: string;
  directoryId: string;
  workGroupName: string | null;
}

/** A directory user as the sync walks them. */
export interface DirectoryPerson {
  id: string;
  username: string;
  active: boolean;
  missingSince: Date | null;
}

const DIRECTORY_COLUMNS = `id, name, position, enabled, settings, bind_password_sealed AS "bindPasswordSealed"`;

/** The only place that queries directories, their group mappings and their people. */
@Injectable()
export class DirectoryRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.uow.manager().query(sql, params);
  }

  list(options: { enabledOnly?: boolean } = {}): Promise<DirectoryRow[]> {
    return this.query(`SELECT ${DIRECTORY_COLUMNS} FROM directories ${options.enabledOnly ? 'WHERE enabled' : ''} ORDER BY position, lower(name)`);
  }

  async findById(id: string): Promise<DirectoryRow | null> {
    return (await this.query<DirectoryRow>(`SELECT ${DIRECTORY_COLUMNS} FROM directories WHERE id = $1`, [id]))[0] ?? null;
  }

  async findByName(name: string): Promise<DirectoryRow | null> {
    return (await this.query<DirectoryRow>(`SELECT ${DIRECTORY_COLUMNS} FROM directories WHERE lower(name) = lower($1)`, [name]))[0] ?? null;
  }

  async insert(row: Omit<DirectoryRow, 'id' | 'position'>): Promise<string> {
    const [{ id }] = await this.query<{ id: string }>(
      `INSERT INTO directories (name, position, enabled, settings, bind_password_sealed)
       VALUES ($1, (SELECT coalesce(max(position), 0) + 1 FROM directories), $2, $3, $4) RETURNING id`,
      [row.name, row.enabled, row.settings, row.bindPasswordSealed],
    );
    return id;
  }

  async update(id: string, row: Omit<DirectoryRow, 'id' | 'position'>): Promise<void> {
    await this.query(
      `UPDATE directories SET name = $2, enabled = $3, settings = $4, bind_password_sealed = $5, updated_at = now() WHERE id = $1`,
      [id, row.name, row.enabled, row.settings, row.bindPasswordSealed],
    );
  }

  /** Moves a directory one place up (-1) or down (+1) in the sign-in order; nothing at the edge. */
  async move(id: string, direction: -1 | 1): Promise<void> {
    const ordered = await this.list();
    const index = ordered.findIndex((row) => row.id === id);
    if (index < 0 || !ordered[index + direction]) return;
    [ordered[index], ordered[index + direction]] = [ordered[index + direction]!, ordered[index]!];
    // A handful of rows: renumbering them all keeps positions 0..n-1 with no ties to trip on.
    for (const [position, row] of ordered.entries()) await this.query(`UPDATE directories SET position = $2 WHERE id = $1`, [row.id, position]);
  }

  async delete(id: string): Promise<void> {
    await this.query(`DELETE FROM directories WHERE id = $1`, [id]);
  }

  /** The mappings of these directories, with the work groups' names for the admin page. */
  mappingsOf(directoryIds: readonly string[]): Promise<MappingRow[]> {
    return this.query(
      `SELECT m.id, m.directory_id AS "directoryId", m.group_dn AS "groupDn", m.role, m.work_group_id AS "workGroupId", g.name AS "workGroupName"
         FROM directory_group_mappings m LEFT JOIN work_groups g ON g.id = m.work_group_id
        WHERE m.directory_id = ANY ($1::uuid[]) ORDER BY lower(m.group_dn), m.role NULLS LAST, g.name`,
      [directoryIds],
    );
  }

  /** Adds a mapping; false when the same one exists. */
  async addMapping(directoryId: string, groupDn: string, target: { role: Role | null; workGroupId: string | null }): Promise<boolean> {
    const rows = await this.query(
      `INSERT INTO directory_group_mappings (directory_id, group_dn, role, work_group_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING id`,
      [directoryId, groupDn, target.role, target.workGroupId],
    );
    return rows.length > 0;
  }

  async removeMapping(directoryId: string, mappingId: string): Promise<void> {
    await this.query(`DELETE FROM directory_group_mappings WHERE id = $1 AND directory_id = $2`, [mappingId, directoryId]);
  }

  /** One page of a directory's people in id order, for the sync. */
  peopleOf(directoryId: string, afterId: string | null, limit: number): Promise<DirectoryPerson[]> {
    return this.query(
      `SELECT id, username, active, directory_missing_since AS "missingSince" FROM users
        WHERE directory_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [directoryId, afterId, limit],
    );
  }
}
