import type { INestApplicationContext } from '@nestjs/common';
import { AuthService } from '../../identity/auth.service';
import { DatabaseService } from '../database/database.service';
import { DomainError } from '../web/domain-error';
import { I18nService } from '../i18n/i18n.service';
import { PLUGIN_COMMANDS } from '../plugins/plugin.commands';

/** What a command gets: the application's services, its arguments, and what came on standard input. */
export interface CommandInput {
  readonly args: readonly string[];
  readonly stdin: string;
}

export type CommandHandler = (app: INestApplicationContext, input: CommandInput) => Promise<string>;

export interface CommandSpec {
  readonly usage: string;
  readonly summary: string;
  readonly run: CommandHandler;
}

/** The value after `--name` in the arguments. */
export function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

export class CommandError extends Error {}

/** Commands that need the application (database, services); config:check is handled before any of this. */
export const COMMANDS: Record<string, CommandSpec> = {
  migrate: {
    usage: 'migrate',
    summary: 'Bring the database schema up to date (the server also does this at start).',
    async run(app) {
      const readiness = await app.get(DatabaseService).readiness();
      return readiness.migrations ? 'database schema is current' : 'migrations are still pending';
    },
  },
  'admin:create': {
    usage: 'admin:create --username NAME --password-stdin',
    summary: 'Create an administrator (or reset an existing user to administrator) with the password read from standard input.',
    async run(app, { args, stdin }) {
      const username = option(args, 'username');
      if (!username || !args.includes('--password-stdin')) throw new CommandError('usage: admin:create --username NAME --password-stdin');
      const password = stdin.replace(/\r?\n$/, '');
      try {
        const actor = await app.get(AuthService).createAdmin(username, password);
        return `administrator "${actor.username}" is ready`;
      } catch (error) {
        if (error instanceof DomainError) throw new CommandError(app.get(I18nService).t('en', error.i18nKey, error.vars));
        throw error;
      }
    },
  },
  ...PLUGIN_COMMANDS,
};
