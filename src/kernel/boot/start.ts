import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { DatabaseService } from '../database/database.service';
import { lockDataDir, DataDirLockedError } from '../database/data-dir-lock';
import { CORE_SCHEMA } from '../database/core-schema';
import { discoverPlugins, schemaWithPlugins } from '../plugins/plugin-discovery';
import { createAppIsolatingPlugins } from '../plugins/plugin-isolation';
import { projectRoot } from '../paths';
import type { DiscoveredPlugin } from '../plugins/plugin-manifest';
import type { BootContext } from './boot-context';
import { createApp } from './create-app';
import { FirstAdminService } from '../../identity/first-admin.service';
import { serveControlChannel } from '../cli/control-channel';
import { verifySecretFingerprint } from '../security/secret-fingerprint';
import { HookBus } from '../hooks/hook-bus';
import { coreVersion } from '../version';
import { EXIT, prepareConfig, StartupError } from './prepare';
import { checkRuntime } from './runtime';

export interface RunningApp {
  readonly app: NestExpressApplication;
  readonly boot: BootContext;
  readonly url: string;
  /** Stops accepting, lets running requests finish (up to the grace period), closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where plugin folders are looked for instead of <project>/modules (tests point it at fixtures). */
  readonly pluginsDir?: string;
}

/**
 * Starts Opora: configuration, the data-directory lock (embedded database), plugin discovery,
 * the web server, then the database connection in the background (so /readyz can say "not yet").
 */
export async function start(env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): Promise<RunningApp> {
  checkRuntime();
  const config = prepareConfig(env);
  let releaseLock = () => {};
  if (config.embedded) {
    try {
      releaseLock = lockDataDir(config.dataDir);
    } catch (error) {
      if (error instanceof DataDirLockedError) throw new StartupError(error.message, EXIT.tempFail);
      throw error;
    }
  }
  try {
    const plugins = discoverPlugins(projectRoot(), { modulesDir: options.pluginsDir });
    const databaseFor = (loaded: readonly DiscoveredPlugin[]) =>
      new DatabaseService(config, schemaWithPlugins(CORE_SCHEMA, loaded), {
        verify: (source) => verifySecretFingerprint(source, config.secretKey),
      });
    // A plugin that throws while Nest builds it is marked failed and left out; the core starts anyway.
    const { app, boot } = await createAppIsolatingPlugins(config, plugins, databaseFor, createApp);
    const database = boot.database;
    await app.listen(config.get('port'), config.get('host'));
    const server = app.getHttpServer() as Server;
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.get('port');
    const url = `http://${config.get('host')}:${port}`;
    new Logger('Opora').log(`listening on ${url} (public URL ${config.get('app_url')}); database: ${config.embedded ? `embedded under ${config.dataDir}` : 'PostgreSQL'}`);
    // The server (not the CLI) sets up the first administrator, so that `admin:create` run before
    // the first start leaves no stray `admin` account with a setup link behind.
    database.onReady(async () => void (await app.get(FirstAdminService).ensure()));
    void database.connect();
    // With the embedded database this process owns the data: CLI commands come through here.
    const closeControl = config.embedded ? await serveControlChannel(config.dataDir, app) : async () => {};
    const hooks = app.get(HookBus);
    hooks.doAction('kernel.app.started', { version: coreVersion() });

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        hooks.doAction('kernel.app.stopping', undefined);
        await closeControl();
        const grace = config.get('shutdown.grace_seconds') * 1000;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), grace);
        await closed;
        clearTimeout(timer);
        // After-commit actions of the last requests may still be running; let them finish first.
        await hooks.settled();
        await app.close();
        await database.stop();
        releaseLock();
      })());
    return { app, boot, url, stop };
  } catch (error) {
    releaseLock();
    throw error;
  }
}
