import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat, unlink } from 'node:fs/promises';
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
 * streamed there). One in memory is written once, where it is kept — the ticket's
 * `original-message.eml` or the log's original — never parked in a file first.
 */
export class OriginalMessage {
  /** Files of this message the store took (renamed away): nothing is left to remove of them. */
  readonly moved = new Set<string>();

  constructor(
    private readonly raw: Buffer | null,
    private readonly file: string | null,
  ) {}

  stream(): Readable {
    return this.raw ? Readable.from([this.raw]) : createReadStream(this.file!);
  }

  /** Whether the message is read from memory (its parts are kept in memory too). */
  get inMemory(): boolean {
    return this.raw !== null;
  }

  async head(bytes: number): Promise<Buffer> {
    return this.raw ? this.raw.subarray(0, bytes) : readHead(this.file!, bytes);
  }

  async size(): Promise<number> {
    return this.raw ? this.raw.length : (await stat(this.file!)).size;
  }

  async sha256(): Promise<string> {
    if (this.raw) return createHash('sha256').update(this.raw).digest('hex');
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(this.file!)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  /** The message as the attachment store takes it: its bytes, or its file. */
  stored(): { tempPath: string | null; content?: Buffer } {
    return this.raw ? { tempPath: null, content: this.raw } : { tempPath: this.file };
  }

  /** What is still parked of the message and its parts once it is done: to remove. */
  leftovers(parts: readonly { tempPath: string | null }[]): string[] {
    return [this.file, ...parts.map((part) => part.tempPath)].filter((path): path is string => path !== null && !this.moved.has(path));
  }
}

/**
 * The files of inbound mail: the original message (the ticket's `original-message.eml` or the
 * log's original) and its attachments. A message small enough to be fetched into memory keeps
 * them there, and each is written once, where the store keeps it; a big one was streamed to the
 * store's incoming folder, its attachments too, and those files are moved into place. Whatever
 * of them no ticket took is removed when the message is done.
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
    return new OriginalMessage(source.file ? null : (source.raw ?? Buffer.alloc(0)), source.file ?? null);
  }

  /** The first bytes of a file (headers, the report part of a bounce). */
  head(path: string, bytes: number): Promise<Buffer> {
    return readHead(path, bytes);
  }

  /** The message parsed: the parts of one read from memory kept in memory, those of a big one in files. */
  parse(original: OriginalMessage): Promise<ParsedMessage> {
    return parseToFiles(original.stream(), original.inMemory ? null : this.incoming);
  }

  /**
   * The uploads a ticket message takes: every attachment (inline images too), the files inside a
   * winmail.dat beside it, and the original message.
   */
  async uploads(parsed: ParsedMessage, original: OriginalMessage): Promise<SentFiles> {
    const uploads: Upload[] = [];
    for (const part of parsed.attachments) {
      if (part.size === 0) continue;
      uploads.push({ field: 'files', fileName: part.filename || `${part.cid ? 'inline' : 'attachment'}-${uploads.length + 1}`, declaredType: part.contentType, size: part.size, sha256: part.sha256, tempPath: part.tempPath, content: part.content, tooLarge: false });
      if (part.size > MAX_TNEF_BYTES || !isTnef(part.head)) continue;
      for (const inner of tnefFiles(part.content ?? (await readFile(part.tempPath!)))) uploads.push(inMemoryUpload(inner.name, 'application/octet-stream', inner.content));
    }
    uploads.push({ field: 'files', fileName: 'original-message.eml', declaredType: 'message/rfc822', size: await original.size(), sha256: await original.sha256(), ...original.stored(), tooLarge: false });
    return { uploads };
  }

  /** Notes that a ticket took these uploads of the message: the store moved their files away. */
  taken(original: OriginalMessage, sent: SentFiles): void {
    for (const upload of sent.uploads) if (upload.tempPath) original.moved.add(upload.tempPath);
  }

  /**
   * Keeps the original of a message that made no ticket, for the administrators' log, under the id
   * of the message's record (which names it as its `raw_file_id`).
   */
  async keepOriginal(original: OriginalMessage, inboundId: string): Promise<void> {
    const stored = original.stored();
    await this.store.keep(stored, inboundId);
    if (stored.tempPath) original.moved.add(stored.tempPath);
  }

  /** Removes what is still parked (claimed files were renamed away already). */
  async discard(paths: readonly string[]): Promise<void> {
    await Promise.all(paths.map((path) => unlink(path).catch(() => undefined)));
  }
}

/** A file found inside another (a winmail.dat), its bytes in memory. */
function inMemoryUpload(fileName: string, declaredType: string, content: Buffer): Upload {
  return { field: 'files', fileName, declaredType, size: content.length, sha256: createHash('sha256').update(content).digest('hex'), tempPath: null, content, tooLarge: false };
}
