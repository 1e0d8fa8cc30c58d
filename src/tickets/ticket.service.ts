import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { HookBus } from '../kernel/hooks/hook-bus';
import type { Actor } from '../kernel/security/actor';
import { actorCan } from '../kernel/security/permissions';
import { DomainError, NotFoundError } from '../kernel/web/domain-error';
import { WorkGroupService } from '../identity/groups/work-group.service';
import { UserRepository } from '../identity/user.repository';
import { VisibilityService } from '../identity/visibility/visibility.service';
import { AbsenceService } from '../identity/users/absence.service';
import type { AssignmentMode } from '../identity/groups/assignment-mode';
import { pickAssignee, type AssignmentPick } from './assignment';
import { CatalogueService } from '../catalogue/catalogue.service';
import { addressOf } from './routing/routing-rules';
import { TicketRouter } from './routing/ticket-router';
import { ConversationService } from './conversation/conversation.service';
import { CustomFieldsService } from './fields/custom-fields.service';
import { AttachmentService, type Download, type SentFiles } from './attachments/attachment.service';
import type { AttachmentRow } from './attachments/attachment.repository';
import { isLevel, priorityOf, type Level } from './priority';
import { searchQuery } from './search-query';
import { NotificationService } from './notifications/notification.service';
import { cleanHtml, htmlToText, textToHtml } from './ticket-html';
import { CHANNELS, isTicketType, parseTicketRef, ticketRef, type Channel, type TicketType } from './ticket-types';
import { TicketRepository, type EventRow, type MessageRow, type TicketRow } from './ticket.repository';
import { decodeCursor, encodeCursor, isSort, type Sort } from './queue-order';
import { COUNTED_QUEUES, isQueue, REQUESTER_QUEUES, type Queue, type QueueContext } from './queues';
import { filterParams, filtersFrom, type TicketFilters } from './ticket-filters';
import { RecentValues } from './recent-values';
import type { VisibilityScope } from '../identity/visibility/visibility-scope';
import { categoryOf, checkTransition, initialStatus, nextStatuses, type TicketStatus, type Workflow } from './workflow';

export const MAX_SUBJECT = 250;
export const MAX_BODY = 100_000;
export const QUEUE_PAGE_SIZE = 50;
/** Queue sizes are counted this far and no further ("999+"), so counting stays cheap at any size. */
export const QUEUE_COUNT_CAP = 1000;
/** Queue counts of a person are reused this long: a badge, not a ledger. */
export const COUNTS_TTL_MS = 10_000;

/** Where a change came from, for the history (`system`: a scheduled job; `mail`: the mail intake). */
export type ChangeSource = 'web' | 'api' | 'system' | 'mail';

/** How the mail intake registers a ticket: through which mailbox, and where it sends tickets by default. */
export interface MailboxIntake {
  id: string;
  address: string;
  defaultGroupId: string | null;
  /** Nothing automatic goes back to the sender (they asked for none, or the message is bulk). */
  quiet: boolean;
  /** The person the mail is from, as the intake found or registered them: the requester. */
  requester: { id: string; organisationId: string | null; email: string | null };
  /** The description is the intake's own safe HTML, no plugin changed it: it is not cleaned twice. */
  descriptionClean?: boolean;
}

export interface NewTicketInput {
  type: string;
  subject: string;
  /** Plain text from a form … */
  description?: string;
  /** … or HTML from the API (sanitized). */
  descriptionHtml?: string;
  /** Login or e-mail of the person the ticket is for; staff only, default oneself. */
  requester?: string;
  channel?: string;
  /** Service and component from the catalogue, each by id or name. */
  service?: string;
  /** Custom field values by key (checked against the fields that apply). */
  custom?: Record<string, unknown>;
  /** The ticket template it was started from: its tags are added. */
  template?: string;
  component?: string;
  category?: string;
  impact?: number;
  urgency?: number;
  /** Work group by name; staff only. */
  group?: string;
  /** Assignee by login; staff only. */
  assignee?: string;
}

