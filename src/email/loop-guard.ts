/*
 * What an inbound message is, before anything is done with it: a person writing, or a machine
 * (an out-of-office, a list, a bounce, our own mail coming back). Machines never get an automatic
 * answer and never open tickets on their own, which is what stops two auto-responders from
 * answering each other for ever. Pure: headers in, a verdict out.
 */

export type Verdict =
  /** A person: process it; `quiet` when the sender asked not to be auto-answered. */
  | { kind: 'person'; quiet: boolean }
  /** An automatic reply (out-of-office, auto-responder): kept, never answered, opens nothing. */
  | { kind: 'automatic'; reason: string }
  /** A delivery status notification: attached to the ticket its original belonged to. */
  | { kind: 'bounce' }
  /** Our own mail or a loop marker of ours: dropped into the log, never processed. */
  | { kind: 'loop'; reason: string };

export interface GuardInput {
  /** Header names in lower case; values as received (first occurrence). */
  headers: ReadonlyMap<string, string>;
  /** The sender's address, lower case. */
  from: string | null;
  /** The addresses of every mailbox we fetch from, lower case. */
  ownAddresses: ReadonlySet<string>;
  /** The top-level content type with its parameters (`multipart/report; report-type=…`). */
  contentType: string;
}

const AUTOMATIC_PRECEDENCE = /^\s*(bulk|list|junk|auto_reply)\s*$/i;

export function loopVerdict(input: GuardInput): Verdict {
  const header = (name: string) => input.headers.get(name)?.trim() ?? '';
  if (input.from && input.ownAddresses.has(input.from)) return { kind: 'loop', reason: 'own_address' };
  const loop = header('x-loop').toLowerCase();
  if (loop && [...input.ownAddresses].some((address) => loop.includes(address))) return { kind: 'loop', reason: 'x_loop' };
  if (/^multipart\/report/i.test(input.contentType) && /report-type\s*=\s*"?delivery-status/i.test(input.contentType)) return { kind: 'bounce' };
  const autoSubmitted = header('auto-submitted').toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return { kind: 'automatic', reason: 'auto_submitted' };
  if (AUTOMATIC_PRECEDENCE.test(header('precedence'))) return { kind: 'automatic', reason: 'precedence' };
  if (header('x-autoreply') || header('x-autorespond') || header('x-autoresponder')) return { kind: 'automatic', reason: 'x_autoreply' };
  if (/^(yes|true)$/i.test(header('x-auto-response'))) return { kind: 'automatic', reason: 'x_autoreply' };
  if (header('list-id') || header('list-unsubscribe')) return { kind: 'automatic', reason: 'list' };
  if (/^<>$/.test(header('return-path'))) return { kind: 'automatic', reason: 'null_sender' };
  // "Do not auto-reply to me" (Outlook): a person may still be writing, so process it, quietly.
  const suppress = header('x-auto-response-suppress').toLowerCase();
  const quiet = /(^|,)\s*(all|autoreply|oof)\s*(,|$)/.test(suppress);
  return { kind: 'person', quiet };
}
