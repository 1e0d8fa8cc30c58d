import type { INestApplicationContext } from '@nestjs/common';
import { CommandError, type CommandSpec } from '../cli/command-spec';
import { I18nService } from '../i18n/i18n.service';
import { DomainError } from '../web/domain-error';
import { PluginRegistry } from './plugin-registry.service';

/** Fails the command with a one-line message (no stack trace) for the operator. */
function refuse(message: string): never {
  throw new CommandError(message);
}

/** A refusal (no name, unknown plugin, one that failed to load) becomes the CLI's error in English. */
async function setEnabled(app: INestApplicationContext, args: readonly string[], enabled: boolean): Promise<string> {
  const plugin = args[0] ?? refuse(`usage: plugins:${enabled ? 'enable' : 'disable'} NAME`);
  try {
    await app.get(PluginRegistry).setEnabled(plugin, enabled, null);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    refuse(error.code === 'not_found' ? `no plugin named "${plugin}" is installed` : app.get(I18nService).t('en', error.i18nKey, error.vars));
  }
  return `plugin ${plugin} ${enabled ? 'enabled' : 'disabled'}`;
}

/** plugins:list | plugins:enable NAME | plugins:disable NAME */
export const PLUGIN_COMMANDS: Record<string, CommandSpec> = {
  'plugins:list': {
    usage: 'plugins:list',
    summary: 'List installed plugins with version, status, enabled state and handler errors.',
    async run(app) {
      const rows = app.get(PluginRegistry).list();
      if (!rows.length) return 'no plugins installed';
      return rows
        .map((row) =>
          [row.name, row.version, row.status, row.enabled ? 'enabled' : 'disabled', `${row.handlerErrors} handler errors`, row.error ?? '']
            .join('\t')
            .trimEnd(),
        )
        .join('\n');
    },
  },
  'plugins:enable': {
    usage: 'plugins:enable NAME',
    summary: 'Enable a plugin (takes effect at once on a running server).',
    run: (app, { args }) => setEnabled(app, args, true),
  },
  'plugins:disable': {
    usage: 'plugins:disable NAME',
    summary: 'Disable a plugin: its handlers are skipped and its routes answer 404.',
    run: (app, { args }) => setEnabled(app, args, false),
  },
};
