import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organisation } from './organisation.entity';

/** A department of an organisation; departments nest (a parent in the same organisation). */
@Entity('departments')
// Unique on (organisation_id, lower(name)): an expression index, the migration owns it.
@Index('departments_organisation_name_key', { synchronize: false })
export class Department {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'departments_organisation_id_fkey' })
  organisation?: Organisation;

  /** Null for a top-level department; removing the parent lifts it to the top. */
  @Index('departments_parent_id_idx')
  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @ManyToOne(() => Department, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'departments_parent_id_fkey' })
  parent?: Department;

  @Column({ type: 'text' })
  name!: string;
}
