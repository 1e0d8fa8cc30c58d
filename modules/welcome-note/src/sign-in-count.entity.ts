import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * How often one person has signed in since the plugin was installed. Keyed by the user's id
 * without a foreign key to the core's users table: a plugin owns its tables and nothing else,
 * and rows of people who stop signing in are pruned by the hourly job instead.
 */
@Entity('welcome_note_sign_ins')
export class SignInCount {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'welcome_note_sign_ins_pkey' })
  userId!: string;

  @Column({ name: 'sign_ins', type: 'integer', default: 0 })
  signIns!: number;

  @Index('welcome_note_sign_ins_last_sign_in_at_idx')
  @Column({ name: 'last_sign_in_at', type: 'timestamptz' })
  lastSignInAt!: Date;
}
