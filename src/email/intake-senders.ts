import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { normalizeAddress } from '../kernel/mail/recipients';
import type { User } from '../identity/user.entity';
import { UserRepository } from '../identity/user.repository';
import { RecentValues } from '../tickets/recent-values';
import type { MailboxRow } from './mailbox.repository';
import { MailboxRepository } from './mailbox.repository';
import type { ParsedMessage } from './parse-to-files';
import { senderStanding, type SenderRule } from './sender-rules';

/** Messages from one sender an hour before the rest of the hour's are refused (a loop or a flood). */
const SENDER_LIMIT_PER_HOUR = 30;
/** People in Cc who follow a ticket at most: a longer list is a mailing, not colleagues. */
export const MAX_COPY_WATCHERS = 10;

/**
 * Who an inbound message is from, as far as the desk trusts it: the person its address belongs
 * to (or a new requester, where the mailbox takes strangers), whether the sender is stopped,
 * allowed or over the hourly limit, and which people in Cc follow the ticket.
 */
@Injectable()
export class IntakeSenders {
  private readonly recent = new RecentValues<SenderRule[] | Set<string>>(5000, 10);

  constructor(
    private readonly users: UserRepository,
    private readonly mailboxes: MailboxRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /** Every mailbox address (mail from one is our own coming back), reread every few seconds. */
  ownAddresses(): Promise<Set<string>> {
    return this.recent.get('own-addresses', () => this.mailboxes.addresses()) as Promise<Set<string>>;
  }

  /** 'deny' for a stopped sender, 'limited' for one over the hourly limit, else 'ok'. */
  async standing(sender: string): Promise<'deny' | 'limited' | 'ok'> {
    const rules = (await this.recent.get('sender-rules', () => this.uow.manager().query(`SELECT pattern, kind FROM mail_sender_rules`))) as SenderRule[];
    const listed = senderStanding(rules, sender);
    if (listed === 'deny') return 'deny';
    if (listed === 'allow') return 'ok';
    // The message being taken is recorded once decided: only the sender's earlier ones count.
    const [row] = await this.uow.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM inbound_messages WHERE sender = $1 AND received_at > now() - interval '1 hour' LIMIT $2) recent`,
      [sender, SENDER_LIMIT_PER_HOUR],
      'inbound-sender-recent',
    );
    return row!.n >= SENDER_LIMIT_PER_HOUR ? 'limited' : 'ok';
  }

  /** The person behind the sender's address; a new requester when the mailbox takes strangers. */
  async author(mailbox: MailboxRow, parsed: ParsedMessage, address: string): Promise<User | null> {
    const { byEmail: people, loginTaken } = await this.users.forAddress(address);
    const known = people.find((user) => user.active) ?? null;
    if (known || people.length) return known;
    if (mailbox.unknownSenders !== 'create' || loginTaken) return null;
    return this.register(address, parsed.from?.value[0]?.name ?? '');
  }

  /**
   * People in Cc follow the ticket as watchers (the first ten; our own mailboxes and the author
   * aside). Where the mailbox registers strangers, those without an account get one as requesters,
   * as the sender would — unless the message is bulk or automatic (`quiet`), which names nobody
   * the desk should start writing to.
   */
  async watchCopies(mailbox: MailboxRow, parsed: ParsedMessage, ticketId: string, author: User, quiet: boolean): Promise<void> {
    const own = await this.ownAddresses();
    const names = new Map<string, string>();
    for (const entry of parsed.cc.flatMap((list) => list.value)) {
      const address = normalizeAddress(entry.address ?? '')?.toLowerCase();
      if (address && !own.has(address) && address !== author.email?.toLowerCase() && !names.has(address)) names.set(address, entry.name ?? '');
    }
    const copies = [...names.keys()].slice(0, MAX_COPY_WATCHERS);
    if (!copies.length) return;
    if (mailbox.unknownSenders === 'create' && !quiet) {
      const taken = await this.users.takenAddresses(copies);
      for (const address of copies.filter((candidate) => !taken.has(candidate))) await this.register(address, names.get(address)!);
    }
    await this.uow.write(
      `INSERT INTO ticket_watchers (ticket_id, user_id)
       SELECT $1, u.id FROM users u WHERE lower(u.email) = ANY ($2::text[]) AND u.active AND u.id <> $3
       ON CONFLICT DO NOTHING`,
      [ticketId, copies, author.id],
    );
  }

  /** A new requester for an address nobody has, in the organisation that owns its domain. */
  private async register(address: string, displayName: string): Promise<User> {
    const [organisation] = await this.uow.query(`SELECT id FROM organisations WHERE active AND email_domains @> ARRAY[$1]::text[] LIMIT 1`, [address.split('@')[1]], 'organisation-by-domain');
    const name = displayName.replace(/\p{Cc}/gu, ' ').trim().slice(0, 200);
    return this.users.create({ username: address, displayName: name || address, email: address, roles: ['requester'], organisationId: (organisation as { id: string } | undefined)?.id ?? null });
  }
}
