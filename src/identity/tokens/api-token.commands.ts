import { CommandError, option, refusalsAsCommandErrors, type CommandSpec } from '../../kernel/cli/command-spec';
import { API_SCOPE_NAMES } from './api-scopes';
import { ApiTokenService } from './api-token.service';

const USAGE = `token:create --user LOGIN [--name NAME] [--scopes ${API_SCOPE_NAMES.slice(0, 2).join(',')}]`;

/** token:create: prints the new token alone on standard output, so a script can capture it. */
export const TOKEN_COMMANDS: Record<string, CommandSpec> = {
  'token:create': {
    usage: USAGE,
    summary: `Create a personal API token for a person and print it (shown once). Scopes: ${API_SCOPE_NAMES.join(', ')} (default: all).`,
    async run(app, { args }) {
      const login = option(args, 'user');
      if (!login || login.startsWith('--')) throw new CommandError(`usage: ${USAGE}`);
      const scopes = option(args, 'scopes')?.split(',').map((scope) => scope.trim()).filter(Boolean) ?? API_SCOPE_NAMES;
      const tokens = app.get(ApiTokenService);
      const created = await refusalsAsCommandErrors(app, async () =>
        tokens.create(await tokens.ownerByUsername(login), { name: option(args, 'name') ?? 'cli', scopes, by: { actorId: null } }),
      );
      return created.token;
    },
  },
};
