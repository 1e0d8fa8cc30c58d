import { parseTicketRef, type TicketType } from '../tickets/ticket-types';

/*
 * How an inbound message finds its ticket, strongest evidence first: one of our own signed
 * Message-IDs in In-Reply-To or References (the sender had our mail; the signature proves the id
 * is ours), then the ticket number in the subject ([INC-42]), then References to an earlier
 * inbound message of a ticket. Pure: the service looks the candidates up.
 */

/** Message-IDs in a header value (`<a@b> <c@d>`), each with its angle brackets, in order, once. */
export function messageIds(value: string | undefined): string[] {
  const found = (value ?? '').match(/<[^<>\s]{1,500}>/g) ?? [];
  return [...new Set(found)];
}

/** The ids a reply points at: In-Reply-To first, then References newest first. */
export function referencedIds(inReplyTo: string | undefined, references: string | undefined): string[] {
  return [...new Set([...messageIds(inReplyTo), ...messageIds(references).reverse()])].slice(0, 50);
}

/** A ticket number in a subject (`Re: [INC-42] Printer`), or null. */
export function subjectTicket(subject: string): { type: TicketType; number: number; ref: string } | null {
  const match = /\[((?:INC|REQ|INF|DOC)-\d{1,12})\]/i.exec(subject);
  if (!match) return null;
  const parsed = parseTicketRef(match[1]!.toUpperCase());
  return parsed ? { ...parsed, ref: match[1]!.toUpperCase() } : null;
}
