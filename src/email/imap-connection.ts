import { readFileSync } from 'node:fs';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { MailboxRow } from './mailbox.repository';

/**
 * An IMAP client for a mailbox: TLS from the first byte, STARTTLS required (never a silent
 * fall-back to clear text), or plain for a server on the same host; a CA file for a private
 * certificate authority; a password or an OAuth2 access token (XOAUTH2, for Microsoft 365 and
 * Google). Short time-outs: a dead server costs one poll, not the worker.
 */
export function imapClient(mailbox: MailboxRow, secret: string): ImapFlow {
  const options: ImapFlowOptions & { doSTARTTLS?: boolean } = {
    host: mailbox.host,
    port: mailbox.port,
    secure: mailbox.security === 'tls',
    doSTARTTLS: mailbox.security === 'starttls' ? true : mailbox.security === 'none' ? false : undefined,
    auth: mailbox.auth === 'xoauth2' ? { user: mailbox.username, accessToken: secret } : { user: mailbox.username, pass: secret },
    ...(mailbox.caFile ? { tls: { ca: readFileSync(mailbox.caFile, 'utf8') } } : {}),
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
    disableAutoIdle: true,
  };
  return new ImapFlow(options);
}

/** The server's own words when a connection or login fails, for the admin page. */
export function imapErrorText(error: unknown): string {
  const failure = error as { responseText?: string; message?: string; code?: string; authenticationFailed?: boolean };
  const text = failure.responseText || failure.message || String(error);
  return `${failure.authenticationFailed ? 'authentication failed: ' : ''}${text}${failure.code && !text.includes(failure.code) ? ` (${failure.code})` : ''}`.slice(0, 1000);
}
