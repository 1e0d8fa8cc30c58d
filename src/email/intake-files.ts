import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '../kernel/config/config.service';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { incomingDirOf, type Upload } from '../kernel/web/multipart';
import { AttachmentStore, readHead } from '../tickets/attachments/attachment-store';
import type { SentFiles } from '../tickets/attachments/attachment.service';
import { parseToFiles, type ParsedMessage } from './parse-to-files';
import { isTnef, tnefFiles } from './tnef';

/** A winmail.dat is read whole to list its files; anything bigger than this is left as it is. */
const MAX_TNEF_BYTES = 50 * 1024 * 1024;

/**
 * The files of inbound mail, all on disk in the attachment store's incoming folder: the original
 * message (written once, then renamed into place as the ticket's `original-message.eml` or the
 * log's original), and its attachments as the streaming parser wrote them. Whatever no ticket
 * claimed is removed when the message is done.
 */
@Injectable()
export class IntakeFiles {
  private readonly incoming: string;

  constructor(
    private readonly store: AttachmentStore,
    private readonly uow: UnitOfWork,
    config: ConfigService,
  ) {
    this.incoming = incomingDirOf(config.dataDir);
  }

  /** A message that arrived in memory (small ones), written to a file of its own. */
  async park(content: Buffer): Promise<string> {
    const tempPath = join(this.incoming, `${randomUUID()}.part`);
    await writeFile(tempPath, content);
    return tempPath;
  }

  /** The first bytes of a file (headers, the report part of a bounce). */
  head(path: string, bytes: number): Promise<Buffer> {
    return readHead(path, bytes);
  }

  parse(path: string): Promise<ParsedMessage> {
    return parseToFiles(createReadStream(path), this.incoming);
  }

  /**
   * The uploads a ticket message takes: every attachment (inline images too), the files inside a
   * winmail.dat beside it, and the original message.
   */
  async uploads(parsed: ParsedMessage, original: string): Promise<SentFiles> {
    const uploads: Upload[] = [];
    for (const part of parsed.attachments) {
      if (part.size === 0) continue;
      uploads.push({ field: 'files', fileName: part.filename || `${part.cid ? 'inline' : 'attachment'}-${uploads.length + 1}`, declaredType: part.contentType, size: part.size, sha256: part.sha256, tempPath: part.tempPath, tooLarge: false });
      if (part.size > MAX_TNEF_BYTES || !isTnef(await this.head(part.tempPath, 8))) continue;
      for (const inner of tnefFiles(await readFile(part.tempPath))) uploads.push(await this.upload(inner.name, 'application/octet-stream', inner.content));
    }
    uploads.push({ field: 'files', fileName: 'original-message.eml', declaredType: 'message/rfc822', size: await this.size(original), sha256: await fileSha256(original), tempPath: original, tooLarge: false });
    return { uploads };
  }

  /** Keeps the original of a message that made no ticket, for the administrators' log. */
  async keepOriginal(path: string, inboundId: string): Promise<void> {
    await this.store.claim(path, inboundId);
    await this.uow.manager().query(`WITH kept AS (UPDATE inbound_messages SET raw_file_id = $1 WHERE id = $1 RETURNING 1) SELECT 1 FROM kept`, [inboundId]);
  }

  /** Removes what is still parked (claimed files were renamed away already). */
  async discard(paths: readonly string[]): Promise<void> {
    await Promise.all(paths.map((path) => unlink(path).catch(() => undefined)));
  }

  private async upload(fileName: string, declaredType: string, content: Buffer): Promise<Upload> {
    const tempPath = await this.park(content);
    return { field: 'files', fileName, declaredType, size: content.length, sha256: createHash('sha256').update(content).digest('hex'), tempPath, tooLarge: false };
  }

  private async size(path: string): Promise<number> {
    return (await stat(path)).size;
  }
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
