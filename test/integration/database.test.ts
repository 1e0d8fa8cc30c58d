import { CORE_SCHEMA } from '../../src/kernel/database/core-schema';
import { DatabaseService } from '../../src/kernel/database/database.service';
import { UnitOfWork } from '../../src/kernel/database/unit-of-work';
import { freshDatabaseUrl } from '../harness/test-db';
import { testConfig } from '../support/test-config';

type Backend = { name: string; env: () => Promise<Record<string, string>> };

const backends: Backend[] = [
  { name: 'embedded PGlite', env: async () => ({}) },
  { name: 'PostgreSQL', env: async () => ({ DATABASE_URL: await freshDatabaseUrl('database') }) },
];

describe.each(backends)('database on $name', ({ name, env }) => {
  let db: DatabaseService;
  let uow: UnitOfWork;

  beforeAll(async () => {
    db = new DatabaseService(testConfig({ ...(await env()), DATABASE__POOL_SIZE: '4' }), CORE_SCHEMA);
    await db.connect();
    uow = new UnitOfWork(db);
  }, 60000);
  afterAll(() => db.stop());

  it('applies every migration and reports ready', async () => {
    expect(await db.readiness()).toEqual({ database: true, migrations: true });
  });

  it('has no drift between the entities and the migrations', async () => {
    const pending = await db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('keeps nothing of a rolled-back transaction while a concurrent one commits', async () => {
    let releaseA!: () => void;
    const aMayFinish = new Promise<void>((resolve) => (releaseA = resolve));
    const a = uow.transaction(async (tx) => {
      await tx.query(`INSERT INTO app_settings (key, value) VALUES ('tx-a', '"a"')`);
      await aMayFinish;
      throw new Error('roll back A');
    });
    const b = uow.transaction(async (tx) => {
      await tx.query(`INSERT INTO app_settings (key, value) VALUES ('tx-b', '"b"')`);
    });
    releaseA();
    await expect(a).rejects.toThrow('roll back A');
    await b;
    const rows = await db.dataSource.query(`SELECT key FROM app_settings WHERE key LIKE 'tx-%' ORDER BY key`);
    expect(rows).toEqual([{ key: 'tx-b' }]);
  });

  it('runs after-commit callbacks only for committed work', async () => {
    const ran: string[] = [];
    await uow.transaction(async () => uow.afterCommit(() => ran.push('committed')));
    await uow.transaction(async () => {
      uow.afterCommit(() => ran.push('rolled back'));
      throw new Error('no');
    }).catch(() => undefined);
    expect(ran).toEqual(['committed']);
  });

  it('pipelines its connections on PostgreSQL only (the embedded server takes one statement at a time)', () => {
    expect((db.dataSource.options as { extra?: { pipeline?: boolean } }).extra?.pipeline).toBe(name === 'PostgreSQL');
  });

  it('sends writes without waiting inside a transaction, in order, and commits them', async () => {
    const seen = await uow.transaction(async (tx) => {
      await uow.write(`INSERT INTO app_settings (key, value) VALUES ('w-1', '"one"')`, []);
      await uow.write(`UPDATE app_settings SET value = '"two"' WHERE key = $1`, ['w-1']);
      // A read after the writes sees them: the connection runs statements in the order sent.
      return tx.query(`SELECT value FROM app_settings WHERE key = 'w-1'`);
    });
    expect(seen).toEqual([{ value: 'two' }]);
    expect(await db.dataSource.query(`SELECT value FROM app_settings WHERE key = 'w-1'`)).toEqual([{ value: 'two' }]);
  });

  // The embedded server gets one statement at a time: nothing to put in one packet there.
  (name === 'PostgreSQL' ? it : it.skip)('sends the writes of one turn and the statement that waits after them in one packet', async () => {
    const packets = await uow.transaction(async (tx) => {
      const socket = (tx.queryRunner as unknown as { databaseConnection: { connection: { stream: { _write: unknown; _writev: unknown } } } }).databaseConnection.connection.stream;
      let count = 0;
      for (const method of ['_write', '_writev'] as const) {
        const original = socket[method] as (...args: unknown[]) => unknown;
        socket[method] = function (this: unknown, ...args: unknown[]) {
          count += 1;
          return original.apply(this, args);
        };
      }
      try {
        for (const key of ['p-1', 'p-2', 'p-3']) await uow.write(`INSERT INTO app_settings (key, value) VALUES ($1, '"x"')`, [key]);
        const [row] = await tx.query(`SELECT count(*)::int AS n FROM app_settings WHERE key LIKE 'p-%'`);
        expect(row).toEqual({ n: 3 });
        return count;
      } finally {
        delete (socket as Record<string, unknown>)._write;
        delete (socket as Record<string, unknown>)._writev;
      }
    });
    expect(packets).toBe(1);
  });

  it('fails the transaction with the error of a write that failed, and keeps nothing of it', async () => {
    await db.dataSource.query(`INSERT INTO app_settings (key, value) VALUES ('w-taken', '"x"')`);
    const outcome = uow.transaction(async (tx) => {
      await uow.write(`INSERT INTO app_settings (key, value) VALUES ('w-kept-not', '"y"')`, []);
      await uow.write(`INSERT INTO app_settings (key, value) VALUES ('w-taken', '"z"')`, []);
      await tx.query(`SELECT 1`).catch(() => undefined); // fails only because the transaction is aborted
    });
    await expect(outcome).rejects.toThrow(/duplicate key/);
    expect(await db.dataSource.query(`SELECT key FROM app_settings WHERE key LIKE 'w-kept%'`)).toEqual([]);
    // The failing write may be the work's last statement, the COMMIT sent right behind it: the
    // transaction still fails with the write's error, and keeps nothing.
    const last = uow.transaction(async () => {
      await uow.write(`INSERT INTO app_settings (key, value) VALUES ('w-kept-not-either', '"y"')`, []);
      await uow.write(`INSERT INTO app_settings (key, value) VALUES ('w-taken', '"z"')`, []);
    });
    await expect(last).rejects.toThrow(/duplicate key/);
    expect(await db.dataSource.query(`SELECT key FROM app_settings WHERE key LIKE 'w-kept%'`)).toEqual([]);
  });

  it('takes pieces of work together in one transaction, results in order', async () => {
    const transactionOf = () => uow.manager().query(`SELECT txid_current()::text AS id`).then((rows: Array<{ id: string }>) => rows[0]!.id);
    const pieces = Array.from({ length: 5 }, (_, i) => async () => {
      await uow.write(`INSERT INTO app_settings (key, value) VALUES ($1, '"t"')`, [`together-${i}`]);
      return { i, tx: await transactionOf() };
    });
    const results = await uow.together(pieces);
    expect(results.map((result) => result.i)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(results.map((result) => result.tx)).size).toBe(1);
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM app_settings WHERE key LIKE 'together-%'`)).toEqual([{ n: 5 }]);
  });

  it('keeps nothing of pieces taken together when one fails, even when it caught the error of its nested transaction', async () => {
    const undone: string[] = [];
    const failing = uow.together([
      async () => {
        await uow.manager().query(`INSERT INTO app_settings (key, value) VALUES ('piece-kept-not', '"a"')`);
        uow.afterRollback(() => undone.push('file of the first piece'));
      },
      async () => {
        throw new Error('second piece refused');
      },
    ]);
    await expect(failing).rejects.toThrow('second piece refused');
    expect(undone).toEqual(['file of the first piece']);
    // A piece that catches its nested transaction's refusal and goes on cannot keep the rest of
    // that nested work out of the shared transaction: the whole is refused instead.
    const caught = uow.together([
      async () => {
        await uow.transaction(async (tx) => {
          await tx.query(`INSERT INTO app_settings (key, value) VALUES ('piece-kept-not-either', '"b"')`);
          throw new Error('nested refusal');
        }).catch(() => 'quarantined instead');
        await uow.manager().query(`INSERT INTO app_settings (key, value) VALUES ('piece-kept-not-too', '"c"')`);
      },
    ]);
    await expect(caught).rejects.toThrow('nested refusal');
    expect(await db.dataSource.query(`SELECT key FROM app_settings WHERE key LIKE 'piece-kept%'`)).toEqual([]);
    await uow.transaction(async () => uow.afterRollback(() => undone.push('committed work'))); // not undone
    expect(undone).toEqual(['file of the first piece']);
  });

  it('keeps pieces that take the same name apart: one runs its part after the other ends', async () => {
    const seen: string[] = [];
    const piece = (name: string) => async () => {
      seen.push(`${name} asks`);
      await uow.exclusive('queue:1');
      seen.push(`${name} holds`);
      await uow.manager().query(`SELECT pg_sleep(0.01)`);
      seen.push(`${name} ends`);
    };
    await uow.together([piece('a'), piece('b')]);
    expect(seen).toEqual(['a asks', 'b asks', 'a holds', 'a ends', 'b holds', 'b ends']);
    // Outside pieces it does nothing: the database's lock keeps transactions apart.
    await expect(uow.transaction(() => uow.exclusive('queue:1'))).resolves.toBeUndefined();
  });

  it('keeps what a service asks it to for the rest of one transaction only', async () => {
    expect(uow.kept('memo', () => ({ n: 0 }))).toBeNull();
    const seen = await uow.transaction(async () => {
      const first = uow.kept('memo', () => ({ n: 0 }))!;
      first.n += 1;
      return [first.n, uow.kept('memo', () => ({ n: 100 }))!.n];
    });
    expect(seen).toEqual([1, 1]);
    expect(await uow.transaction(async () => uow.kept('memo', () => ({ n: 7 }))!.n)).toBe(7);
  });

  it('runs a statement prepared by name as often as asked, in and out of a transaction', async () => {
    const sql = `SELECT $1::int * 2 AS doubled`;
    expect(await uow.query(sql, [21], 'test-doubled')).toEqual([{ doubled: 42 }]);
    expect(await uow.transaction(() => uow.query(sql, [4], 'test-doubled'))).toEqual([{ doubled: 8 }]);
    expect(await uow.together([() => uow.query(sql, [5], 'test-doubled'), () => uow.query(sql, [6], 'test-doubled')])).toEqual([[{ doubled: 10 }], [{ doubled: 12 }]]);
  });

  it('serves as many concurrent queries as the pool holds', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => db.dataSource.query('SELECT $1::int AS n, pg_sleep(0.02)', [i])));
    expect(results.map((rows) => rows[0].n)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('has pg_trgm', async () => {
    const [row] = await db.dataSource.query(`SELECT similarity('service desk', 'servise desk') > 0.3 AS close`);
    expect(row.close).toBe(true);
  });
});
