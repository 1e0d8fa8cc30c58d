import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../user.entity';

/** A work group (a team or department of specialists) that tickets are addressed to. */
@Entity('work_groups')
// Expression and operator-class indexes, which TypeORM cannot describe: the migration owns them.
@Index('work_groups_name_lower_key', { synchronize: false })
@Index('work_groups_name_prefix_idx', { synchronize: false })
@Check('work_groups_assignment_mode_check', `assignment_mode IN ('manual', 'round_robin', 'least_loaded')`)
export class WorkGroup {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  /** Always one of the members (the service keeps it so); null when the group has no lead. */
  @Index('work_groups_lead_id_idx')
  @Column({ name: 'lead_id', type: 'uuid', nullable: true })
  leadId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'lead_id', foreignKeyConstraintName: 'work_groups_lead_id_fkey' })
  lead?: User;

  /** The group's shared mailbox address, for notifications and intake later. */
  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** manual, round_robin or least_loaded: how new tickets addressed to the group find a person. */
  @Column({ name: 'assignment_mode', type: 'text', default: 'manual' })
  assignmentMode!: string;

  /** The next line: where "escalate" sends the group's tickets (null: no next line). */
  @Column({ name: 'escalation_group_id', type: 'uuid', nullable: true })
  escalationGroupId!: string | null;

  @ManyToOne(() => WorkGroup, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'escalation_group_id', foreignKeyConstraintName: 'work_groups_escalation_group_id_fkey' })
  escalationGroup?: WorkGroup;

  /** Where the round-robin stands: the member who got the last ticket. */
  @Column({ name: 'last_assigned_id', type: 'uuid', nullable: true })
  lastAssignedId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
