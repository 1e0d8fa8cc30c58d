import { CORE_SCHEMA } from '../../src/kernel/database/core-schema';
import { DatabaseService } from '../../src/kernel/database/database.service';
import { UnitOfWork } from '../../src/kernel/database/unit-of-work';
import { HookBus } from '../../src/kernel/hooks/hook-bus';
import { HookVetoError } from '../../src/kernel/hooks/hook-errors';
import { freshDatabaseUrl } from '../harness/test-db';
import { testConfig } from '../support/test-config';

declare module '../../src/kernel/hooks/hook-catalogue' {
  interface HookCatalogue {
    /** Test only: inside the transaction that saves a setting. */
    'test.setting.saving': { kind: 'action'; payload: { key: string } };
    /** Test only: after a setting was saved. */
    'test.setting.saved': { kind: 'action'; payload: { key: string } };
  }
}

describe('hook bus with real PostgreSQL transactions', () => {
  let db: DatabaseService;
  let uow: UnitOfWork;
  let hooks: HookBus;

  beforeAll(async () => {
    db = new DatabaseService(testConfig({ DATABASE_URL: await freshDatabaseUrl('hooks') }), CORE_SCHEMA);
    await db.connect();
    uow = new UnitOfWork(db);
    hooks = new HookBus(uow, { handlerTimeoutMs: 200, maxDepth: 10 });
  });
  afterAll(() => db.stop());

  /** Saves a setting the way a service would: in a transaction, with a veto point and an after-commit action. */
  const save = (key: string) =>
    uow.transaction(async (tx) => {
      await tx.query(`INSERT INTO app_settings (key, value) VALUES ($1, '1')`, [key]);
      await hooks.doActionInTransaction('test.setting.saving', { key });
      hooks.doAction('test.setting.saved', { key });
    });
  const stored = async (key: string) => (await db.dataSource.query(`SELECT 1 FROM app_settings WHERE key = $1`, [key])).length === 1;

  it('rolls the transaction back when an in-transaction handler vetoes, and drops its after-commit actions', async () => {
    const saved: string[] = [];
    const offVeto = hooks.addAction('test.setting.saving', ({ key }) => {
      if (key.startsWith('forbidden')) throw new Error('not allowed');
    });
    const offSaved = hooks.addAction('test.setting.saved', ({ key }) => void saved.push(key));
    try {
      await expect(save('forbidden-1')).rejects.toBeInstanceOf(HookVetoError);
      await save('allowed-1');
      await hooks.settled();
      expect(await stored('forbidden-1')).toBe(false);
      expect(await stored('allowed-1')).toBe(true);
      expect(saved).toEqual(['allowed-1']);
    } finally {
      offVeto();
      offSaved();
    }
  });

  it('vetoes when an in-transaction handler runs out of time', async () => {
    const off = hooks.addAction('test.setting.saving', () => new Promise<void>(() => undefined));
    try {
      await expect(save('slow-1')).rejects.toBeInstanceOf(HookVetoError);
      expect(await stored('slow-1')).toBe(false);
    } finally {
      off();
    }
  });

  it('runs after-commit actions outside the transaction, where they can see the committed row', async () => {
    const seen: boolean[] = [];
    const off = hooks.addAction('test.setting.saved', async ({ key }) => {
      expect(uow.current()).toBeUndefined();
      seen.push(await stored(key));
    });
    try {
      await save('visible-1');
      await hooks.settled();
      expect(seen).toEqual([true]);
    } finally {
      off();
    }
  });
});
