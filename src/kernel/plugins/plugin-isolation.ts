import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../app.module';
import type { BootContext } from '../boot/boot-context';
import type { ConfigService } from '../config/config.service';
import type { DatabaseService } from '../database/database.service';
import type { DiscoveredPlugin } from './plugin-manifest';

/** Makes a never-connected database handle for the plugins that are loaded at the time of the call. */
export type DatabaseFactory = (plugins: readonly DiscoveredPlugin[]) => DatabaseService;

function bootFor(config: ConfigService, plugins: readonly DiscoveredPlugin[], database: DatabaseFactory): BootContext {
  // A fresh handle each time: a failed attempt leaves start-up callbacks on the handle it was
  // given, and those must not run for the app that replaces it. The list keeps every plugin, for
  // the admin page; only loaded ones reach the schema and the module graph.
  return { config, database: database(plugins), plugins };
}

/** Builds the app's module graph with only `plugins` and tears it down; the error, if it would not start. */
async function probe(config: ConfigService, plugins: readonly DiscoveredPlugin[], database: DatabaseFactory): Promise<unknown> {
  try {
    const module = AppModule.forRoot(bootFor(config, plugins, database));
    const context = await NestFactory.createApplicationContext(module, { logger: false, abortOnError: false });
    await context.close();
    return undefined;
  } catch (error) {
    return error ?? new Error('unknown error');
  }
}

function firstLine(error: unknown): string {
  return ((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '').trim();
}

/**
 * Creates the app with every loaded plugin. When that throws (a plugin's provider constructor or
 * onModuleInit failing, a missing dependency), each loaded plugin is tried alone with the core:
 * those that fail are marked failed with their error and the app is created again without them.
 * If the core fails on its own, or no single plugin is to blame, the original error stands.
 */
export async function createAppIsolatingPlugins<T>(
  config: ConfigService,
  plugins: readonly DiscoveredPlugin[],
  database: DatabaseFactory,
  create: (boot: BootContext) => Promise<T>,
): Promise<{ app: T; boot: BootContext }> {
  const first = bootFor(config, plugins, database);
  try {
    return { app: await create(first), boot: first };
  } catch (error) {
    const loaded = plugins.filter((plugin) => plugin.status === 'loaded');
    if (loaded.length === 0 || (await probe(config, [], database)) !== undefined) throw error;
    const log = new Logger('Plugins');
    let culprits = 0;
    for (const plugin of loaded) {
      const problem = await probe(config, [plugin], database);
      if (problem === undefined) continue;
      plugin.status = 'failed';
      plugin.error = `failed to start: ${firstLine(problem)}`;
      culprits++;
      log.error(`plugin ${plugin.name} left out: ${plugin.error}`);
    }
    if (culprits === 0) throw error;
    const second = bootFor(config, plugins, database);
    return { app: await create(second), boot: second };
  }
}
