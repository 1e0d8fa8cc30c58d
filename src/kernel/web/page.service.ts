import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { HookBus } from '../hooks/hook-bus';
import type { NavItem, PortalNavItem } from '../hooks/hook-catalogue';
import { I18nService } from '../i18n/i18n.service';
import { csrfTokenFor } from '../security/csrf';
import { actorCan, type Permission } from '../security/permissions';

/** The slots a page may show; each is resolved through the async filter `web.slot.<name>`. */
export type SlotName = 'dashboard_main' | 'layout_footer' | 'ticket_sidebar' | 'portal_home' | 'portal_request_form';

export interface PageOptions {
  /** i18n key of the page title. */
  titleKey: string;
  /** Values for the title's placeholders (a ticket's number and subject). */
  titleVars?: Record<string, string>;
  /** Slots to resolve before rendering (the layout's footer slot is always resolved). */
  slots?: SlotName[];
  /** A portal page: its menu entry (home, new, mine, …). Requesters get the portal's menu on every page. */
  portal?: string;
  /** Values a form re-shows after an error, and the errors by field. */
  form?: { values?: Record<string, unknown>; errors?: Record<string, string>; error?: string };
}

const BASE_NAV: NavItem[] = [
  { href: '/', labelKey: 'nav.dashboard', permission: 'dashboard.view' },
  { href: '/tickets', labelKey: 'tickets.nav', permission: 'tickets.view' },
  { href: '/reply-templates', labelKey: 'tickets.templates_nav', permission: 'tickets.work' },
  { href: '/admin/plugins', labelKey: 'nav.plugins', permission: 'admin.plugins.manage' },
  { href: '/admin/users', labelKey: 'people.nav', permission: 'admin.users.view' },
  { href: '/admin/groups', labelKey: 'groups.nav', permission: 'admin.groups.manage' },
  { href: '/admin/services', labelKey: 'catalogue.nav', permission: 'admin.catalogue.manage' },
  { href: '/admin/routing', labelKey: 'routing.nav', permission: 'admin.routing.manage' },
  { href: '/admin/fields', labelKey: 'fields.nav', permission: 'admin.catalogue.manage' },
  { href: '/admin/templates', labelKey: 'templates.nav', permission: 'admin.catalogue.manage' },
  { href: '/admin/directories', labelKey: 'directories.nav', permission: 'admin.directories.manage' },
  { href: '/admin/mail', labelKey: 'mail.nav', permission: 'admin.mail.manage' },
  { href: '/admin/mailboxes', labelKey: 'mailboxes.nav', permission: 'admin.mailboxes.manage' },
  { href: '/admin/notifications', labelKey: 'notifications.rules_nav', permission: 'admin.notifications.manage' },
  { href: '/admin/organisations', labelKey: 'organisations.nav', permission: 'admin.organisations.manage' },
  { href: '/admin/audit', labelKey: 'audit.nav', permission: 'admin.audit.view' },
];

const PORTAL_NAV: PortalNavItem[] = [
  { key: 'home', href: '/portal', labelKey: 'portal.nav_home' },
  { key: 'new', href: '/portal/new', labelKey: 'portal.nav_new' },
  { key: 'mine', href: '/portal/requests', labelKey: 'portal.nav_mine' },
];

/**
 * Builds the view model every page shares: language, time zone, CSRF token, signed-in user,
 * navigation, flash messages and resolved plugin slots. Handlebars helpers are synchronous, so all
 * async work (slot filters) happens here, before rendering.
 */
@Injectable()
export class PageService {
  constructor(
    private readonly hooks: HookBus,
    private readonly i18n: I18nService,
  ) {}

  async model<T extends object>(req: Request, options: PageOptions, data: T = {} as T) {
    const lang = req.lang;
    const actor = req.actor ?? null;
    const context = { view: options.titleKey, userId: actor?.id ?? null, locale: lang };
    const slotNames: SlotName[] = [...(options.slots ?? []), 'layout_footer'];
    const slotValues = await Promise.all(slotNames.map((name) => this.hooks.applyFilters(`web.slot.${name}`, '', context)));
    const navItems = actor ? await this.hooks.applyFilters('web.nav.items', BASE_NAV, { userId: actor.id }) : [];
    // Requesters have no workspace: wherever they are (profile, notifications) they see the portal's menu.
    const portal = actor !== null && (options.portal !== undefined || (!actorCan(actor, 'tickets.work') && actorCan(actor, 'tickets.create')));
    const portalNav = portal ? await this.hooks.applyFilters('web.portal.nav', PORTAL_NAV, { userId: actor.id }) : null;
    const unread = actor ? await this.hooks.applyFilters('web.account.unread', 0, { userId: actor.id }) : 0;
    const title = await this.hooks.applyFilters('web.page.title', this.i18n.t(lang, options.titleKey, options.titleVars), { view: options.titleKey });
    const flash = (req.session?.flash ?? []).map((item) => ({ kind: item.kind, text: this.i18n.t(lang, item.key, item.vars) }));
    if (req.session) req.session.flash = [];
    return {
      ...data,
      lang,
      languages: this.i18n.languages().map((code) => ({ code, label: this.i18n.t(code, 'language.name'), active: code === lang })),
      timeZone: actor?.timeZone ?? 'UTC',
      title,
      // The bell's badge, and the tab title's prefix so a background tab shows there is news.
      unread: unread > 0 ? (unread >= 100 ? '99+' : String(unread)) : null,
      csrfToken: req.session ? csrfTokenFor(req) : '',
      user: actor && { displayName: actor.displayName, username: actor.username },
      nav: navItems
        .filter((item) => !item.permission || (actor && actorCan(actor, item.permission as Permission)))
        .map((item) => ({ href: item.href, label: this.i18n.t(lang, item.labelKey), active: item.href === req.path })),
      portalNav: portalNav?.map((item) => ({ href: item.href, label: this.i18n.t(lang, item.labelKey), current: item.key === options.portal })) ?? null,
      flash,
      slots: Object.fromEntries(slotNames.map((name, i) => [name, slotValues[i]])),
      form: options.form ?? {},
    };
  }

  /** Queues a message for the next page this session sees. */
  flash(req: Request, kind: 'info' | 'success' | 'error', key: string, vars?: Record<string, string | number>): void {
    req.session.flash = [...(req.session.flash ?? []), { kind, key, ...(vars ? { vars } : {}) }];
  }
}
