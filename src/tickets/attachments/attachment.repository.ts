import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';

export interface AttachmentRow {
  id: string;
  messageId: string | null;
  fileName: string;
  declaredType: string;
  sizeBytes: number;
  createdAt: Date;
}

const COLUMNS = `a.id, a.message_id AS "messageId", a.file_name AS "fileName", a.declared_type AS "declaredType", a.size_bytes::float8 AS "sizeBytes", a.created_at AS "createdAt"`;

/** Rows of ticket_attachments. Callers have already checked the ticket is visible to the actor. */
@Injectable()
export class AttachmentRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** Records a file under the id its stored copy is named by (sent without waiting: see UnitOfWork.write). */
  async insert(row: { id: string; ticketId: string; messageId: string | null; fileName: string; declaredType: string; sizeBytes: number; sha256: string; uploadedBy: string }): Promise<void> {
    await this.uow.write(
      `INSERT INTO ticket_attachments (id, ticket_id, message_id, file_name, declared_type, size_bytes, sha256, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [row.id, row.ticketId, row.messageId, row.fileName, row.declaredType, row.sizeBytes, row.sha256, row.uploadedBy],
      'attachment-insert',
    );
  }

  /** A ticket's files in order; those of internal notes only when asked for (staff). */
  list(ticketId: string, withNotes: boolean): Promise<AttachmentRow[]> {
    return this.uow.manager().query(
      `SELECT ${COLUMNS} FROM ticket_attachments a LEFT JOIN ticket_messages m ON m.id = a.message_id
        WHERE a.ticket_id = $1 AND ($2 OR m.kind IS DISTINCT FROM 'note') ORDER BY a.created_at, a.id LIMIT 1000`,
      [ticketId, withNotes],
    );
  }

  /** One file of the ticket, under the same rule as the list. */
  async find(ticketId: string, id: string, withNotes: boolean): Promise<AttachmentRow | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    const [row] = await this.uow.manager().query(
      `SELECT ${COLUMNS} FROM ticket_attachments a LEFT JOIN ticket_messages m ON m.id = a.message_id
        WHERE a.ticket_id = $1 AND a.id = $2 AND ($3 OR m.kind IS DISTINCT FROM 'note')`,
      [ticketId, id, withNotes],
    );
    return (row as AttachmentRow | undefined) ?? null;
  }
}
