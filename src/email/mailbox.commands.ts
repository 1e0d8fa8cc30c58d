import { CommandError, option, refusalsAsCommandErrors, type CommandSpec } from '../kernel/cli/command-spec';
import { MailboxPoller } from './mailbox-poller';
import { MailboxService } from './mailbox.service';

/** A mailbox by name or address, for the commands. */
async function mailboxNamed(service: MailboxService, name: string | undefined) {
  if (!name) throw new CommandError('name the mailbox with --mailbox NAME (or its address)');
  const wanted = name.toLowerCase();
  const mailbox = (await service.list()).find((row) => row.name.toLowerCase() === wanted || row.address.toLowerCase() === wanted);
  if (!mailbox) throw new CommandError(`no mailbox is called ${name}`);
  return mailbox;
}

/** mailbox:add, mailbox:test and mailbox:poll. */
export const MAILBOX_COMMANDS: Record<string, CommandSpec> = {
  'mailbox:add': {
    usage: 'mailbox:add --name N --address A --host H [--port P] [--security tls|starttls|none] --username U [--folder F] [--group G] --password-stdin',
    summary: 'Add a mailbox to read mail from; the password (or OAuth2 token with --auth xoauth2) comes on standard input and is stored sealed.',
    async run(app, { args, stdin }) {
      if (!args.includes('--password-stdin')) throw new CommandError('the password comes on standard input: add --password-stdin');
      const id = await refusalsAsCommandErrors(app, () =>
        app.get(MailboxService).create({
          name: option(args, 'name') ?? '',
          address: option(args, 'address') ?? '',
          host: option(args, 'host') ?? '',
          port: option(args, 'port'),
          security: option(args, 'security') ?? 'tls',
          username: option(args, 'username') ?? '',
          auth: option(args, 'auth'),
          secret: stdin.replace(/\r?\n$/, ''),
          folder: option(args, 'folder'),
          defaultGroup: option(args, 'group'),
        }),
      );
      return `mailbox added (${id})`;
    },
  },
  'mailbox:test': {
    usage: 'mailbox:test --mailbox NAME',
    summary: "Connect to a mailbox, sign in and open its folder; shows the server's own error.",
    async run(app, { args }) {
      const service = app.get(MailboxService);
      const mailbox = await mailboxNamed(service, option(args, 'mailbox'));
      const result = await service.test(mailbox.id);
      if (!result.ok) throw new CommandError(`FAILED  ${mailbox.name}: ${result.error}`);
      return `OK  ${mailbox.name}: ${result.messages} messages in ${mailbox.folder}`;
    },
  },
  'mailbox:poll': {
    usage: 'mailbox:poll --mailbox NAME',
    summary: 'Read a mailbox now: new mail becomes tickets and replies.',
    async run(app, { args }) {
      const mailbox = await mailboxNamed(app.get(MailboxService), option(args, 'mailbox'));
      const report = await app.get(MailboxPoller).poll(mailbox.id);
      if (!report) throw new CommandError(`${mailbox.name} is being read by another node or run`);
      if (report.error) throw new CommandError(`FAILED  ${mailbox.name}: ${report.error}`);
      return `OK  ${mailbox.name}: ${report.fetched} messages (${Object.entries(report.outcomes).map(([status, count]) => `${count} ${status}`).join(', ') || 'nothing new'})`;
    },
  },
};
