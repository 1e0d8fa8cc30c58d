import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The admin's choices for one plugin: enabled or not, and its settings (checked against its schema). */
@Entity('plugin_states')
export class PluginState {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'boolean', default: false })
  enabled!: boolean;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings!: Record<string, unknown>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
