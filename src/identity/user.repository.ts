import { Injectable } from '@nestjs/common';
import type { Actor } from '../kernel/security/actor';
import type { Role } from '../kernel/security/roles';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { User } from './user.entity';

export interface NewUser {
  username: string;
  displayName?: string;
  email?: string | null;
  passwordHash?: string | null;
  roles?: Role[];
  organisationId?: string | null;
  /** False for an account waiting for its owner to confirm the address. */
  active?: boolean;
}

/** The only place that queries users; takes its handle from the unit of work. */
@Injectable()
export class UserRepository {
  private selectList: string | undefined;

  constructor(private readonly uow: UnitOfWork) {}

  private get repo() {
    return this.uow.manager().getRepository(User);
  }

  /** Every column of a user under its property name, for reads that skip the query builder. */
  private columns(): string {
    this.selectList ??= this.repo.metadata.columns.map((column) => `u."${column.databaseName}" AS "${column.propertyName}"`).join(', ');
    return this.selectList;
  }

  /** The actor behind a session, with the active flag, in one primary-key read. */
  async findActor(id: string): Promise<(Actor & { active: boolean }) | undefined> {
    const user = await this.repo.findOne({ where: { id } });
    return user ? { ...toActor(user), active: user.active } : undefined;
  }

  findByUsername(username: string): Promise<User | null> {
    return this.repo.createQueryBuilder('u').where('lower(u.username) = lower(:username)', { username }).getOne();
  }

  /**
   * Who an address belongs to, in one read: the people with it as their e-mail (any case, oldest
   * first) and whether someone has it as their login.
   */
  async forAddress(address: string): Promise<{ byEmail: User[]; loginTaken: boolean }> {
    // Read for every inbound message: prepared once per connection, rows made Users directly (as
    // `create` makes them) rather than through the query builder, which costs more than the read.
    const rows = await this.uow.query<Record<string, unknown>>(
      `SELECT ${this.columns()} FROM users u WHERE lower(u.email) = lower($1) OR lower(u.username) = lower($1) ORDER BY u.created_at LIMIT 21`,
      [address],
      'users-for-address',
    );
    const found = rows.map((row) => Object.assign(new User(), row));
    const lower = address.toLowerCase();
    return { byEmail: found.filter((user) => user.email?.toLowerCase() === lower).slice(0, 20), loginTaken: found.some((user) => user.username.toLowerCase() === lower) };
  }

  /** Which of these addresses (lower case) are someone's e-mail or login already. */
  async takenAddresses(addresses: readonly string[]): Promise<Set<string>> {
    if (!addresses.length) return new Set();
    const rows: Array<{ email: string | null; username: string }> = await this.uow
      .manager()
      .query(`SELECT lower(email) AS email, lower(username) AS username FROM users WHERE lower(email) = ANY ($1::text[]) OR lower(username) = ANY ($1::text[])`, [addresses]);
    return new Set(rows.flatMap((row) => [row.email, row.username]).filter((address): address is string => !!address && addresses.includes(address)));
  }

  /** The people with this e-mail address (any case); several may share one. */
  findByEmail(email: string): Promise<User[]> {
    return this.repo.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).orderBy('u.created_at').limit(20).getMany();
  }

  findById(id: string): Promise<User | null> {
    return this.repo.findOne({ where: { id } });
  }

  /** Whether any user exists; an index-only probe rather than a count. */
  async anyExists(): Promise<boolean> {
    return (await this.repo.createQueryBuilder('u').select('1').limit(1).getRawOne()) !== undefined;
  }

  /** A new person, as stored (the database's defaults filled in). */
  async create(data: NewUser): Promise<User> {
    const [row] = await this.uow.query<Record<string, unknown>>(
      `INSERT INTO users AS u (username, display_name, email, password_hash, roles, organisation_id, active)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${this.columns()}`,
      [data.username, data.displayName ?? data.username, data.email ?? null, data.passwordHash ?? null, data.roles ?? [], data.organisationId ?? null, data.active ?? true],
      'users-insert',
    );
    return Object.assign(new User(), row);
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.repo.update({ id }, { passwordHash });
  }

  async setPreferences(id: string, locale: string, timeZone: string): Promise<void> {
    await this.repo.update({ id }, { locale, timeZone });
  }

  async setRoles(id: string, roles: Role[]): Promise<void> {
    await this.repo.update({ id }, { roles });
  }

  /**
   * Ties the account to its directory entry with the entry's name and mail. An account the sync
   * had deactivated for being missing is active again; one an admin deactivated stays so.
   */
  async linkDirectory(id: string, entry: { directoryId: string; dn: string; displayName: string; email: string | null }): Promise<void> {
    await this.uow.manager().query(
      `UPDATE users SET directory_id = $2, directory_dn = $3, display_name = $4, email = $5, directory_synced_at = now(),
              active = active OR directory_missing_since IS NOT NULL, directory_missing_since = NULL, updated_at = now()
        WHERE id = $1`,
      [id, entry.directoryId, entry.dn, entry.displayName, entry.email],
    );
  }

  async activate(id: string): Promise<void> {
    await this.repo.update({ id }, { active: true });
  }

  /** The sync no longer finds this person: deactivated, with the time, history kept. */
  async markMissing(id: string): Promise<void> {
    await this.repo.update({ id }, { active: false, directoryMissingSince: new Date() });
  }

  /** Adds a role (once) and reactivates the account. */
  async grantRole(id: string, role: Role): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ roles: () => `CASE WHEN :role = ANY (roles) THEN roles ELSE array_append(roles, :role) END`, active: true })
      .where('id = :id', { id, role })
      .execute();
  }
}

export function toActor(user: User): Actor {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles,
    isAdmin: user.roles.includes('administrator'),
    locale: user.locale,
    timeZone: user.timeZone,
  };
}
