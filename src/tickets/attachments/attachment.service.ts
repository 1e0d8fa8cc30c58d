import { randomUUID } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { ConfigService } from '../../kernel/config/config.service';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import type { Upload } from '../../kernel/web/multipart';
import { contentDisposition, safeFileName, servedAs } from './attachment-file';
import { AttachmentRepository, type AttachmentRow } from './attachment.repository';
import { AttachmentStore } from './attachment-store';

/** What a request sent along with its form: the parked files and whether some were dropped. */
export interface SentFiles {
  readonly uploads: readonly Upload[];
  readonly overCount?: boolean;
}

/** The files a request carried (the multipart middleware parked them). */
export function sentFilesOf(req: Request): SentFiles {
  return { uploads: req.uploads ?? [], overCount: req.uploadsOverCount === true };
}

export interface Download {
  readonly stream: ReadStream;
  readonly headers: Record<string, string>;
}

/** Sends a download; a client that goes away mid-file just ends the stream. */
export async function sendDownload(res: Response, download: Download): Promise<void> {
  res.set(download.headers);
  await pipeline(download.stream, res).catch(() => undefined);
}

/**
 * Files of tickets: checks what was sent (size, emptiness, count) before anything is stored,
 * records each file in the caller's transaction and moves its bytes into place, and serves a file
 * only as a download (or an inline image whose bytes prove it) with nosniff and a sandbox CSP.
 */
@Injectable()
export class AttachmentService {
  constructor(
    private readonly rows: AttachmentRepository,
    private readonly store: AttachmentStore,
    private readonly config: ConfigService,
  ) {}

  /** What the forms tell people before they choose files. */
  limits(): { mb: number; count: number } {
    return { mb: this.config.get('attachments.max_file_mb'), count: this.config.get('attachments.max_files') };
  }

  /** Refuses the whole submission, beside the file field, when any file cannot be taken. */
  check(sent: SentFiles | undefined): void {
    if (!sent) return;
    const maxFiles = this.config.get('attachments.max_files');
    if (sent.overCount) throw new DomainError('too_many_files', 'tickets.errors.too_many_files', 413, { field: 'files', count: maxFiles });
    for (const upload of sent.uploads) {
      const name = safeFileName(upload.fileName);
      if (upload.tooLarge) throw new DomainError('file_too_large', 'tickets.errors.file_too_large', 413, { field: 'files', name, max: this.config.get('attachments.max_file_mb') });
      if (upload.size === 0) throw new DomainError('file_empty', 'tickets.errors.file_empty', 400, { field: 'files', name });
    }
  }

  /** The names the files will have once attached, in order. */
  names(sent: SentFiles | undefined): string[] {
    return (sent?.uploads ?? []).map((upload) => safeFileName(upload.fileName));
  }

  /** Records the files (in the caller's transaction) and puts them in place; returns their names. */
  async attach(ticketId: string, messageId: string | null, sent: SentFiles | undefined, actorId: string): Promise<string[]> {
    const names = this.names(sent);
    for (const [at, upload] of (sent?.uploads ?? []).entries()) {
      const id = randomUUID();
      await this.rows.insert({ id, ticketId, messageId, fileName: names[at]!, declaredType: upload.declaredType.slice(0, 200), sizeBytes: upload.size, sha256: upload.sha256, uploadedBy: actorId });
      await this.store.keep(upload, id);
    }
    return names;
  }

  list(ticketId: string, withNotes: boolean): Promise<AttachmentRow[]> {
    return this.rows.list(ticketId, withNotes);
  }

  /** A file of a ticket the caller already may see; files of internal notes for staff only. */
  async download(ticketId: string, attachmentId: string, withNotes: boolean): Promise<Download> {
    const row = await this.rows.find(ticketId, attachmentId, withNotes);
    if (!row) throw new NotFoundError();
    const served = servedAs(row.declaredType, await this.store.head(row.id));
    return {
      stream: this.store.stream(row.id),
      headers: {
        'Content-Type': served.contentType,
        'Content-Length': String(row.sizeBytes),
        'Content-Disposition': contentDisposition(row.fileName, served.inline),
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private, max-age=3600',
      },
    };
  }
}
