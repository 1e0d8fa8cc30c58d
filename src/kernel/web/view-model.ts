/**
 * The fields the layouts and shared partials read from a page's view model (PageService builds
 * them for every page). Views add their own fields beside these.
 */
export interface LayoutViewModel {
  /** The request's language: <html lang>, the t helper, the date helper. */
  lang: string;
  /** The user's IANA time zone for the date helper; UTC when unknown. */
  timeZone?: string;
  /** Page title, already translated; the app name is appended. */
  title?: string;
  /** Printed by {{csrfField}} in every POST form, including the layout's sign-out form. */
  csrfToken?: string;
  /** The request path, for highlighting nav links that do not say `active` themselves. */
  currentPath?: string;
  /** The signed-in person; absent for visitors (the top bar then offers "Sign in"). */
  user?: { displayName: string; username?: string } | null;
  nav?: Array<{ href: string; label: string; active?: boolean }>;
  /** Language switcher entries; the layout builds them itself when absent. */
  languages?: Array<{ code: string; label: string; active: boolean }>;
  flash?: Array<{ kind: 'info' | 'success' | 'warning' | 'error'; text: string }>;
  /** HTML already resolved through the async filters web.slot.<name>, printed by {{slot "name"}}. */
  slots?: Record<string, string>;
  /** Submitted values and per-field error messages, read by the form-field partial. */
  form?: { values?: Record<string, unknown>; errors?: Record<string, string>; error?: string };
  /** A layout under views/layouts, or false for none; default "main". */
  layout?: string | false;
}
