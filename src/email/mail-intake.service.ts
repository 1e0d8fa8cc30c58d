import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import { ConfigService } from '../kernel/config/config.service';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { HookBus } from '../kernel/hooks/hook-bus';
import { verifiedMessageId } from '../kernel/mail/message-id';
import { OutboxService } from '../kernel/mail/outbox.service';
import { normalizeAddress } from '../kernel/mail/recipients';
import type { Actor } from '../kernel/security/actor';
import { toActor, UserRepository } from '../identity/user.repository';
import { cleanHtml } from '../tickets/ticket-html';
import { MAX_BODY, TicketService } from '../tickets/ticket.service';
import { DomainError } from '../kernel/web/domain-error';
import { headerMap } from './inbound-headers';
import { IntakeFiles, type OriginalMessage } from './intake-files';
import { IntakeSenders } from './intake-senders';
import { loopVerdict, type Verdict } from './loop-guard';
import type { MailboxRow } from './mailbox.repository';
import { decodeStrayJis, htmlBody, textBody } from './message-text';
import type { ParsedMessage } from './parse-to-files';
import { referencedIds, subjectTicket } from './threading';

/** What became of one message. */
export type IntakeOutcome =
  | { status: 'ticket' | 'reply'; ticketId: string; ref: string }
  | { status: 'ignored' | 'rejected' | 'quarantined'; reason: string; ticketId?: string }
  | { status: 'duplicate' };

/** One message to take: in memory (small ones) or already in a file; `size` is its real size. */
export interface InboundSource {
  uid: number | null;
  size: number;
  raw?: Buffer;
  file?: string;
}

const MAX_SUBJECT = 250;
/** What is read of a message for its headers alone (over the size limit, a bounce's report). */
const HEAD_BYTES = 64 * 1024;

interface Identity {
  key: string;
  hash: string;
  messageId: string | null;
  sender: string | null;
  subject: string | null;
}

/**
 * Turns one message from a mailbox into exactly one ticket or reply, or into a row saying why
 * not. The record of the message (unique per mailbox and Message-ID, or per content when the id
 * is missing or reused) is written in the same transaction as the ticket or reply, so a message
 * fetched twice — after a crash before it was flagged, or by two nodes at once — is taken once.
 * The sender's From address finds or makes the requester, but authorship never goes beyond that:
 * mail always acts with a requester's rights, whoever's address it carries. Messages are parsed
 * as streams, their files written to disk as they are decoded; every message keeps its original.
 */
@Injectable()
export class MailIntakeService {
  private readonly log = new Logger('MailIntake');

  constructor(
    private readonly users: UserRepository,
    private readonly tickets: TicketService,
    private readonly files: IntakeFiles,
    private readonly senders: IntakeSenders,
    private readonly hooks: HookBus,
    private readonly uow: UnitOfWork,
    private readonly config: ConfigService,
    private readonly outbox: OutboxService,
  ) {}

  async take(mailbox: MailboxRow, source: InboundSource): Promise<IntakeOutcome> {
    const original = this.files.original(source);
    let parsed: ParsedMessage | null = null;
    try {
      if (source.size > mailbox.maxMessageMb * 1024 * 1024) return await this.tooLarge(mailbox, original, source);
      try {
        parsed = await this.files.parse(original);
      } catch (error) {
        this.log.warn(`unreadable message in ${mailbox.name}: ${(error as Error).message}`);
        const hash = sha256(await original.head(1024 * 1024));
        return await this.quarantine(mailbox, original, source, { key: `raw:${hash}`, hash, messageId: null, sender: null, subject: null }, 'unparseable');
      }
      return await this.takeParsed(mailbox, parsed, original, source);
    } finally {
      await this.files.discard(original.leftovers(parsed?.attachments ?? []));
    }
  }

