import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { PluginState } from './plugin-state.entity';

@Injectable()
export class PluginStateRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get repo() {
    return this.uow.manager().getRepository(PluginState);
  }

  all(): Promise<PluginState[]> {
    return this.repo.find();
  }

  async setEnabled(name: string, enabled: boolean): Promise<void> {
    await this.repo.upsert({ name, enabled }, ['name']);
  }

  async saveSettings(name: string, settings: Record<string, unknown>): Promise<void> {
    // jsonb columns typed as records confuse TypeORM's deep-partial type; the value is plain JSON.
    await this.repo.upsert({ name, settings: settings as object }, ['name']);
  }
}
