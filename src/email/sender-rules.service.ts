import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { DomainError } from '../kernel/web/domain-error';
import { senderPattern, type SenderRule } from './sender-rules';

const MAX_ENTRIES = 2000;

/** The sender allow and stop lists, kept as two lists of addresses and @domains. */
@Injectable()
export class SenderRulesService {
  constructor(private readonly uow: UnitOfWork) {}

  async lists(): Promise<{ allow: string[]; deny: string[] }> {
    const rows: SenderRule[] = await this.uow.manager().query(`SELECT pattern, kind FROM mail_sender_rules ORDER BY pattern`);
    return { allow: rows.filter((row) => row.kind === 'allow').map((row) => row.pattern), deny: rows.filter((row) => row.kind === 'deny').map((row) => row.pattern) };
  }

  /** Replaces both lists from what was typed (one entry a line, or separated by commas or spaces). */
  async save(typed: { allow?: string; deny?: string }): Promise<void> {
    const read = (text: string | undefined, field: 'allow' | 'deny') => {
      const entries = (text ?? '').split(/[\s,;]+/).filter(Boolean);
      if (entries.length > MAX_ENTRIES) throw new DomainError('senders_too_many', 'validation.too_long', 400, { field, count: MAX_ENTRIES });
      return entries.map((entry) => {
        const pattern = senderPattern(entry);
        if (!pattern) throw new DomainError('sender_invalid', 'mailboxes.errors.sender', 400, { field, entry: entry.slice(0, 100) });
        return pattern;
      });
    };
    const deny = new Set(read(typed.deny, 'deny'));
    const allow = [...new Set(read(typed.allow, 'allow'))].filter((pattern) => !deny.has(pattern));
    await this.uow.transaction(async () => {
      await this.uow.manager().query(`DELETE FROM mail_sender_rules`);
      const rows = [...allow.map((pattern) => ({ pattern, kind: 'allow' })), ...[...deny].map((pattern) => ({ pattern, kind: 'deny' }))];
      if (rows.length) await this.uow.manager().query(`INSERT INTO mail_sender_rules (pattern, kind) SELECT * FROM unnest($1::text[], $2::text[])`, [rows.map((row) => row.pattern), rows.map((row) => row.kind)]);
    });
  }
}
