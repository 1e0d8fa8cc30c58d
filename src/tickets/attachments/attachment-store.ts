import { createReadStream, mkdirSync, type ReadStream } from 'node:fs';
import { mkdir, open, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '../../kernel/config/config.service';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { incomingDirOf } from '../../kernel/web/multipart';

/**
 * Attachment bytes on disk: DATA_DIR/attachments/<2 hex>/<id>, named by the attachment's id so no
 * name anyone sent ever becomes part of a path. Uploads are parked in attachments/incoming (the
 * same file system), so claiming one is a rename.
 */
@Injectable()
export class AttachmentStore {
  readonly root: string;

  constructor(
    config: ConfigService,
    private readonly uow: UnitOfWork,
  ) {
    this.root = join(config.dataDir, 'attachments');
    mkdirSync(incomingDirOf(config.dataDir), { recursive: true });
  }

  private pathOf(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error('attachment id expected');
    return join(this.root, id.slice(0, 2), id);
  }

  /** Moves a parked upload to its place under the attachment's id. */
  private async claim(tempPath: string, id: string): Promise<void> {
    await this.place(id, (target) => rename(tempPath, target));
  }

  /**
   * Puts a file in its place, then has it removed if the transaction rolls back: no row will ever
   * name it. Only once it is in place, so a refused put never removes a file that was there before.
   */
  private async place(id: string, put: (target: string) => Promise<void>): Promise<void> {
    const target = this.pathOf(id);
    await this.whereFolderExists(target, () => put(target));
    this.uow.afterRollback(() => void this.remove(id));
  }

  /** Runs `put`, making the target's folder first if it finds it missing: one system call per file, not two. */
  private async whereFolderExists(target: string, put: () => Promise<void>): Promise<void> {
    await put().catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      await mkdir(dirname(target), { recursive: true });
      await put();
    });
  }

  /** Stores an upload under the attachment's id: its parked file moved into place, or its bytes written there. */
  async keep(upload: { tempPath: string | null; content?: Buffer }, id: string): Promise<void> {
    if (upload.content) await this.write(upload.content, id);
    else if (upload.tempPath) await this.claim(upload.tempPath, id);
    else throw new Error('an upload has either a parked file or its bytes');
  }

  /**
   * Writes bytes held in memory straight to their place (no parked copy to write and move). A
   * write that fails part-way leaves no partial file; one refused because the file exists leaves
   * that file alone.
   */
  private async write(content: Buffer, id: string): Promise<void> {
    await this.place(id, async (target) => {
      try {
        await writeFile(target, content, { flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') await unlink(target).catch(() => undefined);
        throw error;
      }
    });
  }

  /** The first bytes, to tell what the file really is before serving it. */
  head(id: string, bytes = 16): Promise<Buffer> {
    return readHead(this.pathOf(id), bytes);
  }

  stream(id: string): ReadStream {
    return createReadStream(this.pathOf(id));
  }

  async remove(id: string): Promise<void> {
    await unlink(this.pathOf(id)).catch(() => undefined);
  }
}

/** The first `bytes` of a file (fewer when it is shorter). */
export async function readHead(path: string, bytes: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
