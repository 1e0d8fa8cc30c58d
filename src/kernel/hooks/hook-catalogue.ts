import type { Role } from '../security/roles';

/**
 * The typed catalogue of every hook: its name, its kind, and the types its handlers receive.
 *
 * Core areas add their hooks here, one entry each, with a one-line JSDoc saying when it fires:
 * docs/hooks.md is generated from these entries and lines. Plugins add theirs by declaration
 * merging (`declare module '<path to this file>' { interface HookCatalogue { ... } }`, example in
 * docs/hooks.md). A name that is not in the catalogue does not compile.
 *
 * Names: `area.object.event` for actions, `area.object.what` for filters; the first segment is the
 * area (a plugin uses its own name).
 */
export interface HookCatalogue {
  /** Once the app has booted and is listening. */
  'kernel.app.started': { kind: 'action'; payload: { version: string } };
  /** When the app begins to shut down, before connections close. */
  'kernel.app.stopping': { kind: 'action'; payload: void };
  /** After an admin's enabling of a plugin is committed. */
  'plugin.enabled': { kind: 'action'; payload: { plugin: string; actorId: string | null } };
  /** After an admin's disabling of a plugin is committed. */
  'plugin.disabled': { kind: 'action'; payload: { plugin: string; actorId: string | null } };
  /** After a user signed in with a password (local or through a directory). */
  'user.signed_in': { kind: 'action'; payload: { userId: string; ip: string } };
  /** After a sign-in was refused (wrong credentials, throttled, directory unreachable, local sign-in off). */
  'user.sign_in_failed': { kind: 'action'; payload: { username: string; ip: string; reason: SignInFailureReason } };
  /** After a person's roles changed (by an admin, the directory sync or the CLI) and it was committed. */
  'user.roles.changed': {
    kind: 'action';
    payload: { userId: string; before: Role[]; after: Role[]; source: 'admin' | 'directory' | 'cli' | 'api'; actorId: string | null };
  };
  /** The headers of an outgoing mail just before it is sent (add or change; one line each). */
  'mail.message.headers': { kind: 'filter'; value: Record<string, string>; context: { kind: string; messageId: string } };
  /** The addresses a message is about to be queued for (before they are checked and de-duplicated). */
  'mail.message.recipients': { kind: 'filter'; value: string[]; context: { kind: string; about: string | null } };
  /** A message's subject and bodies, rendered from its template, before it is queued. */
  'mail.message.content': { kind: 'filter'; value: { subject: string; text: string; html: string | null }; context: { kind: string; about: string | null } };
  /** After the SMTP server accepted a message from the outbox. */
  'mail.message.sent': { kind: 'action'; payload: { id: string; kind: string; messageId: string; recipients: string[] } };
  /** After a delivery attempt failed; `final` when no more attempts will be made. */
  'mail.message.failed': { kind: 'action'; payload: { id: string; kind: string; messageId: string; error: string; final: boolean } };
  /** Whether an inbound message is taken at all (spam filters say no, with a reason); before loop checks. */
  'email.inbound.accept': { kind: 'filter'; value: { accept: boolean; reason: string }; context: { mailboxId: string; sender: string | null; subject: string; headers: Record<string, string> } };
  /** A new ticket from mail (subject and sanitized HTML body) before it is registered. */
  'email.inbound.ticket_data': { kind: 'filter'; value: { subject: string; html: string }; context: { mailboxId: string; sender: string } };
  /** A reply from mail (sanitized HTML body) before it is added to its ticket. */
  'email.inbound.reply_data': { kind: 'filter'; value: { html: string }; context: { mailboxId: string; sender: string; ticketId: string } };
  /** After an inbound message made a ticket or a reply and it was committed. */
  'email.inbound.received': { kind: 'action'; payload: { mailboxId: string; ticketId: string; ref: string; kind: 'ticket' | 'reply' } };
  /** After an inbound message was kept without a ticket: automatic, a loop, a bounce, refused sender, rate limit, plugin. */
  'email.inbound.rejected': { kind: 'action'; payload: { mailboxId: string; sender: string | null; reason: string } };
  /** After an inbound message was quarantined (unreadable or too big) for an administrator to look at. */
  'email.inbound.quarantined': { kind: 'action'; payload: { mailboxId: string; reason: string } };
  /** After a ticket was registered (any channel) and committed. */
  'ticket.created': { kind: 'action'; payload: TicketEventPayload };
  /** After fields of a ticket changed (tags, …); `fields` names them. */
  'ticket.updated': { kind: 'action'; payload: TicketEventPayload & { fields: string[] } };
  /** After a ticket moved to another status; `to` is the new status key. */
  'ticket.status.changed': { kind: 'action'; payload: TicketEventPayload & { from: string; to: string } };
  /** After a ticket was resolved (moved into a resolved-category status). */
  'ticket.resolved': { kind: 'action'; payload: TicketEventPayload };
  /** After a resolved or closed ticket was opened again (by staff, or by the requester's reply). */
  'ticket.reopened': { kind: 'action'; payload: TicketEventPayload };
  /** After a ticket's group or assignee changed. */
  'ticket.assigned': { kind: 'action'; payload: TicketEventPayload & { groupId: string | null; assigneeId: string | null } };
  /** After a public reply or an internal note was added to a ticket. */
  'ticket.replied': { kind: 'action'; payload: TicketEventPayload & { messageId: string; kind: 'reply' | 'note' } };
  /** After a duplicate was merged into this ticket (`mergedRef`, now closed); its conversation moved here. */
  'ticket.merged': { kind: 'action'; payload: TicketEventPayload & { mergedRef: string } };
  /** After a ticket was transferred to another group, escalated (next line or service owner) or handed to a contractor. */
  'ticket.transferred': {
    kind: 'action';
    payload: TicketEventPayload & { kind: 'transfer' | 'escalation' | 'owner' | 'contractor'; fromGroupId: string | null; toGroupId: string | null };
  };
  /** After the requester accepted a resolution and rated it (1–5); the ticket is closed. */
  'ticket.rated': { kind: 'action'; payload: TicketEventPayload & { score: number } };
  /** After two tickets were linked as related. */
  'ticket.linked': { kind: 'action'; payload: TicketEventPayload & { linkedRef: string } };
  /** After a ticket was moved to the Deleted queue (it can be restored). */
  'ticket.deleted': { kind: 'action'; payload: TicketEventPayload };
  /** What a ticket list asks for (queue, sort, search, field filters) before it is read; a filter may narrow it. */
  'ticket.list.query': { kind: 'filter'; value: TicketListRequest; context: { actorId: string } };
  /** Extra columns of a ticket list: a label and, by ticket number, the text to show (escaped). */
  'ticket.list.columns': { kind: 'filter'; value: TicketListColumn[]; context: { actorId: string; refs: string[] } };
  /** The HTML of a reply or note before it is stored (already sanitized; a filter may add to it). */
  'ticket.reply.body': { kind: 'filter'; value: string; context: { ticketId: string; kind: 'reply' | 'note'; actorId: string } };
  /** The page title, before the layout renders it. */
  'web.page.title': { kind: 'filter'; value: string; context: { view: string } };
  /** HTML shown in the dashboard's main column, resolved before the dashboard renders. */
  'web.slot.dashboard_main': { kind: 'filter'; value: string; context: SlotContext };
  /** HTML shown in the ticket page's sidebar, resolved before the ticket page renders. */
  'web.slot.ticket_sidebar': { kind: 'filter'; value: string; context: SlotContext };
  /** HTML shown on the portal's home page under the catalogue (knowledge, notices), resolved before it renders. */
  'web.slot.portal_home': { kind: 'filter'; value: string; context: SlotContext };
  /** HTML shown beside the portal's new-request form (suggested articles), resolved before it renders. */
  'web.slot.portal_request_form': { kind: 'filter'; value: string; context: SlotContext };
  /** HTML shown in every page's footer, resolved before the layout renders. */
  'web.slot.layout_footer': { kind: 'filter'; value: string; context: SlotContext };
  /** How many unread notifications the signed-in person has (the bell's badge and the tab title); areas add theirs. */
  'web.account.unread': { kind: 'filter'; value: number; context: { userId: string } };
  /** The self-service portal's menu (requesters see it on every page); areas add their entries. */
  'web.portal.nav': { kind: 'filter'; value: PortalNavItem[]; context: { userId: string } };
  /** The main navigation, before items the user lacks permission for are dropped. */
  'web.nav.items': { kind: 'filter'; value: NavItem[]; context: { userId: string | null } };
}

