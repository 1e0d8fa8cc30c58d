import type { Role } from '../kernel/security/roles';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A person who signs in: staff or requester, with their roles, language and time zone.
 */
@Entity('users')
// Unique on lower(username): TypeORM cannot describe an expression index, the migration owns it.
@Index('users_username_lower_key', { synchronize: false })
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

  @Column({ name: 'time_zone', type: 'text', nullable: true })
  timeZone!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