export interface TicketView {
  ticket: TicketRow;
  ref: string;
  messages: Array<MessageRow & { attachments: AttachmentRow[] }>;
  /** Files sent with the ticket itself (not with a message). */
  attachments: AttachmentRow[];
  events: EventRow[];
  nextStatuses: TicketStatus[];
  canWork: boolean;
  starred: boolean;
  /** Display names of the people watching (staff only). */
  watchers: string[];
  watching: boolean;
}

export interface TicketPage {
  rows: Array<TicketRow & { ref: string }>;
  next: string | null;
}

/**
 * Tickets: registering, the conversation, the status workflow and assignment, with visibility
 * checked on every call (an invisible ticket is "not found"), optimistic locking on changes and
 * every change written to the append-only history in the same transaction.
 */
@Injectable()
export class TicketService {
  private readonly recentCounts = new RecentValues<Map<Queue, number>>(COUNTS_TTL_MS, 5000);

  constructor(
    private readonly tickets: TicketRepository,
    private readonly users: UserRepository,
    private readonly groups: WorkGroupService,
    private readonly visibility: VisibilityService,
    private readonly absences: AbsenceService,
    private readonly notifier: NotificationService,
    private readonly files: AttachmentService,
    private readonly catalogue: CatalogueService,
    private readonly router: TicketRouter,
    private readonly conversation: ConversationService,
    private readonly fields: CustomFieldsService,
    private readonly hooks: HookBus,
    private readonly uow: UnitOfWork,
  ) {}

  /** Registers a ticket; its reference ("INC-42"). */
  async create(actor: Actor, input: NewTicketInput, source: ChangeSource, sent?: SentFiles): Promise<string> {
    return (await this.register(actor, input, source, sent)).ref;
  }

  /** Registers a ticket; its id and reference. The mail intake says which mailbox it came through. */
  async register(actor: Actor, input: NewTicketInput, source: ChangeSource, sent?: SentFiles, mailbox?: MailboxIntake): Promise<{ id: string; ref: string }> {
    const staff = actorCan(actor, 'tickets.work');
    if (!isTicketType(input.type)) throw fieldRefusal('ticket_type_invalid', 'tickets.errors.type', 'type');
    const subject = checkSubject(input.subject);
    const descriptionHtml = bodyHtml(input.descriptionHtml, input.description, mailbox?.descriptionClean);
    const channel = (input.channel ?? (source === 'api' ? 'api' : 'web')) as Channel;
    if (!CHANNELS.includes(channel)) throw fieldRefusal('ticket_channel_invalid', 'tickets.errors.channel', 'channel');
    const impact = level(input.impact, 'impact');
    const urgency = level(input.urgency, 'urgency');
    if (!staff && (input.requester || input.group || input.assignee)) throw new DomainError('ticket_staff_only', 'tickets.errors.staff_only', 403);
    this.files.check(sent);
    return this.uow.transaction(async () => {
      const requester = mailbox?.requester ?? (await this.person(input.requester?.trim() ? input.requester : actor.username, 'requester'));
      const choice = await this.catalogue.choose(actor, requester.id, input.service, input.component);
      const category = (input.category ?? '').trim().slice(0, 200);
      const custom = await this.fields.check({ type: input.type, serviceId: choice.serviceId, category: category || null }, input.custom, { requireFilled: source !== 'mail' });
      const descriptionText = htmlToText(descriptionHtml);
      const rules = await this.router.route({
        channel,
        mailbox: mailbox?.address ?? null,
        requesterEmail: requester.email,
        subject,
        text: descriptionText,
        serviceId: choice.serviceId,
        category,
        organisationId: requester.organisationId,
        type: input.type,
        at: new Date(),
      });
      const type = rules.actions.type ?? (input.type as TicketType);
      const address = addressOf(await this.addressing(input.group, input.assignee), rules.actions, choice.defaultGroupId ?? mailbox?.defaultGroupId ?? null);
      const auto = address.groupId && !address.assigneeId ? await this.autoAssign(address.groupId) : null;
      const { groupId } = address;
      const assigneeId = auto?.pick.assigneeId ?? address.assigneeId;
      const workflow = await this.tickets.workflow();
      const priority = rules.actions.priority ?? priorityOf(await this.tickets.priorityMatrix(), impact, urgency);
      const { id, number } = await this.tickets.insert(
        {
          type,
          subject,
          descriptionHtml,
          descriptionText,
          requesterId: requester.id,
          organisationId: requester.organisationId,
          channel,
          serviceId: choice.serviceId,
          componentId: choice.componentId,
          category,
          tags: [...new Set([...(input.template ? await this.templateTags(input.template) : []), ...(rules.actions.tags ?? [])])],
          custom,
          impact,
          urgency,
          priority,
          status: initialStatus(workflow).key,
          groupId,
          assigneeId,
          createdBy: actor.id,
          mailboxId: mailbox?.id ?? null,
        },
        this.files.names(sent),
      );
      if (auto && groupId) this.groups.assignmentWritten(groupId);
      const ref = ticketRef(type, number);
      await this.router.addWatchers(id, rules.actions.watcherIds ?? []);
      const attached = await this.files.attach(id, null, sent, actor.id);
      await this.notifier.notify('created', { ticketId: id, ref, subject, actor, quiet: mailbox?.quiet ?? false });
      const chosen = address.by === 'person' ? { groupId: address.groupId, assigneeId: address.assigneeId } : { groupId: null, assigneeId: null };
      await this.tickets.insertEvent(id, actor.id, source, 'created', { ref, subject, priority, ...chosen, serviceId: choice.serviceId, componentId: choice.componentId, ...(attached.length ? { attachments: attached } : {}) });
      // Every automatic decision goes into the history with what made it.
      for (const rule of rules.matched) await this.tickets.insertEvent(id, null, 'rule', 'routed', { rule: rule.name, ruleId: rule.id, set: rule.actions });
      if (address.by === 'service') await this.tickets.insertEvent(id, null, 'rule', 'routed', { rule: choice.componentId ? 'component_default_group' : 'service_default_group', serviceId: choice.serviceId, componentId: choice.componentId, groupId });
      if (auto) await this.tickets.insertEvent(id, null, 'rule', 'auto_assigned', { rule: auto.mode, groupId, assigneeId, substituteFor: auto.pick.substituteFor ?? null });
      this.hooks.doAction('ticket.created', { ticketId: id, ref, actorId: actor.id });
      return { id, ref };
    });
  }

