import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { ConfigService } from '../config/config.service';

export interface OutgoingMessage {
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  messageId: string;
  headers: Record<string, string>;
  /** The message's own sender; the configured `mail.from` when absent. */
  from?: { address: string; name: string | null } | null;
}

/**
 * SMTP through nodemailer, configured from `mail.*`. Without a host nothing is sent and the outbox
 * keeps the mail. Short time-outs: a server that does not answer should cost a retry, not block
 * the worker for minutes.
 */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  private readonly transporter: Transporter | null;
  readonly from: string;

  constructor(config: ConfigService) {
    this.from = config.get('mail.from');
    const host = config.get('mail.smtp_host');
    const user = config.get('mail.smtp_user');
    this.transporter = host
      ? nodemailer.createTransport({
          host,
          port: config.get('mail.smtp_port'),
          secure: config.get('mail.smtp_secure'),
          requireTLS: config.get('mail.smtp_require_tls'),
          ...(user ? { auth: { user, pass: config.get('mail.smtp_password') ?? '' } } : {}),
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        })
      : null;
  }

  get configured(): boolean {
    return this.transporter !== null;
  }

  async send(message: OutgoingMessage): Promise<void> {
    if (!this.transporter) throw new Error('no SMTP server is configured (MAIL__SMTP_HOST)');
    await this.transporter.sendMail({
      // Nodemailer encodes a non-ASCII display name (RFC 2047); the outbox refused line breaks.
      from: message.from ? { address: message.from.address, name: message.from.name ?? '' } : this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
      messageId: message.messageId,
      headers: message.headers,
    });
  }

  onModuleDestroy(): void {
    this.transporter?.close();
  }
}
