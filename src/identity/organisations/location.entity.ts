import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organisation } from './organisation.entity';

/** A site of an organisation (an office, a branch, a warehouse). */
@Entity('locations')
// Unique on (organisation_id, lower(name)): an expression index, the migration owns it.
@Index('locations_organisation_name_key', { synchronize: false })
export class Location {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'locations_organisation_id_fkey' })
  organisation?: Organisation;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  address!: string;
}