  async view(actor: Actor, ref: string): Promise<TicketView> {
    const ticket = await this.visibleTicket(actor, ref);
    const canWork = actorCan(actor, 'tickets.work');
    if (canWork) await this.conversation.markRead(actor, ticket.id);
    await this.notifier.readTicket(actor, ticket.id);
    const workflow = await this.tickets.workflow();
    const files = await this.files.list(ticket.id, canWork);
    const filesOf = (messageId: string | null) => files.filter((file) => file.messageId === messageId);
    return {
      ticket,
      ref: ticketRef(ticket.type, ticket.number),
      messages: (await this.tickets.messages(ticket.id, canWork)).map((message) => ({ ...message, attachments: filesOf(message.id) })),
      attachments: filesOf(null),
      events: canWork ? await this.tickets.events(ticket.id) : [],
      nextStatuses: canWork ? nextStatuses(workflow, ticket.status) : [],
      canWork,
      starred: await this.tickets.isStarred(actor.id, ticket.id),
      watchers: canWork ? await this.tickets.watcherNames(ticket.id) : [],
      watching: canWork && (await this.tickets.isWatching(ticket.id, actor.id)),
    };
  }

  /** A file of a visible ticket; those of internal notes only for staff. */
  async attachment(actor: Actor, ref: string, attachmentId: string): Promise<Download> {
    const ticket = await this.visibleTicket(actor, ref);
    return this.files.download(ticket.id, attachmentId, actorCan(actor, 'tickets.work'));
  }

