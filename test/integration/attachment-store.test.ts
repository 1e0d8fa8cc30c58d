import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_SCHEMA } from '../../src/kernel/database/core-schema';
import { DatabaseService } from '../../src/kernel/database/database.service';
import { UnitOfWork } from '../../src/kernel/database/unit-of-work';
import { AttachmentStore } from '../../src/tickets/attachments/attachment-store';
import { testConfig } from '../support/test-config';

// Bytes held in memory are written straight to their place: byte for byte, never over a file that
// is there (a refused write must not remove it either), and gone again when the transaction rolls back.
describe('attachment store, bytes held in memory', () => {
  const config = testConfig();
  let db: DatabaseService;
  let uow: UnitOfWork;
  let store: AttachmentStore;
  const first = randomBytes(3_000);
  const second = randomBytes(900_000);
  const fileOf = (id: string) => join(config.dataDir, 'attachments', id.slice(0, 2), id);

  beforeAll(async () => {
    db = new DatabaseService(config, CORE_SCHEMA);
    await db.connect();
    uow = new UnitOfWork(db);
    store = new AttachmentStore(config, uow);
  }, 60000);
  afterAll(() => db.stop());

  it('writes files to their place, making the folder, and never over another', async () => {
    const [firstId, secondId] = [randomUUID(), randomUUID()];
    await uow.transaction(async () => {
      await store.keep({ tempPath: null, content: first }, firstId);
      await store.keep({ tempPath: null, content: second }, secondId);
    });
    expect(readFileSync(fileOf(firstId)).equals(first)).toBe(true);
    expect(readFileSync(fileOf(secondId)).equals(second)).toBe(true);
    for (const id of [firstId, secondId]) {
      await expect(uow.transaction(() => store.keep({ tempPath: null, content: Buffer.from('other') }, id))).rejects.toMatchObject({ code: 'EEXIST' });
    }
    expect(readFileSync(fileOf(firstId)).equals(first)).toBe(true);
    expect(readFileSync(fileOf(secondId)).equals(second)).toBe(true);
  });

  it('removes what it wrote when the transaction rolls back', async () => {
    const [firstId, secondId] = [randomUUID(), randomUUID()];
    const refused = uow.transaction(async () => {
      await store.keep({ tempPath: null, content: first }, firstId);
      await store.keep({ tempPath: null, content: second }, secondId);
      expect(existsSync(fileOf(firstId)) && existsSync(fileOf(secondId))).toBe(true);
      throw new Error('the ticket was refused');
    });
    await expect(refused).rejects.toThrow('the ticket was refused');
    // Removal runs after the rollback without being awaited by it.
    for (let tries = 0; tries < 50 && (existsSync(fileOf(firstId)) || existsSync(fileOf(secondId))); tries += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect([existsSync(fileOf(firstId)), existsSync(fileOf(secondId))]).toEqual([false, false]);
  });
});
