import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../kernel/i18n/i18n.service';
import { actorCan } from '../kernel/security/permissions';
import { PageService } from '../kernel/web/page.service';
import { submitForm, type Refusal } from '../identity/organisations/form-input';
import { AttachmentService } from './attachments/attachment.service';
import { TicketRelationsService } from './relations/ticket-relations.service';
import { TicketService } from './ticket.service';
import { OutboxService } from '../kernel/mail/outbox.service';
import { mailAbout } from './ticket-mailer';
import { RATING_FACES } from './satisfaction/satisfaction.service';
import { ConversationService } from './conversation/conversation.service';
import { TicketLiveService } from './live/ticket-live.service';
import { CustomFieldsService } from './fields/custom-fields.service';
import { applies } from './fields/custom-fields';
import { customFieldModel } from './fields/custom-field-model';

/** A custom field's value for the form: what was just typed, else what is stored. */
function formValue(typed: Record<string, unknown>, stored: Record<string, unknown>, key: string): string | undefined {
  const retyped = (typed.custom as Record<string, string> | undefined)?.[key];
  if (retyped !== undefined) return retyped;
  const value = stored[key];
  return value === undefined ? undefined : value === true ? 'on' : value === false ? '' : String(value);
}

/** A stored custom value as text for the page (a ticked box as yes/no in the page's language). */
function customText(value: string | number | boolean, t: (key: string) => string): string {
  return typeof value === 'boolean' ? t(value ? 'common.yes' : 'common.no') : String(value);
}
import { calendarDayIn } from '../kernel/i18n/calendar-day';
import { splitMinutes } from './work/duration';
import { TicketWorkService, type TicketWorkView } from './work/ticket-work.service';

/** Work log minutes as hours and minutes for the page. */
function withDurations(view: TicketWorkView) {
  return {
    ...view,
    work: view.work.map((entry) => ({ ...entry, spent: splitMinutes(entry.minutes) })),
    totals: view.totals.map((total) => ({ ...total, spent: splitMinutes(total.minutes) })),
  };
}

/**
 * The ticket page, shared by the controllers of its actions: renders it, and runs an action so
 * that success redirects back with a message and a refusal shows the page again with the message
 * beside its field and what was typed kept.
 */
@Injectable()
export class TicketPage {
  constructor(
    private readonly tickets: TicketService,
    private readonly relations: TicketRelationsService,
    private readonly work: TicketWorkService,
    private readonly conversation: ConversationService,
    private readonly live: TicketLiveService,
    private readonly fields: CustomFieldsService,
    private readonly outbox: OutboxService,
    private readonly files: AttachmentService,
    readonly pages: PageService,
    readonly i18n: I18nService,
  ) {}

  async act(req: Request, res: Response, ref: string, typed: Record<string, unknown>, work: () => Promise<unknown>, doneKey: string, redirectTo = `/tickets/${ref}`) {
    const run = async () => {
      const result = await work();
      this.tickets.forgetCounts(req.actor!);
      return typeof result === 'string' && result.startsWith('/') ? result : redirectTo;
    };
    await submitForm(req, res, this, run, doneKey, (refusal) => this.render(req, res, ref, typed, refusal));
  }

  /**
   * Where to go after passing a ticket on: back to it while the actor can still see it, else to
   * their queue (a transfer can take it out of their view).
   */
  async afterHandOff(req: Request, ref: string): Promise<string> {
    try {
      await this.tickets.visibleTicket(req.actor!, ref);
      return `/tickets/${ref}`;
    } catch {
      return '/tickets';
    }
  }

  /** A reply template filled in for this ticket, to start the reply box with. */
  async templateText(req: Request, ref: string, templateId: string): Promise<string | undefined> {
    const view = await this.tickets.view(req.actor!, ref);
    if (!view.canWork) return undefined;
    return this.conversation.filled(req.actor!, templateId, {
      'ticket.ref': view.ref,
      'ticket.subject': view.ticket.subject,
      'ticket.status': this.i18n.t(req.lang, `tickets.statuses.${view.ticket.status}`),
      'ticket.service': view.ticket.serviceName ?? '',
      'requester.name': view.ticket.requesterName,
      'agent.name': req.actor!.displayName || req.actor!.username,
    });
  }

  async render(req: Request, res: Response, ref: string, typed: Record<string, unknown> = {}, refusal?: Refusal) {
    const view = await this.tickets.view(req.actor!, ref);
    const form = { values: typed, ...(refusal ?? { errors: {} }) };
    const model = await this.pages.model(req, { titleKey: 'tickets.page_title', titleVars: { ref: view.ref, subject: view.ticket.subject }, slots: ['ticket_sidebar'], form }, {
      ...view,
      ticket: { ...view.ticket, ref: view.ref },
      links: await this.relations.linked(req.actor!, view.ticket.id),
      mailLog: view.canWork ? await this.outbox.deliveryLog(mailAbout(view.ticket.id)) : [],
      // The requester answers a resolution: accept and rate, or reject with a reason.
      awaitingAnswer: view.ticket.requesterId === req.actor!.id && (await this.tickets.statuses()).some((status) => status.key === view.ticket.status && status.category === 'resolved'),
      scores: RATING_FACES.map((face, index) => ({ score: index + 1, face })),
      customForm: view.canWork ? (await this.fields.list(true)).filter((field) => applies(field, { type: view.ticket.type, serviceId: view.ticket.serviceId, category: view.ticket.category || null })).map((field) => customFieldModel(field, formValue(typed, view.ticket.custom, field.key), refusal?.errors[`custom[${field.key}]`])) : [],
      customValues: (await this.fields.list(false))
        .filter((field) => view.ticket.custom[field.key] !== undefined)
        .map((field) => ({ key: field.key, label: field.label, value: customText(view.ticket.custom[field.key]!, (key) => this.i18n.t(req.lang, key)) })),
      templates: view.canWork ? await this.conversation.templates(req.actor!) : [],
      present: view.canWork ? await this.live.others(req.actor!, view.ticket.id) : [],
      hasSignature: view.canWork && (await this.conversation.signature(req.actor!)) !== '',
      work: view.canWork ? withDurations(await this.work.view(view.ticket.id)) : null,
      today: calendarDayIn(new Date(), req.actor!.timeZone ?? 'UTC'),
      canDelete: actorCan(req.actor!, 'tickets.delete'),
      fileLimits: this.files.limits(),
    });
    res.render('tickets/show', model);
  }
}
