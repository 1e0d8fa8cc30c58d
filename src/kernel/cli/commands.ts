import { DIRECTORY_COMMANDS } from '../../identity/directory/directory.commands';
import { IDENTITY_COMMANDS } from '../../identity/identity.commands';
import { TOKEN_COMMANDS } from '../../identity/tokens/api-token.commands';
import { DatabaseService } from '../database/database.service';
import { PLUGIN_COMMANDS } from '../plugins/plugin.commands';
import { MAILBOX_COMMANDS } from '../../email/mailbox.commands';
import { seedDemo } from '../../tickets/demo-seed';
import type { CommandSpec } from './command-spec';

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
  'seed:demo': {
    usage: 'seed:demo',
    summary: 'Fill an empty desk with a small demo: work groups, agents, a client organisation, requesters and tickets in every state.',
    run: (app) => seedDemo(app),
  },
  ...IDENTITY_COMMANDS,
  ...TOKEN_COMMANDS,
  ...DIRECTORY_COMMANDS,
  ...MAILBOX_COMMANDS,
  ...PLUGIN_COMMANDS,
};
