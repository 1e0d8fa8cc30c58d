import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../user.entity';
import { WorkGroup } from './work-group.entity';

/** A person's membership of a work group; a person may belong to several. */
@Entity('work_group_members')
export class WorkGroupMember {
  @PrimaryColumn({ name: 'group_id', type: 'uuid', primaryKeyConstraintName: 'work_group_members_pkey' })
  groupId!: string;

  @Index('work_group_members_user_id_idx')
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'work_group_members_pkey' })
  userId!: string;

  @ManyToOne(() => WorkGroup, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'work_group_members_group_id_fkey' })
  group?: WorkGroup;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'work_group_members_user_id_fkey' })
  user?: User;
}