  /**
   * A queue page in the chosen sort; `search` narrows it to tickets whose words start with every
   * word typed (notes count for staff only). Requesters have only their own requests and stars.
   */
  async list(actor: Actor, asked: { queue: Queue; sort?: Sort; cursor?: string; search?: string; filters?: TicketFilters }): Promise<TicketPage> {
    const request = await this.listRequest(actor, asked);
    const staff = actorCan(actor, 'tickets.work');
    if (!staff && !REQUESTER_QUEUES.includes(request.queue)) throw new NotFoundError();
    const sort = request.sort ?? 'updated';
    const scope = await this.visibility.scopeFor(actor);
    const tsquery = request.search ? searchQuery(request.search) : null;
    const after = request.cursor ? decodeCursor(request.cursor, sort) : undefined;
    if (request.cursor && !after) throw new DomainError('cursor_invalid', 'tickets.errors.cursor', 400);
    const context = await this.queueContext(actor, scope);
    const rows = await this.tickets.page(scope, {
      queue: request.queue,
      sort,
      context,
      ...(tsquery ? { search: { tsquery, staff } } : {}),
      ...(request.filters ? { filters: request.filters } : {}),
      ...(after ? { after } : {}),
      limit: QUEUE_PAGE_SIZE + 1,
    });
    const shown = rows.slice(0, QUEUE_PAGE_SIZE).map((row) => ({ ...row, ref: ticketRef(row.type, row.number) }));
    const last = shown.at(-1);
    return { rows: shown, next: rows.length > QUEUE_PAGE_SIZE && last ? encodeCursor(sort, last.position!, last.id) : null };
  }

