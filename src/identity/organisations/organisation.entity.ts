import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A legal entity or a client served by the desk. Departments and locations sit inside it; people
 * will belong to it (and to one of its departments) once the users table learns that.
 */
@Entity('organisations')
// Expression and operator-class indexes, which TypeORM cannot describe: the migration owns them.
@Index('organisations_name_lower_key', { synchronize: false })
@Index('organisations_code_lower_key', { synchronize: false })
@Index('organisations_name_prefix_idx', { synchronize: false })
export class Organisation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** A short code people use in subjects and reports ("ACME"); unique in any case when set. */
  @Column({ type: 'text', nullable: true })
  code!: string | null;

  /** Mail domains (ASCII, lower case) whose senders belong here; one organisation per domain. */
  @Index('organisations_email_domains_idx', { synchronize: false })
  @Column({ name: 'email_domains', type: 'text', array: true, default: () => "'{}'" })
  emailDomains!: string[];

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** People with an address in one of the mail domains may register themselves as requesters. */
  @Column({ name: 'self_registration', type: 'boolean', default: false })
  selfRegistration!: boolean;

  /** Its people see each other's requests in the portal (a team sharing one desk contract). */
  @Column({ name: 'requests_shared', type: 'boolean', default: false })
  requestsShared!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
