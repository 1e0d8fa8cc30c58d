import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { CommandError } from './kernel/cli/command-spec';
import { COMMANDS } from './kernel/cli/commands';
import { sendToRunningServer } from './kernel/cli/control-channel';
import { CORE_SCHEMA } from './kernel/database/core-schema';
import { DatabaseService } from './kernel/database/database.service';
import { lockDataDir, lockHolder } from './kernel/database/data-dir-lock';
import { prepareConfig, StartupError } from './kernel/boot/prepare';
import { projectRoot } from './kernel/paths';
import { discoverPlugins, schemaWithPlugins } from './kernel/plugins/plugin-discovery';
import { createAppIsolatingPlugins } from './kernel/plugins/plugin-isolation';
import type { DiscoveredPlugin } from './kernel/plugins/plugin-manifest';
import { verifySecretFingerprint } from './kernel/security/secret-fingerprint';

/**
 * The operations CLI: `npm run opora -- <command>`. With the embedded database, a running server
 * owns the data; commands are then handed to it. Otherwise the CLI opens the database itself.
 */
function usage(): string {
  const lines = Object.values(COMMANDS).map((spec) => `  ${spec.usage.padEnd(48)} ${spec.summary}`);
  return ['usage: npm run opora -- <command>', '', '  config:check'.padEnd(50) + ' Check the configuration and print it (secrets hidden).', ...lines].join('\n');
}

async function readStdin(args: readonly string[]): Promise<string> {
  if (!args.includes('--password-stdin') || process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function run(argv: string[]): Promise<string> {
  const [command, ...args] = argv;
  const config = prepareConfig();
  if (command === 'config:check') return `configuration is valid; DATA_DIR ${config.dataDir}; database ${config.embedded ? 'embedded' : 'PostgreSQL'}`;
  const spec = command ? COMMANDS[command] : undefined;
  if (!spec) throw new CommandError(usage());
  const stdin = await readStdin(args);

  if (config.embedded && lockHolder(config.dataDir) !== undefined) {
    const reply = await sendToRunningServer(config.dataDir, { command: command!, args, stdin });
    if (!reply) throw new CommandError(`the Opora server (pid ${lockHolder(config.dataDir)}) holds DATA_DIR ${config.dataDir} but does not answer commands; stop it and try again`);
    if (!reply.ok) throw new CommandError(reply.error);
    return reply.output;
  }

  const release = config.embedded ? lockDataDir(config.dataDir) : () => {};
  const databaseFor = (loaded: readonly DiscoveredPlugin[]) =>
    new DatabaseService(config, schemaWithPlugins(CORE_SCHEMA, loaded), {
      retry: false,
      verify: (source) => verifySecretFingerprint(source, config.secretKey),
    });
  let database: DatabaseService | undefined;
  try {
    // A plugin that cannot start must not lock the operator out of plugins:disable.
    const { app, boot } = await createAppIsolatingPlugins(config, discoverPlugins(projectRoot()), databaseFor, (boot) =>
      NestFactory.createApplicationContext(AppModule.forRoot(boot), { logger: ['error'], abortOnError: false }),
    );
    database = boot.database;
    try {
      await database.connect();
      if (database.state !== 'ready') throw new CommandError(`cannot reach the database: ${database.lastError}`);
      return await spec.run(app, { args, stdin });
    } finally {
      await app.close();
    }
  } finally {
    await database?.stop();
    release();
  }
}

run(process.argv.slice(2)).then(
  (output) => {
    process.stdout.write(`${output}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    const message = error instanceof CommandError || error instanceof StartupError ? error.message : `failed: ${(error as Error).stack}`;
    process.stderr.write(`opora: ${message}\n`);
    process.exit(error instanceof StartupError ? error.exitCode : 1);
  },
);