  private async templateTags(templateId: string): Promise<string[]> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(templateId)) return [];
    const [row] = await this.uow.manager().query(`SELECT tags FROM ticket_templates WHERE id = $1 AND active`, [templateId]);
    return (row as { tags: string[] } | undefined)?.tags ?? [];
  }

  /** The workflow's statuses in order, for filters. */
  async statuses(): Promise<TicketStatus[]> {
    return (await this.tickets.workflow()).statuses;
  }

  /**
   * The list request after plugins had their say (`ticket.list.query`); whatever they return is
   * checked again like input from the address bar, so a filter can narrow but not break a list.
   */
  private async listRequest(actor: Actor, asked: { queue: Queue; sort?: Sort; cursor?: string; search?: string; filters?: TicketFilters }) {
    const filtered = await this.hooks.applyFilters('ticket.list.query', { queue: asked.queue, sort: asked.sort ?? 'updated', search: asked.search ?? '', filters: asked.filters ?? {} }, { actorId: actor.id });
    return {
      queue: isQueue(filtered.queue) ? filtered.queue : asked.queue,
      sort: isSort(filtered.sort) ? filtered.sort : (asked.sort ?? 'updated'),
      search: typeof filtered.search === 'string' ? filtered.search.slice(0, 200) : '',
      filters: filtersFrom({ ...filterParams({ ...(filtered.filters as TicketFilters) }) }),
      ...(asked.cursor ? { cursor: asked.cursor } : {}),
    };
  }

  /** Extra columns plugins add to a ticket list (`ticket.list.columns`), cells as plain text. */
  async listColumns(actor: Actor, refs: string[]): Promise<Array<{ label: string; cells: string[] }>> {
    const columns = await this.hooks.applyFilters('ticket.list.columns', [], { actorId: actor.id, refs });
    return columns.slice(0, 10).map((column) => ({ label: String(column.label).slice(0, 100), cells: refs.map((ref) => String(column.values?.[ref] ?? '').slice(0, 500)) }));
  }

  /** How many tickets wait in each queue the actor works through, up to QUEUE_COUNT_CAP. */
  async queueCounts(actor: Actor): Promise<Map<Queue, number>> {
    return this.recentCounts.get(actor.id, async () => {
      const scope = await this.visibility.scopeFor(actor);
      const queues = actorCan(actor, 'tickets.work') ? COUNTED_QUEUES : COUNTED_QUEUES.filter((queue) => REQUESTER_QUEUES.includes(queue));
      return this.tickets.queueCounts(scope, queues, await this.queueContext(actor, scope), QUEUE_COUNT_CAP);
    });
  }

  /** After the person's own change their counts are recomputed at once; others' within COUNTS_TTL_MS. */
  forgetCounts(actor: Actor): void {
    this.recentCounts.forget(actor.id);
  }

  /** Stars are private bookmarks, so anyone who may see the ticket may star it. */
  async star(actor: Actor, ref: string, starred: boolean): Promise<void> {
    const ticket = await this.visibleTicket(actor, ref);
    await this.tickets.setStar(actor.id, ticket.id, starred);
  }

  private async queueContext(actor: Actor, scope: VisibilityScope): Promise<QueueContext> {
    const groupIds = scope.kind === 'limited' ? scope.groupIds : (await this.groups.groupsOf(actor.id)).map((group) => group.id);
    const workflow = await this.tickets.workflow();
    return { userId: actor.id, groupIds, pendingStatuses: workflow.statuses.filter((status) => status.category === 'pending').map((status) => status.key) };
  }

  /**
   * Adds a public reply or (staff only) an internal note. A requester's reply to a resolved ticket
   * opens it again: they are saying it is not solved.
   */
  async reply(actor: Actor, ref: string, input: { kind: 'reply' | 'note'; body?: string; bodyHtml?: string; signature?: boolean }, source: ChangeSource, sent?: SentFiles): Promise<string> {
    const ticket = await this.visibleTicket(actor, ref);
    const staff = actorCan(actor, 'tickets.work');
    if (input.kind === 'note' && !staff) throw new NotFoundError();
    // Colleagues who see a request because their organisation shares them read it; only its
    // requester and its watchers speak in it.
    if (!staff && ticket.requesterId !== actor.id && !(await this.tickets.isWatching(ticket.id, actor.id))) throw new DomainError('reply_not_yours', 'tickets.errors.reply_not_yours', 403);
    const clean = bodyHtml(input.bodyHtml, input.body);
    if (!clean && !sent?.uploads.length) throw fieldRefusal('message_empty', 'tickets.errors.message_empty', 'body');
    this.files.check(sent);
    // A public reply by staff ends with their signature when they ask for it.
    const signature = input.kind === 'reply' && staff && input.signature ? await this.conversation.signature(actor) : '';
    const signed = signature ? `${clean}${textToHtml(`-- \n${signature}`)}` : clean;
    return this.addMessage(ticket, actor, { kind: input.kind, html: signed }, source, sent);
  }

  /**
   * Adds a message to a ticket the caller has already cleared the author for (the reply above;
   * the mail intake, whose author is the sender matched to a person and acts as a requester).
   * A requester's reply to a resolved ticket opens it again: they are saying it is not solved.
   */
  async addMessage(ticket: TicketRow, actor: Actor, input: { kind: 'reply' | 'note'; html: string; quiet?: boolean }, source: ChangeSource, sent?: SentFiles): Promise<string> {
    const staff = actorCan(actor, 'tickets.work');
    const html = await this.hooks.applyFilters('ticket.reply.body', input.html, { ticketId: ticket.id, kind: input.kind, actorId: actor.id });
    return this.uow.transaction(async () => {
      const text = htmlToText(html);
      const messageId = await this.tickets.insertMessage(ticket.id, input.kind, actor.id, html, text);
      const mentioned = await this.conversation.mention(actor, ticket, messageId, text);
      if (mentioned.logins.size) await this.tickets.setMessageHtml(messageId, this.conversation.markMentions(html, mentioned.logins));
      const attached = await this.files.attach(ticket.id, messageId, sent, actor.id);
      await this.tickets.insertEvent(ticket.id, actor.id, source, input.kind === 'note' ? 'noted' : 'replied', { messageId, ...(attached.length ? { attachments: attached } : {}) });
      const workflow = await this.tickets.workflow();
      const reopenTo = !staff && categoryOf(workflow, ticket.status) === 'resolved' ? nextStatuses(workflow, ticket.status).find((status) => status.category === 'open') : undefined;
      const changes: Record<string, unknown> = reopenTo ? { status: reopenTo.key, resolved_at: null } : {};
      await this.tickets.touch(ticket.id, changes);
      await this.tickets.refreshSearch(ticket.id, ticketRef(ticket.type, ticket.number));
      const facts = { ticketId: ticket.id, ref: ticketRef(ticket.type, ticket.number), subject: ticket.subject, actor, quiet: input.quiet ?? false };
      await this.notifier.notify(input.kind === 'note' ? 'noted' : 'replied', { ...facts, text: { text } });
      if (mentioned.ids.length) await this.notifier.notify('mentioned', { ...facts, mentionedIds: mentioned.ids, text: { text } });
      const event = { ticketId: ticket.id, ref: ticketRef(ticket.type, ticket.number), actorId: actor.id };
      if (reopenTo) {
        await this.tickets.insertEvent(ticket.id, actor.id, source, 'status_changed', { from: ticket.status, to: reopenTo.key, reason: 'requester_reply' });
        this.hooks.doAction('ticket.status.changed', { ...event, from: ticket.status, to: reopenTo.key });
        this.hooks.doAction('ticket.reopened', event);
      }
      this.hooks.doAction('ticket.replied', { ...event, messageId, kind: input.kind });
      return messageId;
    });
  }

  /** Moves the ticket along the workflow; `version` is what the actor saw (optimistic locking). */
  async changeStatus(actor: Actor, ref: string, input: { status: string; version: number; resolutionCode?: string; resolutionText?: string }, source: ChangeSource): Promise<void> {
    const ticket = await this.workableTicket(actor, ref);
    const workflow: Workflow = await this.tickets.workflow();
    const refusal = checkTransition(workflow, ticket.status, input.status, { code: input.resolutionCode, text: input.resolutionText });
    if (refusal) throw new DomainError(`transition_${refusal}`, `tickets.errors.transition_${refusal}`, refusal === 'resolution_required' ? 400 : 409, { from: ticket.status, to: input.status });
    const resolving = categoryOf(workflow, input.status) === 'resolved';
    const reopening = ['resolved', 'closed'].includes(categoryOf(workflow, ticket.status) ?? '') && !resolving && categoryOf(workflow, input.status) !== 'closed';
    await this.uow.transaction(async () => {
      const changes: Record<string, unknown> = { status: input.status };
      if (resolving) Object.assign(changes, { resolution_code: input.resolutionCode!.trim().slice(0, 100), resolution_text: input.resolutionText!.trim().slice(0, 10_000), resolved_at: new Date() });
      if (reopening) changes.resolved_at = null;
      await this.applyChange(ticket, input.version, changes);
      await this.tickets.insertEvent(ticket.id, actor.id, source, 'status_changed', { from: ticket.status, to: input.status });
      const event = { ticketId: ticket.id, ref: ticketRef(ticket.type, ticket.number), actorId: actor.id };
      // A resolution is the status change requesters care about: it is told as one event, not two.
      const facts = { ticketId: ticket.id, ref: event.ref, subject: ticket.subject, actor };
      if (resolving) await this.notifier.notify('resolved', { ...facts, text: { resolution: input.resolutionText!.trim() } });
      else await this.notifier.notify('status_changed', { ...facts, text: { status: input.status } });
      this.hooks.doAction('ticket.status.changed', { ...event, from: ticket.status, to: input.status });
      if (resolving) this.hooks.doAction('ticket.resolved', event);
      if (reopening) this.hooks.doAction('ticket.reopened', event);
    });
  }

  /** Addresses the ticket to a group and/or a person (blank clears); `take` is assigning oneself. */
  async assign(actor: Actor, ref: string, input: { group?: string; assignee?: string; version: number }, source: ChangeSource): Promise<void> {
    const ticket = await this.workableTicket(actor, ref);
    await this.uow.transaction(async () => {
      const addressed = await this.addressing(input.group, input.assignee);
      const auto = addressed.groupId && !addressed.assigneeId ? await this.autoAssign(addressed.groupId) : null;
      const { groupId } = addressed;
      const assigneeId = auto?.pick.assigneeId ?? addressed.assigneeId;
      await this.applyChange(ticket, input.version, { group_id: groupId, assignee_id: assigneeId });
      if (auto && groupId) this.groups.assignmentWritten(groupId);
      await this.tickets.insertEvent(ticket.id, actor.id, source, 'assigned', { from: { groupId: ticket.groupId, assigneeId: ticket.assigneeId }, to: { groupId, assigneeId: addressed.assigneeId } });
      if (auto) await this.tickets.insertEvent(ticket.id, null, 'rule', 'auto_assigned', { rule: auto.mode, groupId, assigneeId, substituteFor: auto.pick.substituteFor ?? null });
      await this.notifier.notify('assigned', { ticketId: ticket.id, ref: ticketRef(ticket.type, ticket.number), subject: ticket.subject, actor });
      this.hooks.doAction('ticket.assigned', { ticketId: ticket.id, ref: ticketRef(ticket.type, ticket.number), actorId: actor.id, groupId, assigneeId });
    });
  }

  /** Moves the ticket to the "Deleted" queue (findable, restorable); its history stays. */
  async delete(actor: Actor, ref: string, version: number, source: ChangeSource): Promise<void> {
    const ticket = await this.workableTicket(actor, ref);
    if (!actorCan(actor, 'tickets.delete')) throw new NotFoundError();
    await this.uow.transaction(async () => {
      await this.applyChange(ticket, version, { deleted_at: new Date() });
      await this.tickets.insertEvent(ticket.id, actor.id, source, 'deleted', {});
      this.hooks.doAction('ticket.deleted', { ticketId: ticket.id, ref: ticketRef(ticket.type, ticket.number), actorId: actor.id });
    });
  }

  async restore(actor: Actor, ref: string, source: ChangeSource): Promise<void> {
    if (!actorCan(actor, 'tickets.delete')) throw new NotFoundError();
    const parsed = parseTicketRef(ref);
    const ticket = parsed ? await this.tickets.findVisible(await this.visibility.scopeFor(actor), parsed.type, parsed.number, true) : null;
    if (!ticket) throw new NotFoundError();
    await this.uow.transaction(async () => {
      await this.applyChange(ticket, ticket.version, { deleted_at: null });
      await this.tickets.insertEvent(ticket.id, actor.id, source, 'restored', {});
    });
  }

  /**
   * The group's automatic choice for a ticket addressed to it, or null (manual mode, or nobody
   * available). Runs inside the caller's transaction with the group row locked.
   */
  private async autoAssign(groupId: string): Promise<{ mode: AssignmentMode; pick: AssignmentPick } | null> {
    const context = await this.groups.assignmentContext(groupId);
    if (context.mode === 'manual' || context.memberIds.length === 0) return null;
    const away = await this.absences.absentAt(context.memberIds);
    const substituteIds = [...new Set([...away.values()].filter((id): id is string => id !== null))];
    const activeSubstitutes = [];
    for (const id of substituteIds) if ((await this.users.findById(id))?.active) activeSubstitutes.push(id);
    for (const [id, substitute] of await this.absences.absentAt(activeSubstitutes)) away.set(id, substitute);
    // Round robin goes by turn, not by load: only the least-loaded pick counts tickets.
    const load = context.mode === 'least_loaded' ? await this.tickets.openLoad([...context.memberIds, ...activeSubstitutes]) : new Map<string, number>();
    const candidate = (id: string) => ({ id, load: load.get(id) ?? 0 });
    const pick = pickAssignee(context.mode, context.memberIds.map(candidate), away, context.lastAssignedId, activeSubstitutes.map(candidate));
    if (!pick) return null;
    await this.groups.recordAssignment(groupId, pick.substituteFor ?? pick.assigneeId);
    // The next turn needs only the turn recorded; the next least-loaded pick needs this ticket too.
    if (context.mode === 'round_robin') this.groups.assignmentWritten(groupId);
    return { mode: context.mode, pick };
  }

  /** Applies changes if the ticket is still at `version`; otherwise the clear conflict refusal. */
  async applyChange(ticket: TicketRow, version: number, changes: Record<string, unknown>): Promise<void> {
    if (!(await this.tickets.update(ticket.id, version, changes))) throw new DomainError('ticket_conflict', 'tickets.errors.conflict', 409);
  }

  /** A ticket the actor may see, by its number (INC-42); anything else is "not found". */
  async visibleTicket(actor: Actor, ref: string): Promise<TicketRow> {
    const parsed = parseTicketRef(ref);
    const ticket = parsed ? await this.tickets.findVisible(await this.visibility.scopeFor(actor), parsed.type, parsed.number) : null;
    if (!ticket) throw new NotFoundError();
    return ticket;
  }

  /**
   * The status changes and acceptances of a ticket, for the requester's timeline: the caller has
   * already shown them the ticket (`view`), and these events hold nothing internal.
   */
  statusHistory(ticketId: string): Promise<EventRow[]> {
    return this.tickets.events(ticketId, ['status_changed', 'accepted']);
  }

  /** A ticket by id with no visibility check, for system work that has already decided (the mail intake). */
  async ticketById(id: string): Promise<(TicketRow & { ref: string }) | null> {
    const ticket = /^[0-9a-f-]{36}$/i.test(id) ? await this.tickets.findById(id) : null;
    return ticket ? { ...ticket, ref: ticketRef(ticket.type, ticket.number) } : null;
  }

  /** A ticket the actor may see and work (staff). */
  async workableTicket(actor: Actor, ref: string): Promise<TicketRow> {
    const ticket = await this.visibleTicket(actor, ref);
    if (!actorCan(actor, 'tickets.work')) throw new NotFoundError();
    return ticket;
  }

  private async person(login: string, field: string): Promise<{ id: string; organisationId: string | null; email: string | null }> {
    const typed = login.trim();
    const user = (await this.users.findByUsername(typed)) ?? (await this.users.findByEmail(typed)).find((candidate) => candidate.active) ?? null;
    if (!user || !user.active) throw fieldRefusal('person_unknown', 'tickets.errors.person_unknown', field, { name: typed });
    return { id: user.id, organisationId: user.organisationId, email: user.email };
  }

  /** The group (by name) and assignee (by login, a member of the group when one is given). */
  private async addressing(groupName?: string, assigneeLogin?: string): Promise<{ groupId: string | null; assigneeId: string | null }> {
    const groupId = groupName?.trim() ? await this.groups.activeGroupId(groupName.trim()) : null;
    if (groupName?.trim() && !groupId) throw fieldRefusal('group_unknown', 'people.errors.group_unknown', 'group', { name: groupName.trim() });
    const assigneeId = assigneeLogin?.trim() ? (await this.person(assigneeLogin, 'assignee')).id : null;
    if (groupId && assigneeId && !(await this.groups.isMember(groupId, assigneeId))) {
      throw fieldRefusal('assignee_not_member', 'tickets.errors.assignee_not_member', 'assignee', { name: assigneeLogin!.trim() });
    }
    return { groupId, assigneeId };
  }
}

