import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '../kernel/config/config.service';
import { incomingDirOf, type Upload } from '../kernel/web/multipart';
import { AttachmentStore, readHead } from '../tickets/attachments/attachment-store';
import type { SentFiles } from '../tickets/attachments/attachment.service';
import { parseToFiles, type ParsedMessage } from './parse-to-files';
import { isTnef, tnefFiles } from './tnef';

/** A winmail.dat is read whole to list its files; anything bigger than this is left as it is. */
const MAX_TNEF_BYTES = 50 * 1024 * 1024;

/**
 * A message as it came from the server: in memory (small ones), or already in a file (big ones,
 * streamed there). One in memory is written to a file only when something keeps it — the ticket's
 * `original-message.eml` or the log's original — so most messages cost one file write, not a
 * write and a read back.
 */
export class OriginalMessage {
  private parked: string | null;
  /** Files of this message the store took (renamed away): nothing is left to remove of them. */
  readonly moved = new Set<string>();

  constructor(
    private readonly park: (content: Buffer) => Promise<string>,
    private readonly raw: Buffer | null,
    file: string | null,
  ) {
    this.parked = file;
  }

  stream(): Readable {
    return this.raw ? Readable.from([this.raw]) : createReadStream(this.parked!);
  }

  async head(bytes: number): Promise<Buffer> {
    return this.raw ? this.raw.subarray(0, bytes) : readHead(this.parked!, bytes);
  }

  async size(): Promise<number> {
    return this.raw ? this.raw.length : (await stat(this.parked!)).size;
  }

  async sha256(): Promise<string> {
    if (this.raw) return createHash('sha256').update(this.raw).digest('hex');
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(this.parked!)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  /** The message in a file of its own, for the attachment store to take. */
  async file(): Promise<string> {
    this.parked ??= await this.park(this.raw ?? Buffer.alloc(0));
    return this.parked;
  }

  /** The file, if one was written (to remove when nothing took it). */
  get parkedFile(): string | null {
    return this.parked;
  }

  /** What is still parked of the message and its parts once it is done: to remove. */
  leftovers(parts: readonly { tempPath: string }[]): string[] {
    return [...(this.parked ? [this.parked] : []), ...parts.map((part) => part.tempPath)].filter((path) => !this.moved.has(path));
  }
}

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
    config: ConfigService,
  ) {
    this.incoming = incomingDirOf(config.dataDir);
  }

  /** The original of a message fetched into memory or streamed to `file`. */
  original(source: { raw?: Buffer; file?: string }): OriginalMessage {
    return new OriginalMessage((content) => this.park(content), source.file ? null : (source.raw ?? Buffer.alloc(0)), source.file ?? null);
  }

  /** Content written to a file of its own in the incoming folder. */
  async park(content: Buffer): Promise<string> {
    const tempPath = join(this.incoming, `${randomUUID()}.part`);
    await writeFile(tempPath, content);
    return tempPath;
  }

  /** The first bytes of a file (headers, the report part of a bounce). */
  head(path: string, bytes: number): Promise<Buffer> {
    return readHead(path, bytes);
  }

  parse(original: OriginalMessage): Promise<ParsedMessage> {
    return parseToFiles(original.stream(), this.incoming);
  }

  /**
   * The uploads a ticket message takes: every attachment (inline images too), the files inside a
   * winmail.dat beside it, and the original message.
   */
  async uploads(parsed: ParsedMessage, original: OriginalMessage): Promise<SentFiles> {
    const uploads: Upload[] = [];
    for (const part of parsed.attachments) {
      if (part.size === 0) continue;
      uploads.push({ field: 'files', fileName: part.filename || `${part.cid ? 'inline' : 'attachment'}-${uploads.length + 1}`, declaredType: part.contentType, size: part.size, sha256: part.sha256, tempPath: part.tempPath, tooLarge: false });
      if (part.size > MAX_TNEF_BYTES || !isTnef(part.head)) continue;
      for (const inner of tnefFiles(await readFile(part.tempPath))) uploads.push(await this.upload(inner.name, 'application/octet-stream', inner.content));
    }
    uploads.push({ field: 'files', fileName: 'original-message.eml', declaredType: 'message/rfc822', size: await original.size(), sha256: await original.sha256(), tempPath: await original.file(), tooLarge: false });
    return { uploads };
  }

  /** Notes that a ticket took these uploads of the message: the store moved their files away. */
  taken(original: OriginalMessage, sent: SentFiles): void {
    for (const upload of sent.uploads) original.moved.add(upload.tempPath);
  }

  /**
   * Keeps the original of a message that made no ticket, for the administrators' log, under the id
   * of the message's record (which names it as its `raw_file_id`).
   */
  async keepOriginal(original: OriginalMessage, inboundId: string): Promise<void> {
    const file = await original.file();
    await this.store.claim(file, inboundId);
    original.moved.add(file);
  }

  /** Removes what is still parked (claimed files were renamed away already). */
  async discard(paths: readonly string[]): Promise<void> {
    await Promise.all(paths.map((path) => unlink(path).catch(() => undefined)));
  }

  private async upload(fileName: string, declaredType: string, content: Buffer): Promise<Upload> {
    const tempPath = await this.park(content);
    return { field: 'files', fileName, declaredType, size: content.length, sha256: createHash('sha256').update(content).digest('hex'), tempPath, tooLarge: false };
  }
}