  private async takeParsed(mailbox: MailboxRow, parsed: ParsedMessage, original: OriginalMessage, source: InboundSource): Promise<IntakeOutcome> {
    const headers = headerMap(parsed.headers);
    const sender = normalizeAddress(parsed.from?.value[0]?.address ?? '')?.toLowerCase() ?? null;
    const identity = await this.identity(mailbox, parsed, sender);
    if (!identity) return { status: 'duplicate' };
    const accepted = await this.hooks.applyFilters('email.inbound.accept', { accept: true, reason: '' }, { mailboxId: mailbox.id, sender, subject: parsed.subject, headers: Object.fromEntries(headers) });
    const verdict: Verdict = accepted.accept
      ? loopVerdict({ headers, from: sender, ownAddresses: await this.senders.ownAddresses(), contentType: headers.get('content-type') ?? '' })
      : { kind: 'loop', reason: `plugin:${String(accepted.reason).slice(0, 100)}` };
    let outcome: IntakeOutcome;
    try {
      outcome = await this.recordAndDecide(mailbox, parsed, verdict, sender, original, source, identity);
    } catch (error) {
      // A message the ticket rules refuse would be refused at every poll and hold the mailbox up:
      // it goes to quarantine instead. Anything else (the database away) is tried again later.
      if (!(error instanceof DomainError)) throw error;
      return this.quarantine(mailbox, original, source, identity, `refused:${error.code}`);
    }
    if (outcome.status === 'ticket' || outcome.status === 'reply') this.hooks.doAction('email.inbound.received', { mailboxId: mailbox.id, ticketId: outcome.ticketId, ref: outcome.ref, kind: outcome.status });
    else if (outcome.status === 'ignored' || outcome.status === 'rejected') this.hooks.doAction('email.inbound.rejected', { mailboxId: mailbox.id, sender, reason: outcome.reason });
    return outcome;
  }

  /**
   * Decides and records in one transaction. The record is written last, with what became of the
   * message (one row version, not a row rewritten): if another transaction recorded the same
   * message meanwhile, everything this one did is rolled back and the message is a duplicate.
   */
  private async recordAndDecide(mailbox: MailboxRow, parsed: ParsedMessage, verdict: Verdict, sender: string | null, original: OriginalMessage, source: InboundSource, identity: Identity): Promise<IntakeOutcome> {
    const recordId = randomUUID();
    return this.recorded(() =>
      this.uow.transaction(async () => {
        const result = await this.decide(mailbox, parsed, verdict, sender, original, recordId);
        await this.record(mailbox, source, identity, recordId, result);
        return result;
      }),
    );
  }

  /**
   * The message's key for the exactly-once record: its Message-ID, unless that id was already
   * taken by a different message (broken mailers reuse ids), then the id with the content's hash;
   * the content's hash when there is no id. Null when this very message was taken already.
   */
  private async identity(mailbox: MailboxRow, parsed: ParsedMessage, sender: string | null): Promise<Identity | null> {
    const messageId = parsed.messageId && /^<[^<>\s]{1,900}>$/.test(parsed.messageId) ? parsed.messageId : null;
    // The content, not the raw bytes: the same message delivered twice differs in its Received lines.
    const hash = sha256(Buffer.from([parsed.from?.text ?? '', parsed.date?.toISOString() ?? '', parsed.subject, parsed.text, parsed.html, ...parsed.attachments.map((part) => part.sha256)].join('\u0000')));
    const facts = { hash, messageId, sender, subject: parsed.subject.slice(0, 1000) };
    if (!messageId) return (await this.known(mailbox.id, `hash:${hash}`)) ? null : { ...facts, key: `hash:${hash}` };
    const existing = await this.known(mailbox.id, `mid:${messageId}`);
    if (!existing) return { ...facts, key: `mid:${messageId}` };
    if (existing.contentHash === hash) return null;
    return (await this.known(mailbox.id, `mid:${messageId}#${hash}`)) ? null : { ...facts, key: `mid:${messageId}#${hash}` };
  }

