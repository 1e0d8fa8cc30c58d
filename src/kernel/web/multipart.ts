import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { NextFunction, Request, Response } from 'express';
import { csrfTokenValid } from '../security/csrf';
import { DomainError } from './domain-error';

/** A file received with a form or an API call, parked in DATA_DIR until a service claims it. */
export interface Upload {
  readonly field: string;
  /** The name the sender gave, raw: never a path; the consumer cleans it before showing or storing it. */
  readonly fileName: string;
  readonly declaredType: string;
  readonly size: number;
  readonly sha256: string;
  /**
   * Where the bytes wait; gone after the response unless a service moved them away. Null for a
   * small file whose bytes are held in `content` (inbound mail held in memory).
   */
  readonly tempPath: string | null;
  readonly content?: Buffer;
  /** Over the size limit: the bytes were dropped and only the fact is kept, so the form can say so. */
  readonly tooLarge: boolean;
}

export interface MultipartLimits {
  readonly maxFileBytes: number;
  readonly maxFiles: number;
}

declare global {
  namespace Express {
    interface Request {
      /** Files of a multipart request (absent for other requests). */
      uploads?: Upload[];
      /** More files than allowed were sent; the extra ones were dropped. */
      uploadsOverCount?: boolean;
    }
  }
}

/** Where uploads wait: inside DATA_DIR, on the file system their final place is on, so keeping one is a rename. */
export function incomingDirOf(dataDir: string): string {
  return join(dataDir, 'attachments', 'incoming');
}

const FIELD_LIMITS = { fields: 100, fieldSize: 1024 * 1024, parts: 200 };

/**
 * Parses multipart/form-data for signed-in people and API tokens, streaming each file to a temp
 * file under `incomingDir` (hashing and counting on the way, never holding it in memory). It runs
 * before Nest's guards, so it protects itself: a visitor's body is not read at all, and a browser
 * session must have sent a valid `_csrf` field before the first file (forms put it first), or
 * nothing is written. Oversized files are cut off and flagged rather than failing the request, so
 * the page can refuse them beside the field and keep what was typed. Whatever no service claimed
 * is deleted once the response is sent.
 */
export function multipartMiddleware(incomingDir: string, limits: () => MultipartLimits) {
  mkdirSync(incomingDir, { recursive: true });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.is('multipart/form-data') || !(req.actor || req.apiScopes)) return next();
    const { maxFileBytes, maxFiles } = limits();
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { ...FIELD_LIMITS, files: maxFiles, fileSize: maxFileBytes }, defParamCharset: 'utf8' });
    } catch {
      return next(new DomainError('multipart_invalid', 'errors.bad_request', 400));
    }
    const body: Record<string, string | Record<string, string>> = {};
    const uploads: Upload[] = [];
    const writes: Array<Promise<Upload>> = [];
    let refused: DomainError | undefined;
    req.body = body;
    req.uploads = uploads;
    res.once('close', () => {
      for (const upload of uploads) if (upload.tempPath) unlink(upload.tempPath).catch(() => undefined);
    });

    parser.on('field', (name, value) => {
      // One level of grouping, as `custom[model]` → body.custom.model; anything deeper stays flat.
      const group = /^([a-z][a-zA-Z0-9_]{0,39})\[([a-z][a-z0-9_]{0,39})\]$/.exec(name);
      if (group) {
        const nested = (body[group[1]!] ??= {});
        if (typeof nested === 'object' && !(group[2]! in nested)) nested[group[2]!] = value;
      } else if (!(name in body)) body[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      if (refused || !info.filename) return void stream.resume();
      if (!req.apiScopes && !csrfTokenValid(req)) {
        refused = new DomainError('csrf_invalid', 'errors.csrf', 403);
        return void stream.resume();
      }
      writes.push(park(field, stream, info, incomingDir));
    });
    parser.on('filesLimit', () => {
      req.uploadsOverCount = true;
    });
    parser.on('error', (error: Error) => {
      refused ??= new DomainError('multipart_invalid', 'errors.bad_request', 400, { reason: error.message });
    });
    parser.on('close', () => {
      // Files are listed in the order they were sent, whichever finished writing first.
      void Promise.allSettled(writes).then((results) => {
        for (const result of results) if (result.status === 'fulfilled') uploads.push(result.value);
        const failed = results.find((result) => result.status === 'rejected');
        next(failed ? failed.reason : refused);
      });
    });
    req.pipe(parser);
  };
}

/** Streams one file part to a fresh temp file, hashing and counting; flags it when busboy cut it off. */
async function park(field: string, stream: Readable & { truncated?: boolean }, info: busboy.FileInfo, dir: string): Promise<Upload> {
  const tempPath = join(dir, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(stream, meter, createWriteStream(tempPath, { flags: 'wx', mode: 0o600 }));
  } catch (error) {
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  const tooLarge = stream.truncated === true;
  if (tooLarge) await unlink(tempPath).catch(() => undefined);
  return { field, fileName: info.filename ?? '', declaredType: info.mimeType, size, sha256: hash.digest('hex'), tempPath, tooLarge };
}
