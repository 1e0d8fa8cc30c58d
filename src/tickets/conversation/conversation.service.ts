import { Injectable } from '@nestjs/common';
import type { Actor } from '../../kernel/security/actor';
import { actorCan } from '../../kernel/security/permissions';
import { rolesGrant, type Role } from '../../kernel/security/roles';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import { VisibilityService } from '../../identity/visibility/visibility.service';
import { canSee } from '../../identity/visibility/visibility-scope';
import type { TicketRow } from '../ticket.repository';
import { ConversationRepository, type ReplyTemplateRow } from './conversation.repository';
import { markMentions, mentionedLogins } from './mentions';
import { fillTemplate, type Placeholder } from './reply-template';

const MAX_TEMPLATE = 20_000;
const MAX_SIGNATURE = 2000;

/**
 * What helps agents write: @mentions of colleagues (recorded for the mentions inbox, only for
 * staff who may see the ticket), reply templates with placeholders, and signatures.
 */
@Injectable()
export class ConversationService {
  constructor(
    private readonly store: ConversationRepository,
    private readonly visibility: VisibilityService,
  ) {}

  /**
   * Records the mentions in a message written by staff and returns the people that count (logins
   * to mark them in the text, ids to notify): active staff who may see the ticket, never the writer.
   */
  async mention(actor: Actor, ticket: TicketRow, messageId: string, text: string): Promise<{ logins: Set<string>; ids: string[] }> {
    if (!actorCan(actor, 'tickets.work')) return { logins: new Set(), ids: [] };
    const people = await this.store.people(mentionedLogins(text));
    const reached: Array<{ id: string; username: string }> = [];
    for (const person of people) {
      if (person.id === actor.id || !rolesGrant(person.roles as Role[], 'tickets.work')) continue;
      const scope = await this.visibility.scopeFor({ id: person.id, roles: person.roles as Role[] });
      if (canSee(scope, { requesterId: ticket.requesterId, assigneeId: ticket.assigneeId, groupId: ticket.groupId, organisationId: ticket.organisationId })) reached.push(person);
    }
    await this.store.addMentions(ticket.id, messageId, reached.map((person) => person.id), actor.id);
    return { logins: new Set(reached.map((person) => person.username.toLocaleLowerCase('und'))), ids: reached.map((person) => person.id) };
  }

  markMentions(html: string, logins: ReadonlySet<string>): string {
    return logins.size ? markMentions(html, logins) : html;
  }

  /** Opening a ticket reads one's mentions in it. */
  markRead(actor: Actor, ticketId: string): Promise<void> {
    return this.store.markRead(ticketId, actor.id);
  }

  templates(actor: Actor): Promise<ReplyTemplateRow[]> {
    return this.store.templates(actor.id);
  }

  async addTemplate(actor: Actor, input: { name: string; body: string; shared?: boolean }): Promise<void> {
    const name = (input.name ?? '').replace(/\s+/g, ' ').trim();
    if (!name) throw new DomainError('name_required', 'validation.required', 400, { field: 'name' });
    if ([...name].length > 200) throw new DomainError('name_too_long', 'validation.too_long', 400, { field: 'name', count: 200 });
    const body = (input.body ?? '').replace(/\0/g, '').trim();
    if (!body) throw new DomainError('body_required', 'validation.required', 400, { field: 'body' });
    if (body.length > MAX_TEMPLATE) throw new DomainError('body_too_long', 'validation.too_long', 400, { field: 'body', count: MAX_TEMPLATE });
    await this.store.insertTemplate({ name, body, shared: input.shared ?? false, ownerId: actor.id });
  }

  async removeTemplate(actor: Actor, id: string): Promise<void> {
    const valid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    if (!valid || !(await this.store.removeTemplate(id, actor.id, actor.isAdmin))) throw new NotFoundError();
  }

  /** A template of the actor's (or a shared one) filled in for a ticket, or undefined. */
  async filled(actor: Actor, templateId: string, values: Record<Placeholder, string>): Promise<string | undefined> {
    const template = (await this.store.templates(actor.id)).find((row) => row.id === templateId);
    return template ? fillTemplate(template.body, values) : undefined;
  }

  signature(actor: Actor): Promise<string> {
    return this.store.signature(actor.id);
  }

  async setSignature(actor: Actor, text: string): Promise<void> {
    const signature = (text ?? '').replace(/\0/g, '').trim();
    if (signature.length > MAX_SIGNATURE) throw new DomainError('signature_too_long', 'validation.too_long', 400, { field: 'signature', count: MAX_SIGNATURE });
    await this.store.setSignature(actor.id, signature);
  }
}