  private async known(mailboxId: string, key: string): Promise<{ contentHash: string } | null> {
    const [row] = await this.uow.query<{ contentHash: string }>(`SELECT content_hash AS "contentHash" FROM inbound_messages WHERE mailbox_id = $1 AND dedupe_key = $2`, [mailboxId, key], 'inbound-known');
    return row ?? null;
  }

  /**
   * The record that makes the message taken, with its outcome; its original is kept (under the
   * record's id) unless a ticket took it. Throws TakenMeanwhile when another transaction recorded
   * the message first, so that nothing of this one is kept.
   */
  private async record(mailbox: MailboxRow, source: InboundSource, facts: Identity, id: string, outcome: IntakeOutcome): Promise<void> {
    const madeTicket = outcome.status === 'ticket' || outcome.status === 'reply';
    const rows: Array<{ id: string }> = await this.uow.query(
      `INSERT INTO inbound_messages (id, mailbox_id, dedupe_key, message_id, content_hash, uid, status, reason, ticket_id, raw_file_id, sender, subject, size_bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (mailbox_id, dedupe_key) DO NOTHING RETURNING id`,
      [id, mailbox.id, facts.key, facts.messageId, facts.hash, source.uid, outcome.status, 'reason' in outcome ? outcome.reason : null, 'ticketId' in outcome ? (outcome.ticketId ?? null) : null, madeTicket ? null : id, facts.sender, facts.subject, source.size],
      'inbound-record',
    );
    if (!rows.length) throw new TakenMeanwhile();
  }

