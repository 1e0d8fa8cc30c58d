import { CLI_OPERATOR, CommandError, option, passwordFrom, refusalsAsCommandErrors, type CommandSpec } from '../kernel/cli/command-spec';
import { WorkGroupService } from './groups/work-group.service';
import { AuthService } from './auth.service';
import { UserAdminService } from './user-admin.service';

/** admin:create, user:create and group:create. */
export const IDENTITY_COMMANDS: Record<string, CommandSpec> = {
  'admin:create': {
    usage: 'admin:create --username NAME --password-stdin',
    summary: 'Create an administrator (or make an existing user one and reset their password), password from standard input.',
    async run(app, { args, stdin }) {
      const username = option(args, 'username');
      if (!username || !args.includes('--password-stdin')) throw new CommandError('usage: admin:create --username NAME --password-stdin');
      const actor = await refusalsAsCommandErrors(app, () => app.get(AuthService).createAdmin(username, passwordFrom(stdin)));
      return `administrator "${actor.username}" is ready`;
    },
  },
  'user:create': {
    usage: 'user:create --username NAME [--display-name TEXT] [--email ADDRESS] [--roles agent,specialist] [--password-stdin]',
    summary: 'Create a person with roles; without --password-stdin they sign in through a directory or a link.',
    async run(app, { args, stdin }) {
      const username = option(args, 'username');
      if (!username) throw new CommandError(`usage: ${IDENTITY_COMMANDS['user:create']!.usage}`);
      const roles = option(args, 'roles')?.split(',').map((role) => role.trim()).filter(Boolean) ?? [];
      const actor = await refusalsAsCommandErrors(app, () =>
        app.get(UserAdminService).create({
          username,
          displayName: option(args, 'display-name'),
          email: option(args, 'email'),
          roles,
          password: args.includes('--password-stdin') ? passwordFrom(stdin) : undefined,
        }),
      );
      return `user "${actor.username}" created${actor.roles.length ? ` with roles ${actor.roles.join(', ')}` : ''}`;
    },
  },
  'group:create': {
    usage: 'group:create --name NAME [--lead LOGIN] [--members LOGIN,LOGIN]',
    summary: 'Create a work group, optionally with its lead (who becomes a member) and members.',
    async run(app, { args }) {
      const name = option(args, 'name');
      if (!name || name.startsWith('--')) throw new CommandError(`usage: ${IDENTITY_COMMANDS['group:create']!.usage}`);
      const members = option(args, 'members')?.split(',').map((login) => login.trim()).filter(Boolean) ?? [];
      const groups = app.get(WorkGroupService);
      const group = await refusalsAsCommandErrors(app, async () => {
        const created = await groups.create(CLI_OPERATOR, { name, lead: option(args, 'lead') ?? '', active: true });
        for (const login of members) await groups.addMember(CLI_OPERATOR, created.id, login);
        return created;
      });
      return `work group "${group.name}" created`;
    },
  },
};