function fieldRefusal(code: string, key: string, field: string, vars: Record<string, unknown> = {}): DomainError {
  return new DomainError(code, key, 400, { ...vars, field });
}

function checkSubject(raw: string): string {
  const subject = raw.replace(/\p{Cc}/gu, ' ').replace(/\s+/g, ' ').trim();
  if (!subject) throw fieldRefusal('subject_required', 'validation.required', 'subject');
  if ([...subject].length > MAX_SUBJECT) throw fieldRefusal('subject_too_long', 'validation.too_long', 'subject', { count: MAX_SUBJECT });
  return subject;
}

/** A body as safe HTML: sanitized if it came as HTML, escaped if it came as text. */
function bodyHtml(html: string | undefined, text: string | undefined, clean = false): string {
  const source = html ?? text ?? '';
  if (source.length > MAX_BODY) throw fieldRefusal('body_too_long', 'validation.too_long', html === undefined ? 'description' : 'descriptionHtml', { count: MAX_BODY });
  if (html === undefined) return textToHtml(source.replace(/\0/g, ''));
  return clean ? html : cleanHtml(html);
}

function level(value: number | undefined, field: string): Level {
  if (value === undefined) return 2;
  if (!isLevel(value)) throw fieldRefusal('level_invalid', 'tickets.errors.level', field);
  return value;
}