  /** What `work` returns; a duplicate when it found the message recorded by another transaction. */
  private async recorded(work: () => Promise<IntakeOutcome>): Promise<IntakeOutcome> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof TakenMeanwhile) return { status: 'duplicate' };
      throw error;
    }
  }

  private async decide(mailbox: MailboxRow, parsed: ParsedMessage, verdict: Verdict, sender: string | null, original: OriginalMessage, recordId: string): Promise<IntakeOutcome> {
    const refuse = async (status: 'ignored' | 'rejected', reason: string): Promise<IntakeOutcome> => {
      await this.files.keepOriginal(original, recordId);
      return { status, reason };
    };
    if (verdict.kind === 'bounce') return this.bounce(parsed, original, recordId);
    if (verdict.kind !== 'person') return refuse('ignored', verdict.reason);
    if (!sender) return refuse('rejected', 'no_sender');
    const standing = await this.senders.standing(sender);
    if (standing === 'deny') return refuse('rejected', 'denied');
    if (standing === 'limited') return refuse('rejected', 'rate_limited');
    const author = await this.senders.author(mailbox, parsed, sender);
    if (!author) return refuse('rejected', 'unknown_sender');
    const actor: Actor = { ...toActor(author), roles: ['requester'], isAdmin: false };
    const html = shortened((parsed.html ? htmlBody(parsed.html) : textBody(parsed.text)).html);
    const sent = await this.files.uploads(parsed, original);
    const thread = await this.thread(parsed, author.id);
    const ticket = thread ? await this.tickets.ticketById(thread) : null;
    if (ticket) {
      const reply = await this.hooks.applyFilters('email.inbound.reply_data', { html }, { mailboxId: mailbox.id, sender, ticketId: ticket.id });
      // The body is safe HTML already; only what a plugin made of it is cleaned again.
      await this.tickets.addMessage(ticket, actor, { kind: 'reply', html: reply.html === html ? html : cleanHtml(reply.html), quiet: verdict.quiet }, 'mail', sent);
      this.files.taken(original, sent);
      await this.senders.watchCopies(mailbox, parsed, ticket.id, author, verdict.quiet);
      return { status: 'reply', ticketId: ticket.id, ref: ticket.ref };
    }
    const plainSubject = decodeStrayJis(parsed.subject).replace(/\p{Cc}/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_SUBJECT) || `(${sender})`;
    const data = await this.hooks.applyFilters('email.inbound.ticket_data', { subject: plainSubject, html }, { mailboxId: mailbox.id, sender });
    const created = await this.tickets.register(
      actor,
      { type: 'incident', subject: String(data.subject).slice(0, MAX_SUBJECT) || plainSubject, descriptionHtml: data.html, channel: 'email', ...(mailbox.defaultServiceId ? { service: mailbox.defaultServiceId } : {}) },
      'mail',
      sent,
      { id: mailbox.id, address: mailbox.address, defaultGroupId: mailbox.defaultGroupId, quiet: verdict.quiet, requester: author, descriptionClean: data.html === html },
    );
    this.files.taken(original, sent);
    await this.senders.watchCopies(mailbox, parsed, created.id, author, verdict.quiet);
    return { status: 'ticket', ticketId: created.id, ref: created.ref };
  }

  /**
   * The ticket a reply belongs to: our own signed Message-ID in In-Reply-To / References (proof
   * the sender had our mail), then the number in the subject when the sender is the requester or
   * a watcher (a guessed number adds nothing to someone else's ticket), then References to an
   * earlier inbound message of a ticket.
   */
  private async thread(parsed: ParsedMessage, authorId: string): Promise<string | null> {
    const referenced = referencedIds(parsed.inReplyTo, parsed.references);
    const ours = referenced.map((id) => verifiedMessageId(id, this.config.secretKey.value)).filter((id): id is string => id !== null);
    if (ours.length) {
      const [row] = await this.uow.manager().query(`SELECT substring(about FROM 8)::uuid AS id FROM mail_outbox WHERE id = ANY ($1::uuid[]) AND about LIKE 'ticket:%' LIMIT 1`, [ours]);
      if (row) return (row as { id: string }).id;
    }
    const numbered = subjectTicket(parsed.subject);
    if (numbered) {
      const [row] = await this.uow.manager().query(
        `SELECT t.id FROM tickets t WHERE t.type = $1 AND t.number = $2 AND t.deleted_at IS NULL
            AND (t.requester_id = $3 OR EXISTS (SELECT 1 FROM ticket_watchers w WHERE w.ticket_id = t.id AND w.user_id = $3))`,
        [numbered.type, numbered.number, authorId],
      );
      if (row) return (row as { id: string }).id;
    }
    if (referenced.length) {
      const [row] = await this.uow.manager().query(`SELECT ticket_id AS id FROM inbound_messages WHERE message_id = ANY ($1::text[]) AND ticket_id IS NOT NULL LIMIT 1`, [referenced]);
      if (row) return (row as { id: string }).id;
    }
    return null;
  }

  /**
   * A delivery report about mail we sent: it goes into the history of the ticket the bounced
   * message was about (found by our signed Message-ID quoted in the report), the message is marked
   * failed in that ticket's delivery log, and the address is flagged on its person.
   */
  private async bounce(parsed: ParsedMessage, original: OriginalMessage, recordId: string): Promise<IntakeOutcome> {
    const report = (await original.head(HEAD_BYTES)).toString('latin1');
    await this.files.keepOriginal(original, recordId);
    const quoted = report.match(/<[A-Za-z0-9-]+\.[A-Za-z0-9_-]+@[^<>\s]+>/g) ?? [];
    const outboxIds = [...new Set(quoted)].map((id) => verifiedMessageId(id, this.config.secretKey.value)).filter((id): id is string => id !== null);
    const recipient = /^Final-Recipient:\s*(?:rfc822;)?\s*(\S+)/im.exec(report)?.[1]?.toLowerCase() ?? null;
    const diagnostic = /^Diagnostic-Code:\s*(.+)$/im.exec(report)?.[1]?.trim().slice(0, 500) ?? 'bounced';
    const [sent] = outboxIds.length
      ? ((await this.uow.manager().query(
          `WITH failed AS (UPDATE mail_outbox SET status = 'failed', last_error = $2 WHERE id = ANY ($1::uuid[]) RETURNING about, recipients)
           SELECT about, recipients FROM failed LIMIT 1`,
          [outboxIds, `bounced: ${diagnostic}`],
        )) as Array<{ about: string | null; recipients: string[] }>)
      : [];
    const address = recipient ?? sent?.recipients[0]?.toLowerCase() ?? null;
    if (address) await this.uow.manager().query(`WITH flagged AS (UPDATE users SET email_bounced_at = now() WHERE lower(email) = $1 RETURNING 1) SELECT 1 FROM flagged`, [address]);
    const ticketId = sent?.about?.startsWith('ticket:') ? sent.about.slice('ticket:'.length) : null;
    if (!ticketId) return { status: 'ignored', reason: 'bounce' };
    await this.uow.manager().query(`INSERT INTO ticket_events (ticket_id, actor_id, source, kind, changes) VALUES ($1, NULL, 'mail', 'mail_bounced', $2)`, [ticketId, { recipient: address, diagnostic, subject: parsed.subject }]);
    return { status: 'ignored', reason: 'bounce', ticketId };
  }

  /**
   * Too big to take: quarantined with what was read of it (its headers), and — unless a machine
   * sent it — a polite answer saying so, from the mailbox it was sent to.
   */
  private async tooLarge(mailbox: MailboxRow, original: OriginalMessage, source: InboundSource): Promise<IntakeOutcome> {
    const head = await original.head(HEAD_BYTES);
    const parsed = await simpleParser(head, { skipTextToHtml: true, skipImageLinks: true }).catch(() => null);
    const sender = normalizeAddress(parsed?.from?.value[0]?.address ?? '')?.toLowerCase() ?? null;
    const headers = parsed ? headerMap(parsed.headers) : new Map<string, string>();
    const verdict = loopVerdict({ headers, from: sender, ownAddresses: await this.senders.ownAddresses(), contentType: headers.get('content-type') ?? '' });
    const hash = sha256(head);
    return this.quarantine(mailbox, original, source, { key: `raw:${hash}`, hash, messageId: parsed?.messageId ?? null, sender, subject: parsed?.subject ?? null }, 'too_large', async () => {
      if (!sender || verdict.kind !== 'person' || verdict.quiet) return;
      const person = (await this.users.findByEmail(sender)).find((user) => user.active);
      await this.outbox.enqueue({
        kind: 'mail_too_large',
        to: [sender],
        template: 'mail-too-large',
        lang: person?.locale ?? 'en',
        from: { address: mailbox.address, name: mailbox.name },
        vars: { name: person?.displayName ?? sender, subject: parsed?.subject ?? '', size: Math.ceil(source.size / (1024 * 1024)), max: mailbox.maxMessageMb },
        ...(parsed?.messageId ? { headers: { 'In-Reply-To': parsed.messageId, References: parsed.messageId } } : {}),
      });
    });
  }

  private async quarantine(mailbox: MailboxRow, original: OriginalMessage, source: InboundSource, facts: Identity, reason: string, alsoInTransaction: () => Promise<void> = async () => undefined): Promise<IntakeOutcome> {
    const recordId = randomUUID();
    const outcome = await this.recorded(() =>
      this.uow.transaction(async () => {
        await this.files.keepOriginal(original, recordId);
        await alsoInTransaction();
        const quarantined = { status: 'quarantined', reason } as const;
        await this.record(mailbox, source, facts, recordId, quarantined);
        return quarantined;
      }),
    );
    if (outcome.status === 'quarantined') this.hooks.doAction('email.inbound.quarantined', { mailboxId: mailbox.id, reason });
    return outcome;
  }
}

/**
 * A body within what a ticket message holds: a longer one is cut (tags the cut leaves open are
 * closed by the sanitizer) with a note that the whole message is the attached original.
 */
function shortened(html: string): string {
  if (html.length <= MAX_BODY) return html;
  return `${cleanHtml(html.slice(0, MAX_BODY - 200))}<p>[…] (original-message.eml)</p>`;
}

/** Another transaction recorded the message first: nothing of this one may be kept. */
class TakenMeanwhile extends Error {
  constructor() {
    super('the message was recorded by another transaction meanwhile');
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
