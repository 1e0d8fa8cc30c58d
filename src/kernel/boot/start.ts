import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { DatabaseService } from '../database/database.service';
import { lockDataDir, DataDirLockedError } from '../database/data-dir-lock';
import { CORE_SCHEMA } from '../database/core-schema';
import { discoverPlugins, schemaWithPlugins } from '../plugins/plugin-discovery';
import { projectRoot } from '../paths';
import type { BootContext } from './boot-context';
import { createApp } from './create-app';
import { serveControlChannel } from '../cli/control-channel';
import { verifySecretFingerprint } from '../security/secret-fingerprint';
import { HookBus } from '../hooks/hook-bus';
import { coreVersion } from '../version';
import { EXIT, prepareConfig, StartupError } from './prepare';

export interface RunningApp {
  readonly app: NestExpressApplication;
  readonly boot: BootContext;
  readonly url: string;
  /** Stops accepting, lets running requests finish (up to the grace period), closes the database. */
  stop(): Promise<void>;
}

/**
 * Starts Opora: configuration, the data-directory lock (embedded database), plugin discovery,
 * the web server, then the database connection in the background (so /readyz can say "not yet").
 */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<RunningApp> {
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
    const plugins = discoverPlugins(projectRoot());
    const database = new DatabaseService(config, schemaWithPlugins(CORE_SCHEMA, plugins), {
      verify: (source) => verifySecretFingerprint(source, config.secretKey),
    });
    const boot: BootContext = { config, database, plugins };
    const app = await createApp(boot);
    await app.listen(config.get('port'), config.get('host'));
    const server = app.getHttpServer() as Server;
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.get('port');
    const url = `http://${config.get('host')}:${port}`;
    new Logger('Opora').log(`listening on ${url} (public URL ${config.get('app_url')}); database: ${config.embedded ? `embedded under ${config.dataDir}` : 'PostgreSQL'}`);
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