/** What every ticket action says: which ticket, as what number, and who acted (null for the system). */
/** A ticket list's request as plugins see it; values they set are checked again before use. */
export interface TicketListRequest {
  queue: string;
  sort: string;
  search: string;
  filters: { status?: string; priority?: number; tag?: string; serviceId?: string; type?: string };
}

export interface TicketListColumn {
  label: string;
  /** Text by ticket number (INC-42); a ticket without one shows an empty cell. */
  values: Record<string, string>;
}

export interface TicketEventPayload {
  ticketId: string;
  ref: string;
  actorId: string | null;
}

/** Why a sign-in was refused. */
export type SignInFailureReason = 'invalid_credentials' | 'throttled' | 'directory_unavailable' | 'local_sign_in_disabled';

/** What a slot filter knows about the page it fills. */
export interface SlotContext {
  view: string;
  userId: string | null;
  locale: string;
}

/** One link of the main navigation; the label is an i18n key. */
export interface NavItem {
  href: string;
  labelKey: string;
  permission?: string;
}

/** An entry of the portal's menu; `key` is what a page names to mark it current. */
export interface PortalNavItem {
  key: string;
  href: string;
  labelKey: string;
}

/** The two shapes a catalogue entry may take. */
export type ActionEntry = { kind: 'action'; payload: unknown };
export type FilterEntry = { kind: 'filter'; value: unknown; context: unknown };

// Fails to compile (here) if any entry, including one a plugin merged in, has neither shape.
type EveryEntryWellFormed<T extends Record<keyof HookCatalogue, ActionEntry | FilterEntry>> = T;
export type CheckedCatalogue = EveryEntryWellFormed<HookCatalogue>;

export type HookName = keyof HookCatalogue & string;

type NamesOfKind<K> = { [N in HookName]: HookCatalogue[N] extends { kind: K } ? N : never }[HookName];

export type ActionName = NamesOfKind<'action'>;
export type FilterName = NamesOfKind<'filter'>;

export type ActionPayload<N extends ActionName> = HookCatalogue[N] extends { payload: infer P } ? P : never;
/** The arguments after the name: the payload, which may be left out when the action has none. */
export type ActionArgs<N extends ActionName> = [ActionPayload<N>] extends [void] ? [payload?: ActionPayload<N>] : [payload: ActionPayload<N>];

export type FilterValue<N extends FilterName> = HookCatalogue[N] extends { value: infer V } ? V : never;
export type FilterContext<N extends FilterName> = HookCatalogue[N] extends { context: infer C } ? C : never;

/** A listener of an action; what it returns is ignored. */
export type ActionHandler<N extends ActionName> = (payload: ActionPayload<N>) => void | Promise<void>;

/** A link of a filter chain: gets the value so far and returns the value to pass on. */
export type FilterHandler<N extends FilterName> = (
  value: FilterValue<N>,
  context: FilterContext<N>,
) => FilterValue<N> | Promise<FilterValue<N>>;
