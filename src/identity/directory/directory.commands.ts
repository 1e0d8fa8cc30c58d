import { CommandError, option, refusalsAsCommandErrors, type CommandSpec } from '../../kernel/cli/command-spec';
import type { DirectoryTestReport } from '../ldap';
import type { DirectorySyncResult } from './directory-sync.service';
import { DirectorySyncService } from './directory-sync.service';
import { DirectoryService } from './directory.service';

/** The test report as plain lines: each step with its result and the server's own words. */
export function formatTestReport(report: DirectoryTestReport): string {
  const lines = [`${report.ok ? 'OK' : 'FAILED'}  ${report.directory} (${report.url})`];
  for (const step of report.steps) lines.push(`  ${step.step.padEnd(6)} ${step.status.padEnd(7)} ${step.message} [${step.ms} ms]`);
  if (report.user) lines.push(`  user   ${report.user.dn} — ${report.user.displayName} <${report.user.email ?? '-'}>, ${report.user.groups.length} groups`);
  for (const group of report.user?.groups ?? []) lines.push(`         ${group}`);
  return lines.join('\n');
}

function formatSyncResult(result: DirectorySyncResult): string {
  const counts = `${result.checked} checked, ${result.updated} updated, ${result.deactivated} deactivated, ${result.reactivated} reactivated`;
  return `${result.error ? 'FAILED' : 'OK'}  ${result.directory}: ${counts}${result.error ? ` — stopped: ${result.error}` : ''}`;
}

/** ldap:test and ldap:sync. */
export const DIRECTORY_COMMANDS: Record<string, CommandSpec> = {
  'ldap:test': {
    usage: 'ldap:test [--directory NAME] [--user LOGIN]',
    summary: 'Test the directories (or one): bind as the service account, find a user, list their groups; shows the server\'s own errors.',
    async run(app, { args }) {
      const reports = await refusalsAsCommandErrors(app, () => app.get(DirectoryService).test(option(args, 'directory'), option(args, 'user')));
      if (reports.length === 0) return 'no directory is configured';
      const text = reports.map(formatTestReport).join('\n');
      if (reports.some((report) => !report.ok)) throw new CommandError(text);
      return text;
    },
  },
  'ldap:sync': {
    usage: 'ldap:sync',
    summary: 'Synchronise directory users now: names, mail, groups and roles; people gone from the directory are deactivated.',
    async run(app) {
      const results = await app.get(DirectorySyncService).syncAll();
      if (results === null) throw new CommandError('a directory sync is already running');
      if (results.length === 0) return 'no directory is enabled';
      const text = results.map(formatSyncResult).join('\n');
      if (results.some((result) => result.error)) throw new CommandError(text);
      return text;
    },
  },
};
