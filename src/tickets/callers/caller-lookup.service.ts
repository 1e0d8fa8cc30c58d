import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { callerQuery } from './caller-query';

export interface Caller {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  organisation: string | null;
  recent: Array<{ ref: string; subject: string; status: string; updatedAt: Date }>;
}

const LIMIT = 10;
const RECENT = 5;
const REF_SQL = `CASE t.type WHEN 'incident' THEN 'INC' WHEN 'service_request' THEN 'REQ' WHEN 'information_request' THEN 'INF' ELSE 'DOC' END || '-' || t.number`;

/**
 * Phone and walk-in registration: finds the person on the line by phone, name, login or e-mail
 * (each an index search) and shows their latest requests, so the agent can add to one instead of
 * registering a duplicate. Staff only; staff may register for anyone, so anyone may be found.
 */
@Injectable()
export class CallerLookupService {
  constructor(private readonly uow: UnitOfWork) {}

  async find(typed: string): Promise<Caller[]> {
    const query = callerQuery(typed);
    if (!query) return [];
    const match = query.reversedDigits
      ? `u.phone IS NOT NULL AND reverse(regexp_replace(u.phone, '[^0-9]', '', 'g')) LIKE $1`
      : `(lower(u.username) LIKE $1 OR lower(u.display_name) LIKE $1 OR lower(u.email) LIKE $1)`;
    return this.uow.manager().query(
      `SELECT u.id, u.username, u.display_name AS "displayName", u.email, u.phone, o.name AS organisation,
              coalesce((SELECT json_agg(json_build_object('ref', r.ref, 'subject', r.subject, 'status', r.status, 'updatedAt', r.updated_at))
                          FROM (SELECT ${REF_SQL} AS ref, t.subject, t.status, t.updated_at FROM tickets t
                                 WHERE t.requester_id = u.id AND t.deleted_at IS NULL ORDER BY t.updated_at DESC, t.id DESC LIMIT ${RECENT}) r), '[]') AS recent
         FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id
        WHERE u.active AND ${match}
        ORDER BY lower(u.display_name), u.id LIMIT ${LIMIT}`,
      [query.reversedDigits ? `${query.reversedDigits}%` : query.prefix],
    );
  }
}
