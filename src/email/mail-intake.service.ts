import { createHash, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { simpleParser, type ParsedMail } from 'mailparser';
import { ConfigService } from '../kernel/config/config.service';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { HookBus } from '../kernel/hooks/hook-bus';
import { verifiedMessageId } from '../kernel/mail/message-id';
import { normalizeAddress } from '../kernel/mail/recipients';
import type { Actor } from '../kernel/security/actor';
import { incomingDirOf, type Upload } from '../kernel/web/multipart';
import { toActor, UserRepository } from '../identity/user.repository';
import type { User } from '../identity/user.entity';
import { AttachmentStore } from '../tickets/attachments/attachment-store';
import type { SentFiles } from '../tickets/attachments/attachment.service';
import { cleanHtml } from '../tickets/ticket-html';
import { OutboxService } from '../kernel/mail/outbox.service';
import { decodeStrayJis, htmlBody, textBody } from './message-text';
import { senderStanding, type SenderRule } from './sender-rules';
import { isTnef, tnefFiles } from './tnef';
import { RecentValues } from '../tickets/recent-values';
import { TicketService } from '../tickets/ticket.service';
import { loopVerdict, type Verdict } from './loop-guard';
import type { MailboxRow } from './mailbox.repository';
import { MailboxRepository } from './mailbox.repository';
import { referencedIds, subjectTicket } from './threading';

/** What became of one message. */
export type IntakeOutcome =
  | { status: 'ticket' | 'reply'; ticketId: string; ref: string }
  | { status: 'ignored' | 'rejected' | 'quarantined'; reason: string; ticketId?: string }
  | { status: 'duplicate' };

/** Messages from one sender an hour before the rest of the hour's are refused (a loop or a flood). */
const SENDER_LIMIT_PER_HOUR = 30;
const MAX_SUBJECT = 250;

interface Recorded {
  id: string;
}

/**
 * Turns one raw message from a mailbox into exactly one ticket or reply, or into a row saying why
 * not. The record of the message (unique per mailbox and Message-ID, or per content when the id
 * is missing or reused) is written in the same transaction as the ticket or reply, so a message
 * fetched twice — after a crash before it was flagged, or by two nodes at once — is taken once.
 * The sender's From address finds or makes the requester, but authorship never goes beyond that:
 * mail always acts with a requester's rights, whoever's address it carries. Every message keeps
 * its original .eml.
 */
@Injectable()
export class MailIntakeService {
  private readonly log = new Logger('MailIntake');
  private readonly incoming: string;
  private readonly recent = new RecentValues<SenderRule[] | Set<string>>(5000, 10);

  constructor(
    private readonly mailboxes: MailboxRepository,
    private readonly users: UserRepository,
    private readonly tickets: TicketService,
    private readonly store: AttachmentStore,
    private readonly hooks: HookBus,
    private readonly uow: UnitOfWork,
    private readonly config: ConfigService,
    private readonly outbox: OutboxService,
  ) {
    this.incoming = incomingDirOf(config.dataDir);
  }

  /** Takes one message; `size` is its real size when only its head was fetched (it is over the limit). */
  async take(mailbox: MailboxRow, raw: Buffer, uid: number | null, size = raw.length): Promise<IntakeOutcome> {
    const contentHashOfRaw = sha256(raw);
    if (size > mailbox.maxMessageMb * 1024 * 1024) return this.tooLarge(mailbox, raw, uid, size, contentHashOfRaw);
    let parsed: ParsedMail;
    try {
      parsed = await simpleParser(raw, { skipTextToHtml: true, skipImageLinks: true });
    } catch (error) {
      this.log.warn(`unreadable message in ${mailbox.name}: ${(error as Error).message}`);
      return this.quarantine(mailbox, raw, uid, { key: `raw:${contentHashOfRaw}`, hash: contentHashOfRaw, messageId: null, sender: null, subject: null }, 'unparseable');
    }
    const identity = await this.identity(mailbox, parsed);
    if (!identity) return { status: 'duplicate' };
    const headers = headerMap(parsed);
    const sender = normalizeAddress(parsed.from?.value[0]?.address ?? '')?.toLowerCase() ?? null;
    const accepted = await this.hooks.applyFilters('email.inbound.accept', { accept: true, reason: '' }, { mailboxId: mailbox.id, sender, subject: parsed.subject ?? '', headers: Object.fromEntries(headers) });
    const verdict: Verdict = accepted.accept
      ? loopVerdict({ headers, from: sender, ownAddresses: await this.ownAddresses(), contentType: headers.get('content-type') ?? '' })
      : { kind: 'loop', reason: `plugin:${String(accepted.reason).slice(0, 100)}` };
    const facts = { ...identity, sender, subject: (parsed.subject ?? '').slice(0, 1000) };
    const outcome = await this.uow.transaction(async () => {
      const recorded = await this.record(mailbox, uid, facts, raw.length);
      if (!recorded) return { status: 'duplicate' } as const;
      const result = await this.decide(mailbox, parsed, verdict, facts, raw, recorded);
      await this.uow.manager().query(
        `WITH done AS (UPDATE inbound_messages SET status = $2, reason = $3, ticket_id = $4 WHERE id = $1 RETURNING 1) SELECT 1 FROM done`,
        [recorded.id, result.status, 'reason' in result ? result.reason : null, 'ticketId' in result ? result.ticketId : null],
      );
      return result;
    });
    if (outcome.status === 'ticket' || outcome.status === 'reply') this.hooks.doAction('email.inbound.received', { mailboxId: mailbox.id, ticketId: outcome.ticketId, ref: outcome.ref, kind: outcome.status });
    else if (outcome.status === 'ignored' || outcome.status === 'rejected') this.hooks.doAction('email.inbound.rejected', { mailboxId: mailbox.id, sender, reason: outcome.reason });
    return outcome;
  }

  /**
   * The message's key for the exactly-once record: its Message-ID, unless that id was already
   * taken by a different message (broken mailers reuse ids), then the id with the content's hash;
   * the content's hash when there is no id. Null when this very message was taken already.
   */
  private async identity(mailbox: MailboxRow, parsed: ParsedMail): Promise<{ key: string; hash: string; messageId: string | null } | null> {
    const messageId = parsed.messageId && /^<[^<>\s]{1,900}>$/.test(parsed.messageId) ? parsed.messageId : null;
    // The content, not the raw bytes: the same message delivered twice differs in its Received lines.
    const hash = sha256(Buffer.from([parsed.from?.text ?? '', parsed.date?.toISOString() ?? '', parsed.subject ?? '', parsed.text ?? '', parsed.html || '', ...parsed.attachments.map((file) => file.checksum)].join('\u0000')));
    if (!messageId) return (await this.known(mailbox.id, `hash:${hash}`)) ? null : { key: `hash:${hash}`, hash, messageId: null };
    const existing = await this.known(mailbox.id, `mid:${messageId}`);
    if (!existing) return { key: `mid:${messageId}`, hash, messageId };
    if (existing.contentHash === hash) return null;
    return (await this.known(mailbox.id, `mid:${messageId}#${hash}`)) ? null : { key: `mid:${messageId}#${hash}`, hash, messageId };
  }

  private async known(mailboxId: string, key: string): Promise<{ contentHash: string } | null> {
    const [row] = await this.uow.manager().query(`SELECT content_hash AS "contentHash" FROM inbound_messages WHERE mailbox_id = $1 AND dedupe_key = $2`, [mailboxId, key]);
    return (row as { contentHash: string } | undefined) ?? null;
  }

  /** The record that makes the message taken; null when another transaction took it first. */
  private async record(mailbox: MailboxRow, uid: number | null, facts: { key: string; hash: string; messageId: string | null; sender: string | null; subject: string | null }, size: number): Promise<Recorded | null> {
    const rows: Recorded[] = await this.uow.manager().query(
      `INSERT INTO inbound_messages (mailbox_id, dedupe_key, message_id, content_hash, uid, status, sender, subject, size_bytes)
       VALUES ($1, $2, $3, $4, $5, 'ignored', $6, $7, $8) ON CONFLICT (mailbox_id, dedupe_key) DO NOTHING RETURNING id`,
      [mailbox.id, facts.key, facts.messageId, facts.hash, uid, facts.sender, facts.subject, size],
    );
    return rows[0] ?? null;
  }

  private async decide(mailbox: MailboxRow, parsed: ParsedMail, verdict: Verdict, facts: { sender: string | null; messageId: string | null }, raw: Buffer, recorded: Recorded): Promise<IntakeOutcome> {
    if (verdict.kind === 'bounce') return this.bounce(parsed, raw, recorded);
    if (verdict.kind !== 'person') {
      await this.keepRaw(raw, recorded.id);
      return { status: 'ignored', reason: verdict.reason };
    }
    if (!facts.sender) {
      await this.keepRaw(raw, recorded.id);
      return { status: 'rejected', reason: 'no_sender' };
    }
    const standing = senderStanding(await this.senderRules(), facts.sender);
    if (standing === 'deny') {
      await this.keepRaw(raw, recorded.id);
      return { status: 'rejected', reason: 'denied' };
    }
    if (standing !== 'allow' && (await this.overLimit(facts.sender))) {
      await this.keepRaw(raw, recorded.id);
      return { status: 'rejected', reason: 'rate_limited' };
    }
    const author = await this.author(mailbox, parsed, facts.sender);
    if (!author) {
      await this.keepRaw(raw, recorded.id);
      return { status: 'rejected', reason: 'unknown_sender' };
    }
    const actor: Actor = { ...toActor(author), roles: ['requester'], isAdmin: false };
    const html = (parsed.html ? htmlBody(parsed.html) : textBody(parsed.text ?? '')).html;
    const sent = await this.files(parsed, raw);
    const thread = await this.thread(parsed, author.id);
    if (thread) {
      const ticket = await this.tickets.ticketById(thread);
      if (ticket) {
        const reply = await this.hooks.applyFilters('email.inbound.reply_data', { html }, { mailboxId: mailbox.id, sender: facts.sender, ticketId: ticket.id });
        await this.tickets.addMessage(ticket, actor, { kind: 'reply', html: cleanHtml(reply.html), quiet: verdict.quiet }, 'mail', sent);
        await this.watchCopies(parsed, ticket.id, author.id);
        return { status: 'reply', ticketId: ticket.id, ref: ticket.ref };
      }
    }
    const plainSubject = decodeStrayJis(parsed.subject ?? '').replace(/\p{Cc}/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_SUBJECT) || `(${facts.sender})`;
    const data = await this.hooks.applyFilters('email.inbound.ticket_data', { subject: plainSubject, html }, { mailboxId: mailbox.id, sender: facts.sender });
    const ref = await this.tickets.create(
      actor,
      { type: 'incident', subject: String(data.subject).slice(0, MAX_SUBJECT) || plainSubject, descriptionHtml: data.html, channel: 'email', ...(mailbox.defaultServiceId ? { service: mailbox.defaultServiceId } : {}) },
      'mail',
      sent,
      { id: mailbox.id, address: mailbox.address, defaultGroupId: mailbox.defaultGroupId, quiet: verdict.quiet },
    );
    const created = (await this.tickets.ticketByRef(ref))!;
    await this.watchCopies(parsed, created.id, author.id);
    return { status: 'ticket', ticketId: created.id, ref };
  }

  /**
   * The ticket a reply belongs to: our own signed Message-ID in In-Reply-To / References (proof
   * the sender had our mail), then the number in the subject when the sender is the requester or
   * a watcher (a guessed number adds nothing to someone else's ticket), then References to an
   * earlier inbound message of a ticket.
   */
  private async thread(parsed: ParsedMail, authorId: string): Promise<string | null> {
    const referenced = referencedIds(headerValue(parsed.inReplyTo), headerValue(parsed.references));
    const ours = referenced.map((id) => verifiedMessageId(id, this.config.secretKey.value)).filter((id): id is string => id !== null);
    if (ours.length) {
      const [row] = await this.uow.manager().query(`SELECT substring(about FROM 8)::uuid AS id FROM mail_outbox WHERE id = ANY ($1::uuid[]) AND about LIKE 'ticket:%' LIMIT 1`, [ours]);
      if (row) return (row as { id: string }).id;
    }
    const numbered = subjectTicket(parsed.subject ?? '');
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

  /** The person behind the sender's address; a new requester when the mailbox takes strangers. */
  private async author(mailbox: MailboxRow, parsed: ParsedMail, address: string): Promise<User | null> {
    const known = (await this.users.findByEmail(address)).find((user) => user.active) ?? null;
    if (known || (await this.users.findByEmail(address)).length) return known;
    if (mailbox.unknownSenders !== 'create' || (await this.users.findByUsername(address))) return null;
    const [organisation] = await this.uow.manager().query(`SELECT id FROM organisations WHERE active AND email_domains @> ARRAY[$1]::text[] LIMIT 1`, [address.split('@')[1]]);
    const name = (parsed.from?.value[0]?.name ?? '').replace(/\p{Cc}/gu, ' ').trim().slice(0, 200);
    return this.users.create({ username: address, displayName: name || address, email: address, roles: ['requester'], organisationId: (organisation as { id: string } | undefined)?.id ?? null });
  }

  /** People in Cc who have accounts follow the ticket as watchers. */
  private async watchCopies(parsed: ParsedMail, ticketId: string, authorId: string): Promise<void> {
    const copies = (Array.isArray(parsed.cc) ? parsed.cc : parsed.cc ? [parsed.cc] : []).flatMap((list) => list.value.map((entry) => normalizeAddress(entry.address ?? '')?.toLowerCase())).filter((address): address is string => !!address);
    if (!copies.length) return;
    await this.uow.manager().query(
      `INSERT INTO ticket_watchers (ticket_id, user_id)
       SELECT $1, u.id FROM users u WHERE lower(u.email) = ANY ($2::text[]) AND u.active AND u.id <> $3
       ON CONFLICT DO NOTHING`,
      [ticketId, copies.slice(0, 50), authorId],
    );
  }

  private async overLimit(sender: string): Promise<boolean> {
    const [row] = await this.uow.manager().query(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM inbound_messages WHERE sender = $1 AND received_at > now() - interval '1 hour' LIMIT $2) recent`,
      [sender, SENDER_LIMIT_PER_HOUR + 1],
    );
    return (row as { n: number }).n > SENDER_LIMIT_PER_HOUR;
  }

  /** The message's files (inline images too) and its original .eml, parked as uploads for the ticket. */
  private async files(parsed: ParsedMail, raw: Buffer): Promise<SentFiles> {
    const park = async (fileName: string, declaredType: string, content: Buffer): Promise<Upload> => {
      const tempPath = join(this.incoming, `${randomUUID()}.part`);
      await writeFile(tempPath, content);
      return { field: 'files', fileName, declaredType, size: content.length, sha256: sha256(content), tempPath, tooLarge: false };
    };
    const uploads: Upload[] = [];
    for (const file of parsed.attachments) {
      if (file.content.length === 0) continue;
      uploads.push(await park(file.filename || `${file.cid ? 'inline' : 'attachment'}-${uploads.length + 1}`, file.contentType || 'application/octet-stream', file.content));
      // Outlook's winmail.dat: its files are listed beside it, each as a file of its own.
      if (isTnef(file.content)) for (const inner of tnefFiles(file.content)) uploads.push(await park(inner.name, 'application/octet-stream', inner.content));
    }
    uploads.push(await park('original-message.eml', 'message/rfc822', raw));
    return { uploads };
  }

  /** The sender lists, reread every few seconds (a poll takes many messages in a row). */
  private senderRules(): Promise<SenderRule[]> {
    return this.recent.get('sender-rules', () => this.uow.manager().query(`SELECT pattern, kind FROM mail_sender_rules`)) as Promise<SenderRule[]>;
  }

  private ownAddresses(): Promise<Set<string>> {
    return this.recent.get('own-addresses', () => this.mailboxes.addresses()) as Promise<Set<string>>;
  }

  /**
   * A delivery report about mail we sent: it goes into the history of the ticket the bounced
   * message was about (found by our signed Message-ID quoted in the report), the message is marked
   * failed in that ticket's delivery log, and the address is flagged on its person.
   */
  private async bounce(parsed: ParsedMail, raw: Buffer, recorded: Recorded): Promise<IntakeOutcome> {
    await this.keepRaw(raw, recorded.id);
    const quoted = raw.toString('latin1').match(/<[A-Za-z0-9-]+\.[A-Za-z0-9_-]+@[^<>\s]+>/g) ?? [];
    const outboxIds = [...new Set(quoted)].map((id) => verifiedMessageId(id, this.config.secretKey.value)).filter((id): id is string => id !== null);
    const recipient = /^Final-Recipient:\s*(?:rfc822;)?\s*(\S+)/im.exec(raw.toString('latin1'))?.[1]?.toLowerCase() ?? null;
    const diagnostic = /^Diagnostic-Code:\s*(.+)$/im.exec(raw.toString('latin1'))?.[1]?.trim().slice(0, 500) ?? 'bounced';
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
    await this.uow.manager().query(`INSERT INTO ticket_events (ticket_id, actor_id, source, kind, changes) VALUES ($1, NULL, 'mail', 'mail_bounced', $2)`, [ticketId, { recipient: address, diagnostic, subject: parsed.subject ?? '' }]);
    return { status: 'ignored', reason: 'bounce', ticketId };
  }

  /**
   * Too big to take: quarantined with what was read of it (its headers), and — unless a machine
   * sent it — a polite answer saying so, from the mailbox it was sent to.
   */
  private async tooLarge(mailbox: MailboxRow, head: Buffer, uid: number | null, size: number, hash: string): Promise<IntakeOutcome> {
    const parsed = await simpleParser(head, { skipTextToHtml: true }).catch(() => null);
    const sender = normalizeAddress(parsed?.from?.value[0]?.address ?? '')?.toLowerCase() ?? null;
    const headers = parsed ? headerMap(parsed) : new Map<string, string>();
    const verdict = loopVerdict({ headers, from: sender, ownAddresses: await this.ownAddresses(), contentType: headers.get('content-type') ?? '' });
    const outcome = await this.quarantine(mailbox, head, uid, { key: `raw:${hash}`, hash, messageId: parsed?.messageId ?? null, sender, subject: parsed?.subject ?? null }, 'too_large', size, async () => {
      if (!sender || verdict.kind !== 'person' || verdict.quiet) return;
      const person = (await this.users.findByEmail(sender)).find((user) => user.active);
      await this.outbox.enqueue({
        kind: 'mail_too_large',
        to: [sender],
        template: 'mail-too-large',
        lang: person?.locale ?? 'en',
        from: { address: mailbox.address, name: mailbox.name },
        vars: { name: person?.displayName ?? sender, subject: parsed?.subject ?? '', size: Math.ceil(size / (1024 * 1024)), max: mailbox.maxMessageMb },
        ...(parsed?.messageId ? { headers: { 'In-Reply-To': parsed.messageId, References: parsed.messageId } } : {}),
      });
    });
    return outcome;
  }

  /** Keeps the original of a message that made no ticket, for the administrators' log. */
  private async keepRaw(raw: Buffer, id: string): Promise<void> {
    const tempPath = join(this.incoming, `${randomUUID()}.part`);
    await writeFile(tempPath, raw);
    await this.store.claim(tempPath, id);
    await this.uow.manager().query(`WITH kept AS (UPDATE inbound_messages SET raw_file_id = $1 WHERE id = $1 RETURNING 1) SELECT 1 FROM kept`, [id]);
  }

  private async quarantine(
    mailbox: MailboxRow,
    raw: Buffer,
    uid: number | null,
    facts: { key: string; hash: string; messageId: string | null; sender: string | null; subject: string | null },
    reason: string,
    size = raw.length,
    alsoInTransaction: () => Promise<void> = async () => undefined,
  ): Promise<IntakeOutcome> {
    const outcome = await this.uow.transaction(async () => {
      const recorded = await this.record(mailbox, uid, facts, size);
      if (!recorded) return { status: 'duplicate' } as const;
      await this.keepRaw(raw, recorded.id);
      await alsoInTransaction();
      await this.uow.manager().query(`WITH q AS (UPDATE inbound_messages SET status = 'quarantined', reason = $2 WHERE id = $1 RETURNING 1) SELECT 1 FROM q`, [recorded.id, reason]);
      return { status: 'quarantined', reason } as const;
    });
    if (outcome.status === 'quarantined') this.hooks.doAction('email.inbound.quarantined', { mailboxId: mailbox.id, reason });
    return outcome;
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(' ') : value;
}

/** A header as text again: mailparser hands some back parsed (content type with its parameters, address lists). */
function headerText(value: unknown): string {
  if (value && typeof value === 'object' && 'value' in value) {
    const { value: main, params } = value as { value: unknown; params?: Record<string, string> };
    const text = typeof main === 'string' ? main : Array.isArray(main) ? main.map((entry) => (entry as { address?: string }).address ?? '').join(', ') : String(main);
    return [text, ...Object.entries(params ?? {}).map(([name, param]) => `${name}=${param}`)].join('; ');
  }
  return String(value ?? '');
}

/** Headers by lower-case name as text; mailparser folds the List-* headers into one `list` entry. */
function headerMap(parsed: { headers: Map<string, unknown> }): Map<string, string> {
  const headers = new Map<string, string>();
  for (const [name, value] of parsed.headers) headers.set(name.toLowerCase(), typeof value === 'string' ? value : headerText(value));
  const list = parsed.headers.get('list') as Record<string, unknown> | undefined;
  if (list?.id) headers.set('list-id', JSON.stringify(list.id));
  if (list?.unsubscribe) headers.set('list-unsubscribe', JSON.stringify(list.unsubscribe));
  return headers;
}
