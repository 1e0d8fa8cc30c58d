import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../identity/user.entity';

/**
 * One security event, kept as it was recorded: rows are inserted and never changed. The queries
 * live in AuditRepository (raw SQL for the keyset pages); this class describes the table so the
 * drift check holds it to its migration. The indexes are newest first (DESC), which TypeORM does
 * not describe: the migration has the exact definitions.
 */
@Entity('audit_events')
@Index('audit_events_occurred_at_idx', ['occurredAt', 'id'])
@Index('audit_events_event_idx', ['event', 'occurredAt', 'id'])
@Index('audit_events_actor_id_idx', ['actorId', 'occurredAt', 'id'])
// On lower(subject): TypeORM cannot describe an expression index, the migration owns it.
@Index('audit_events_subject_idx', { synchronize: false })
@Index('audit_events_ip_idx', ['ip', 'occurredAt', 'id'])
export class AuditEvent {
  /** bigint: the driver hands it over as a string. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  /** `area.object.event`, e.g. `auth.sign_in.failed`; compared byte by byte for prefix ranges. */
  @Column({ type: 'text', collation: 'C' })
  event!: string;

  /** Who acted; null for anonymous attempts, and once the user is deleted. */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'audit_events_actor_id_fkey' })
  actor?: User;

  /** What the event is about: the user name tried at sign-in, a plugin's name. */
  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ type: 'inet', nullable: true })
  ip!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;
}
