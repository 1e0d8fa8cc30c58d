import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MailParser, type AddressObject, type AttachmentStream, type MessageText } from 'mailparser';
import { keepHtmlToTextConverters } from './html-to-text-converters';

keepHtmlToTextConverters();

/** The longest body (HTML or text, in characters) read at all; a longer one makes the message unreadable. */
export const MAX_BODY_CHARS = 5_000_000;
/** What is kept of each attachment's start. */
const HEAD_BYTES = 16;

/**
 * One attachment: on disk (streamed there, never held whole in memory), or — for a message read
 * from memory, whose parts are no bigger than itself — its bytes.
 */
export interface StoredPart {
  filename: string | null;
  contentType: string;
  cid: string | null;
  size: number;
  sha256: string;
  tempPath: string | null;
  content?: Buffer;
  /** The first bytes (up to 16): what kind of file it is, without reading it again. */
  head: Buffer;
}

/** A parsed message: its headers and text in memory, its files on disk. */
export interface ParsedMessage {
  headers: Map<string, unknown>;
  subject: string;
  from: AddressObject | null;
  cc: AddressObject[];
  messageId: string | null;
  inReplyTo: string | undefined;
  references: string | undefined;
  date: Date | null;
  text: string;
  html: string;
  attachments: StoredPart[];
}

type Stored = Pick<StoredPart, 'tempPath' | 'content' | 'size' | 'sha256' | 'head'>;

/** A part's bytes, counted and hashed: in memory, or in a temp file in `dir` (`dir` null: memory). */
async function storePart(content: Readable, dir: string | null): Promise<Stored> {
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const measure = (chunk: Buffer) => {
    if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
    size += chunk.length;
    hash.update(chunk);
  };
  if (dir === null) {
    const chunks: Buffer[] = [];
    for await (const chunk of content as AsyncIterable<Buffer>) {
      measure(chunk);
      chunks.push(chunk);
    }
    return { tempPath: null, content: Buffer.concat(chunks), size, sha256: hash.digest('hex'), head };
  }
  const tempPath = join(dir, `${randomUUID()}.part`);
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      measure(chunk);
      done(null, chunk);
    },
  });
  await pipeline(content, meter, createWriteStream(tempPath));
  return { tempPath, size, sha256: hash.digest('hex'), head };
}

const joined = (value: unknown): string | undefined => (Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : undefined);

/**
 * Parses a message from a stream with mailparser's streaming parser, writing each attachment to
 * a temp file in `dir` as it is decoded, so a 25 MB attachment costs a file, not 25 MB of memory
 * (twice). A message small enough to be read from memory (`dir` null) keeps its parts in memory
 * too: they are written once, where they are stored. Charsets are decoded as mailparser does;
 * `cid:` links stay as they are. On failure the files written so far are removed.
 */
export function parseToFiles(input: Readable, dir: string | null): Promise<ParsedMessage> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ skipTextToHtml: true, skipImageLinks: true });
    const attachments: StoredPart[] = [];
    let headers = new Map<string, unknown>();
    let text = '';
    let html = '';
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      input.destroy();
      parser.destroy();
      void Promise.all(attachments.map((part) => (part.tempPath ? unlink(part.tempPath).catch(() => undefined) : undefined))).then(() => reject(error));
    };
    let reading = false;
    const read = (): void => {
      reading = true;
      const data = parser.read() as AttachmentStream | MessageText | null;
      if (data === null) {
        reading = false;
        return;
      }
      if (data.type === 'text') {
        text = data.text ?? '';
        html = typeof data.html === 'string' ? data.html : '';
        // A body this long is no message a person wrote: refuse it (quarantine) rather than sanitize megabytes.
        if (html.length > MAX_BODY_CHARS || text.length > MAX_BODY_CHARS) {
          fail(new Error(`the message body is longer than ${MAX_BODY_CHARS} characters`));
          return;
        }
        read();
        return;
      }
      storePart(data.content as Readable, dir).then(
        (stored) => {
          attachments.push({ ...stored, filename: data.filename ?? null, contentType: data.contentType || 'application/octet-stream', cid: data.cid ?? null });
          data.release?.();
          read();
        },
        fail,
      );
    };
    parser.on('headers', (parsed: Map<string, unknown>) => (headers = parsed));
    parser.on('readable', () => !reading && read());
    parser.on('error', fail);
    parser.on('end', () => {
      if (failed) return;
      const cc = headers.get('cc') as AddressObject | AddressObject[] | undefined;
      const date = headers.get('date');
      resolve({
        headers,
        subject: String(headers.get('subject') ?? ''),
        from: (headers.get('from') as AddressObject | undefined) ?? null,
        cc: Array.isArray(cc) ? cc : cc ? [cc] : [],
        messageId: typeof headers.get('message-id') === 'string' ? (headers.get('message-id') as string) : null,
        inReplyTo: joined(headers.get('in-reply-to')),
        references: joined(headers.get('references')),
        date: date instanceof Date ? date : null,
        text,
        html,
        attachments,
      });
    });
    input.once('error', fail).pipe(parser);
  });
}
