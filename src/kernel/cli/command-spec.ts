import type { INestApplicationContext } from '@nestjs/common';
import { I18nService } from '../i18n/i18n.service';
import type { Actor } from '../security/actor';
import { DomainError } from '../web/domain-error';

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

/**
 * Who a command acts as where a service asks for an actor: the operator at the server's console
 * has an administrator's rights, as anyone with shell access to the installation does anyway.
 * The nil id belongs to no person, so nothing a command records points at someone.
 */
export const CLI_OPERATOR: Actor = {
  id: '00000000-0000-0000-0000-000000000000',
  username: 'cli',
  displayName: 'Command line',
  roles: ['administrator'],
  isAdmin: true,
  locale: null,
  timeZone: null,
};

/** A refusal for the operator: printed as one line, no stack trace. */
export class CommandError extends Error {}

/** The value after `--name` in the arguments. */
export function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

/** The password given on standard input, without the line break `echo`/`printf '%s\n'` add. */
export function passwordFrom(stdin: string): string {
  return stdin.replace(/\r?\n$/, '');
}

/** Runs `work`; a rule's refusal (DomainError) becomes a CommandError with its English text. */
export async function refusalsAsCommandErrors<T>(app: INestApplicationContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) throw new CommandError(app.get(I18nService).t('en', error.i18nKey, error.vars));
    throw error;
  }
}
