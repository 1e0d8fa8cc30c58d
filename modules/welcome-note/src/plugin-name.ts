/** The plugin's name, as in package.json: its hook handlers, its i18n prefix and its partials use it. */
export const PLUGIN = 'welcome-note';

/** The settings this plugin declares in package.json, with their defaults applied. */
export interface WelcomeNoteSettings {
  message: string;
  showOnDashboard: boolean;
  retentionDays: number;
  [key: string]: unknown;
}
