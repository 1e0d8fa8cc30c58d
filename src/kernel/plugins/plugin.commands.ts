import type { CommandSpec } from '../cli/commands';
import { PluginRegistry } from './plugin-registry.service';

function name(args: readonly string[]): string {
  if (!args[0]) throw new Error('name the plugin');
  return args[0];
}

/** plugins:list | plugins:enable NAME | plugins:disable NAME */
export const PLUGIN_COMMANDS: Record<string, CommandSpec> = {
  'plugins:list': {
    usage: 'plugins:list',
    summary: 'List installed plugins with version, status and whether they are enabled.',
    async run(app) {
      const rows = app.get(PluginRegistry).list();
      if (!rows.length) return 'no plugins installed';
      return rows
        .map((row) => `${row.name}\t${row.version}\t${row.status}\t${row.enabled ? 'enabled' : 'disabled'}${row.error ? `\t${row.error}` : ''}`)
        .join('\n');
    },
  },
  'plugins:enable': {
    usage: 'plugins:enable NAME',
    summary: 'Enable a plugin (takes effect at once on a running server).',
    async run(app, { args }) {
      await app.get(PluginRegistry).setEnabled(name(args), true, null);
      return `plugin ${args[0]} enabled`;
    },
  },
  'plugins:disable': {
    usage: 'plugins:disable NAME',
    summary: 'Disable a plugin: its handlers are skipped and its routes answer 404.',
    async run(app, { args }) {
      await app.get(PluginRegistry).setEnabled(name(args), false, null);
      return `plugin ${args[0]} disabled`;
    },
  },
};
