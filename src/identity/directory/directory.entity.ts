import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { DirectoryConfigInput } from '../ldap';

/**
 * A directory people sign in through. Described for the schema (users point at it); queries go
 * through DirectoryRepository. The bind password is only ever stored sealed (SecretBox).
 */
@Entity('directories')
// Unique on lower(name): an expression index the migration owns.
@Index('directories_name_lower_key', { synchronize: false })
export class DirectoryRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'integer', default: 0 })
  position!: number;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'jsonb' })
  settings!: DirectoryConfigInput;

  @Column({ name: 'bind_password_sealed', type: 'text', nullable: true })
  bindPasswordSealed!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
