import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { SecretBox } from '../../kernel/security/secret-box';
import { isRole } from '../../kernel/security/roles';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import { WorkGroupRepository } from '../groups/work-group.repository';
import { DirectoryChain, LdaptsDirectory, parseDirectoryConfig, type Directory, type DirectoryConfig, type DirectoryConfigInput, type DirectoryTestReport } from '../ldap';
import { DirectoryRepository, type DirectoryRow, type MappingRow } from './directory.repository';

/** A directory's settings as an admin (page, CLI, test) gives them; an absent bind password keeps the stored one. */
export interface DirectoryInput extends DirectoryConfigInput {
  name: string;
  enabled: boolean;
}

export interface DirectoryListing extends DirectoryRow {
  mappings: MappingRow[];
}

/** A directory ready to talk to, with its stored row. */
export interface LiveDirectory {
  row: DirectoryRow;
  directory: Directory;
}

/**
 * The directories Opora signs staff in through: their settings (checked by the LDAP layer's
 * parser, bind password sealed at rest), their order, and what their groups mean here.
 */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly directories: DirectoryRepository,
    private readonly workGroups: WorkGroupRepository,
    private readonly box: SecretBox,
    private readonly uow: UnitOfWork,
  ) {}

  async list(): Promise<DirectoryListing[]> {
    const rows = await this.directories.list();
    const mappings = await this.directories.mappingsOf(rows.map((row) => row.id));
    return rows.map((row) => ({ ...row, mappings: mappings.filter((m) => m.directoryId === row.id) }));
  }

  async get(id: string): Promise<DirectoryListing> {
    const row = await this.directories.findById(id);
    if (!row) throw new NotFoundError();
    return { ...row, mappings: await this.directories.mappingsOf([id]) };
  }

  async create(input: DirectoryInput): Promise<string> {
    const config = this.check(input, input.bindPassword ?? '');
    return this.uow.transaction(async () => {
      await this.refuseTakenName(config.name);
      return this.directories.insert(this.stored(config, input.enabled));
    });
  }

  async update(id: string, input: DirectoryInput): Promise<void> {
    await this.uow.transaction(async () => {
      const existing = await this.directories.findById(id);
      if (!existing) throw new NotFoundError();
      const keptPassword = existing.bindPasswordSealed ? this.box.open(existing.bindPasswordSealed) : '';
      const config = this.check(input, input.bindPassword || keptPassword);
      await this.refuseTakenName(config.name, id);
      await this.directories.update(id, this.stored(config, input.enabled));
    });
  }

  async delete(id: string): Promise<void> {
    await this.directories.delete(id);
  }

  async move(id: string, direction: -1 | 1): Promise<void> {
    await this.uow.transaction(() => this.directories.move(id, direction));
  }

  async addMapping(directoryId: string, input: { groupDn: string; role?: string; workGroup?: string }): Promise<void> {
    const groupDn = input.groupDn.trim();
    if (!groupDn || groupDn.length > 1000 || /[\0\r\n]/.test(groupDn)) throw new DomainError('mapping_dn_invalid', 'directories.errors.mapping_dn', 400);
    const role = input.role?.trim() || null;
    const workGroupName = input.workGroup?.trim() || null;
    if ((role === null) === (workGroupName === null)) throw new DomainError('mapping_target_invalid', 'directories.errors.mapping_target', 400);
    if (role !== null && !isRole(role)) throw new DomainError('role_unknown', 'validation.role_unknown', 400, { role });
    await this.uow.transaction(async () => {
      if (!(await this.directories.findById(directoryId))) throw new NotFoundError();
      let workGroupId: string | null = null;
      if (workGroupName !== null) {
        const group = await this.workGroups.findByName(workGroupName);
        if (!group) throw new DomainError('work_group_unknown', 'directories.errors.work_group_unknown', 400, { name: workGroupName });
        workGroupId = group.id;
      }
      await this.directories.addMapping(directoryId, groupDn, { role: role as MappingRow['role'], workGroupId });
    });
  }

  async removeMapping(directoryId: string, mappingId: string): Promise<void> {
    await this.directories.removeMapping(directoryId, mappingId);
  }

  /** The enabled directories in sign-in order, as one chain. */
  async chain(): Promise<{ chain: DirectoryChain; rows: DirectoryRow[] }> {
    const rows = await this.directories.list({ enabledOnly: true });
    return { chain: new DirectoryChain(rows.map((row) => this.connect(row))), rows };
  }

  /** One directory by id or name, enabled or not (tests and the sync of a single directory). */
  async live(idOrName: string): Promise<LiveDirectory> {
    const row = /^[0-9a-f-]{36}$/i.test(idOrName) ? await this.directories.findById(idOrName) : await this.directories.findByName(idOrName);
    if (!row) throw new DomainError('directory_unknown', 'directories.errors.unknown', 404, { name: idOrName });
    return { row, directory: this.connect(row) };
  }

  /** The LDAP test of one directory, or of every one when no name is given. */
  async test(idOrName: string | undefined, username?: string): Promise<DirectoryTestReport[]> {
    if (idOrName) return [await (await this.live(idOrName)).directory.test(username)];
    const rows = await this.directories.list();
    return Promise.all(rows.map((row) => this.connect(row).test(username)));
  }

  mappingsOf(directoryIds: readonly string[]): Promise<MappingRow[]> {
    return this.directories.mappingsOf(directoryIds);
  }

  private connect(row: DirectoryRow): Directory {
    const bindPassword = row.bindPasswordSealed ? this.box.open(row.bindPasswordSealed) : '';
    const parsed = parseDirectoryConfig({ ...row.settings, name: row.name, bindPassword });
    // Stored settings passed the same parser when saved; failing now means the row was edited by hand.
    if (!parsed.ok) throw new DomainError('directory_invalid', 'directories.errors.invalid', 500, { problem: parsed.problems.join('; ') });
    return new LdaptsDirectory(parsed.config);
  }

  private check(input: DirectoryInput, bindPassword: string): DirectoryConfig {
    const { enabled: _enabled, ...settings } = input;
    const parsed = parseDirectoryConfig({ ...settings, bindPassword }, { checkFiles: true });
    if (!parsed.ok) throw new DomainError('directory_invalid', 'directories.errors.invalid', 400, { problem: parsed.problems.join('; ') });
    return parsed.config;
  }

  private stored(config: DirectoryConfig, enabled: boolean): Omit<DirectoryRow, 'id' | 'position'> {
    const { name, bindPassword, ...settings } = config;
    return { name, enabled, settings, bindPasswordSealed: bindPassword ? this.box.seal(bindPassword) : null };
  }

  private async refuseTakenName(name: string, exceptId?: string): Promise<void> {
    const taken = await this.directories.findByName(name);
    if (taken && taken.id !== exceptId) throw new DomainError('directory_name_taken', 'directories.errors.name_taken', 409, { name });
  }
}
