import type { Role } from '../kernel/security/roles';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { DirectoryRecord } from './directory/directory.entity';
import { Department } from './organisations/department.entity';
import { Organisation } from './organisations/organisation.entity';

/**
 * A person who signs in: staff or requester, with their roles, language and time zone.
 */
@Entity('users')
// Unique on lower(username): TypeORM cannot describe an expression index, the migration owns it.
@Index('users_username_lower_key', { synchronize: false })
// Partial (directory users only), so the migration owns it too.
@Index('users_directory_idx', { synchronize: false })
// Prefix search over people (lower(...) text_pattern_ops): expression indexes, the migration owns them.
@Index('users_username_prefix_idx', { synchronize: false })
@Index('users_display_name_prefix_idx', { synchronize: false })
@Index('users_email_prefix_idx', { synchronize: false })
// Callers by the end of their number (reversed digits, text_pattern_ops): the migration owns it.
@Index('users_phone_digits_idx', { synchronize: false })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  username!: string;

  @Column({ name: 'display_name', type: 'text', default: '' })
  displayName!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  /** argon2id hash; null for accounts that may only sign in through a directory or a link. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  /** Several at once; see src/kernel/security/roles.ts for what each grants. */
  @Index('users_roles_idx', { synchronize: false })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  roles!: Role[];

  @Column({ type: 'text', nullable: true })
  locale!: string | null;

  /** As the person or the directory wrote it; found by its digits (see caller lookup). */
  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Column({ name: 'time_zone', type: 'text', nullable: true })
  timeZone!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** When mail to the address last bounced (the mail intake reads delivery reports); null if never. */
  @Column({ name: 'email_bounced_at', type: 'timestamptz', nullable: true })
  emailBouncedAt!: Date | null;

  /** The organisation the person belongs to (a client company, or one's own). */
  @Index('users_organisation_id_idx')
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true })
  organisationId!: string | null;

  @ManyToOne(() => Organisation, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'users_organisation_id_fkey' })
  organisation?: Organisation;

  /** A department of that organisation. */
  @Index('users_department_id_idx')
  @Column({ name: 'department_id', type: 'uuid', nullable: true })
  departmentId!: string | null;

  @ManyToOne(() => Department, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'users_department_id_fkey' })
  department?: Department;

  /** The directory this person signs in through; null for local accounts. */
  @Column({ name: 'directory_id', type: 'uuid', nullable: true })
  directoryId!: string | null;

  @ManyToOne(() => DirectoryRecord, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'directory_id', foreignKeyConstraintName: 'users_directory_id_fkey' })
  directory?: DirectoryRecord;

  @Column({ name: 'directory_dn', type: 'text', nullable: true })
  directoryDn!: string | null;

  @Column({ name: 'directory_synced_at', type: 'timestamptz', nullable: true })
  directorySyncedAt!: Date | null;

  /** When the sync stopped finding this person (and deactivated them); null while they are there. */
  @Column({ name: 'directory_missing_since', type: 'timestamptz', nullable: true })
  directoryMissingSince!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
